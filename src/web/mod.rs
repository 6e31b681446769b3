//! The web UI (web-ui.md), rendered on the server: every page works without JavaScript, and
//! `assets/web/pump.js` adds live updates on top. Pages show what the API would show the same
//! reader, built from the same rendering.
pub mod act;
pub mod assets;
pub mod auth;
pub mod authorize;
pub mod cards;
pub mod csrf;
pub mod home;
pub mod layout;
pub mod live;
pub mod profile;
pub mod recover;
pub mod session;
pub mod settings;
pub mod single;
pub mod template;
pub mod upload;

use crate::app::App;
use crate::error::{Error, Result};
use crate::http::{Req, Resp};
use crate::util::enc::{html, pct};
use layout::Ctx;
use template::{fill, Val, PAGE};

/// A page outside the session-aware frame (OAuth pages, errors): brand only in the top bar.
pub fn page(app: &App, title: &str, body: &str) -> String {
    let navbar = format!("<a class=\"brand\" href=\"/\">{}</a>", html(&app.cfg.site));
    fill(
        PAGE,
        &[
            ("title", Val::Text(title)),
            ("site", Val::Text(&app.cfg.site)),
            ("navbar", Val::Html(&navbar)),
            ("content", Val::Html(body)),
            (
                "footer",
                Val::Html(
                    "<p>Powered by <a href='http://pump.io/'>pump.io</a>-compatible software.</p>",
                ),
            ),
        ],
    )
}

/// `/` with `noweb`: the API's page.
pub fn api_home(app: &App) -> Resp {
    let body = "<h1>pump.io API</h1>\n<p>This server speaks the pump.io API. \
                Start with <a href=\"/.well-known/host-meta.json\">/.well-known/host-meta.json</a>.</p>";
    Resp::html(200, page(app, "API", body))
}

/// A path on this site and nothing else: one leading `/` not followed by another, and no
/// backslash or control character anywhere (browsers drop tabs and newlines from URLs, so
/// `/\t/evil.example` would become `//evil.example`, another site).
fn is_local_path(p: &str) -> bool {
    p.starts_with('/')
        && !p[1..].starts_with('/')
        && !p.chars().any(|c| c == '\\' || c.is_control())
}

/// `p` when it is a path on this site (where a form may send the browser next), else `/`.
pub fn local_path(p: Option<&str>) -> String {
    p.filter(|p| is_local_path(p)).unwrap_or("/").to_string()
}

/// The error line above a form, or nothing.
pub fn alert(error: Option<&str>) -> String {
    error
        .map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>\n", html(e)))
        .unwrap_or_default()
}

pub fn error_page(app: &App, msg: &str) -> String {
    page(
        app,
        "Error",
        &format!("<h1>Error</h1>\n<p class=\"error\">{}</p>", html(msg)),
    )
}

/// Paths that are not nicknames (registration refuses them, and more).
use crate::social::passwords::ROUTED as RESERVED;

