//! Server-rendered pages. For now: the page frame, the home page and error pages; the full web
//! UI (web-ui.md) builds on `page`.
use crate::app::App;
use crate::http::Resp;
pub mod session;
pub mod upload;

use crate::util::enc::html;

/// A whole HTML page: title `<title> - <site>`, the site name as brand, and `body`.
pub fn page(app: &App, title: &str, body: &str) -> String {
    let site = html(&app.cfg.site);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} - {site}</title></head>\n<body>\n<header><a class=\"brand\" href=\"/\">{site}</a></header>\n\
         <main>\n{body}\n</main>\n</body></html>\n",
        html(title)
    )
}

pub fn home(app: &App) -> Resp {
    if app.cfg.noweb {
        let body = "<h1>pump.io API</h1>\n<p>This server speaks the pump.io API. \
                    Start with <a href=\"/.well-known/host-meta.json\">/.well-known/host-meta.json</a>.</p>";
        return Resp::html(200, page(app, "API", body));
    }
    let body = format!(
        "<h1>Welcome to {}</h1>\n<p>A pump.io social server. Use any pump.io client to sign up and post.</p>",
        html(&app.cfg.site)
    );
    Resp::html(200, page(app, "Welcome", &body))
}

pub fn error_page(app: &App, msg: &str) -> String {
    page(
        app,
        "Error",
        &format!("<h1>Error</h1>\n<p class=\"error\">{}</p>", html(msg)),
    )
}
