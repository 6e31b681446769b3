//! The registry of open live-update streams: one per session (a newer one ends the older),
//! at most `maxLiveStreams` in all, none once the server is closing. A stream sleeps until it
//! is woken: by a live-update job naming its user (`wake`), by a newer stream of its session,
//! or by the server closing.
use smol::channel::{Receiver, Sender};
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;
use std::sync::{Arc, Mutex};

/// The users with a stream open, shared with write transactions (which run on the store's
/// writer thread): a commit queues a live-update job only for users someone is watching.
#[derive(Clone, Default)]
pub struct Watching(Arc<Mutex<HashMap<String, usize>>>);

impl Watching {
    /// Those of `users` who have a stream open.
    pub fn among<'a>(&self, users: impl IntoIterator<Item = &'a String>) -> BTreeSet<String> {
        let Ok(w) = self.0.lock() else {
            return BTreeSet::new();
        };
        users
            .into_iter()
            .filter(|u| w.contains_key(*u))
            .cloned()
            .collect()
    }

    fn change(&self, nick: &str, up: bool) {
        let Ok(mut w) = self.0.lock() else { return };
        let n = w.entry(nick.to_string()).or_default();
        if up {
            *n += 1;
        } else {
            *n = n.saturating_sub(1);
            if *n == 0 {
                w.remove(nick);
            }
        }
    }
}

struct Entry {
    nick: String,
    wake: Sender<()>,
}

#[derive(Default)]
pub struct Registry {
    /// session key → the ticket of its current stream.
    current: HashMap<String, u64>,
    streams: HashMap<u64, Entry>,
    pub watching: Watching,
    next: u64,
    closing: bool,
}

impl Registry {
    /// Streams open now.
    pub fn open(&self) -> usize {
        self.streams.len()
    }

    /// Whether the server is closing.
    pub fn closing(&self) -> bool {
        self.closing
    }

    /// The server is closing: no new stream, and every open one is woken to end.
    pub fn close(&mut self) {
        self.closing = true;
        for e in self.streams.values() {
            let _ = e.wake.try_send(());
        }
    }

    /// Wakes the streams of `users` (a live-update job ran for them).
    pub fn wake(&self, users: &[String]) {
        for e in self.streams.values().filter(|e| users.contains(&e.nick)) {
            // A full channel already holds a wake-up: one is enough.
            let _ = e.wake.try_send(());
        }
    }

    /// A place for a new stream of `nick`'s session `key`, which ends that session's older
    /// stream; None when the server is closing or `max` streams are open.
    pub fn admit(
        reg: &Rc<RefCell<Registry>>,
        key: String,
        nick: &str,
        max: usize,
    ) -> Option<Ticket> {
        let mut r = reg.borrow_mut();
        if r.closing || r.streams.len() >= max {
            return None;
        }
        r.next += 1;
        let id = r.next;
        if let Some(old) = r.current.insert(key.clone(), id) {
            if let Some(e) = r.streams.get(&old) {
                let _ = e.wake.try_send(());
            }
        }
        let (wake, woken) = smol::channel::bounded(1);
        r.streams.insert(
            id,
            Entry {
                nick: nick.to_string(),
                wake,
            },
        );
        r.watching.change(nick, true);
        Some(Ticket {
            reg: reg.clone(),
            key,
            id,
            woken,
        })
    }
}

/// One open stream's place in the registry; dropping it frees the place.
pub struct Ticket {
    reg: Rc<RefCell<Registry>>,
    key: String,
    id: u64,
    woken: Receiver<()>,
}

impl Ticket {
    /// A newer stream of the same session took its place, or the server is closing.
    pub fn superseded(&self) -> bool {
        let reg = self.reg.borrow();
        reg.closing || reg.current.get(&self.key) != Some(&self.id)
    }

    /// Resolves when the stream is woken (see the module's comment).
    pub async fn woken(&self) {
        if self.woken.recv().await.is_err() {
            smol::future::pending::<()>().await;
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut reg = self.reg.borrow_mut();
        if let Some(e) = reg.streams.remove(&self.id) {
            reg.watching.change(&e.nick, false);
        }
        if reg.current.get(&self.key) == Some(&self.id) {
            reg.current.remove(&self.key);
        }
    }
}
