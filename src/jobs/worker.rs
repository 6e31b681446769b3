//! Runs due jobs after their commit: at most `jobWorkers` at a time, each failure retried after
//! `jobRetryDelay` seconds, doubled per attempt (at most a day), until `jobAttempts` runs have
//! failed. It wakes when a commit queued a job, or when the next retry is due.
use super::Job;
use crate::app::App;
use crate::error::Result;
use crate::store::jobs::{self, JobRecord};
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
        if app.live.borrow().closing {
            return;
        }
        let now = now_secs();
        let due = app
            .store
            .read(|r| jobs::due(r, now, app.cfg.job_workers * 4 + running.borrow().len()));
        match due {
            Ok(due) => {
                for job in due {
                    if !running.borrow_mut().insert(job.id) {
                        continue;
                    }
                    let turn = turns.acquire_arc().await;
                    let (app, running) = (app.clone(), running.clone());
                    ex.spawn(async move {
                        let id = job.id;
                        settle(&app, job).await;
                        running.borrow_mut().remove(&id);
                        drop(turn);
                    })
                    .detach();
                }
            }
            Err(e) => log::error!("jobs: cannot read the queue: {e}"),
        }
        let next = app.store.read(jobs::next_due).ok().flatten();
        let wait = next.map_or(MAX_SLEEP, |at| (at - now_secs()).clamp(1, MAX_SLEEP));
        let timer = async {
            smol::Timer::after(Duration::from_secs(wait as u64)).await;
        };
        let woken = async {
            let _ = wakeups.recv().await;
        };
        smol::future::or(timer, woken).await;
    }
}

/// Runs one job and writes down how it went.
async fn settle(app: &App, job: JobRecord) {
    let outcome = perform(app, &job).await;
    let (cfg, done) = (app.cfg.clone(), job.clone());
    let written = app
        .store
        .write(move |w| match &outcome {
            Ok(()) => jobs::finish(w, &done),
            Err(e) => {
                let attempts = done.attempts + 1;
                let retry = (attempts < cfg.job_attempts).then(|| {
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
    if let Err(e) = written {
        log::error!("job {}: cannot record its outcome: {e}", job.id);
    }
}

async fn perform(app: &App, job: &JobRecord) -> Result<()> {
    let job: Job = serde_json::from_value(job.job.clone())?;
    match job {
        Job::Mail(m) => crate::mail::send(&app.cfg, m).await,
    }
}
