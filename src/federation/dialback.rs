//! Dialback (federation.md §3): proving "this request comes from host H" or "from user@H"
//! without a shared secret. As a sender we sign a request with a fresh token and remember it
//! so that `POST /api/dialback` can confirm it; as a receiver we ask the claimed identity's
//! dialback endpoint whether it sent what we got. Both are remembered in the app's ledger
//! (`app/dialback_ledger.rs`), bounded, for the 5-minute window.
use super::client::{self, Request};
use super::discover;
use crate::app::dialback_ledger::{Entry, Sight, WINDOW};
use crate::app::App;
use crate::util::{rand, time};

/// Who a Dialback request speaks for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Identity {
    Host(String),
    Webfinger(String),
}

impl Identity {
    fn field(&self) -> (&'static str, &str) {
        match self {
            Identity::Host(h) => ("host", h),
            Identity::Webfinger(w) => ("webfinger", w),
        }
    }

    /// The request to `url` with `token` at `date` as the ledger keeps it.
    fn entry(&self, url: &str, token: &str, secs: i64) -> Entry {
        let (k, v) = self.field();
        (
            url.to_string(),
            format!("{k}={v}"),
            token.to_string(),
            secs * 1000,
        )
    }
}

/// The `Authorization` and `Date` headers for a request to `url` as `who`, remembered.
pub fn sign(app: &App, url: &str, who: &Identity) -> (String, String) {
    let token = rand::token(8);
    let secs = time::now_secs();
    let date = time::http_date(secs);
    let (k, v) = who.field();
    let entry = who.entry(url, &token, secs);
    let cap = app.cfg.federation.cache_entries * 10;
    app.dialback.borrow_mut().note_sent(entry, cap);
    (format!("Dialback {k}=\"{v}\", token=\"{token}\""), date)
}

/// `POST /api/dialback` (§3.3): whether we sent this request; the error is the reason.
pub fn confirm(app: &App, form: &[(String, String)]) -> Result<(), &'static str> {
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let who = match (get("host"), get("webfinger")) {
        (Some(h), _) if h.eq_ignore_ascii_case(&app.cfg.host()) => Identity::Host(h.into()),
        (None, Some(w))
            if w.rsplit_once('@')
                .is_some_and(|(_, h)| h.eq_ignore_ascii_case(&app.cfg.host())) =>
        {
            Identity::Webfinger(w.into())
        }
        (Some(_), _) | (None, Some(_)) => return Err("Incorrect host"),
        (None, None) => return Err("No identity"),
    };
    let token = get("token").ok_or("No token")?;
    let date = get("date").ok_or("No date")?;
    let url = get("url").unwrap_or_default();
    let secs = time::parse_http_date(date).ok_or("Invalid date")?;
    if (time::now_secs() - secs).abs() > WINDOW {
        return Err("Invalid date");
    }
    let entry = who.entry(url, token, secs);
    let cap = app.cfg.federation.cache_entries * 10;
    if app.dialback.borrow_mut().was_sent(&entry, cap) {
        Ok(())
    } else {
        Err("Not my token")
    }
}

/// A parsed `Authorization: Dialback …` header: its fields.
fn fields(header: &str) -> Vec<(String, String)> {
    header
        .split(',')
        .filter_map(|part| {
            let (k, v) = part.trim().split_once('=')?;
            Some((k.trim().to_string(), v.trim().trim_matches('"').to_string()))
        })
        .collect()
}

/// Checks a Dialback-signed request to `url` (§3.2); the error is the 401 text.
pub async fn verify(
    app: &App,
    url: &str,
    authorization: Option<&str>,
    date: Option<&str>,
) -> Result<Identity, String> {
    let h = authorization.ok_or("No Authorization header")?;
    let rest = h
        .strip_prefix("Dialback ")
        .ok_or("Authorization scheme is not 'Dialback'")?;
    let f = fields(rest);
    let get = |k: &str| f.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let token = get("token").ok_or("Authorization header has no 'token' field")?;
    let who = match (get("host"), get("webfinger")) {
        (Some(h), _) => Identity::Host(h.to_ascii_lowercase()),
        (None, Some(w)) => Identity::Webfinger(w),
        (None, None) => {
            return Err("Authorization header has neither 'host' nor 'webfinger' fields".into())
        }
    };
    let date = date.ok_or("No 'Date' header")?;
    let secs = time::parse_http_date(date)
        .filter(|s| (time::now_secs() - s).abs() <= WINDOW)
        .ok_or("'Date' header is outside our 5-minute window")?;
    if !plain(&who) || token.len() > 64 {
        return Err("Invalid identity or token".into());
    }
    let seen = who.entry(url, &token, secs);
    let cap = app.cfg.federation.cache_entries * 10;
    match app.dialback.borrow_mut().first_sight(&seen, cap) {
        Sight::First => {}
        Sight::Replay => return Err("We've already seen this request.".into()),
        Sight::Full => return Err("Too many Dialback requests at once; try again later".into()),
    }
    let Some(_turn) = app.verifications.try_acquire() else {
        return Err("Too many Dialback requests at once; try again later".into());
    };
    ask(app, &who, &token, url, date).await?;
    Ok(who)
}

/// Only a plain host, or user@host: the identity bound to a client must be the one that
/// discovery asked and that every host check reads the same way.
fn plain(who: &Identity) -> bool {
    match who {
        Identity::Host(h) => crate::social::urls::is_authority(h),
        Identity::Webfinger(w) => w.rsplit_once('@').is_some_and(|(u, h)| {
            !u.is_empty()
                && u.len() <= 64
                && !u.contains(['@', '/', '\\', '?', '#', ':'])
                && !u.contains(char::is_whitespace)
                && crate::social::urls::is_authority(h)
        }),
    }
}

/// Asks `who`'s dialback endpoint whether it sent (url, token, date); the error is the text.
async fn ask(app: &App, who: &Identity, token: &str, url: &str, date: &str) -> Result<(), String> {
    let endpoint = endpoint(app, who).await?;
    let (k, v) = who.field();
    let form: String = form_urlencoded::Serializer::new(String::new())
        .append_pair(k, v)
        .append_pair("token", token)
        .append_pair("url", url)
        .append_pair("date", date)
        .finish();
    let req = Request::form(&endpoint, form, Vec::new());
    let resp = client::send(&app.cfg.federation, req)
        .await
        .map_err(|e| e.to_string())?;
    if !(200..=300).contains(&resp.status) {
        return Err(format!("Error {}: {}", resp.status, resp.excerpt()));
    }
    Ok(())
}

/// Where `who` confirms its requests: its host's or its account's `dialback` link.
async fn endpoint(app: &App, who: &Identity) -> Result<String, String> {
    let links = match who {
        Identity::Host(h) => discover::host_meta(app, h).await,
        Identity::Webfinger(w) => discover::webfinger(app, w).await,
    }
    .map_err(|e| e.to_string())?;
    discover::href(&links, "dialback")
        .map(String::from)
        .ok_or_else(|| "No dialback link".to_string())
}
