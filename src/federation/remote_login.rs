//! Logging in to our web UI with an account on another server (federation.md §8): a
//! three-legged OAuth 1.0a dance with the person's home server, as this server's client
//! there; then posting for them through their outbox with the token they gave us.
use super::client::{self, Failure, Method, Request, Response};
use super::credentials::{client_at, host_record};
use super::dialback::Identity;
use crate::app::pending_logins::Pending;
use crate::app::App;
use crate::social::{objects, urls};
use crate::store::remote::{self, RemoteClient, RemoteToken};
use serde_json::Value;

const REQUEST_TOKEN: &str = "http://apinamespace.org/oauth/request_token";
const AUTHORIZE: &str = "http://apinamespace.org/oauth/authorize";
const ACCESS_TOKEN: &str = "http://apinamespace.org/oauth/access_token";
const WHOAMI: &str = "http://apinamespace.org/activitypub/whoami";

fn link<'a>(rec: &'a remote::HostRecord, rel: &str) -> Result<&'a str, Failure> {
    rec.link(rel)
        .ok_or_else(|| Failure::Refused(format!("{} does not implement {rel}", rec.host)))
}

/// A signed POST of no body, answered with a form (`oauth_token`, `oauth_token_secret`).
async fn token_call(
    app: &App,
    url: &str,
    c: &RemoteClient,
    token: Option<(&str, &str)>,
    extra: &[(&str, &str)],
) -> Result<(String, String), Failure> {
    let sign = super::sign::signer((&c.client_id, &c.client_secret), token, extra);
    let mut req = Request::get(url);
    req.method = Method::Post;
    req.sign = Some(&sign);
    let resp = client::send(&app.cfg.federation, req).await?;
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&resp.body).into_owned().collect();
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    match (resp.ok(), get("oauth_token"), get("oauth_token_secret")) {
        (true, Some(t), Some(s)) => Ok((t, s)),
        _ => Err(Failure::Refused(format!(
            "{url}: status {} {}",
            resp.status,
            resp.excerpt()
        ))),
    }
}

/// Starts the dance for `user@host`: where to send the browser.
pub async fn begin(app: &App, webfinger: &str, back_to: &str) -> Result<String, Failure> {
    let host = urls::host_of(webfinger)
        .ok_or_else(|| Failure::Refused(format!("{webfinger}: no host")))?;
    let rec = host_record(app, &host).await?;
    let ours = Identity::Host(app.cfg.host());
    let c = client_at(app, &host, &ours).await?;
    let callback = app.url(&format!("/main/authorized/{host}"));
    let url = link(&rec, REQUEST_TOKEN)?;
    let (token, secret) =
        token_call(app, url, &c, None, &[("oauth_callback", callback.as_str())]).await?;
    let pending = Pending {
        host: host.clone(),
        secret,
        back_to: back_to.to_string(),
    };
    let cap = app.cfg.max_request_tokens;
    app.pending_logins
        .borrow_mut()
        .insert(token.clone(), pending, cap);
    let authorize = link(&rec, AUTHORIZE)?;
    let sep = if authorize.contains('?') { '&' } else { '?' };
    Ok(format!(
        "{authorize}{sep}oauth_token={}",
        crate::util::enc::pct(&token)
    ))
}

/// Finishes the dance when the browser comes back from `host`: the person, as stored, and
/// where to send the browser.
pub async fn finish(
    app: &App,
    host: &str,
    token: &str,
    verifier: &str,
) -> Result<(String, String), Failure> {
    let pending = app
        .pending_logins
        .borrow_mut()
        .take(token)
        .filter(|p| p.host == host)
        .ok_or_else(|| Failure::Refused("This login has expired; try again.".into()))?;
    let rec = host_record(app, host).await?;
    let c = client_at(app, host, &Identity::Host(app.cfg.host())).await?;
    let url = link(&rec, ACCESS_TOKEN)?;
    let (access, secret) = token_call(
        app,
        url,
        &c,
        Some((token, &pending.secret)),
        &[("oauth_verifier", verifier)],
    )
    .await?;
    let person = whoami(app, &rec, &c, (&access, &secret)).await?;
    let id = objects::id_of(&person).unwrap_or_default().to_string();
    // The home server speaks for its own people only.
    if urls::host_of(&id).as_deref() != Some(host) {
        return Err(Failure::Refused(format!("{host} says its user is {id}")));
    }
    let outbox = person
        .pointer("/links/activity-outbox/href")
        .and_then(Value::as_str)
        .filter(|o| urls::host_of(o).as_deref() == Some(host))
        .ok_or_else(|| Failure::Refused(format!("{id} has no outbox on {host}")))?
        .to_string();
    let record = RemoteToken {
        host: host.to_string(),
        token: access,
        secret,
        outbox,
    };
    let cfg = app.cfg.clone();
    let (pid, doc) = (id.clone(), person);
    app.store
        .write(move |w| {
            if let Some(m) = doc.as_object() {
                objects::refresh_remote(w, &cfg, m)?;
            }
            remote::put_token(w, &pid, &record)
        })
        .await
        .map_err(|e| Failure::Network(e.to_string()))?;
    Ok((id, pending.back_to))
}

async fn whoami(
    app: &App,
    rec: &remote::HostRecord,
    c: &RemoteClient,
    token: (&str, &str),
) -> Result<Value, Failure> {
    let url = link(rec, WHOAMI)?;
    let sign = super::sign::signer((&c.client_id, &c.client_secret), Some(token), &[]);
    let mut req = Request::get(url);
    req.headers.push(("accept", super::client::AS1.into()));
    req.sign = Some(&sign);
    let resp = client::send(&app.cfg.federation, req).await?;
    let mut v: Value = match resp.ok() {
        true => serde_json::from_slice(&resp.body).ok(),
        false => None,
    }
    .filter(|v: &Value| v.get("id").and_then(Value::as_str).is_some())
    .ok_or_else(|| Failure::Refused(format!("{url}: status {} {}", resp.status, resp.excerpt())))?;
    crate::social::sanitize::drop_reserved(&mut v);
    crate::social::sanitize::object(&mut v);
    Ok(v)
}

/// Posts `activity` to the remote person's outbox at home, as them; their server's answer.
pub async fn post(app: &App, person: &str, activity: &[u8]) -> Result<Response, Failure> {
    let t = app
        .store
        .read(|r| remote::token(r, person))
        .ok()
        .flatten()
        .ok_or_else(|| Failure::Refused(format!("no token for {person}")))?;
    let c = client_at(app, &t.host, &Identity::Host(app.cfg.host())).await?;
    let sign = super::sign::signer(
        (&c.client_id, &c.client_secret),
        Some((&t.token, &t.secret)),
        &[],
    );
    let req = Request {
        method: Method::Post,
        url: t.outbox.clone(),
        headers: vec![("content-type", "application/json".into())],
        body: activity.to_vec(),
        sign: Some(&sign),
    };
    client::send(&app.cfg.federation, req).await
}
