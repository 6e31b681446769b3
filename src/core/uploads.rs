//! Uploading a file as a local user: pictures are stripped of their metadata and shaped on
//! the blocking pool, files are moved into place, and the object is stored unposted.
use crate::app::App;
use crate::error::{Error, Result};
use crate::media::mime;
use crate::media::picture::Limits;
use crate::media::prepare::{self, Prepared, Purpose};
use crate::media::Error as MediaError;
use crate::social::render::{self, Viewer, FULL};
use crate::social::{objects, urls};
use crate::util::tempfile::TempFile;
use crate::util::{rand, time};
use serde_json::{json, Map, Value};
use std::path::PathBuf;

/// A file received for upload, with what its sender said of it.
pub struct Upload {
    pub mime_type: String,
    pub file: TempFile,
    pub title: Option<String>,
    pub description: Option<String>,
    /// More of the object's properties: the web form's alt text and content warning.
    pub extra: Map<String, Value>,
}

/// Where uploads are kept; uploads not enabled answer as an unknown route.
pub fn upload_dir(app: &App) -> Result<PathBuf> {
    app.cfg
        .uploads
        .clone()
        .ok_or_else(|| Error::NotFound("Unknown type: user".into()))
}

/// Strips and shapes an image on the blocking pool, at most `imageWorkers` at a time.
async fn picture(
    app: &App,
    src: &TempFile,
    dir: &std::path::Path,
    purpose: Purpose,
) -> Result<Prepared> {
    let src = src.path().ok_or_else(|| Error::internal("upload gone"))?;
    let format = {
        let s = src.clone();
        smol::unblock(move || prepare::sniff(&s)).await?
    };
    let Some(format) = format else {
        return Err(Error::Unsupported(
            "Pictures must be JPEG, PNG, GIF or WebP".into(),
        ));
    };
    let limits = Limits {
        max_pixels: app.cfg.max_image_pixels,
        max_alloc: app.cfg.max_image_memory,
    };
    let work = crate::util::tempfile::incoming_dir(dir);
    let _turn = app.images.acquire().await;
    let job = move || {
        // Third-party decoders meet hostile files here: a panic must not end the server.
        crate::util::panics::contained(|| prepare::prepare(&src, format, &work, purpose, &limits))
            .unwrap_or_else(|| {
                Err(MediaError::Invalid(
                    "the picture could not be decoded".into(),
                ))
            })
    };
    Ok(smol::unblock(job).await?)
}

/// An upload made ready to store: its object's properties and its files, still temporary.
struct Ready {
    kind: &'static str,
    obj: Map<String, Value>,
    /// Files to move into place: (relative path, temporary file).
    files: Vec<(String, TempFile)>,
}

/// Stores an uploaded file as an unposted object of `nick`'s and returns it as JSON.
pub async fn create(app: &App, nick: &str, upload: Upload, purpose: Purpose) -> Result<Value> {
    with_attachments(app, nick, upload, Vec::new(), purpose).await
}

/// Stores `main` with more pictures attached (each with its own alt text) in one transaction:
/// the attached files are served to whoever may see `main`, and go with it.
pub async fn with_attachments(
    app: &App,
    nick: &str,
    main: Upload,
    attached: Vec<Upload>,
    purpose: Purpose,
) -> Result<Value> {
    let dir = upload_dir(app)?;
    // Every file is checked and shaped before anything is stored.
    let main = ready(app, &dir, nick, main, purpose).await?;
    let mut others = Vec::new();
    for up in attached {
        let r = ready(app, &dir, nick, up, purpose).await?;
        if r.kind != "image" {
            return Err(Error::Unsupported("Only pictures can be attached".into()));
        }
        others.push(r);
    }
    let kept = keep_all(&dir, std::iter::once(&main).chain(&others))?;
    let (cfg, nick_owned) = (app.cfg.clone(), nick.to_string());
    let stored = app
        .store
        .write(move |w| store(w, &cfg, &nick_owned, &main, &others))
        .await;
    let stored = match stored {
        Ok(o) => o,
        Err(e) => {
            // Nothing refers to the files: do not leave them behind.
            remove_all(&kept);
            return Err(e);
        }
    };
    let me_id = urls::person_id(&app.cfg, nick);
    app.store
        .read(|r| render::object(r, Viewer { id: Some(&me_id) }, &stored, FULL))
}

