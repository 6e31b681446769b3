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
}

/// Queues `job` in the write transaction `w`; refused (503) when `maxJobs` are waiting.
pub fn queue(w: &W, cfg: &Config, job: &Job) -> Result<u64> {
    let value = serde_json::to_value(job)?;
    jobs::enqueue(w, value, crate::util::time::now_secs(), cfg.max_jobs)
}
