//! Checking the HTTP Signature of a request from another ActivityPub server: which actor
//! signed it, with a key fetched from its `keyId` (kept, and fetched again once when it
//! fails, as keys rotate), over `(request-target)`, `host`, `date` and, on a POST, a `Digest`
//! of the body, with a `Date` within `federationSignatureWindow`.
use super::ap_actor;
use crate::app::App;
use crate::error::{Error, Result};
use crate::http::Req;
use crate::util::http_signature::{self, Params};
use crate::util::{rsa_keys, time};

/// Whether the request carries an HTTP Signature at all.
pub fn is_signed(req: &Req) -> bool {
    req.header("signature").is_some()
        || req
            .header("authorization")
            .is_some_and(|a| a.starts_with("Signature "))
}

fn refuse(m: impl Into<String>) -> Error {
    Error::Unauthorized(m.into())
}

/// The id of the actor whose key signed `req`.
pub async fn signer(app: &App, req: &Req) -> Result<String> {
    let header = req
        .header("signature")
        .or_else(|| req.header("authorization"))
        .ok_or_else(|| refuse("An HTTP Signature is required"))?;
    let p = http_signature::parse(header).ok_or_else(|| refuse("Malformed Signature header"))?;
    if !matches!(
        p.algorithm.as_deref(),
        None | Some("rsa-sha256") | Some("hs2019")
    ) {
        return Err(refuse("Signature algorithm must be rsa-sha256 or hs2019"));
    }
    covered(req, &p)?;
    fresh(app, req, &p)?;
    let plain = signing_string(req, &p)?;
    let first = ap_actor::by_key(app, &p.key_id, false)
        .await
        .map_err(|e| refuse(format!("Cannot get the key {}: {e}", p.key_id)))?;
    if checks(&first.key_pem, &plain, &p.signature) {
        return Ok(first.id);
    }
    let again = ap_actor::by_key(app, &p.key_id, true)
        .await
        .map_err(|e| refuse(format!("Cannot get the key {} again: {e}", p.key_id)))?;
    if checks(&again.key_pem, &plain, &p.signature) {
        return Ok(again.id);
    }
    Err(refuse(format!(
        "Signature does not verify with {}",
        p.key_id
    )))
}

fn checks(pem: &str, plain: &str, sig: &str) -> bool {
    rsa_keys::public_der(pem).is_some_and(|der| rsa_keys::verify(&der, plain.as_bytes(), sig))
}

/// The signature covers the request target, the time, and on a POST the body's digest (which
/// must match the body).
fn covered(req: &Req, p: &Params) -> Result<()> {
    let has = |h: &str| p.headers.iter().any(|x| x == h);
    if !has("(request-target)") {
        return Err(refuse("The signature must cover (request-target)"));
    }
    if !has("date") && !has("(created)") {
        return Err(refuse("The signature must cover date"));
    }
    if req.method == "POST" {
        if !has("digest") && !has("content-digest") {
            return Err(refuse("The signature must cover digest"));
        }
        let value = req
            .header("digest")
            .or_else(|| req.header("content-digest"))
            .unwrap_or_default();
        if !http_signature::digest_matches(value, &req.body) {
            return Err(Error::bad("Digest does not match the body"));
        }
    }
    Ok(())
}

/// `Date` (or `(created)`) within the window; `(expires)` not passed.
fn fresh(app: &App, req: &Req, p: &Params) -> Result<()> {
    let window = app.cfg.federation.signature_window;
    let now = time::now_secs();
    let when = match p.created {
        Some(c) if p.headers.iter().any(|h| h == "(created)") => Some(c),
        _ => req.header("date").and_then(time::parse_http_date),
    };
    match when {
        Some(t) if (now - t).abs() <= window => {}
        Some(_) => return Err(refuse(format!("Date is more than {window} s off"))),
        None => return Err(refuse("Date is missing or malformed")),
    }
    if p.expires.is_some_and(|e| e < now) {
        return Err(refuse("The signature has expired"));
    }
    Ok(())
}

fn signing_string(req: &Req, p: &Params) -> Result<String> {
    let target = if req.query.is_empty() {
        req.path.clone()
    } else {
        format!("{}?{}", req.path, req.query)
    };
    let header = |name: &str| {
        let all: Vec<&str> = req
            .headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::trim)
            .collect();
        (!all.is_empty()).then(|| all.join(", "))
    };
    http_signature::signing_string(p, &req.wire_method, &target, header)
        .ok_or_else(|| refuse("A signed header is missing"))
}
