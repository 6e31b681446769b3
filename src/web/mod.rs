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
pub mod oauth2;
mod pages;
pub mod profile;
pub mod recover;
pub mod remote;
pub mod remote_person;
pub mod session;
pub mod session_api;
pub mod settings;
pub mod single;
pub mod template;
pub mod upload;

use crate::app::App;
use crate::error::Error;
use crate::http::Resp;
use crate::util::enc::html;
use layout::Ctx;
pub use pages::{profile_page, serve, Args, Page};
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
