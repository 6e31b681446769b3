//! Remote objects and persons (federation.md §7): WebFinger's links merged into the stored
//! copy, then the object itself fetched from its `self` link, signed as this server, scrubbed
//! like any input and stored over the copy we had.
use super::client::{Failure, Request};
use super::credentials::{identity_for, signed};
use super::discover;
use crate::app::App;
use crate::jobs::Fetch;
use crate::social::{objects, sanitize, urls};
use serde_json::{Map, Value};

pub async fn run(app: &App, f: &Fetch) -> Result<(), Failure> {
    learn(app, &f.id, Some(&f.id)).await.map(|_| ())
}

/// Looks up `user@host` (following someone on another server): their id, once stored. A
/// person whose WebFinger names an ActivityPub actor is reached by ActivityPub, unless
/// `federationProtocol` says otherwise.
pub async fn person(app: &App, address: &str) -> Result<String, Failure> {
    use crate::config::Protocol;
    let links = discover::webfinger(app, address).await?;
    let host = urls::host_of(address);
    let actor = links
        .iter()
        .filter(|l| l.rel == "self" && discover::is_ap(l))
        .find_map(|l| l.href.as_deref().filter(|h| urls::host_of(h) == host));
    match (app.cfg.federation.protocol, actor) {
        (Protocol::Auto | Protocol::ActivityPub, Some(a)) => {
            super::ap_actor::fetch(app, a).await.map(|rec| rec.id)
        }
        (Protocol::ActivityPub, None) => Err(Failure::Refused(format!(
            "{address} does not speak ActivityPub (federationProtocol)"
        ))),
        _ => learn_from(app, address, None, links).await,
    }
}

/// WebFinger of `resource`, then the document its `self` link gives (on the same host); the
/// document must be `expected` when given. Stores what was learnt and returns its id.
async fn learn(app: &App, resource: &str, expected: Option<&str>) -> Result<String, Failure> {
    let links = discover::webfinger(app, resource).await?;
    learn_from(app, resource, expected, links).await
}

async fn learn_from(
    app: &App,
    resource: &str,
    expected: Option<&str>,
    links: Vec<discover::Link>,
) -> Result<String, Failure> {
    let host = urls::host_of(resource);
    let mut obj = Map::new();
    if let Some(id) = expected {
        obj.insert("id".into(), Value::String(id.to_string()));
    }
    let own_self = discover::pump_self(&links).filter(|u| urls::host_of(u) == host);
    if let Some(url) = own_self {
        match fetch_self(app, url).await {
            Ok(Some(doc)) if expected.is_none_or(|id| same_object(&doc, id)) => obj = doc,
            Ok(_) => log::info!("federation: {url} does not describe {resource}"),
            Err(e) => log::info!("federation: cannot fetch {url}: {e}"),
        }
    }
    let id = obj
        .get("id")
        .and_then(Value::as_str)
        .filter(|id| urls::host_of(id) == host)
        .map(String::from)
        .ok_or_else(|| Failure::Refused(format!("{resource}: no such person or object there")))?;
    discover::merge_links(&mut obj, &links);
    let cfg = app.cfg.clone();
    app.store
        .write(move |w| objects::refresh_remote(w, &cfg, &obj))
        .await
        .map_err(|e| Failure::Network(format!("cannot store {resource}: {e}")))?;
    Ok(id)
}

/// The id the document gives is the one we asked about (in any of its forms).
fn same_object(doc: &Map<String, Value>, id: &str) -> bool {
    doc.get("id")
        .and_then(Value::as_str)
        .is_some_and(|got| urls::canonical(got) == urls::canonical(id))
}

async fn fetch_self(app: &App, url: &str) -> Result<Option<Map<String, Value>>, Failure> {
    let who = identity_for(app, None);
    let make = || {
        let mut r = Request::get(url);
        r.headers.push(("accept", super::client::AS1.into()));
        r
    };
    let resp = signed(app, &who, &make).await?;
    if !resp.ok() || !resp.media_type().starts_with("application/json") {
        return Ok(None);
    }
    let mut v: Value = serde_json::from_slice(&resp.body)
        .map_err(|_| Failure::Refused(format!("{url}: not JSON")))?;
    if crate::social::validate::object(&v, "object", 0).is_err() {
        return Ok(None);
    }
    sanitize::drop_reserved(&mut v);
    sanitize::object(&mut v);
    Ok(match v {
        Value::Object(m) => Some(m),
        _ => None,
    })
}
