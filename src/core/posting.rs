//! Posting an activity as a local user: the outbox pipeline in one write transaction, then
//! what follows its commit (a deleted object's files leave the disk).
use crate::app::App;
use crate::error::Result;
use crate::social::clients::Client;
use crate::social::outbox::{self, Feed};
use serde_json::Value;

/// Runs the outbox pipeline for `nick` in one write transaction; returns the activity id.
pub async fn post_activity(
    app: &App,
    nick: &str,
    body: Value,
    client: &Client,
    feed: Feed,
) -> Result<String> {
    let cfg = app.cfg.clone();
    let nick = nick.to_string();
    let generator = client.generator();
    let deletes = body.get("verb").and_then(Value::as_str) == Some("delete");
    let id = app
        .store
        .write(move |w| outbox::post(w, &cfg, &nick, &body, Some(&generator), feed))
        .await?;
    if deletes {
        remove_deleted_files(app, &id)?;
    }
    Ok(id)
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
        crate::media::files::remove(dir, &t);
    }
    Ok(())
}
