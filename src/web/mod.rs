//! The web UI (web-ui.md), rendered on the server: every page works without JavaScript, and
//! `assets/web/pump.js` adds live updates on top. Pages show what the API would show the same
//! reader, built from the same rendering.
pub mod act;
pub mod assets;
pub mod audience;
pub mod auth;
pub mod authorize;
pub mod blocking;
pub mod cards;
pub mod compose;
pub mod csrf;
pub mod discover;
pub mod home;
pub mod layout;
pub mod live;
pub mod notifications;
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

/// A path nothing answers, asked for by a browser: the error page in the site's frame.
pub fn not_found(app: &App, req: &crate::http::Req) -> Resp {
    let ctx = Ctx::new(app, req);
    error(
        &ctx,
        Error::NotFound(format!("There is nothing at {} on this server.", req.path)),
    )
}

/// What an error page says above its message, by status.
fn error_heading(status: u16) -> &'static str {
    match status {
        400 => "That did not work",
        401 | 403 => "Not allowed",
        404 => "Page not found",
        413 => "Too large",
        429 | 503 => "Busy, try again soon",
        _ => "Something went wrong",
    }
}

/// An error as a page with its status.
fn error(ctx: &Ctx, e: Error) -> Resp {
    if let Error::Internal(m) = &e {
        log::error!("{} {}: {m}", ctx.req.method, ctx.req.path);
    }
    let status = e.status();
    let body = format!(
        "<section class=\"card error-page\"><h1>{}</h1>\n<p class=\"error\">{}</p>\
         <p class=\"muted\">Error {status}</p>\
         <p><a class=\"button\" href=\"/\">Home</a> <a href=\"/main/public\">Public posts</a> \
         <a href=\"/main/people\">People</a></p></section>",
        error_heading(status),
        html(e.message())
    );
    let resp = ctx.page(status, "Error", &body, false);
    match e {
        Error::Busy(_) => resp.with("retry-after", "5"),
        _ => resp,
    }
}
