//! Runs due jobs (`jobs/`) after their commit: at most `jobWorkers` at a time, each failure retried after
//! `jobRetryDelay` seconds, doubled per attempt (at most a day), until `jobAttempts` runs have
//! failed. It wakes when a commit queued a job, or when the next retry is due.
use crate::app::App;
use crate::error::{Error, Result};
use crate::federation::client::Failure;
use crate::jobs::Job;
use crate::store::jobs::{self, JobRecord, Lane};
use crate::util::time::now_secs;
use smol::LocalExecutor;
use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;
use std::time::Duration;

/// The longest wait between two looks at the queue, and the longest retry delay.
const MAX_SLEEP: i64 = 3600;
const MAX_DELAY: i64 = 86_400;

/// The worker's loop; it ends when the app is closing.
pub async fn run(app: Rc<App>, ex: Rc<LocalExecutor<'static>>) {
    let wakeups = app.store.jobs_queued();
    let running: Rc<RefCell<HashSet<u64>>> = Rc::default();
    let turns = std::sync::Arc::new(smol::lock::Semaphore::new(app.cfg.job_workers));
    loop {
        if app.live.borrow().closing() {
            return;
        }
        let limit = app.cfg.job_workers * 4 + running.borrow().len();
        let lane = |l: &str| lane_state(&app, l);
        match app.store.read(|r| jobs::due(r, now_secs(), limit, &lane)) {
            Ok(mut due) => {
                // A running job keeps its due entry until it settles: it is not put off.
                due.defer.retain(|(j, _)| !running.borrow().contains(&j.id));
                defer_resting(&app, due.defer).await;
                for listed in due.run {
                    if running.borrow().contains(&listed.id) {
                        continue;
                    }
                    let turn = turns.acquire_arc().await;
                    // The list may be stale by now (a job that was running has finished),
                    // and the host may have filled up or failed while we waited for a turn.
                    let Some(job) = still_due(&app, &listed) else {
                        continue;
                    };
                    if job
                        .lane
                        .as_deref()
                        .is_some_and(|l| !matches!(lane(l), Lane::Open))
                    {
                        continue;
                    }
                    running.borrow_mut().insert(job.id);
                    // The host's turn is taken now, before the next job is looked at.
                    let host = job.lane.clone().map(|l| HostTurn::take(&app, l));
                    let (app, running) = (app.clone(), running.clone());
                    ex.spawn(async move {
                        let id = job.id;
                        let (written, network) = settle(&app, job).await;
                        if let Some(h) = host {
                            h.give_back(&app, network.as_deref());
                        }
                        // A job whose outcome could not be written stays marked as running
                        // (until a restart) rather than being run again at once.
                        if written {
                            running.borrow_mut().remove(&id);
                        }
                        drop(turn);
                    })
                    .detach();
                }
            }
            Err(e) => log::error!("jobs: cannot read the queue: {e}"),
        }
        sleep_until_due(&app, &wakeups).await;
    }
}

/// Whether jobs of `lane` (a remote host) may start now.
fn lane_state(app: &App, lane: &str) -> Lane {
    let gates = app.hosts.borrow();
    // One host never takes every worker: a host that does not answer holds back no other.
    let limit = app
        .cfg
        .federation
        .host_concurrency
        .min(app.cfg.job_workers.saturating_sub(1).max(1));
    match gates.resting_until(lane) {
        Some(until) => Lane::Rests(until),
        None if gates.open(lane, limit) => Lane::Open,
        None => Lane::Busy,
    }
}

/// Moves the due jobs of resting hosts to when their host may be tried again.
async fn defer_resting(app: &App, defer: Vec<(JobRecord, i64)>) {
    if defer.is_empty() {
        return;
    }
    let written = app
        .store
        .write(move |w| {
            for (job, until) in &defer {
                jobs::defer(w, job, *until)?;
            }
            Ok(())
        })
        .await;
    if let Err(e) = written {
        log::error!("jobs: cannot put off the jobs of resting hosts: {e}");
    }
}

/// Waits until a commit queues a job or the next job is due.
async fn sleep_until_due(app: &App, wakeups: &smol::channel::Receiver<()>) {
    let next = app.store.read(jobs::next_due).ok().flatten();
    let wait = next.map_or(MAX_SLEEP, |at| (at - now_secs()).clamp(1, MAX_SLEEP));
    let timer = async {
        smol::Timer::after(Duration::from_secs(wait as u64)).await;
    };
    let woken = async {
        if wakeups.recv().await.is_err() {
            // The store's writer is gone: nothing will wake us, and nothing can be written.
            smol::future::pending::<()>().await;
        }
    };
    smol::future::or(timer, woken).await;
}

/// A job's turn at its remote host (`app/host_gates.rs`), taken before the job starts.
struct HostTurn(String);

