//! Browser sessions: a signed cookie `<nick>.<session id>.<expiry>.<mac>` (HMAC-SHA1 keyed with
//! `secret`) naming a session row kept on the server (social/sessions.rs). The signature keeps
//! forged cookies from costing a store read; the row lets logout and password changes end it.
use crate::app::App;
use crate::error::Result;
use crate::http::{Req, Resp};
use crate::social::sessions;
use crate::util::time::now_secs;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::Sha1;

pub const COOKIE: &str = "pump.session";
/// Session lifetime in seconds.
const LIFETIME: i64 = 24 * 3600;

fn mac(app: &App, payload: &str) -> String {
    // A key of any length is accepted by HMAC; the fallback only satisfies the type.
    let mut m = match Hmac::<Sha1>::new_from_slice(app.cfg.secret.as_bytes()) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    m.update(payload.as_bytes());
    URL_SAFE_NO_PAD.encode(m.finalize().into_bytes())
}

fn cookie(app: &App, value: &str, max_age: i64) -> String {
    let secure = if app.cfg.tls() { "; Secure" } else { "" };
    format!("{COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

/// Opens a session for `nick` and adds the `Set-Cookie` that carries it.
pub async fn log_in(app: &App, resp: Resp, nick: &str) -> Result<Resp> {
    let expiry = now_secs() + LIFETIME;
    let (who, max) = (nick.to_string(), app.cfg.max_sessions_per_user);
    let sid = app
        .store
        .write(move |w| sessions::open(w, &who, expiry, max))
        .await?;
    let payload = format!("{nick}.{sid}.{expiry}");
    let value = format!("{payload}.{}", mac(app, &payload));
    Ok(resp.with("set-cookie", cookie(app, &value, LIFETIME)))
}

/// Ends this browser's session on the server and clears its cookie.
pub async fn log_out(app: &App, req: &Req, resp: Resp) -> Result<Resp> {
    if let Some((nick, sid)) = current(app, req) {
        let cfg = app.cfg.clone();
        app.store
            .write(move |w| sessions::close(w, &cfg, &nick, &sid))
            .await?;
    }
    Ok(resp.with("set-cookie", cookie(app, "", 0)))
}

/// The nickname and session id of a validly signed, unexpired cookie (not yet checked against
/// the store).
pub fn current(app: &App, req: &Req) -> Option<(String, String)> {
    let cookies = req.header("cookie")?;
    let value = cookies
        .split(';')
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)?
        .1;
    let (payload, sig) = value.rsplit_once('.')?;
    if !crate::util::same(&mac(app, payload), sig) {
        return None;
    }
    let (rest, expiry) = payload.rsplit_once('.')?;
    let (nick, sid) = rest.rsplit_once('.')?;
    (expiry.parse::<i64>().ok()? > now_secs()).then(|| (nick.to_string(), sid.to_string()))
}

/// The nickname of the request's session, if it is still open on the server.
pub fn user(app: &App, req: &Req) -> Option<String> {
    let (nick, sid) = current(app, req)?;
    let open = app.store.read(|r| sessions::is_open(r, &nick, &sid));
    open.ok()?.then_some(nick)
}
