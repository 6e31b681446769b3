//! Following someone on another server shows their recent public posts at once: their
//! outbox is read from their own server (ActivityPub's `outbox`, or a pump.io server's feed)
//! and its newest public posts go into the follower's inbox. Activities fetched from the
//! author's own host are as authentic as a delivery from it, and are checked like one.
use super::client::{Failure, Request};
use super::credentials::{identity_for, signed};
use crate::app::App;
use crate::jobs::{Backfill, Fetch};
use crate::social::as2_in::{self, Incoming};
use crate::social::{inbox, objects, relations, urls};
use crate::store::ap::{self, ApActor};
use serde_json::Value;

/// Tried once: posts that arrive hours late, after the retries of a slow server, would land
/// on top of an inbox as news, which they are not.
pub async fn run(app: &App, b: &Backfill) -> Result<(), Failure> {
    if let Err(e) = fill(app, b).await {
        log::info!("federation: the recent posts of {} not read: {e}", b.person);
    }
    Ok(())
}

async fn fill(app: &App, b: &Backfill) -> Result<(), Failure> {
    let me = urls::person_id(&app.cfg, &b.nick);
    let following = app
        .store
        .read(|r| relations::exists(r, relations::FOLLOW, &me, &b.person));
    if !following.unwrap_or(false) {
        return Ok(());
    }
    let actor = app.store.read(|r| ap::actor(r, &b.person)).ok().flatten();
    let outbox = match &actor {
        Some(_) => ap_outbox(app, &b.person).await?,
        None => pump_outbox(app, b).await?,
    };
    let Some(outbox) = outbox.filter(|o| urls::host_of(o) == urls::host_of(&b.person)) else {
        return Err(Failure::Refused("no outbox on their own server".into()));
    };
    let count = app.cfg.recent_on_follow;
    let items = match &actor {
        Some(actor) => activitypub(app, &outbox, actor, count).await?,
        None => pumpio(app, &outbox, count).await?,
    };
    let mut placed = 0;
    // Oldest first, so that the newest ends on top of the inbox.
    for item in items.into_iter().take(count).rev() {
        let (cfg, nick, person) = (app.cfg.clone(), b.nick.clone(), b.person.clone());
        let done = app
            .store
            .write(move |w| inbox::backfill(w, &cfg, &nick, &person, &item))
            .await;
        match done {
            Ok(true) => placed += 1,
            Ok(false) => {}
            Err(e) => log::info!("federation: a post of {} left out: {e}", b.person),
        }
    }
    if placed > 0 {
        // An open home page shows them behind its new-posts bar.
        app.live.borrow().wake(std::slice::from_ref(&b.nick));
    }
    log::info!(
        "federation: {placed} recent posts of {} for {}",
        b.person,
        b.nick
    );
    Ok(())
}

/// The outbox an ActivityPub actor's own document names (we keep only what deliveries need).
async fn ap_outbox(app: &App, person: &str) -> Result<Option<String>, Failure> {
    let doc = super::ap_actor::get(app, person).await?;
    if as2_in::id_of(&doc) != Some(person) {
        return Err(Failure::Refused(format!(
            "{person}: another actor answered"
        )));
    }
    Ok(doc
        .get("outbox")
        .and_then(Value::as_str)
        .map(str::to_string))
}

/// The feed a pump.io person's profile links to, looked up first when we know only their id.
async fn pump_outbox(app: &App, b: &Backfill) -> Result<Option<String>, Failure> {
    let named = || {
        let stored = app
            .store
            .read(|r| objects::get(r, &b.person))
            .ok()
            .flatten()?;
        let url = stored.pointer("/links/activity-outbox/href")?.as_str()?;
        Some(url.to_string())
    };
    if let Some(url) = named() {
        return Ok(Some(url));
    }
    let f = Fetch {
        id: b.person.clone(),
        host: b.host.clone(),
    };
    super::fetch::run(app, &f).await?;
    Ok(named())
}

/// The first page of an ActivityPub outbox, as AS1 activities, newest first.
async fn activitypub(
    app: &App,
    outbox: &str,
    actor: &ApActor,
    count: usize,
) -> Result<Vec<Value>, Failure> {
    let doc = super::ap_actor::get(app, outbox).await?;
    let page = match doc.get("first") {
        Some(Value::String(url)) if urls::host_of(url) == urls::host_of(outbox) => {
            super::ap_actor::get(app, url).await?
        }
        Some(first @ Value::Object(_)) => first.clone(),
        _ => doc,
    };
    let items = page
        .get("orderedItems")
        .or_else(|| page.get("items"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let as1 =
        items
            .iter()
            .take(count)
            .filter_map(|item| match as2_in::activity(&app.cfg, item, actor) {
                Ok(Incoming::Activity { as1, .. }) => Some(as1),
                _ => None,
            });
    Ok(as1.collect())
}

/// The newest activities of a pump.io feed, fetched as this server.
async fn pumpio(app: &App, feed: &str, count: usize) -> Result<Vec<Value>, Failure> {
    let join = if feed.contains('?') { '&' } else { '?' };
    let url = format!("{feed}{join}count={count}");
    let who = identity_for(app, None);
    let make = || {
        let mut r = Request::get(&url);
        r.headers.push(("accept", super::client::AS1.into()));
        r
    };
    let resp = signed(app, &who, &make).await?;
    if !resp.ok() {
        return Err(resp.failure(&url));
    }
    let doc: Value = serde_json::from_slice(&resp.body)
        .map_err(|_| Failure::Refused(format!("{url}: not JSON")))?;
    Ok(doc
        .get("items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default())
}