impl HostTurn {
    fn take(app: &App, host: String) -> HostTurn {
        app.hosts.borrow_mut().enter(&host);
        HostTurn(host)
    }

    /// Ends the turn; a network failure rests the host, said once in the log.
    fn give_back(self, app: &App, network: Option<&str>) {
        let base = app.cfg.job_retry_delay;
        if let Some(note) = app.hosts.borrow_mut().leave(&self.0, network, base) {
            log::warn!("federation: {note}");
        }
    }
}

/// The job as stored now, if it is still waiting, due, with the due time and runs it was
/// listed with.
fn still_due(app: &App, listed: &JobRecord) -> Option<JobRecord> {
    let now = app.store.read(|r| jobs::get(r, listed.id)).ok().flatten()?;
    let same = now.due == listed.due && now.attempts == listed.attempts;
    (!now.failed && same && now.due <= now_secs()).then_some(now)
}

/// Runs one job and writes down how it went: whether that could be written, and the network
/// error it met, if that is how it failed.
async fn settle(app: &App, job: JobRecord) -> (bool, Option<String>) {
    let outcome = perform(app, &job).await;
    let network = match &outcome {
        Err(Error::Internal(m)) => Some(m.clone()),
        _ => None,
    };
    let (cfg, done) = (app.cfg.clone(), job.clone());
    let written = app
        .store
        .write(move |w| match &outcome {
            // Only the run of the job as it was taken is recorded.
            _ if jobs::get(w, done.id)?.is_none_or(|j| j.attempts != done.attempts) => Ok(()),
            Ok(()) => jobs::finish(w, &done),
            Err(e) => {
                let attempts = done.attempts + 1;
                // A refusal that no retry can change (a malformed address) is given up at once.
                let permanent = matches!(e, Error::BadRequest(_));
                // Deliveries are retried for a period, other jobs for a number of runs.
                let more = match done.job.get("kind").and_then(|k| k.as_str()) {
                    Some("deliver" | "accept") => {
                        now_secs() - done.created < cfg.federation.retry_period
                    }
                    _ => attempts < cfg.job_attempts,
                };
                let retry = (more && !permanent).then(|| {
                    let delay = cfg
                        .job_retry_delay
                        .saturating_mul(1 << (attempts - 1).min(20));
                    now_secs() + delay.min(MAX_DELAY)
                });
                if retry.is_none() {
                    log::warn!("job {}: given up after {attempts} attempts: {e}", done.id);
                }
                jobs::failed(w, &done, &e.to_string(), retry, cfg.max_jobs)
            }
        })
        .await;
    match written {
        Ok(()) => (true, network),
        Err(e) => {
            log::error!("job {}: cannot record its outcome: {e}", job.id);
            (false, network)
        }
    }
}

async fn perform(app: &App, job: &JobRecord) -> Result<()> {
    use crate::federation::{deliver, fetch, firehose};
    let job: Job = serde_json::from_value(job.job.clone())?;
    let remote = match job {
        Job::Mail(m) => return crate::mail::send(&app.cfg, m).await,
        Job::Live { users } => {
            app.live.borrow().wake(&users);
            return Ok(());
        }
        Job::Deliver(d) => return within_deadline(app, deliver::run(app, &d)).await,
        Job::Accept(a) => {
            within_deadline(app, crate::federation::ap_deliver::accept(app, &a)).await
        }
        Job::Fetch(f) => within_deadline(app, fetch::run(app, &f)).await,
        Job::Backfill(b) => within_deadline(app, crate::federation::backfill::run(app, &b)).await,
        // A failed ping is logged, not tried again (federation.md §11).
        Job::Ping { activity, host } => {
            if let Err(e) = within_deadline(app, firehose::ping(app, &host, &activity)).await {
                log::info!("firehose: {e}");
            }
            Ok(())
        }
    };
    remote.map_err(|f| match f {
        Failure::Network(m) => Error::Internal(m),
        Failure::Refused(m) | Failure::TooLarge(m) => Error::BadRequest(m),
    })
}

/// A job for another server within its deadline: its few calls, each within the timeout.
async fn within_deadline<T: Late>(app: &App, work: impl std::future::Future<Output = T>) -> T {
    let limit = Duration::from_millis(app.cfg.federation.timeout_ms.saturating_mul(6));
    let late = async {
        smol::Timer::after(limit).await;
        T::late(limit)
    };
    smol::future::or(work, late).await
}

/// What a job for another server comes to when it runs out of time.
trait Late {
    fn late(limit: Duration) -> Self;
}

impl Late for std::result::Result<(), Failure> {
    fn late(limit: Duration) -> Self {
        Err(Failure::Network(format!("it took longer than {limit:?}")))
    }
}

impl Late for Result<()> {
    fn late(limit: Duration) -> Self {
        Err(Error::Internal(format!("it took longer than {limit:?}")))
    }
}
