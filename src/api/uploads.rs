//! Uploads: `POST`/`GET /api/user/<nick>/uploads` (api.md §11.5) and the files themselves,
//! `GET /uploads/<path>` (§18).
use super::feeds::user_name;
use crate::app::App;
use crate::core::feeds::{self, FeedQuery};
use crate::core::paging::Page;
use crate::core::uploads::{create, upload_dir, Upload};
use crate::error::{Error, Result};
use crate::http::{Req, Resp};
use crate::media::prepare::Purpose;
use crate::media::{mime, serve};
use crate::principal::{self as auth, same_user};
use crate::social::render::Viewer;
use crate::social::{addressing, objects, urls};
use crate::util::rand;
use crate::util::tempfile::TempFile;
use base64::Engine;
use serde_json::Value;

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
    let upload = file_body(app, req, &dir).await?;
    let obj = create(app, nick, upload, Purpose::Post).await?;
    Ok(Resp::json(&obj))
}

/// The uploaded file: streamed to disk by the HTTP layer, or base64 in a JSON body (API only).
async fn file_body(app: &App, req: &Req, dir: &std::path::Path) -> Result<Upload> {
    let described = |(mime_type, file)| Upload {
        mime_type,
        file,
        title: req.upload_field("title"),
        description: req.upload_field("description"),
        extra: Default::default(),
    };
    if let Some(streamed) = req.take_file() {
        return streamed.map(described);
    }
    if req.upload.is_some() {
        // A form with no file in it (or an empty file input only).
        return Err(Error::bad("No file, or an empty one"));
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
    Ok(described((mime_type, file)))
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
            Ok(feeds::objects(
                r,
                FeedQuery::new(
                    &stream,
                    Viewer { id: Some(&me_id) },
                    &Page::parse(&req.query_pairs())?,
                )
                .at(&url, format!("Uploads by {name}")),
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
    let viewer =
        crate::principal::optional_user(app, req)?.map(|nick| urls::person_id(&app.cfg, &nick));
    let allowed = app.store.read(|r| {
        let Some(id) = crate::social::upload_paths::owner(r, rel)? else {
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
