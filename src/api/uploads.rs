//! Uploads: `POST`/`GET /api/user/<nick>/uploads` (api.md §11.5) and the files themselves,
//! `GET /uploads/<path>` (§18).
use super::auth::{self, same_user};
use super::feeds::user_name;
use super::graph::object_feed;
use crate::app::App;
use crate::error::{Error, Result};
use crate::http::{Req, Resp};
use crate::media::{mime, serve};
use crate::oauth::verify;
use crate::social::render::{self, Viewer, FULL};
use crate::social::{addressing, objects, urls};
use crate::store::{Read, Table};
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
    let dir = upload_dir(app)?;
    // A raw body was streamed to disk by the HTTP layer; a JSON body carries base64 data.
    let json_upload;
    let (mime_type, upload) = match &req.upload {
        Some(u) => (req.content_type(), u),
        None => {
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
            let incoming = crate::http::upload::incoming_dir(&dir);
            std::fs::create_dir_all(&incoming)?;
            let path = incoming.join(rand::token(16));
            let size = bytes.len() as u64;
            let p = path.clone();
            smol::unblock(move || std::fs::write(&p, bytes)).await?;
            json_upload = crate::http::upload::Upload::new(path, size);
            (mime_type, &json_upload)
        }
    };
    if mime_type.is_empty() {
        return Err(Error::bad("No mime type"));
    }
    let (ext, kind) = mime::classify(&mime_type);
    // Photos carry EXIF (GPS) and SVG can carry scripts: images wait for the image step, which
    // strips metadata and re-encodes, rather than being served as uploaded.
    if kind == "image" {
        return Err(Error::Unsupported(
            "Image uploads are not supported yet: they need metadata stripping and thumbnails"
                .into(),
        ));
    }
    let (y, m, d) = time::civil_from_days(time::now_secs().div_euclid(86_400));
    let rel = format!("{nick}/{y}/{m}/{d}/{}.{ext}", rand::token(4));
    let dest = dir.join(&rel);
    if let Some(parent) = dest.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let url = app.url(&format!("/uploads/{rel}"));
    let mut obj = Map::new();
    match kind {
        "image" => {
            obj.insert("image".into(), json!({"url": url}));
            obj.insert("fullImage".into(), json!({"url": url}));
        }
        "audio" | "video" => {
            obj.insert("stream".into(), json!({"url": url}));
        }
        _ => {
            obj.insert("fileUrl".into(), json!(url));
            obj.insert(
                "mimeType".into(),
                json!(mime_type.split(';').next().unwrap_or("").trim()),
            );
        }
    }
    if let Some(t) = req.query_param("title") {
        obj.insert("displayName".into(), json!(t));
    }
    if let Some(desc) = req.query_param("description") {
        obj.insert(
            "content".into(),
            json!(crate::social::sanitize::html(&desc)),
        );
    }
    obj.insert(
        "author".into(),
        json!({"id": urls::person_id(&app.cfg, nick), "objectType": "person"}),
    );
    obj.insert("_slug".into(), json!(rel));
    upload.keep(&dest)?;
    let (cfg, nick_owned, rel_owned) = (app.cfg.clone(), nick.to_string(), rel.clone());
    let stored = app
        .store
        .write(move |w| {
            let o = objects::new_local(&cfg, kind, Some(&nick_owned), obj.clone());
            objects::put(w, &o)?;
            let id = objects::id_of(&o).unwrap_or_default();
            w.put(Table::UploadPath, &rel_owned, &id)?;
            w.stream_push(&urls::stream(&nick_owned, "uploads"), id)?;
            Ok(o)
        })
        .await;
    let stored = match stored {
        Ok(o) => o,
        Err(e) => {
            // Nothing refers to the file: do not leave it behind.
            let _ = std::fs::remove_file(&dest);
            return Err(e);
        }
    };
    let me_id = urls::person_id(&app.cfg, nick);
    let out = app
        .store
        .read(|r| render::object(r, Viewer { id: Some(&me_id) }, &stored, FULL))?;
    Ok(Resp::json(&out))
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
