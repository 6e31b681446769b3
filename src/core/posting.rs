//! Posting an activity as a local user, and receiving one from another server: the pipeline
//! in one write transaction, with the live-update job for the readers it reached, then what
//! follows the commit (a deleted object's files leave the disk).
use crate::app::App;
use crate::error::Result;
use crate::social::clients::Client;
use crate::social::deliver::Posted;
use crate::social::inbox::{self, Dest};
use crate::social::outbox::{self, Feed};
use crate::store::W;
use serde_json::Value;

/// Runs the outbox pipeline for `nick` in one write transaction; returns the activity id.
pub async fn post_activity(
    app: &App,
    nick: &str,
    body: Value,
    client: &Client,
    feed: Feed,
) -> Result<String> {
    let (id, ()) = post_then(app, nick, body, client, feed, |_, _| Ok(())).await?;
    Ok(id)
}

/// The same, and then `then` on the new activity's id in the same transaction (to answer
/// with what was stored).
pub async fn post_then<T: Send + 'static>(
    app: &App,
    nick: &str,
    body: Value,
    client: &Client,
    feed: Feed,
    mut then: impl FnMut(&W, &str) -> Result<T> + Send + 'static,
) -> Result<(String, T)> {
    let (cfg, watching) = (app.cfg.clone(), app.live.borrow().watching.clone());
    let nick = nick.to_string();
    let generator = client.generator();
    let deletes = body.get("verb").and_then(Value::as_str) == Some("delete");
    let body = resolve_person(app, body).await;
    if let Some(spam) = &cfg.federation.spam {
        if crate::federation::spam::is_spam(app, spam, &body).await {
            return Err(crate::error::Error::bad("Looks like spam"));
        }
    }
    let (id, out) = app
        .store
        .write(move |w| {
            let posted = outbox::post(w, &cfg, &nick, &body, Some(&generator), feed)?;
            crate::jobs::live(w, &cfg, watching.among(&posted.reached))?;
            federate(w, &cfg, &posted)?;
            if let Some(host) = &cfg.federation.firehose {
                ping(w, &cfg, host, &posted.id)?;
            }
            let out = then(w, &posted.id)?;
            Ok((posted.id, out))
        })
        .await?;
    if deletes {
        remove_deleted_files(app, &id)?;
    }
    Ok((id, out))
}

/// Verbs whose object is a person, given maybe as an address (`acct:user@host`).
const OF_A_PERSON: &[&str] = &[
    "follow",
    "stop-following",
    "block",
    "unblock",
    "mute",
    "unmute",
];

/// A follow (or block, mute, and their undoing) of `user@host` on another server names the
/// person as their server knows them: an ActivityPub actor or a pump.io person, as WebFinger
/// tells (before the write: it asks the network). When the look-up fails the activity keeps
/// the address, as before.
async fn resolve_person(app: &App, mut body: Value) -> Value {
    use crate::social::{objects, urls};
    let verb = body.get("verb").and_then(Value::as_str).unwrap_or("");
    if !OF_A_PERSON.contains(&verb) {
        return body;
    }
    let Some(id) = body
        .get("object")
        .and_then(objects::id_of)
        .map(urls::canonical)
    else {
        return body;
    };
    if !id.starts_with("acct:") || objects::is_local_id(&app.cfg, &id) {
        return body;
    }
    match crate::federation::fetch::person(app, &id).await {
        Ok(found) if found != id => {
            body["object"] = serde_json::json!({"id": found, "objectType": "person"});
        }
        Ok(_) => {}
        Err(e) => log::info!("federation: cannot look up {id}: {e}"),
    }
    body
}

/// Where a delivery from another server goes.
pub enum Inbox {
    User(String),
    /// A local group, as stored.
    Group(crate::social::objects::Object),
}

/// Stores (once) and places an activity that the remote identity `principal` delivered;
/// returns its id.
pub async fn receive(app: &App, principal: &str, body: Value, to: Inbox) -> Result<String> {
    let (cfg, watching) = (app.cfg.clone(), app.live.borrow().watching.clone());
    let principal = principal.to_string();
    app.store
        .write(move |w| {
            let dest = match &to {
                Inbox::User(nick) => Dest::User(nick),
                Inbox::Group(g) => Dest::Group(g),
            };
            let posted = inbox::receive(w, &cfg, &principal, &body, dest)?;
            crate::jobs::live(w, &cfg, watching.among(&posted.reached))?;
            federate(w, &cfg, &posted)?;
            Ok(posted.id)
        })
        .await
}

/// Queues, in the activity's transaction, its deliveries to remote recipients, and a look-up
/// of each remote party to it that we know only by id.
fn federate(w: &W, cfg: &crate::config::Config, posted: &Posted) -> Result<()> {
    use crate::social::{objects, urls::host_of};
    let to = posted
        .remote
        .iter()
        .filter_map(|id| host_of(id).map(|host| (id.clone(), host)));
    let Some(act) = crate::social::activity::get(w, &posted.id)? else {
        return Ok(());
    };
    let shared = crate::social::addressing::all(&act).iter().any(|a| {
        objects::id_of(a)
            .is_some_and(|id| id == crate::social::urls::PUBLIC || id.ends_with("/followers"))
    });
    crate::jobs::deliveries(w, cfg, &posted.id, to, shared)?;
    for k in ["actor", "object", "target"] {
        let Some(id) = act.get(k).and_then(objects::id_of) else {
            continue;
        };
        let Some(host) = host_of(id).filter(|_| !objects::is_local_id(cfg, id)) else {
            continue;
        };
        let stored = objects::get(w, id)?;
        if objects::needs_lookup(stored.as_deref()) && !by_activitypub(w, id, stored.as_deref())? {
            let f = crate::jobs::Fetch {
                id: id.to_string(),
                host,
            };
            crate::jobs::lookup(w, cfg, f)?;
        }
    }
    Ok(())
}

/// An ActivityPub actor, or an object one of them sent: what it said of itself is all there
/// is to learn (a pump.io look-up would mix in another protocol's view of it).
fn by_activitypub(w: &W, id: &str, stored: Option<&Value>) -> Result<bool> {
    let author = stored
        .and_then(|o| o.get("author"))
        .and_then(crate::social::objects::id_of);
    for who in std::iter::once(id).chain(author) {
        if crate::store::ap::actor(w, who)?.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Queues a firehose ping for a public activity; a courtesy, left out when the queue is full.
fn ping(w: &W, cfg: &crate::config::Config, host: &str, id: &str) -> Result<()> {
    let Some(act) = crate::social::activity::get(w, id)? else {
        return Ok(());
    };
    if !crate::social::addressing::may_see(w, &act, None)? {
        return Ok(());
    }
    let job = crate::jobs::Job::Ping {
        activity: id.to_string(),
        host: host.to_string(),
    };
    match crate::jobs::queue(w, cfg, &job) {
        Err(crate::error::Error::Busy(_)) => Ok(()),
        other => other.map(|_| ()),
    }
}

/// After a committed delete: removes the files of the deleted object from disk.
pub fn remove_deleted_files(app: &App, activity_id: &str) -> Result<()> {
    let Some(dir) = &app.cfg.uploads else {
        return Ok(());
    };
    let tomb = app.store.read(|r| {
        let act = crate::social::activity::get(r, activity_id)?;
        crate::social::objects::stored_for(r, act.as_ref().and_then(|a| a.get("object")))
    })?;
    if let Some(t) = tomb {
        crate::media::files::remove(dir, &t.private.files);
    }
    Ok(())
}
