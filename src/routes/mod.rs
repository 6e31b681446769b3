//! The routing table, OPTIONS/HEAD and the canonical-host redirect (api.md §1): the one place
//! that knows every adapter (API, web UI, OAuth, discovery) and hands each request to one.
mod dispatch;
mod errors;
mod nickname;
mod service;
pub mod table;
mod uploads;

use crate::app::App;
use crate::http::response::{HTML, TEXT};
use crate::http::{Req, Resp};
use crate::web;

pub async fn route(app: &App, req: Req) -> Resp {
    if let Some(r) = canonical_redirect(app, &req) {
        return r;
    }
    if old_internet_explorer(&req) {
        let body = web::page(app, "Security error", "<h1>Security error</h1>\n<p>This browser is too old to use safely. Please upgrade it.</p>");
        return Resp::new(400, HTML, body);
    }
    let not_found = || {
        let get = req.method == "GET" || req.method == "HEAD";
        if get && !app.cfg.noweb && nickname::html_first(&req) {
            return web::not_found(app, &req);
        }
        Resp::new(404, TEXT, format!("Cannot {} {}", req.method, req.path))
    };
    let segs = req.segments();
    let Some((group, params)) = owner(app, &segs) else {
        return not_found();
    };
    let rows = || {
        table::ROUTES
            .iter()
            .zip(table::compiled())
            .filter(move |(r, (_, g))| *g == group && applies(app, r))
            .map(|(r, _)| r)
    };
    if req.method == "OPTIONS" {
        let mut allow: Vec<&str> = Vec::new();
        for r in rows() {
            if !allow.contains(&r.method) {
                allow.push(r.method);
                if r.method == "GET" {
                    allow.push("HEAD");
                }
            }
        }
        let allow = allow.join(",");
        return Resp::new(200, TEXT, allow.clone()).with("allow", allow);
    }
    let method = if req.method == "HEAD" {
        "GET"
    } else {
        req.method.as_str()
    };
    let Some(row) = rows().find(|r| r.method == method && body_fits(r, &req)) else {
        return not_found();
    };
    dispatch::run(app, &req, row, &params).await
}

/// The first pattern of a route that applies here and matches the path: its group (the index
/// of its first row) and what it captured.
fn owner(app: &App, segs: &[String]) -> Option<(usize, table::Params)> {
    table::ROUTES
        .iter()
        .zip(table::compiled())
        .filter(|(r, _)| applies(app, r))
        .find_map(|(_, (pattern, group))| pattern.matches(segs).map(|p| (*group, p)))
}

/// Whether a route exists on this server: web pages not with `noweb`, mail pages only with mail.
fn applies(app: &App, r: &table::Route) -> bool {
    let off = (r.web && app.cfg.noweb) || (r.mail && app.cfg.mail.is_none());
    !off
}

/// A route that takes a form takes nothing else.
fn body_fits(r: &table::Route, req: &Req) -> bool {
    r.body != table::Body::Form || req.content_type() == "application/x-www-form-urlencoded"
}

/// Internet Explorer before 11 is refused (api.md §1.1): it cannot be kept safe.
fn old_internet_explorer(req: &Req) -> bool {
    let Some(ua) = req.header("user-agent") else {
        return false;
    };
    let Some(rest) = ua.split("MSIE ").nth(1) else {
        return false;
    };
    let major: String = rest.chars().take_while(char::is_ascii_digit).collect();
    major.parse::<u32>().is_ok_and(|v| v < 11)
}

/// 301 to the canonical URL when `Host` names neither the canonical host nor `address:port`.
fn canonical_redirect(app: &App, req: &Req) -> Option<Resp> {
    let cfg = &app.cfg;
    if !cfg.redirect_to_canonical {
        return None;
    }
    let host = req.header("host")?.to_ascii_lowercase();
    let canonical = cfg.host().to_ascii_lowercase();
    if host == canonical
        || (cfg.url_port == cfg.port && host == format!("{}:{}", cfg.hostname, cfg.port))
    {
        return None;
    }
    let address = format!("{}:{}", cfg.address, cfg.port).to_ascii_lowercase();
    if !cfg.redirect_address_to_canonical && host == address {
        return None;
    }
    let mut target = format!("{}{}", cfg.base(), req.path);
    if !req.query.is_empty() {
        target.push('?');
        target.push_str(&req.query);
    }
    Some(Resp::redirect(301, &target))
}

#[cfg(test)]
mod tests {
    use super::table::{matches, ROUTES};

    fn methods(p: &str) -> Vec<&'static str> {
        let segs: Vec<String> = p
            .split('/')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        let Some(owner) = ROUTES
            .iter()
            .filter(|r| !r.web)
            .find(|r| matches(r.path, &segs).is_some())
        else {
            return Vec::new();
        };
        ROUTES
            .iter()
            .filter(|r| r.path == owner.path)
            .map(|r| r.method)
            .collect()
    }

    #[test]
    fn routes_and_methods() {
        assert_eq!(methods("/api/user/bob"), ["GET", "PUT", "DELETE"]);
        assert_eq!(methods("/api/user/bob/profile"), ["GET", "PUT"]);
        assert_eq!(methods("/api/client/register"), ["POST"]);
        assert_eq!(methods("/api/group/members"), ["GET"]);
        assert_eq!(methods("/api/note/abc/likes"), ["GET"]);
        assert_eq!(methods("/uploads/bob/2026/a.png"), ["GET"]);
        assert!(methods("/api/nothing/here/at/all").is_empty());
        assert!(methods("/api/whoami/x").is_empty());
    }
}