/// Checks and shapes one upload: a picture is stripped and made smaller.
async fn ready(
    app: &App,
    dir: &std::path::Path,
    nick: &str,
    upload: Upload,
    purpose: Purpose,
) -> Result<Ready> {
    let mime_type = upload.mime_type;
    if mime_type.is_empty() {
        return Err(Error::bad("No mime type"));
    }
    if upload.file.size == 0 {
        return Err(Error::bad("No file, or an empty one"));
    }
    let (ext, kind) = mime::classify(&mime_type);
    if purpose == Purpose::Avatar && kind != "image" {
        return Err(Error::Unsupported("An avatar must be a picture".into()));
    }
    let (y, m, d) = time::civil_from_days(time::now_secs().div_euclid(86_400));
    let stem = format!("{nick}/{y}/{m}/{d}/{}", rand::token(4));
    let link = |rel: &str| app.url(&format!("/uploads/{rel}"));
    let mut obj = Map::new();
    let mut files: Vec<(String, TempFile)> = Vec::new();
    if kind == "image" {
        // Photos carry EXIF (GPS): only the stripped copy and the pictures made from it are kept.
        let p = picture(app, &upload.file, dir, purpose).await?;
        let full_rel = format!("{stem}.{}", p.format.ext());
        let full = json!({"url": link(&full_rel), "width": p.width, "height": p.height});
        match p.small {
            Some((file, made)) => {
                let rel = format!("{stem}_thumb.{}", made.ext);
                obj.insert(
                    "image".into(),
                    json!({"url": link(&rel), "width": made.width, "height": made.height}),
                );
                files.push((rel, file));
            }
            None => {
                obj.insert("image".into(), full.clone());
            }
        }
        obj.insert("fullImage".into(), full);
        files.push((full_rel, p.full));
    } else {
        let rel = format!("{stem}.{ext}");
        let url = link(&rel);
        if kind == "audio" || kind == "video" {
            obj.insert("stream".into(), json!({"url": url}));
        } else {
            obj.insert("fileUrl".into(), json!(url));
            obj.insert(
                "mimeType".into(),
                json!(mime_type.split(';').next().unwrap_or("").trim()),
            );
        }
        files.push((rel, upload.file));
    }
    if let Some(t) = upload.title.filter(|t| !t.is_empty()) {
        obj.insert("displayName".into(), json!(t));
    }
    if let Some(desc) = upload.description.filter(|t| !t.is_empty()) {
        obj.insert(
            "content".into(),
            json!(crate::social::sanitize::html(&desc)),
        );
    }
    obj.extend(upload.extra);
    obj.insert(
        "author".into(),
        json!({"id": urls::person_id(&app.cfg, nick), "objectType": "person"}),
    );
    Ok(Ready { kind, obj, files })
}

/// Moves every file into place; on a failure, the ones moved already are removed.
fn keep_all<'a>(
    dir: &std::path::Path,
    all: impl Iterator<Item = &'a Ready>,
) -> Result<Vec<PathBuf>> {
    let mut kept = Vec::new();
    for (rel, file) in all.flat_map(|r| &r.files) {
        let dest = dir.join(rel);
        let moved = match dest.parent() {
            Some(parent) => std::fs::create_dir_all(parent).and_then(|_| file.keep(&dest)),
            None => file.keep(&dest),
        };
        if let Err(e) = moved {
            remove_all(&kept);
            return Err(e.into());
        }
        kept.push(dest);
    }
    Ok(kept)
}

/// Writes the object, with the other pictures in its `attachments` (parts of it, not objects
/// of their own): their files belong to it, so that they are served as it is and deleted
/// with it.
fn store(
    w: &crate::store::W,
    cfg: &crate::config::Config,
    nick: &str,
    main: &Ready,
    others: &[Ready],
) -> Result<objects::Object> {
    let mut obj = main.obj.clone();
    let attachments: Vec<Value> = others
        .iter()
        .map(|r| {
            let mut a = json!({"objectType": r.kind});
            for k in ["image", "fullImage", "alt"] {
                if let Some(v) = r.obj.get(k) {
                    a[k] = v.clone();
                }
            }
            a
        })
        .collect();
    if !attachments.is_empty() {
        obj.insert("attachments".into(), Value::Array(attachments));
    }
    let o = objects::new_local(cfg, main.kind, Some(nick), obj);
    objects::put(w, &o)?;
    let id = objects::id_of(&o).unwrap_or_default();
    let files = std::iter::once(main).chain(others).flat_map(|r| &r.files);
    for (rel, _) in files {
        crate::social::upload_paths::put(w, rel, id)?;
    }
    w.stream_push(&urls::stream(nick, "uploads"), id)?;
    Ok(o)
}

fn remove_all(paths: &[PathBuf]) {
    for p in paths {
        let _ = std::fs::remove_file(p);
    }
}
