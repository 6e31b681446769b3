//! `POST /main/upload` and `/main/upload-avatar` (api.md §20): the web UI's uploads, with the
//! browser session instead of OAuth. The body is an XHR file or a multipart field `qqfile`.
use crate::api::uploads;
use crate::app::App;
use crate::http::{Req, Resp};
use crate::media::prepare::Purpose;
use serde_json::json;

pub async fn handle(app: &App, req: &Req, purpose: Purpose) -> Resp {
    let Some(nick) = super::session::user(app, req) else {
        return Resp::json_status(401, &json!({"success": false, "error": "Not logged in."}));
    };
    match uploads::create(app, req, &nick, purpose).await {
        Ok(obj) => Resp::json(&json!({"success": true, "obj": obj})),
        Err(e) => {
            if let crate::error::Error::Internal(m) = &e {
                log::error!("web upload: {m}");
            }
            // The original answered 500 to every failure; the status says what went wrong.
            Resp::json_status(e.status(), &json!({"success": false, "error": e.message()}))
        }
    }
}
