//! Engine wrappers that note deps (`change_log.rs`): `Watched` notes what a read snapshot reads
//! while asked to, `Noting` what a write transaction changes.
use super::change_log::{self, Dep};
use super::engine::{Changes, Rows, Snapshot};
use super::tables::Table;
use crate::error::Result;
use std::cell::RefCell;
use std::ops::Bound;

/// A read snapshot that, between `start` and `take`, notes every dep it reads.
pub struct Watched {
    snap: Box<dyn Snapshot>,
    deps: RefCell<Option<Vec<Dep>>>,
}

impl Watched {
    pub fn new(snap: Box<dyn Snapshot>) -> Watched {
        Watched {
            snap,
            deps: RefCell::new(None),
        }
    }

    pub fn start(&self) {
        *self.deps.borrow_mut() = Some(Vec::new());
    }

    /// What was read since `start`, each dep once; stops noting.
    pub fn take(&self) -> Vec<Dep> {
        let mut deps = self.deps.borrow_mut().take().unwrap_or_default();
        deps.sort_unstable();
        deps.dedup();
        deps
    }

    pub fn note(&self, dep: Dep) {
        if let Some(d) = self.deps.borrow_mut().as_mut() {
            d.push(dep);
        }
    }
}

impl Snapshot for Watched {
    fn get(&self, t: Table, key: &str) -> Result<Option<Vec<u8>>> {
        self.note(change_log::key(t, key));
        self.snap.get(t, key)
    }

    fn range(&self, t: Table, from: Bound<&str>, to: Bound<&str>, limit: usize) -> Result<Rows> {
        self.note(change_log::space(t));
        self.snap.range(t, from, to, limit)
    }

    fn stream_count(&self, stream: &str) -> Result<u64> {
        self.note(change_log::stream(stream));
        self.snap.stream_count(stream)
    }

    fn stream_seq(&self, stream: &str, item: &str) -> Result<Option<u64>> {
        self.note(change_log::stream(stream));
        self.snap.stream_seq(stream, item)
    }

    fn stream_desc(&self, stream: &str, below: u64, limit: usize) -> Result<Vec<(u64, String)>> {
        self.note(change_log::stream(stream));
        self.snap.stream_desc(stream, below, limit)
    }

    fn stream_asc(&self, stream: &str, above: u64, limit: usize) -> Result<Vec<(u64, String)>> {
        self.note(change_log::stream(stream));
        self.snap.stream_asc(stream, above, limit)
    }
}

/// A write transaction that notes every dep it changes (a key also changes its key space).
pub struct Noting<'a> {
    changes: &'a dyn Changes,
    deps: RefCell<Vec<Dep>>,
    /// Off when no change log keeps what is noted: then nothing is hashed.
    on: bool,
}

impl<'a> Noting<'a> {
    pub fn new(changes: &'a dyn Changes, on: bool) -> Noting<'a> {
        Noting {
            changes,
            deps: RefCell::new(Vec::new()),
            on,
        }
    }

    /// What was changed, each dep once.
    pub fn take(&self) -> Vec<Dep> {
        let mut deps = self.deps.take();
        deps.sort_unstable();
        deps.dedup();
        deps
    }

    fn note_key(&self, t: Table, key: &str) {
        if self.on {
            let mut d = self.deps.borrow_mut();
            d.push(change_log::key(t, key));
            d.push(change_log::space(t));
        }
    }

    fn note_stream(&self, stream: &str) {
        if self.on {
            self.deps.borrow_mut().push(change_log::stream(stream));
        }
    }
}

impl Snapshot for Noting<'_> {
    fn get(&self, t: Table, key: &str) -> Result<Option<Vec<u8>>> {
        self.changes.get(t, key)
    }

    fn range(&self, t: Table, from: Bound<&str>, to: Bound<&str>, limit: usize) -> Result<Rows> {
        self.changes.range(t, from, to, limit)
    }

    fn stream_count(&self, stream: &str) -> Result<u64> {
        self.changes.stream_count(stream)
    }

    fn stream_seq(&self, stream: &str, item: &str) -> Result<Option<u64>> {
        self.changes.stream_seq(stream, item)
    }

    fn stream_desc(&self, stream: &str, below: u64, limit: usize) -> Result<Vec<(u64, String)>> {
        self.changes.stream_desc(stream, below, limit)
    }

    fn stream_asc(&self, stream: &str, above: u64, limit: usize) -> Result<Vec<(u64, String)>> {
        self.changes.stream_asc(stream, above, limit)
    }
}

impl Changes for Noting<'_> {
    fn put(&self, t: Table, key: &str, value: &[u8]) -> Result<()> {
        self.note_key(t, key);
        self.changes.put(t, key, value)
    }

    fn delete(&self, t: Table, key: &str) -> Result<bool> {
        self.note_key(t, key);
        self.changes.delete(t, key)
    }

    fn next(&self, counter: &str) -> Result<u64> {
        // Counters are not readable through a snapshot, so no reader depends on them.
        self.changes.next(counter)
    }

    fn stream_insert(&self, stream: &str, seq: u64, item: &str) -> Result<()> {
        self.note_stream(stream);
        self.changes.stream_insert(stream, seq, item)
    }

    fn stream_delete(&self, stream: &str, item: &str) -> Result<bool> {
        self.note_stream(stream);
        self.changes.stream_delete(stream, item)
    }
}
