//! `GET /<nick>`: a person's page or their profile as JSON, as the client asks (api.md §20).
use crate::app::App;
use crate::error::{Error, Result};
use crate::http::{Req, Resp};
use crate::{api, web};

/// Does the client name HTML before JSON or anything (a browser does)?
pub fn html_first(req: &Req) -> bool {
    let accept = req.header("accept").unwrap_or("").to_ascii_lowercase();
    let h = accept.find("text/html");
    let j = ["json", "*/*"].iter().filter_map(|t| accept.find(t)).min();
    matches!((h, j), (Some(_), None)) || matches!((h, j), (Some(h), Some(j)) if h < j)
}

/// `GET /<nick>`: the profile as JSON when the client asks for JSON (or nothing in
/// particular), a page when it asks for HTML, else 406 (api.md §20).
pub fn page(app: &App, req: &Req, nick: &str) -> Result<Resp> {
    let accept = req.header("accept").unwrap_or("").to_ascii_lowercase();
    let html_first = html_first(req);
    if accept.is_empty() || (!html_first && (accept.contains("json") || accept.contains("*/*"))) {
        return api::users::profile_page_json(app, req, nick);
    }
    if !html_first {
        return Err(Error::NotAcceptable("Not acceptable".into()));
    }
    if app.cfg.noweb {
        return api::users::profile_page_json(app, req, nick);
    }
    Ok(web::profile_page(app, req, nick))
}
