//! Uploads: `POST`/`GET /api/user/<nick>/uploads` (api.md §11.5) and the files themselves,
//! `GET /uploads/<path>` (§18).
use super::auth::{self, same_user};
use super::feeds::user_name;
use super::graph::object_feed;
use crate::app::App;
use crate::error::{Error, Result};
use crate::http::request::FileBody;
use crate::http::{Req, Resp};
use crate::media::picture::Limits;
use crate::media::prepare::{self, Prepared, Purpose};
use crate::media::Error as MediaError;
use crate::media::{mime, serve};
use crate::oauth::verify;
use crate::social::render::{self, Viewer, FULL};
use crate::social::{addressing, objects, urls};
use crate::store::{Read, Table};
use crate::util::tempfile::TempFile;
use crate::util::{rand, time};
use base64::Engine;
use serde_json::{json, Map, Value};
use std::path::PathBuf;

fn upload_dir(app: &App) -> Result<PathBuf> {
    app.cfg
        .uploads
        .clone()
        .ok_or_else(|| Error::NotFound("Unknown type: user".into()))
}

/// Standard or URL-safe base64, with or without padding.
fn decode_base64(data: &str) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let d = data.trim();
    [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|e| e.decode(d).ok())
}

pub async fn post(app: &App, req: &Req, nick: &str) -> Result<Resp> {
    let (me, _) = auth::user_write(app, req)?;
    same_user(&me, nick)?;
    let obj = create(app, req, nick, Purpose::Post).await?;
    Ok(Resp::json(&obj))
}

/// The uploaded file: streamed to disk by the HTTP layer, or base64 in a JSON body (API only).
async fn file_body(app: &App, req: &Req, dir: &std::path::Path) -> Result<(String, FileBody)> {
    if let Some(u) = &req.upload {
        let mime_type = u
            .mime
            .clone()
            .or_else(|| req.header("x-mime-type").map(str::to_string))
            .unwrap_or_else(|| req.content_type());
        let file = u
            .file
            .take()
            .ok_or_else(|| Error::internal("upload taken twice"))?;
        let fields = u.fields.clone();
        return Ok((
            mime_type,
            FileBody {
                file,
                mime: None,
                fields,
            },
        ));
    }
    let body = req.json()?;
    let mime_type = body
        .get("mimeType")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::bad("No mime type"))?
        .to_string();
    let data = body
        .get("data")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::bad("No data"))?;
    let bytes = decode_base64(data).ok_or_else(|| Error::bad("data is not base64"))?;
    if bytes.len() as u64 > app.cfg.max_upload_size {
        return Err(Error::TooLarge(format!(
            "Upload is larger than {} bytes",
            app.cfg.max_upload_size
        )));
    }
    let incoming = crate::util::tempfile::incoming_dir(dir);
    std::fs::create_dir_all(&incoming)?;
    let path = incoming.join(rand::token(16));
    let size = bytes.len() as u64;
    let file = TempFile::new(path.clone(), size);
    smol::unblock(move || std::fs::write(&path, bytes)).await?;
    Ok((
        mime_type,
        FileBody {
            file,
            mime: None,
            fields: Vec::new(),
        },
    ))
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

