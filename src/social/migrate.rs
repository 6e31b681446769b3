//! Data migrations that run at start, each once, recorded in the meta table. Each walks the
//! store in bounded batches, one write transaction a batch, so a large store needs no more
//! memory than a small one and a crash mid-way resumes from the start (each step is idempotent).
use super::addressing::mark_carried;
use super::sanitize::drop_reserved;
use crate::config::Config;
use crate::error::Result;
use crate::store::{activities, meta, objects, users, Read, Store, W};
use crate::util::time::now_iso;
use serde_json::Value;

/// Activities looked at per transaction.
const BATCH: usize = 500;

/// Objects that arrived inside an activity before the store noted it (`_carried_by`) would be
/// hidden from everyone but their author by the visibility gate: note their first activity.
const CARRIED: &str = "carried_by";

/// Stored documents may hold reserved names from before input scrubbing reached every depth
/// (the original's output filter hid them; nothing filters output now): drop them once.
const RESERVED: &str = "reserved_names";

pub fn run(store: &Store, cfg: &Config) -> Result<()> {
    let cfg = cfg.clone();
    batched(
        store,
        CARRIED,
        "activities for carried objects",
        move |w, from| {
            let batch = activities::after(w, from, BATCH)?;
            for (aid, act) in &batch {
                for k in ["object", "target"] {
                    if let Some(o) = act.get(k) {
                        mark_carried(w, &cfg, o, aid)?;
                    }
                }
            }
            Ok(resume_after(&batch))
        },
    )?;
    batched(
        store,
        RESERVED,
        "activities for reserved names",
        |w, from| {
            let batch = activities::after(w, from, BATCH)?;
            let next = resume_after(&batch);
            for (_, mut act) in batch {
                if drop_reserved(&mut act.doc) {
                    activities::put(w, &act)?;
                }
            }
            Ok(next)
        },
    )?;
    let objects_step = |w: &W, from: &str| {
        let batch = objects::after(w, from, BATCH)?;
        let next = resume_after(&batch);
        for (id, mut obj) in batch {
            if drop_reserved(&mut obj.doc) {
                objects::rewrite(w, &id, &obj)?;
            }
        }
        Ok(next)
    };
    batched(
        store,
        &format!("{RESERVED}_objects"),
        "objects for reserved names",
        objects_step,
    )?;
    let users_step = |w: &W, from: &str| {
        let batch = users::after(w, from, BATCH)?;
        let next = resume_after(&batch);
        for (nick, mut user) in batch {
            let mut doc = Value::Object(std::mem::take(&mut user.doc));
            let changed = drop_reserved(&mut doc);
            if let Value::Object(m) = doc {
                user.doc = m;
            }
            if changed {
                users::put(w, &nick, &user)?;
            }
        }
        Ok(next)
    };
    batched(
        store,
        &format!("{RESERVED}_users"),
        "accounts for reserved names",
        users_step,
    )?;
    batched(
        store,
        PUBLIC_TIMELINE,
        "accounts for the public timeline",
        public_timeline_step,
    )?;
    batched(store, TAGS, "public posts for their tags", tags_step)
}

/// The public timeline (`site:public`) begins with what each user posted before it had one.
const PUBLIC_TIMELINE: &str = "public_timeline";

/// A timeline is read from its top: each account's newest posts are enough to begin with.
const TIMELINE_BACKFILL: usize = 200;

/// Accounts per transaction of the public timeline's backfill (each with up to
/// `TIMELINE_BACKFILL` posts).
const ACCOUNTS_PER_STEP: usize = 10;

/// Each account's newest public posts, at the places they have in its outbox: the sequence is
/// global, so the timeline comes out in the order they were posted.
fn public_timeline_step(w: &W, from: &str) -> Result<Option<String>> {
    let batch = users::after(w, from, ACCOUNTS_PER_STEP)?;
    for (nick, _) in &batch {
        let outbox = crate::social::urls::stream(nick, "outbox:major");
        for (seq, aid) in w.stream_desc(&outbox, u64::MAX, TIMELINE_BACKFILL)? {
            let Some(act) = activities::get(w, &aid)? else {
                continue;
            };
            let post = act.doc.get("verb").and_then(Value::as_str) == Some("post");
            if post && super::addressing::may_see(w, &act, None)? {
                w.stream_put_at(crate::social::urls::PUBLIC_STREAM, seq, &aid)?;
            }
        }
    }
    Ok(resume_after_n(&batch, ACCOUNTS_PER_STEP))
}

/// The tag streams (`social::tags`) begin with the public timeline's posts.
const TAGS: &str = "hashtags";

/// A batch of the public timeline, newest first, below the sequence number `from` names.
fn tags_step(w: &W, from: &str) -> Result<Option<String>> {
    let below = from.parse().unwrap_or(u64::MAX);
    let batch = w.stream_desc(crate::social::urls::PUBLIC_STREAM, below, BATCH)?;
    for (seq, aid) in &batch {
        if let Some(act) = activities::get(w, aid)? {
            crate::social::tags::index(w, aid, &act, Some(*seq))?;
        }
    }
    Ok(batch
        .last()
        .map(|(seq, _)| seq.to_string())
        .filter(|_| batch.len() == BATCH))
}

/// Where the next batch starts: after this one's last key, unless it was the last (short).
fn resume_after<T>(batch: &[(String, T)]) -> Option<String> {
    resume_after_n(batch, BATCH)
}

fn resume_after_n<T>(batch: &[(String, T)], size: usize) -> Option<String> {
    batch
        .last()
        .map(|(k, _)| k.clone())
        .filter(|_| batch.len() == size)
}

/// Runs the migration `name` once: `step` handles the batch after a key in one transaction
/// and returns the batch's last key, or None when it was the last batch.
fn batched<F>(store: &Store, name: &str, what: &str, step: F) -> Result<()>
where
    F: Fn(&W, &str) -> Result<Option<String>> + Clone + Send + 'static,
{
    if store.read(|r| meta::migrated(r, name))? {
        return Ok(());
    }
    let mut after = String::new();
    let mut seen = 0usize;
    loop {
        let (from, step, name) = (after.clone(), step.clone(), name.to_string());
        let last = store.write_blocking(move |w| {
            let last = step(w, &from)?;
            if last.is_none() {
                meta::mark_migrated(w, &name, &now_iso())?;
            }
            Ok(last)
        })?;
        seen += BATCH;
        match last {
            Some(k) => after = k,
            None => break,
        }
    }
    if seen > BATCH {
        log::info!("migration: looked at about {seen} {what}");
    }
    Ok(())
}
