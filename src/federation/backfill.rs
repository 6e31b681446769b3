//! Following someone on another server shows their recent public posts at once: their
//! outbox is read from their own server (ActivityPub's `outbox`, or a pump.io server's feed)
//! and its newest public posts go into the follower's inbox. Activities fetched from the
//! author's own host are as authentic as a delivery from it, and are checked like one.
use super::client::{Failure, Request};
use super::credentials::{identity_for, signed};
use crate::app::App;
use crate::jobs::Backfill;
use crate::social::activity::RECENT_ON_FOLLOW;
use crate::social::as2_in::{self, Incoming};
use crate::social::{inbox, objects, urls};
use crate::store::ap::{self, ApActor};
use serde_json::Value;

pub async fn run(app: &App, b: &Backfill) -> Result<(), Failure> {
    let actor = app.store.read(|r| ap::actor(r, &b.person)).ok().flatten();
    let outbox = match &actor {
        // The actor's document names it; we keep only what deliveries need.
        Some(_) => super::ap_actor::get(app, &b.person)
            .await?
            .get("outbox")
            .and_then(Value::as_str)
            .map(str::to_string),
        None => outbox_of(app, &b.person),
    };
    let Some(outbox) = outbox.filter(|o| urls::host_of(o) == urls::host_of(&b.person)) else {
        log::info!("federation: {} has no outbox to read", b.person);
        return Ok(());
    };
    let items = match &actor {
        Some(actor) => activitypub(app, &outbox, actor).await?,
        None => pumpio(app, &outbox).await?,
    };
    let mut placed = 0;
    // Oldest first, so that the newest ends on top of the inbox.
    for item in items.into_iter().take(RECENT_ON_FOLLOW).rev() {
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

/// The outbox the stored pump.io person names.
fn outbox_of(app: &App, person: &str) -> Option<String> {
    let stored = app.store.read(|r| objects::get(r, person)).ok().flatten()?;
    let url = stored.pointer("/links/activity-outbox/href")?.as_str()?;
    Some(url.to_string())
}

/// The first page of an ActivityPub outbox, as AS1 activities, newest first.
async fn activitypub(app: &App, outbox: &str, actor: &ApActor) -> Result<Vec<Value>, Failure> {
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
    let as1 = items.iter().take(RECENT_ON_FOLLOW).filter_map(|item| {
        match as2_in::activity(&app.cfg, item, actor) {
            Ok(Incoming::Activity { as1, .. }) => Some(as1),
            _ => None,
        }
    });
    Ok(as1.collect())
}

/// The newest activities of a pump.io feed, fetched as this server.
async fn pumpio(app: &App, feed: &str) -> Result<Vec<Value>, Failure> {
    let url = format!("{feed}?count={RECENT_ON_FOLLOW}");
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
