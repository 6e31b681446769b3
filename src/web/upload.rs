//! `POST /main/upload` and `/main/upload-avatar` (api.md §20): the web UI's uploads, with the
//! browser session instead of OAuth. The body is an XHR file or a multipart field `qqfile`.
use crate::app::App;
use crate::core::uploads::{self, Upload};
use crate::error::{Error, Result};
use crate::http::{Req, Resp};
use crate::media::prepare::Purpose;
use serde_json::json;

pub async fn handle(app: &App, req: &Req, purpose: Purpose) -> Resp {
    let Some(nick) = super::session::user(app, req) else {
        return Resp::json_status(401, &json!({"success": false, "error": "Not logged in."}));
    };
    match create(app, req, &nick, purpose, Default::default()).await {
        Ok(obj) => Resp::json(&json!({"success": true, "obj": obj})),
        Err(e) => {
            if let Error::Internal(m) = &e {
                log::error!("web upload: {m}");
            }
            // The original answered 500 to every failure; the status says what went wrong.
            Resp::json_status(e.status(), &json!({"success": false, "error": e.message()}))
        }
    }
}

/// Stores the file of a web form or XHR upload as an unposted object of `nick`'s.
pub async fn create(
    app: &App,
    req: &Req,
    nick: &str,
    purpose: Purpose,
    extra: serde_json::Map<String, serde_json::Value>,
) -> Result<serde_json::Value> {
    uploads::upload_dir(app)?;
    let (mime_type, file) = req
        .take_file()
        .ok_or_else(|| Error::bad("No file, or an empty one"))??;
    let upload = Upload {
        mime_type,
        file,
        title: req.upload_field("title"),
        description: req.upload_field("description"),
        extra,
    };
    uploads::create(app, nick, upload, purpose).await
}
