//! Browser sessions as signed cookies: `<nick>.<expiry>.<mac>`, HMAC-SHA1 keyed with `secret`.
//! Stateless, so they cannot be revoked one by one; they are short-lived for that reason.
use crate::app::App;
use crate::http::{Req, Resp};
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

/// Adds a `Set-Cookie` logging the browser in as `nick`.
pub fn log_in(app: &App, resp: Resp, nick: &str) -> Resp {
    let payload = format!("{nick}.{}", now_secs() + LIFETIME);
    let value = format!("{payload}.{}", mac(app, &payload));
    let secure = if app.cfg.tls() { "; Secure" } else { "" };
    resp.with(
        "set-cookie",
        format!("{COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={LIFETIME}{secure}"),
    )
}

/// Adds a `Set-Cookie` that ends the session.
pub fn log_out(app: &App, resp: Resp) -> Resp {
    let secure = if app.cfg.tls() { "; Secure" } else { "" };
    resp.with(
        "set-cookie",
        format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    )
}

/// The nickname of a valid, unexpired session cookie on the request.
pub fn user(app: &App, req: &Req) -> Option<String> {
    let cookies = req.header("cookie")?;
    let value = cookies
        .split(';')
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)?
        .1;
    let (payload, sig) = value.rsplit_once('.')?;
    if !crate::oauth::signature::same(&mac(app, payload), sig) {
        return None;
    }
    let (nick, expiry) = payload.rsplit_once('.')?;
    (expiry.parse::<i64>().ok()? > now_secs()).then(|| nick.to_string())
}
