//! Other servers' ActivityPub actors: fetched (signed as our server's actor), checked, and
//! kept with their inboxes and public key, so that their signatures can be checked and our
//! deliveries addressed.
use super::client::{self, Failure, Request};
use super::{ap_sign, keys};
use crate::app::App;
use crate::social::{actor, as2_in, objects, sanitize};
use crate::store::ap::{self, ApActor, SERVER};
use crate::util::time::now_secs;
use serde_json::Value;

pub const ACCEPT: &str =
    "application/activity+json, application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"";

/// An ActivityPub document, fetched with a GET signed by our server's actor.
pub async fn get(app: &App, url: &str) -> Result<Value, Failure> {
    let key = keys::ensure(app, SERVER)
        .await
        .map_err(|e| Failure::Network(e.to_string()))?;
    let key_id = actor::key_id(&actor::server_id(&app.cfg));
    let sign = ap_sign::signer(&key, &key_id, &[]);
    let mut r = Request::get(url);
    r.headers.push(("accept", ACCEPT.into()));
    r.sign = Some(&sign);
    let resp = client::send(&app.cfg.federation, r).await?;
    if !resp.ok() {
        return Err(resp.failure(url));
    }
    if !resp.media_type().contains("json") {
        return Err(Failure::Refused(format!("{url}: not JSON")));
    }
    serde_json::from_slice(&resp.body).map_err(|e| Failure::Refused(format!("{url}: {e}")))
}

/// The stored actor `id`, or fetched now when we have none.
pub async fn known(app: &App, id: &str) -> Result<ApActor, Failure> {
    match app.store.read(|r| ap::actor(r, id)).ok().flatten() {
        Some(a) => Ok(a),
        None => fetch(app, id).await,
    }
}

/// Fetches the actor `id` and keeps what it says.
pub async fn fetch(app: &App, id: &str) -> Result<ApActor, Failure> {
    let doc = get(app, id).await?;
    keep(app, id, &doc).await
}

async fn keep(app: &App, id: &str, doc: &Value) -> Result<ApActor, Failure> {
    let (person, rec) = as2_in::actor_record(doc, now_secs())
        .ok_or_else(|| Failure::Refused(format!("{id}: not an actor with an inbox and a key")))?;
    if rec.id != id {
        return Err(Failure::Refused(format!("{id} describes {}", rec.id)));
    }
    let mut person = Value::Object(person);
    sanitize::drop_reserved(&mut person);
    sanitize::object(&mut person);
    let (cfg, put) = (app.cfg.clone(), rec.clone());
    app.store
        .write(move |w| {
            ap::put_actor(w, &put)?;
            match person.as_object() {
                Some(p) => objects::refresh_remote(w, &cfg, p),
                None => Ok(()),
            }
        })
        .await
        .map_err(|e| Failure::Network(format!("cannot keep {id}: {e}")))?;
    Ok(rec)
}

/// The actor owning `key_id`: as stored, unless `fresh` (the stored key failed: keys rotate),
/// else fetched from the key's URL, which gives the actor or the key with its owner.
pub async fn by_key(app: &App, key_id: &str, fresh: bool) -> Result<ApActor, Failure> {
    if !fresh {
        if let Some(a) = app.store.read(|r| ap::by_key(r, key_id)).ok().flatten() {
            return Ok(a);
        }
    }
    let url = key_id.split('#').next().unwrap_or(key_id);
    let doc = get(app, url).await?;
    let rec = if doc.get("inbox").is_some() {
        keep(app, url, &doc).await?
    } else {
        let owner = doc
            .get("owner")
            .and_then(as2_in::id_of)
            .filter(|_| as2_in::id_of(&doc) == Some(key_id))
            .ok_or_else(|| Failure::Refused(format!("{key_id}: neither an actor nor its key")))?;
        fetch(app, owner).await?
    };
    if rec.key_id != key_id {
        return Err(Failure::Refused(format!(
            "{key_id} is not the key of {}",
            rec.id
        )));
    }
    Ok(rec)
}

/// Fetches a public object from its own server (what an Announce shares, when we do not have
/// it) and keeps it, with its author's actor. Anything not addressed to the public is left
/// alone: its server decides who sees it, and we would not know.
pub async fn object(app: &App, id: &str) -> Result<(), Failure> {
    let doc = get(app, id).await?;
    if as2_in::id_of(&doc) != Some(id) {
        return Err(Failure::Refused(format!("{id} describes something else")));
    }
    let author = doc
        .get("attributedTo")
        .and_then(as2_in::id_of)
        .filter(|a| crate::social::urls::host_of(a) == crate::social::urls::host_of(id))
        .ok_or_else(|| Failure::Refused(format!("{id} has no author on its host")))?;
    let rec = known(app, author).await?;
    let mut obj = as2_in::object(&app.cfg, &doc, rec.followers.as_deref())
        .ok_or_else(|| Failure::Refused(format!("{id} is not an object")))?;
    let public = crate::social::addressing::all(&obj)
        .iter()
        .any(|a| objects::id_of(a) == Some(crate::social::urls::PUBLIC));
    if !public {
        return Err(Failure::Refused(format!("{id} is not public")));
    }
    sanitize::object(&mut obj);
    let cfg = app.cfg.clone();
    app.store
        .write(move |w| match obj.as_object() {
            Some(o) => crate::social::fetched::keep_public(w, &cfg, o),
            None => Ok(()),
        })
        .await
        .map_err(|e| Failure::Network(format!("cannot keep {id}: {e}")))
}