/// The web UI's answer to this request, or None when it is not a page of the web UI.
pub async fn route(app: &App, req: &Req) -> Option<Resp> {
    // API and protocol paths are never pages: leave them before any other work.
    let p = req.path.as_str();
    if app.cfg.noweb
        || ["/api/", "/oauth/", "/.well-known/", "/uploads/"]
            .iter()
            .any(|x| p.starts_with(x))
    {
        return None;
    }
    if req.method == "GET" {
        if let Some(r) = assets::get(req) {
            return Some(r);
        }
    }
    let segs: Vec<String> = req
        .path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(crate::util::enc::unpct)
        .collect();
    let s: Vec<&str> = segs.iter().map(String::as_str).collect();
    let ctx = Ctx::new(app, req);
    let get = req.method == "GET" || req.method == "HEAD";
    let post = req.method == "POST";
    let mail = app.cfg.mail.is_some();
    let result: Result<Resp> = match (s.as_slice(), &ctx.me) {
        ([], None) if get => Ok(home::welcome(&ctx)),
        ([], Some(me)) if get => home::home(&ctx, me),
        (["main", "login"], _) if get => Ok(auth::login_page(&ctx, 200, None, "")),
        (["main", "login"], _) if post && is_form(req) => auth::login(&ctx).await,
        (["main", "register"], Some(_)) if get => Ok(ctx.see_other("/")),
        (["main", "register"], None) if get => Ok(auth::register_page(&ctx, 200, None, "")),
        (["main", "register"], _) if post && is_form(req) => auth::register(&ctx).await,
        (["main", "logout"], _) if get => Ok(auth::logout_page(&ctx)),
        (["main", "logout"], _) if post && is_form(req) => auth::logout(&ctx).await,
        (["main", "recover"], _) if get && mail => Ok(recover::recover_page(&ctx, 200, None, false)),
        (["main", "recover"], _) if post && mail => recover::recover(&ctx).await,
        (["main", "recover-sent"], _) if get && mail => Ok(recover::sent(&ctx)),
        (["main", "recover", code], _) if get && mail => recover::new_password_page(&ctx, code, 200, None),
        (["main", "recover", code], _) if post && mail => recover::set_password(&ctx, code).await,
        (["main", "confirm", code], _) if get && mail => recover::confirm(&ctx, code).await,
        (["main", "remote"], _) if get => Ok(auth::remote_page(&ctx, 200, None)),
        (["main", "remote"], _) if post && is_form(req) => Ok(auth::remote(&ctx)),
        (["main", "javascript-disabled"], _) => Ok(ctx.page(
            200,
            "JavaScript",
            "<h1>No JavaScript needed</h1><p>Every page of this server works without JavaScript; it only adds live updates.</p>",
            false,
        )),
        (["main", "settings" | "account" | "messages" | "events"], None) if get => {
            Ok(ctx.see_other(&format!("/main/login?continue={}", pct(&req.path))))
        }
        (["main", "settings"], Some(me)) if get => settings::settings_page(&ctx, me, None),
        (["main", "settings"], Some(me)) if post => settings::save_settings(&ctx, me).await,
        (["main", "account"], Some(me)) if get => Ok(settings::account_page(&ctx, me, 200, None)),
        (["main", "account"], Some(me)) if post => settings::save_account(&ctx, me).await,
        (["main", "revoke"], Some(me)) if post => settings::revoke(&ctx, me).await,
        (["main", "messages"], Some(me)) if get => settings::messages(&ctx, me),
        (["main", "events"], Some(me)) if get => live::open(&ctx, me),
        (["main", "act" | "post-picture" | "settings" | "account" | "revoke"], None) if post => Err(Error::Unauthorized("Not logged in.".into())),
        (["main", "act"], Some(me)) if post => act::handle(&ctx, me).await,
        (["main", "post-picture"], Some(me)) if post => settings::post_picture(&ctx, me).await,
        ([nick, tab], _) if get && !RESERVED.contains(nick) => {
            let tab = match *tab {
                "favorites" => profile::Tab::Favorites,
                "followers" => profile::Tab::Followers,
                "following" => profile::Tab::Following,
                "lists" => profile::Tab::Lists,
                _ => return None,
            };
            profile::page(&ctx, nick, tab)
        }
        ([nick, "list", uuid], _) if get && !RESERVED.contains(nick) => profile::list(&ctx, nick, uuid),
        ([nick, "activity", uuid], _) if get && !RESERVED.contains(nick) => single::activity(&ctx, nick, uuid),
        ([nick, kind, uuid], _) if get && !RESERVED.contains(nick) => single::object(&ctx, nick, kind, uuid),
        _ => return None,
    };
    Some(result.unwrap_or_else(|e| error(&ctx, e)))
}

/// `/<nick>` when the reader wants HTML.
pub fn profile_page(app: &App, req: &Req, nick: &str) -> Resp {
    let ctx = Ctx::new(app, req);
    profile::page(&ctx, nick, profile::Tab::Activity).unwrap_or_else(|e| error(&ctx, e))
}

fn is_form(req: &Req) -> bool {
    req.content_type() == "application/x-www-form-urlencoded"
}

/// An error as a page with its status.
fn error(ctx: &Ctx, e: Error) -> Resp {
    if let Error::Internal(m) = &e {
        log::error!("{} {}: {m}", ctx.req.method, ctx.req.path);
    }
    let body = format!(
        "<h1>Error</h1>\n<p class=\"error\">{}</p><p><a href=\"/\">Home</a></p>",
        html(e.message())
    );
    let resp = ctx.page(e.status(), "Error", &body, false);
    match e {
        Error::Busy(_) => resp.with("retry-after", "5"),
        _ => resp,
    }
}
