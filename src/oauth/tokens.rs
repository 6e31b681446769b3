//! `/oauth/request_token` and `/oauth/access_token` (api.md §8.1, §8.3).
use super::params;
use super::verify::{check_timestamp, record_nonce, require, signature_matches};
use crate::app::App;
use crate::error::{Error, Result};
use crate::http::response::FORM;
use crate::http::{Req, Resp};
use crate::social::clients::{self, issue_access_token, RequestToken};
use crate::util::enc::pct;
use crate::util::{rand, time::now_secs};

/// Request tokens not exchanged within this many seconds are dropped.
const REQUEST_TOKEN_LIFETIME: i64 = 600;

fn valid_callback(cb: &str) -> bool {
    cb == "oob"
        || ((cb.starts_with("http://") || cb.starts_with("https://"))
            && !cb.contains(char::is_whitespace)
            && cb
                .split("://")
                .nth(1)
                .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/')))
}

pub async fn request_token(app: &App, req: &Req) -> Result<Resp> {
    let p = params::collect(req);
    require(app, &p, &["oauth_callback"])?;
    let client = clients::find(
        &app.cfg,
        &app.store,
        p.get("oauth_consumer_key").unwrap_or(""),
    )?
    .ok_or(Error::OAuth(400, "Invalid Consumer Key"))?;
    check_timestamp(app, &p)?;
    if !signature_matches(app, req, &p, &client, "") {
        return Err(Error::OAuth(401, "Invalid signature"));
    }
    let callback = p.get("oauth_callback").unwrap_or("").to_string();
    if !valid_callback(&callback) {
        return Err(Error::OAuth(400, "Invalid callback URL"));
    }
    record_nonce(app, &p)?;
    let rt = RequestToken {
        token: rand::token(16),
        secret: rand::token(32),
        consumer_key: client.consumer_key.clone(),
        callback,
        verifier: rand::token(16),
        nick: None,
        authorized: false,
        access_token: None,
        created: now_secs(),
    };
    let stored = rt.clone();
    let cap = app.cfg.max_request_tokens;
    app.store
        .write(move |w| {
            // Drop stale request tokens (of every consumer: they can no longer be exchanged),
            // and refuse new ones beyond the bound, so the table stays small.
            let live = clients::sweep_request_tokens(w, now_secs() - REQUEST_TOKEN_LIFETIME)?;
            if live >= cap {
                return Err(Error::Busy(
                    "Too many authorizations in progress; try again later".into(),
                ));
            }
            clients::put_request_token(w, &stored)
        })
        .await?;
    let body = format!(
        "oauth_token={}&oauth_token_secret={}&oauth_callback_confirmed=true",
        pct(&rt.token),
        pct(&rt.secret)
    );
    Ok(Resp::new(200, FORM, body))
}

pub async fn access_token(app: &App, req: &Req) -> Result<Resp> {
    let p = params::collect(req);
    require(app, &p, &["oauth_token", "oauth_verifier"])?;
    let client = clients::find(
        &app.cfg,
        &app.store,
        p.get("oauth_consumer_key").unwrap_or(""),
    )?
    .ok_or(Error::OAuth(400, "Invalid Consumer Key"))?;
    let token = p.get("oauth_token").unwrap_or("").to_string();
    let rt: RequestToken = app
        .store
        .read(|r| clients::request_token(r, &token))?
        .filter(|rt: &RequestToken| rt.consumer_key == client.consumer_key)
        .ok_or(Error::OAuth(400, "Invalid / expired Token"))?;
    check_timestamp(app, &p)?;
    if !signature_matches(app, req, &p, &client, &rt.secret) {
        return Err(Error::OAuth(401, "Invalid signature"));
    }
    record_nonce(app, &p)?;
    if rt.access_token.is_some()
        || !rt.authorized
        || rt.created < now_secs() - REQUEST_TOKEN_LIFETIME
    {
        return Err(Error::OAuth(401, "Invalid / expired Token"));
    }
    // Unlike the original, the verifier must match what the user was shown.
    if !crate::util::same(&rt.verifier, p.get("oauth_verifier").unwrap_or("")) {
        return Err(Error::OAuth(401, "Invalid verifier"));
    }
    let Some(nick) = rt.nick.clone() else {
        return Err(Error::OAuth(401, "Invalid / expired Token"));
    };
    let at = app
        .store
        .write(move |w| {
            // Re-read inside the transaction so two racing exchanges cannot both succeed.
            let mut rt = clients::request_token(w, &token)?
                .ok_or(Error::OAuth(400, "Invalid / expired Token"))?;
            if rt.access_token.is_some() {
                return Err(Error::OAuth(401, "Invalid / expired Token"));
            }
            if !crate::social::users::exists(w, &nick)? {
                return Err(Error::OAuth(401, "Invalid / expired Token"));
            }
            let at = issue_access_token(w, &rt.consumer_key, &nick)?;
            rt.access_token = Some(at.token.clone());
            clients::put_request_token(w, &rt)?;
            Ok(at)
        })
        .await?;
    let body = format!(
        "oauth_token={}&oauth_token_secret={}",
        pct(&at.token),
        pct(&at.secret)
    );
    Ok(Resp::new(200, FORM, body))
}

#[cfg(test)]
mod tests {
    #[test]
    fn callbacks() {
        assert!(super::valid_callback("oob"));
        assert!(super::valid_callback("http://localhost:8080/cb?x=1"));
        assert!(!super::valid_callback("ftp://x"));
        assert!(!super::valid_callback("http://"));
        assert!(!super::valid_callback("not a url"));
    }
}
