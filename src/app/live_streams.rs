//! The registry of open live-update streams: one per session (a newer one ends the older),
//! at most `maxLiveStreams` in all, none once the server is closing.
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

#[derive(Default)]
pub struct Registry {
    /// session key → the ticket of its current stream.
    current: HashMap<String, u64>,
    open: usize,
    next: u64,
    pub closing: bool,
}

impl Registry {
    /// Streams open now.
    pub fn open(&self) -> usize {
        self.open
    }

    /// A place for a new stream of the session `key`, which ends that session's older stream;
    /// None when the server is closing or `max` streams are open.
    pub fn admit(reg: &Rc<RefCell<Registry>>, key: String, max: usize) -> Option<Ticket> {
        let mut r = reg.borrow_mut();
        if r.closing || r.open >= max {
            return None;
        }
        r.open += 1;
        r.next += 1;
        let id = r.next;
        r.current.insert(key.clone(), id);
        Some(Ticket {
            reg: reg.clone(),
            key,
            id,
        })
    }
}

/// One open stream's place in the registry; dropping it frees the place.
pub struct Ticket {
    reg: Rc<RefCell<Registry>>,
    key: String,
    id: u64,
}

impl Ticket {
    /// A newer stream of the same session took its place, or the server is closing.
    pub fn superseded(&self) -> bool {
        let reg = self.reg.borrow();
        reg.closing || reg.current.get(&self.key) != Some(&self.id)
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut reg = self.reg.borrow_mut();
        reg.open -= 1;
        if reg.current.get(&self.key) == Some(&self.id) {
            reg.current.remove(&self.key);
        }
    }
}
