//! Data migrations that run at start, each once, recorded in the meta table. Each walks the
//! store in bounded batches, one write transaction a batch, so a large store needs no more
//! memory than a small one and a crash mid-way resumes from the start (each step is idempotent).
use super::addressing::mark_carried;
use crate::config::Config;
use crate::error::Result;
use crate::store::{activities, meta, Store};
use crate::util::time::now_iso;

/// Activities looked at per transaction.
const BATCH: usize = 500;

/// Objects that arrived inside an activity before the store noted it (`_carried_by`) would be
/// hidden from everyone but their author by the visibility gate: note their first activity.
const CARRIED: &str = "carried_by";

pub fn run(store: &Store, cfg: &Config) -> Result<()> {
    if store.read(|r| meta::migrated(r, CARRIED))? {
        return Ok(());
    }
    let mut after = String::new();
    let mut seen = 0usize;
    loop {
        let from = after.clone();
        let cfg = cfg.clone();
        let last = store.write_blocking(move |w| {
            let batch = activities::after(w, &from, BATCH)?;
            for (aid, act) in &batch {
                for k in ["object", "target"] {
                    if let Some(o) = act.get(k) {
                        mark_carried(w, &cfg, o, aid)?;
                    }
                }
            }
            if batch.len() < BATCH {
                meta::mark_migrated(w, CARRIED, &now_iso())?;
            }
            Ok(batch
                .last()
                .map(|(k, _)| k.clone())
                .filter(|_| batch.len() == BATCH))
        })?;
        seen += BATCH;
        match last {
            Some(k) => after = k,
            None => break,
        }
    }
    if seen > BATCH {
        log::info!("migration: looked at about {seen} activities for carried objects");
    }
    Ok(())
}
