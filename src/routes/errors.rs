//! Errors as answers, in the spec's three formats (api.md §1.5): the one place an `Error`
//! becomes a response.
use crate::app::App;
use crate::error::Error;
use crate::http::response::{HTML, JSON, TEXT};
use crate::http::{Req, Resp};
use crate::web;
use serde_json::json;

/// The spec's three error formats (api.md §1.5).
pub fn error_response(app: &App, req: &Req, e: Error) -> Resp {
    if let Error::Internal(m) = &e {
        log::error!("{} {}: {m}", req.method, req.path);
    }
    let status = e.status();
    let msg = e.message().to_string();
    // Discovery documents are JSON too, so their errors are.
    let api = req.path.starts_with("/api/") || req.path.starts_with("/.well-known/");
    let mut resp = match &e {
        Error::OAuth(..) => Resp::new(status, TEXT, msg.clone()),
        _ if api || req.is_xhr() => Resp::new(status, JSON, json!({ "error": msg }).to_string()),
        _ if req.accepts_html() => Resp::new(status, HTML, web::error_page(app, &msg)),
        _ => Resp::new(status, TEXT, msg.clone()),
    };
    if matches!(e, Error::OAuth(..)) && api {
        resp = resp.with("www-authenticate", "OAuth realm=\"OAuth\"");
    }
    if matches!(e, Error::Busy(_)) {
        resp = resp.with("retry-after", "1");
    }
    resp
}