/// Stores an uploaded file as an unposted object of `nick`'s and returns it as JSON.
pub async fn create(app: &App, req: &Req, nick: &str, purpose: Purpose) -> Result<Value> {
    let dir = upload_dir(app)?;
    let (mime_type, upload) = file_body(app, req, &dir).await?;
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
    // Files to move into place: (relative path, temporary file).
    let mut files: Vec<(String, TempFile)> = Vec::new();
    if kind == "image" {
        // Photos carry EXIF (GPS): only the stripped copy and the pictures made from it are kept.
        let p = picture(app, &upload.file, &dir, purpose).await?;
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
    let field = |name: &str| {
        req.query_param(name).or_else(|| {
            upload
                .fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        })
    };
    if let Some(t) = field("title").filter(|t| !t.is_empty()) {
        obj.insert("displayName".into(), json!(t));
    }
    if let Some(desc) = field("description").filter(|t| !t.is_empty()) {
        obj.insert(
            "content".into(),
            json!(crate::social::sanitize::html(&desc)),
        );
    }
    obj.insert(
        "author".into(),
        json!({"id": urls::person_id(&app.cfg, nick), "objectType": "person"}),
    );
    let mut kept = Vec::new();
    for (rel, file) in &files {
        let dest = dir.join(rel);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)?;
        }
        if let Err(e) = file.keep(&dest) {
            remove_all(&kept);
            return Err(e.into());
        }
        kept.push(dest);
    }
    let rels: Vec<String> = files.iter().map(|(r, _)| r.clone()).collect();
    let (cfg, nick_owned) = (app.cfg.clone(), nick.to_string());
    let stored = app
        .store
        .write(move |w| {
            let o = objects::new_local(&cfg, kind, Some(&nick_owned), obj.clone());
            objects::put(w, &o)?;
            let id = objects::id_of(&o).unwrap_or_default();
            for rel in &rels {
                w.put(Table::UploadPath, rel, &id)?;
            }
            w.stream_push(&urls::stream(&nick_owned, "uploads"), id)?;
            Ok(o)
        })
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

fn remove_all(paths: &[PathBuf]) {
    for p in paths {
        let _ = std::fs::remove_file(p);
    }
}

pub fn list(app: &App, req: &Req, nick: &str) -> Result<Resp> {
    upload_dir(app)?;
    let me = auth::user_read(app, req)?;
    same_user(&me, nick)?;
    let me_id = urls::person_id(&app.cfg, &me);
    let url = urls::user_api(&app.cfg, nick, "uploads");
    super::negotiate::cached(app, req, Some(&me), || {
        app.store.read(|r| {
            let name = user_name(r, app, nick)?;
            let stream = urls::stream(nick, "uploads");
            Ok(object_feed(
                r,
                req,
                Viewer { id: Some(&me_id) },
                &stream,
                &url,
                format!("Uploads by {name}"),
                Some(&me_id),
                false,
            )?
            .0)
        })
    })
}

/// `GET /uploads/<path>`: the author, or anyone the posting activity reaches (api.md §18).
pub fn file(app: &App, req: &Req, rel: &str) -> Result<Resp> {
    let dir = upload_dir(app)?;
    let not_allowed = || Error::Forbidden("Not allowed".into());
    let ext = rel
        .rsplit_once('.')
        .map(|(_, e)| e)
        .ok_or_else(not_allowed)?;
    let content_type = mime::for_extension(ext).ok_or_else(not_allowed)?;
    if rel
        .split('/')
        .any(|s| s.is_empty() || s == "." || s == ".." || s.starts_with('.'))
    {
        return Err(not_allowed());
    }
    // Optional credentials: OAuth in the header (two- or three-legged), else nobody.
    let viewer = match req
        .header("authorization")
        .filter(|h| h.trim_start().to_ascii_lowercase().starts_with("oauth"))
    {
        Some(h) => verify::check(app, req, h.contains("oauth_token"))?
            .token
            .map(|t| urls::person_id(&app.cfg, &t.nick)),
        None => None,
    };
    let allowed = app.store.read(|r| {
        let Some(id) = r.get::<String>(Table::UploadPath, rel)? else {
            return Err(Error::NotFound(format!("No such file: {rel}")));
        };
        let obj =
            objects::get(r, &id)?.ok_or_else(|| Error::NotFound(format!("No such file: {rel}")))?;
        addressing::object_visible(r, &obj, viewer.as_deref())
    })?;
    if !allowed {
        return Err(not_allowed());
    }
    serve::file(req, &dir.join(rel), content_type).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::NotFound(format!("No such file: {rel}")),
        _ => Error::internal(e),
    })
}
