//! Which POSTs carry a file to stream to disk, and who may send one: an OAuth-signed API client
//! (three-legged) or a signed-in browser session. Everyone else is answered before the body.
use crate::app::App;
use crate::http::response::JSON;
use crate::http::{Req, Resp};

enum Sender {
    Api,
    Web,
}

/// A POST to `/api/user/<nick>/uploads` whose body is not JSON or a form (api.md §11.5), or
/// to the web UI's `/main/upload`, `/main/upload-avatar`, `/main/post-picture` and the
/// multipart `/main/settings` (§20).
fn file_body_sender(head: &Req) -> Option<Sender> {
    if head.wire_method != "POST" {
        return None;
    }
    let ct = head
        .header("content-type")
        .unwrap_or("")
        .to_ascii_lowercase();
    let structured = ["application/json", "application/x-www-form-urlencoded"]
        .iter()
        .any(|t| ct.starts_with(t));
    let segs: Vec<&str> = head.path.split('/').filter(|s| !s.is_empty()).collect();
    match segs.as_slice() {
        ["api", "user", _, "uploads"] if !structured => Some(Sender::Api),
        ["main", "upload" | "upload-avatar" | "post-picture"] => Some(Sender::Web),
        // The profile form carries an avatar file, and is multipart even without one.
        ["main", "settings"] if ct.starts_with("multipart/form-data") => Some(Sender::Web),
        _ => None,
    }
}

/// Whether `head`'s body is a file to stream to disk, and how many files it may hold (the
/// picture form's `maxPicturesPerPost`, else one); authenticates its sender first.
pub fn admit(app: &App, head: &mut Req) -> Result<Option<usize>, Resp> {
    let most = match head.path.as_str() {
        "/main/post-picture" => app.cfg.max_pictures_per_post,
        _ => 1,
    };
    match file_body_sender(head) {
        None => Ok(None),
        Some(Sender::Api) => match crate::oauth::verify::check(app, head, true) {
            Ok(signed) => {
                head.admitted = Some(Box::new(signed));
                Ok(Some(most))
            }
            Err(e) => Err(super::errors::error_response(app, head, e)),
        },
        Some(Sender::Web) => match crate::principal::session_user(app, head) {
            Some(_) => Ok(Some(most)),
            None => Err(Resp::new(
                401,
                JSON,
                r#"{"success":false,"error":"Not logged in."}"#,
            )),
        },
    }
}
