//! Checking a signed request for a protected resource (api.md §2.2), with the timestamp window
//! and nonce replay checks the original skipped.
use super::params::{self, Params};
use crate::app::nonces::{Refused, WINDOW};
use crate::app::App;
use crate::error::{Error, Result};
use crate::http::Req;
use crate::social::clients::{self, AccessToken, Client};
use crate::util::oauth_signature;
use crate::util::time::now_secs;

#[derive(Clone)]
pub struct Signed {
    pub client: Client,
    pub token: Option<AccessToken>,
}

const REQUIRED: [&str; 5] = [
    "oauth_consumer_key",
    "oauth_signature_method",
    "oauth_signature",
    "oauth_timestamp",
    "oauth_nonce",
];

/// Verifies the request; `need_user` demands an access token (three-legged).
pub fn check(app: &App, req: &Req, need_user: bool) -> Result<Signed> {
    let p = params::collect(req);
    check_params(app, req, &p, need_user)
}

/// The parameters every signed request carries, and `more`; then a usable signature method.
pub fn require(app: &App, p: &Params, more: &[&str]) -> Result<()> {
    if REQUIRED.iter().chain(more).any(|k| p.get(k).is_none()) {
        return Err(Error::OAuth(400, "Missing required parameter"));
    }
    check_method(app, p.get("oauth_signature_method").unwrap_or(""))
}

/// Whether the request's signature is the one made with the client's secret and
/// `token_secret` (empty before a token is issued): the one signature check of the server.
pub fn signature_matches(
    app: &App,
    req: &Req,
    p: &Params,
    client: &Client,
    token_secret: &str,
) -> bool {
    let method = p.get("oauth_signature_method").unwrap_or("");
    let base = oauth_signature::base_string(&req.method, &params::base_url(app, req), &p.signed);
    let expected = oauth_signature::sign(method, &base, &client.secret, token_secret);
    let given = p.get("oauth_signature").unwrap_or("");
    let ok = expected.is_some_and(|e| crate::util::same(&e, given));
    if !ok {
        log::debug!("signature mismatch; base string: {base}");
    }
    ok
}

pub fn check_params(app: &App, req: &Req, p: &Params, need_user: bool) -> Result<Signed> {
    require(app, p, if need_user { &["oauth_token"] } else { &[] })?;
    let consumer_key = p.get("oauth_consumer_key").unwrap_or("");
    let token = match p.get("oauth_token") {
        Some(t) => {
            let at: Option<AccessToken> = app.store.read(|r| clients::access_token(r, t))?;
            Some(at.ok_or(Error::OAuth(400, "Invalid / expired Token"))?)
        }
        None => None,
    };
    let client = clients::find(&app.cfg, &app.store, consumer_key)?;
    let client = match client {
        Some(c)
            if token
                .as_ref()
                .is_none_or(|t| t.consumer_key == c.consumer_key) =>
        {
            c
        }
        _ => return Err(Error::OAuth(401, "Invalid / used nonce")),
    };
    check_timestamp(app, p)?;
    let token_secret = token.as_ref().map(|t| t.secret.as_str()).unwrap_or("");
    if !signature_matches(app, req, p, &client, token_secret) {
        return Err(Error::OAuth(400, "Invalid signature"));
    }
    record_nonce(app, p)?;
    Ok(Signed { client, token })
}

/// HMAC-SHA1, or PLAINTEXT over TLS only: PLAINTEXT sends the secrets themselves (RFC 5849
/// §3.4.4).
pub fn check_method(app: &App, method: &str) -> Result<()> {
    match method {
        "HMAC-SHA1" => Ok(()),
        // Served over TLS here, or behind a proxy that serves the public https URLs.
        "PLAINTEXT" if app.cfg.tls() || app.cfg.base().starts_with("https://") => Ok(()),
        "PLAINTEXT" => Err(Error::bad(
            "PLAINTEXT signatures are only accepted over HTTPS",
        )),
        _ => Err(Error::OAuth(400, "Invalid Signature Method")),
    }
}

fn expired() -> Error {
    Error::OAuth(401, "Expired timestamp: check the client's clock")
}

/// `oauth_timestamp` must be within ±300 s of now and, after a crash, not before this process
/// started (the nonces seen before it are lost).
pub fn check_timestamp(app: &App, p: &Params) -> Result<()> {
    let now = now_secs();
    let ts: i64 = p
        .get("oauth_timestamp")
        .and_then(|t| t.parse().ok())
        .ok_or(Error::OAuth(400, "Invalid timestamp"))?;
    // abs_diff: a timestamp near i64::MIN must not overflow.
    if ts.abs_diff(now) > WINDOW.unsigned_abs() || ts < app.nonces.borrow().since() {
        return Err(expired());
    }
    Ok(())
}

/// Refuses a nonce already used with the same consumer, token and timestamp.
pub fn record_nonce(app: &App, p: &Params) -> Result<()> {
    let who = format!(
        "{}\n{}",
        p.get("oauth_consumer_key").unwrap_or(""),
        p.get("oauth_token").unwrap_or("")
    );
    let nonce = p.get("oauth_nonce").unwrap_or("");
    let ts = p
        .get("oauth_timestamp")
        .and_then(|t| t.parse().ok())
        .unwrap_or(i64::MIN);
    match app.nonces.borrow_mut().record(&who, nonce, ts, now_secs()) {
        Ok(()) => Ok(()),
        Err(Refused::Used) => Err(Error::OAuth(401, "Invalid / used nonce")),
        Err(Refused::Stale) => Err(expired()),
        Err(Refused::Full) => Err(Error::Busy(
            "Too many OAuth clients at once; try again later".into(),
        )),
    }
}
