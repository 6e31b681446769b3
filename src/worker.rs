//! Runs due jobs (`jobs/`) after their commit: at most `jobWorkers` at a time, each failure retried after
//! `jobRetryDelay` seconds, doubled per attempt (at most a day), until `jobAttempts` runs have
//! failed. It wakes when a commit queued a job, or when the next retry is due.
use crate::app::App;
use crate::error::{Error, Result};
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
            Ok(due) => {
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
                    let (app, running) = (app.clone(), running.clone());
                    ex.spawn(async move {
                        let id = job.id;
                        // A job whose outcome could not be written stays marked as running
                        // (until a restart) rather than being run again at once.
                        if settle(&app, job).await {
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

/// The job as stored now, if it is still waiting with the due time and runs it was listed with.
fn still_due(app: &App, listed: &JobRecord) -> Option<JobRecord> {
    let now = app.store.read(|r| jobs::get(r, listed.id)).ok().flatten()?;
    (!now.failed && now.due == listed.due && now.attempts == listed.attempts).then_some(now)
}

/// Runs one job and writes down how it went; false when that could not be written.
async fn settle(app: &App, job: JobRecord) -> bool {
    let outcome = perform(app, &job).await;
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
                let more = match done.lane {
                    Some(_) => now_secs() - done.created < cfg.federation.retry_period,
                    None => attempts < cfg.job_attempts,
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
        Ok(()) => true,
        Err(e) => {
            log::error!("job {}: cannot record its outcome: {e}", job.id);
            false
        }
    }
}

async fn perform(app: &App, job: &JobRecord) -> Result<()> {
    let job: Job = serde_json::from_value(job.job.clone())?;
    match job {
        Job::Mail(m) => crate::mail::send(&app.cfg, m).await,
        Job::Live { users } => {
            app.live.borrow().wake(&users);
            Ok(())
        }
        Job::Deliver(d) => deliver(app, &d).await,
        // A failed ping is not tried again (federation.md §11).
        Job::Ping { activity, host } => crate::federation::firehose::ping(app, &host, &activity)
            .await
            .map_err(|e| Error::BadRequest(e.to_string())),
        Job::Fetch(f) => {
            use crate::federation::{client::Failure, fetch};
            let late = async {
                smol::Timer::after(job_deadline(app)).await;
                Err(Failure::Network(format!(
                    "{}: the look-up took too long",
                    f.host
                )))
            };
            match smol::future::or(fetch::run(app, &f), late).await {
                Ok(()) => Ok(()),
                Err(Failure::Network(m)) => Err(Error::Internal(m)),
                Err(Failure::Refused(m) | Failure::TooLarge(m)) => Err(Error::BadRequest(m)),
            }
        }
    }
}

/// The longest a job for another server may take: its few calls, each within the timeout.
fn job_deadline(app: &App) -> Duration {
    Duration::from_millis(app.cfg.federation.timeout_ms.saturating_mul(6))
}

/// A delivery within its host's turns; a network failure rests the host.
async fn deliver(app: &App, d: &crate::jobs::Delivery) -> Result<()> {
    use crate::federation::deliver::{self, Outcome};
    app.hosts.borrow_mut().enter(&d.host);
    let outcome = smol::future::or(deliver::run(app, d), async {
        smol::Timer::after(job_deadline(app)).await;
        Outcome::Retry(format!(
            "{}: the delivery took longer than {:?}",
            d.host,
            job_deadline(app)
        ))
    })
    .await;
    let failed = match &outcome {
        Outcome::Retry(e) => Some(e.as_str()),
        _ => None,
    };
    let base = app.cfg.job_retry_delay;
    if let Some(note) = app.hosts.borrow_mut().leave(&d.host, failed, base) {
        log::warn!("federation: {note}");
    }
    deliver::as_error(outcome)
}
