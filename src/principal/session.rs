//! The web UI's session cookie: `<nick>.<session id>.<expiry>.<mac>` (HMAC-SHA1 keyed with
//! `secret`), naming a session row kept on the server (social/sessions.rs). The signature keeps
//! forged cookies from costing a store read; the row lets logout and password changes end it.
//! Setting and clearing the cookie is the web UI's (web/session.rs).
use crate::app::App;
use crate::http::Req;
use crate::social::sessions;
use crate::util::time::now_secs;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::Sha1;

pub const COOKIE: &str = "pump.session";

/// The signature of a cookie's payload.
pub fn mac(app: &App, payload: &str) -> String {
    // A key of any length is accepted by HMAC; the fallback only satisfies the type.
    let mut m = match Hmac::<Sha1>::new_from_slice(app.cfg.secret.as_bytes()) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    m.update(payload.as_bytes());
    URL_SAFE_NO_PAD.encode(m.finalize().into_bytes())
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

/// The cookie's user and session, if the session is still open on the server.
pub fn open(app: &App, req: &Req) -> Option<(String, String)> {
    let (nick, sid) = current(app, req)?;
    let open = app.store.read(|r| sessions::is_open(r, &nick, &sid));
    open.ok()?.then_some((nick, sid))
}
