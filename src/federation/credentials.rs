//! Credentials between servers (federation.md §4.1): the client we registered at another host
//! for one of our identities, registered on first need with a Dialback-signed request, kept in
//! the store, and registered again once when the host answers 401.
use super::client::{self, Failure, Request, Response};
use super::dialback::{self, Identity};
use super::discover;
use crate::app::App;
use crate::store::remote::{self, HostRecord, RemoteClient};
use crate::util::time::now_secs;

/// Host records older than this are fetched again (the old one serves if that fails).
const HOST_RECORD_SECS: i64 = 86_400;

/// Which of our identities speaks for `actor` at other hosts: `user@host` for a local `acct:`
/// id, else this server (a URL id names no account that WebFinger could confirm, and another
/// server's person, whose activity a local group relays, is not ours to speak for).
pub fn identity_for(app: &App, actor: Option<&str>) -> Identity {
    let local = actor.filter(|id| crate::social::objects::is_local_id(&app.cfg, id));
    match local.and_then(|id| id.strip_prefix("acct:")) {
        Some(w) => Identity::Webfinger(w.to_string()),
        None => Identity::Host(app.cfg.host()),
    }
}

fn key(who: &Identity) -> String {
    match who {
        Identity::Host(h) => h.clone(),
        Identity::Webfinger(w) => format!("acct:{w}"),
    }
}

/// The endpoints of `host`, from the store or its metadata; all five pump.io ones required.
pub async fn host_record(app: &App, host: &str) -> Result<HostRecord, Failure> {
    let stored = app.store.read(|r| remote::host(r, host)).ok().flatten();
    if let Some(h) = &stored {
        if now_secs() - h.fetched < HOST_RECORD_SECS {
            return Ok(h.clone());
        }
    }
    let links = match discover::host_meta(app, host).await {
        Ok(l) => l,
        Err(e) => return stored.ok_or(e),
    };
    for rel in discover::REQUIRED {
        if discover::href(&links, rel).is_none() {
            return Err(Failure::Refused(format!("{host} does not implement {rel}")));
        }
    }
    let mut rec = HostRecord {
        host: host.to_string(),
        links: Vec::new(),
        fetched: now_secs(),
    };
    for rel in discover::REQUIRED.iter().chain(&["dialback"]) {
        if let Some(h) = discover::href(&links, rel) {
            rec.links.push((rel.to_string(), h.to_string()));
        }
    }
    let put = rec.clone();
    if let Err(e) = app.store.write(move |w| remote::put_host(w, &put)).await {
        log::warn!("federation: cannot keep the host record of {host}: {e}");
    }
    Ok(rec)
}

/// Our client at `host` for `who`: stored, or registered now.
pub async fn client_at(app: &App, host: &str, who: &Identity) -> Result<RemoteClient, Failure> {
    let k = key(who);
    if let Some(c) = app
        .store
        .read(|r| remote::client(r, host, &k))
        .ok()
        .flatten()
    {
        return Ok(c);
    }
    let c = register(app, host, who).await?;
    let (h, put) = (host.to_string(), c.clone());
    app.store
        .write(move |w| remote::put_client(w, &h, &k, &put))
        .await
        .map_err(|e| Failure::Network(format!("cannot keep credentials for {host}: {e}")))?;
    Ok(c)
}

/// Registers a client for `who` at `host`, with a Dialback-signed request (§4.1).
async fn register(app: &App, host: &str, who: &Identity) -> Result<RemoteClient, Failure> {
    let rec = host_record(app, host).await?;
    let endpoint = rec
        .link("registration_endpoint")
        .ok_or_else(|| Failure::Refused(format!("{host} has no registration endpoint")))?
        .to_string();
    let name = match who {
        Identity::Host(h) => h.clone(),
        Identity::Webfinger(w) => w.clone(),
    };
    let (authorization, date) = dialback::sign(app, &endpoint, who);
    let form: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("type", "client_associate")
        .append_pair("application_type", "web")
        .append_pair("application_name", &name)
        .finish();
    let headers = vec![("authorization", authorization), ("date", date)];
    let resp = client::send(&app.cfg.federation, Request::form(&endpoint, form, headers)).await?;
    let what = format!("registering at {host} as {name}");
    if !resp.ok() {
        return Err(resp.failure(&what));
    }
    let v: serde_json::Value = match resp.media_type().contains("json") {
        true => serde_json::from_slice(&resp.body).unwrap_or_default(),
        false => serde_json::Value::Null,
    };
    let got = |f: &str| {
        v.get(f)
            .and_then(serde_json::Value::as_str)
            .map(String::from)
    };
    let (Some(client_id), Some(client_secret)) = (got("client_id"), got("client_secret")) else {
        return Err(Failure::Network(format!(
            "{what}: no client_id and client_secret in {}",
            resp.excerpt()
        )));
    };
    Ok(RemoteClient {
        client_id,
        client_secret,
        expires_at: v.get("expires_at").and_then(|e| e.as_i64()).unwrap_or(0),
    })
}

/// Sends `req` signed two-legged as `who` at the URL's host; a 401 drops the credentials and
/// tries once more with new ones.
pub async fn signed(
    app: &App,
    who: &Identity,
    req: &dyn Fn() -> Request<'static>,
) -> Result<Response, Failure> {
    let probe = req();
    let host = crate::social::urls::host_of(&probe.url)
        .ok_or_else(|| Failure::Refused(format!("{}: no host", probe.url)))?;
    for attempt in 0..2 {
        let c = client_at(app, &host, who).await?;
        let sign = super::sign::signer((&c.client_id, &c.client_secret), None, &[]);
        let mut r = req();
        r.sign = Some(&sign);
        let resp = client::send(&app.cfg.federation, r).await?;
        if resp.status != 401 || attempt == 1 {
            return Ok(resp);
        }
        let (h, k) = (host.clone(), key(who));
        let _ = app
            .store
            .write(move |w| remote::delete_client(w, &h, &k))
            .await;
    }
    Err(Failure::Network(format!("{host}: refused our credentials")))
}
