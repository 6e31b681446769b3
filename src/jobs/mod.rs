//! Background jobs: the work that follows a commit. A job is written in the same transaction
//! as the change that causes it (`queue`), so an answered request has its effects on disk too;
//! the worker (`worker.rs`) runs it after the commit, retries it with back-off, and keeps it
//! with its last error once it has failed `jobAttempts` times (`pump jobs` lists them).
pub mod worker;

use crate::config::Config;
use crate::error::Result;
use crate::mail::Mail;
use crate::store::{jobs, W};
use serde::{Deserialize, Serialize};

/// What a job does.
#[derive(Serialize, Deserialize, Clone, Debug)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Job {
    /// Sends an e-mail (confirmation, recovery).
    Mail(Mail),
    /// Wakes the open live-update streams of these users: their inbox or their sessions
    /// changed. After a restart no stream is open, so it has nothing left to do.
    Live { users: Vec<String> },
}

/// Queues `job` in the write transaction `w`; refused (503) when `maxJobs` are waiting.
pub fn queue(w: &W, cfg: &Config, job: &Job) -> Result<u64> {
    let value = serde_json::to_value(job)?;
    jobs::enqueue(w, value, crate::util::time::now_secs(), cfg.max_jobs)
}

/// Queues a live-update job for `users`, unless the list is empty. Live updates are a
/// courtesy: with the queue full the job is left out rather than the change refused, and the
/// streams find the news at their next heartbeat.
pub fn live(w: &W, cfg: &Config, users: impl IntoIterator<Item = String>) -> Result<()> {
    let users: Vec<String> = users.into_iter().collect();
    if users.is_empty() {
        return Ok(());
    }
    match queue(w, cfg, &Job::Live { users }) {
        Err(crate::error::Error::Busy(_)) => Ok(()),
        other => other.map(|_| ()),
    }
}
