//! Browser sessions: logging in sets the signed session cookie, logging out ends the session
//! and clears it. Reading the cookie is the principal's (principal/session.rs).
use crate::app::App;
use crate::error::Result;
use crate::http::{Req, Resp};
use crate::social::sessions;
use crate::util::time::now_secs;

use crate::principal::session::mac;
pub use crate::principal::session::COOKIE;

/// Session lifetime in seconds.
const LIFETIME: i64 = 24 * 3600;

fn cookie(app: &App, value: &str, max_age: i64) -> String {
    let secure = if app.cfg.tls() { "; Secure" } else { "" };
    format!("{COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

/// Opens a session for `nick` and adds the `Set-Cookie` that carries it.
pub async fn log_in(app: &App, resp: Resp, nick: &str) -> Result<Resp> {
    open(app, resp, nick, sessions::open).await
}

/// Opens a session for a person of another server (federation.md §8), with its cookie.
pub async fn log_in_remote(app: &App, resp: Resp, person: &str) -> Result<Resp> {
    open(app, resp, person, sessions::open_remote).await
}

type Opener = fn(&crate::store::W, &str, i64, usize) -> Result<String>;

async fn open(app: &App, resp: Resp, owner: &str, opener: Opener) -> Result<Resp> {
    let expiry = now_secs() + LIFETIME;
    let (who, max) = (owner.to_string(), app.cfg.max_sessions_per_user);
    let sid = app
        .store
        .write(move |w| opener(w, &who, expiry, max))
        .await?;
    let payload = format!("{owner}.{sid}.{expiry}");
    let value = format!("{payload}.{}", mac(app, &payload));
    Ok(resp.with("set-cookie", cookie(app, &value, LIFETIME)))
}

/// Ends this browser's session on the server and clears its cookie.
pub async fn log_out(app: &App, req: &Req, resp: Resp) -> Result<Resp> {
    let any =
        crate::principal::session(app, req).or_else(|| crate::principal::remote_session(app, req));
    if let Some((nick, sid)) = any {
        let cfg = app.cfg.clone();
        app.store
            .write(move |w| sessions::close(w, &cfg, &nick, &sid))
            .await?;
    }
    Ok(resp.with("set-cookie", cookie(app, "", 0)))
}

/// The nickname of the request's session, if it is still open on the server.
pub fn user(app: &App, req: &Req) -> Option<String> {
    crate::principal::session_user(app, req)
}
