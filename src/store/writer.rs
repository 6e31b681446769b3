//! The writer thread: batches queued write closures into one transaction (group commit).
use super::access::W;
use super::change_log::ChangeLog;
use super::engine::Engine;
use super::watch::Noting;
use crate::error::{Error, Result};
use smol::channel::{bounded, Receiver, Sender};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Writes waiting for the writer beyond this make `submit` wait (back-pressure).
const QUEUE: usize = 1024;
/// At most this many writes share one transaction.
const BATCH: usize = 128;

trait Job: Send {
    fn run(&mut self, w: &W) -> Result<()>;
    fn done(self: Box<Self>, outcome: Result<()>);
}

struct Closure<T, F> {
    f: F,
    out: Option<T>,
    reply: Sender<Result<T>>,
}

impl<T: Send, F: FnMut(&W) -> Result<T> + Send> Job for Closure<T, F> {
    fn run(&mut self, w: &W) -> Result<()> {
        self.out = Some((self.f)(w)?);
        Ok(())
    }

    fn done(self: Box<Self>, outcome: Result<()>) {
        let result = match (outcome, self.out) {
            (Ok(()), Some(v)) => Ok(v),
            (Ok(()), None) => Err(Error::internal("write finished without a result")),
            (Err(e), _) => Err(e),
        };
        // The requester may have gone away; its write is committed all the same.
        let _ = self.reply.try_send(result);
    }
}

#[derive(Clone)]
pub struct Writer {
    tx: Sender<Box<dyn Job>>,
    /// A token after each commit that queued background jobs (the job worker waits on it).
    pub jobs_queued: Receiver<()>,
    /// Bumped after every commit, so readers can tell whether anything changed.
    pub generation: Arc<AtomicU64>,
    thread: Arc<std::sync::Mutex<Option<std::thread::JoinHandle<()>>>>,
}

impl Writer {
    pub fn start(db: Arc<dyn Engine>, log: Arc<ChangeLog>) -> Result<Writer> {
        let (tx, rx) = bounded::<Box<dyn Job>>(QUEUE);
        let generation = Arc::new(AtomicU64::new(0));
        let g = generation.clone();
        // One token is enough: the worker looks at every due job when it wakes.
        let (queued, jobs_queued) = bounded(1);
        let thread = std::thread::Builder::new()
            .name("store-writer".into())
            .spawn(move || run(db, rx, g, &log, queued))?;
        Ok(Writer {
            tx,
            jobs_queued,
            generation,
            thread: Arc::new(std::sync::Mutex::new(Some(thread))),
        })
    }

    /// Refuses new writes, lets queued ones finish, and waits for the thread to let go of
    /// the database.
    pub fn close(&self) {
        self.tx.close();
        let handle = self.thread.lock().ok().and_then(|mut t| t.take());
        if let Some(h) = handle {
            if h.join().is_err() {
                log::error!("store: the writer thread panicked");
            }
        }
    }

    pub async fn submit<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnMut(&W) -> Result<T> + Send + 'static,
    {
        let (reply, answer) = bounded(1);
        let job = Box::new(Closure {
            f,
            out: None,
            reply,
        });
        self.tx
            .send(job)
            .await
            .map_err(|_| Error::internal("the store writer has stopped"))?;
        answer
            .recv()
            .await
            .map_err(|_| Error::internal("the store writer dropped a write"))?
    }
}

fn run(
    db: Arc<dyn Engine>,
    rx: Receiver<Box<dyn Job>>,
    generation: Arc<AtomicU64>,
    log: &ChangeLog,
    jobs_queued: Sender<()>,
) {
    while let Ok(first) = rx.recv_blocking() {
        let mut batch = vec![first];
        while batch.len() < BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        if commit(db.as_ref(), batch, &generation, log) {
            let _ = jobs_queued.try_send(());
        }
    }
}

/// Runs `jobs` in one transaction. A failing job is answered with its error and the rest are
/// run again in a fresh transaction, so no job ever sees another's half-done writes. True when
/// the committed transaction queued background jobs.
fn commit(
    db: &dyn Engine,
    mut jobs: Vec<Box<dyn Job>>,
    generation: &AtomicU64,
    log: &ChangeLog,
) -> bool {
    while !jobs.is_empty() {
        let mut failed = None;
        let mut queued = false;
        let outcome = db.transact(&mut |changes| {
            // One transaction for the whole batch.
            let noting = Noting::new(changes, log.keeps());
            let w = W::new(&noting);
            for (i, job) in jobs.iter_mut().enumerate() {
                if let Err(e) = job.run(&w) {
                    failed = Some((i, e));
                    return Err(Error::internal("rolled back"));
                }
            }
            queued = w.queued_jobs();
            // Before the commit makes the changes visible: a reader who sees them finds them
            // noted. Only this thread bumps the generation; a commit that fails after this
            // only makes kept things look changed.
            log.note(generation.load(Ordering::SeqCst) + 1, &noting.take());
            Ok(())
        });
        if let Some((i, e)) = failed {
            jobs.remove(i).done(Err(e));
            continue;
        }
        match outcome {
            Ok(()) => {
                // Before answering, so that a reader who sees the answer sees the new generation.
                generation.fetch_add(1, Ordering::SeqCst);
                for j in jobs {
                    j.done(Ok(()));
                }
                return queued;
            }
            Err(e) => {
                let msg = e.to_string();
                log::error!("store: a write transaction failed: {msg}");
                for j in jobs {
                    j.done(Err(Error::Internal(msg.clone())));
                }
                return false;
            }
        }
    }
    false
}
