//! Background jobs: the work that follows a commit. A job is written in the same transaction
//! as the change that causes it (`queue`), so an answered request has its effects on disk too;
//! the worker (`src/worker.rs`) runs it after the commit, retries it with back-off, and keeps it
//! with its last error once it has failed `jobAttempts` times (`pump jobs` lists them).

use crate::config::Config;
use crate::error::Result;
use crate::mail::Mail;
use crate::store::{jobs, W};
use serde::{Deserialize, Serialize};

/// One activity for one remote person or group (federation.md §6.1).
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Delivery {
    pub activity: String,
    /// The remote person's or group's id.
    pub to: String,
    /// Its host (with port), the job's lane.
    pub host: String,
    /// The ActivityPub inbox to POST to (the host's shared inbox when the activity is for
    /// everyone or for followers); none for the pump.io protocol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inbox: Option<String>,
}

/// An ActivityPub Follow of a local user, accepted: the Accept to send back.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Accept {
    pub nick: String,
    /// The Follow activity's id.
    pub follow: String,
    /// The follower's actor id.
    pub to: String,
    pub host: String,
}

/// A remote object to learn more about (federation.md §7).
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Fetch {
    pub id: String,
    /// Its host, the job's lane.
    pub host: String,
}

/// A remote person just followed by a local user: their recent public posts, fetched from
/// their outbox into the follower's inbox.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Backfill {
    pub nick: String,
    pub person: String,
    pub host: String,
}

/// What a job does.
#[derive(Serialize, Deserialize, Clone, Debug)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Job {
    /// Sends an e-mail (confirmation, recovery).
    Mail(Mail),
    /// Wakes the open live-update streams of these users: their inbox or their sessions
    /// changed. After a restart no stream is open, so it has nothing left to do.
    Live { users: Vec<String> },
    /// Delivers an activity to one remote person or group (federation.md §6.1).
    Deliver(Delivery),
    /// Accepts an ActivityPub Follow.
    Accept(Accept),
    /// Learns a remote object's or person's links and document (federation.md §7).
    Fetch(Fetch),
    /// Pings the firehose with a public activity (federation.md §11).
    Ping { activity: String, host: String },
    /// Fetches a newly followed remote person's recent public posts.
    Backfill(Backfill),
}

impl Job {
    /// The lane of jobs held back together: a delivery's remote host.
    fn lane(&self) -> Option<&str> {
        match self {
            Job::Deliver(d) => Some(&d.host),
            Job::Accept(a) => Some(&a.host),
            Job::Fetch(f) => Some(&f.host),
            Job::Ping { host, .. } => Some(host),
            Job::Backfill(b) => Some(&b.host),
            _ => None,
        }
    }
}

/// Queues `job` in the write transaction `w`; refused (503) when `maxJobs` are waiting.
pub fn queue(w: &W, cfg: &Config, job: &Job) -> Result<u64> {
    let value = serde_json::to_value(job)?;
    jobs::enqueue(
        w,
        value,
        job.lane(),
        crate::util::time::now_secs(),
        cfg.max_jobs,
    )
}

/// The most jobs one remote host may have waiting: a quarter of `maxJobs`, so that a dead
/// host with many followers here cannot fill the queue for everyone.
fn lane_quota(cfg: &Config) -> u64 {
    (cfg.max_jobs as u64 / 4).max(1)
}

/// Queues a delivery of `activity` to each remote recipient in `to` (id, and its host). A
/// host with its quota waiting gets the delivery listed as given up on, with the reason.
/// ActivityPub recipients get it at their inbox, or once per shared inbox when `shared`.
pub fn deliveries(
    w: &W,
    cfg: &Config,
    activity: &str,
    to: impl IntoIterator<Item = (String, String)>,
    shared: bool,
) -> Result<()> {
    let mut inboxes = std::collections::HashSet::new();
    for (to, host) in to {
        let inbox = crate::store::ap::actor(w, &to)?.map(|a| match a.shared_inbox {
            Some(s) if shared => s,
            _ => a.inbox,
        });
        if let Some(i) = &inbox {
            if !inboxes.insert(i.clone()) {
                continue;
            }
        }
        let d = Job::Deliver(Delivery {
            activity: activity.to_string(),
            to,
            host: host.clone(),
            inbox,
        });
        let waiting = jobs::lane_count(w, &host)?;
        if waiting >= lane_quota(cfg) {
            let why = format!("{waiting} deliveries already wait for {host}");
            let now = crate::util::time::now_secs();
            jobs::refuse(w, serde_json::to_value(&d)?, &host, &why, now, cfg.max_jobs)?;
            continue;
        }
        queue(w, cfg, &d)?;
    }
    Ok(())
}

/// Queues the Accept of an ActivityPub Follow of a local user.
pub fn accept(w: &W, cfg: &Config, a: Accept) -> Result<()> {
    queue(w, cfg, &Job::Accept(a)).map(|_| ())
}

/// Queues a look-up of a remote object: a courtesy, never a reason to refuse a change.
pub fn lookup(w: &W, cfg: &Config, f: Fetch) -> Result<()> {
    courtesy(w, cfg, Job::Fetch(f))
}

/// Queues the fetch of a followed person's recent posts; a courtesy like a look-up.
pub fn backfill(w: &W, cfg: &Config, b: Backfill) -> Result<()> {
    courtesy(w, cfg, Job::Backfill(b))
}

/// Queues `job` unless its host already has a backlog or the queue is full.
fn courtesy(w: &W, cfg: &Config, job: Job) -> Result<()> {
    if let Some(host) = job.lane() {
        if jobs::lane_count(w, host)? >= lane_quota(cfg) / 4 {
            return Ok(());
        }
    }
    match queue(w, cfg, &job) {
        Err(crate::error::Error::Busy(_)) => Ok(()),
        other => other.map(|_| ()),
    }
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
