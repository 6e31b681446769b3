//! CSRF protection for the web forms: a random `pump.csrf` cookie (HttpOnly, SameSite=Lax) and,
//! in every form, a hidden `_csrf` field that is an HMAC of that cookie with `secret`. A page
//! from another site can make the browser send the cookie but cannot read it, nor the token.
use crate::app::App;
use crate::http::Req;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::Sha1;

pub const COOKIE: &str = "pump.csrf";
pub const FIELD: &str = "_csrf";

fn cookie(req: &Req) -> Option<String> {
    req.header("cookie")?
        .split(';')
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, v)| *k == COOKIE && v.len() >= 16)
        .map(|(_, v)| v.to_string())
}

fn sign(app: &App, value: &str) -> String {
    let Ok(mut m) = Hmac::<Sha1>::new_from_slice(app.cfg.secret.as_bytes()) else {
        return String::new();
    };
    m.update(b"csrf|");
    m.update(value.as_bytes());
    URL_SAFE_NO_PAD.encode(m.finalize().into_bytes())
}

/// The token for this browser's forms, and the `Set-Cookie` value when it has no cookie yet.
pub fn token(app: &App, req: &Req) -> (String, Option<String>) {
    match cookie(req) {
        Some(v) => (sign(app, &v), None),
        None => {
            let v = crate::util::rand::token(24);
            let secure = if app.cfg.tls() { "; Secure" } else { "" };
            let set = format!("{COOKIE}={v}; Path=/; HttpOnly; SameSite=Lax{secure}");
            (sign(app, &v), Some(set))
        }
    }
}

/// True when the form's `_csrf` field matches this browser's cookie.
pub fn valid(app: &App, req: &Req, field: Option<&str>) -> bool {
    match (cookie(req), field) {
        (Some(c), Some(f)) => crate::util::same(&sign(app, &c), f),
        _ => false,
    }
}
