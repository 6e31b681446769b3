//! Read and write access for the repositories and the domain, over any engine: `R` is a read
//! snapshot, `W` a write transaction in a group-committed batch. Key spaces are named by
//! `Table`, which only `store/` can name; streams are open to everyone.
use super::change_log::{self, Dep};
use super::engine::{Changes, Snapshot};
use super::tables::Table;
use super::watch::Watched;
use crate::error::Result;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::ops::Bound;

/// What both read and write transactions can do.
pub trait Read {
    /// The engine's view of this transaction.
    #[doc(hidden)]
    fn engine(&self) -> &dyn Snapshot;

    /// A stored JSON value; read snapshots remember what they parsed.
    fn get_value(&self, t: Table, key: &str) -> Result<Option<serde_json::Value>> {
        self.get(t, key)
    }

    /// A rendering left out something this reader may not see (`R::watched` tells).
    fn note_hidden(&self) {}

    fn get_raw(&self, t: Table, key: &str) -> Result<Option<Vec<u8>>> {
        self.engine().get(t, key)
    }

    fn get<T: DeserializeOwned>(&self, t: Table, key: &str) -> Result<Option<T>> {
        match self.get_raw(t, key)? {
            Some(b) => Ok(Some(serde_json::from_slice(&b)?)),
            None => Ok(None),
        }
    }

    fn exists(&self, t: Table, key: &str) -> Result<bool> {
        Ok(self.get_raw(t, key)?.is_some())
    }

    /// Entries whose key starts with `prefix`, in key order, at most `limit`.
    fn scan(&self, t: Table, prefix: &str, limit: usize) -> Result<Vec<(String, Vec<u8>)>> {
        let end = prefix_end(prefix);
        let to = end.as_deref().map_or(Bound::Unbounded, Bound::Excluded);
        self.engine().range(t, Bound::Included(prefix), to, limit)
    }

    /// Entries whose key sorts after `after`, in key order, at most `limit` (a walk in batches).
    fn scan_after(&self, t: Table, after: &str, limit: usize) -> Result<Vec<(String, Vec<u8>)>> {
        self.engine()
            .range(t, Bound::Excluded(after), Bound::Unbounded, limit)
    }

    fn stream_count(&self, stream: &str) -> Result<u64> {
        self.engine().stream_count(stream)
    }

    /// Sequence number of `item` in `stream`.
    fn stream_seq(&self, stream: &str, item: &str) -> Result<Option<u64>> {
        self.engine().stream_seq(stream, item)
    }

    /// `(sequence, item)` pairs with sequence < `below`, newest first, at most `limit`.
    fn stream_desc(&self, stream: &str, below: u64, limit: usize) -> Result<Vec<(u64, String)>> {
        self.engine().stream_desc(stream, below, limit)
    }

    /// `(sequence, item)` pairs with sequence > `above`, oldest first, at most `limit`.
    fn stream_asc(&self, stream: &str, above: u64, limit: usize) -> Result<Vec<(u64, String)>> {
        self.engine().stream_asc(stream, above, limit)
    }

    /// Items newest first, skipping `offset`, at most `count`; `below` limits to sequences < it.
    fn stream_newest(
        &self,
        stream: &str,
        below: Option<u64>,
        offset: usize,
        count: usize,
    ) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let mut below = below.unwrap_or(u64::MAX);
        let mut skip = offset;
        while out.len() < count {
            let batch = self.stream_desc(stream, below, (count - out.len() + skip).min(4096))?;
            let Some(last) = batch.last() else { break };
            below = last.0;
            for (_, item) in batch {
                if skip > 0 {
                    skip -= 1;
                } else {
                    out.push(item);
                }
            }
        }
        Ok(out)
    }

    /// Items with sequence > `above`, oldest first, at most `count`.
    fn stream_after(&self, stream: &str, above: u64, count: usize) -> Result<Vec<String>> {
        Ok(self
            .stream_asc(stream, above, count)?
            .into_iter()
            .map(|(_, i)| i)
            .collect())
    }
}

/// The smallest string greater than every string starting with `prefix`.
fn prefix_end(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(c) = chars.pop() {
        if let Some(n) = char::from_u32(c as u32 + 1) {
            chars.push(n);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// A read snapshot.
pub struct R {
    snap: Watched,
    /// Values parsed in this snapshot: a page reads the same actor and collections many times.
    parsed: RefCell<HashMap<(Table, String), Option<serde_json::Value>>>,
    hidden: Cell<bool>,
}

/// What was read between `R::watch` and `R::watched`.
pub struct Reads {
    pub deps: Vec<Dep>,
    /// A rendering hid something from its reader.
    pub hidden: bool,
}

/// A snapshot remembers at most this many parsed values.
const PARSED_MAX: usize = 4096;

impl R {
    pub(super) fn new(snap: Box<dyn Snapshot>) -> R {
        R {
            snap: Watched::new(snap),
            parsed: RefCell::new(HashMap::new()),
            hidden: Cell::new(false),
        }
    }

    /// Starts noting what is read, for a result to be kept while none of it changes.
    pub fn watch(&self) {
        self.hidden.set(false);
        self.snap.start();
    }

    /// What was read since `watch`; stops noting.
    pub fn watched(&self) -> Reads {
        Reads {
            deps: self.snap.take(),
            hidden: self.hidden.replace(false),
        }
    }
}

impl Read for R {
    fn engine(&self) -> &dyn Snapshot {
        &self.snap
    }

    fn note_hidden(&self) {
        self.hidden.set(true);
    }

    fn get_value(&self, t: Table, key: &str) -> Result<Option<serde_json::Value>> {
        if let Some(v) = self.parsed.borrow().get(&(t, key.to_string())) {
            self.snap.note(change_log::key(t, key));
            return Ok(v.clone());
        }
        let v: Option<serde_json::Value> = self.get(t, key)?;
        let mut memo = self.parsed.borrow_mut();
        if memo.len() < PARSED_MAX {
            memo.insert((t, key.to_string()), v.clone());
        }
        Ok(v)
    }
}

/// A write transaction in a group-committed batch.
pub struct W<'a> {
    changes: &'a dyn Changes,
    /// This transaction queued a background job: the worker is woken after the commit.
    queued: Cell<bool>,
}

impl<'a> W<'a> {
    pub(super) fn new(changes: &'a dyn Changes) -> W<'a> {
        W {
            changes,
            queued: Cell::new(false),
        }
    }

    pub(super) fn note_queued_job(&self) {
        self.queued.set(true);
    }

    pub(super) fn queued_jobs(&self) -> bool {
        self.queued.get()
    }
}

impl Read for W<'_> {
    fn engine(&self) -> &dyn Snapshot {
        self.changes
    }
}

impl W<'_> {
    pub(super) fn put_raw(&self, t: Table, key: &str, value: &[u8]) -> Result<()> {
        self.changes.put(t, key, value)
    }

    pub(super) fn put<T: Serialize + ?Sized>(&self, t: Table, key: &str, value: &T) -> Result<()> {
        self.put_raw(t, key, &serde_json::to_vec(value)?)
    }

    pub(super) fn delete(&self, t: Table, key: &str) -> Result<bool> {
        self.changes.delete(t, key)
    }

    /// Next value of a named counter (starts at 1), monotonic across restarts.
    pub fn next(&self, counter: &str) -> Result<u64> {
        self.changes.next(counter)
    }

    /// Adds `item` as the newest entry of `stream`; an item already there is moved to the front.
    pub fn stream_push(&self, stream: &str, item: &str) -> Result<()> {
        self.stream_remove(stream, item)?;
        let seq = self.next("seq")?;
        self.changes.stream_insert(stream, seq, item)
    }

    /// Places `item` in `stream` at `seq` (its place in another stream), for filling a new
    /// stream from older ones in their order; an item already there is moved.
    pub fn stream_put_at(&self, stream: &str, seq: u64, item: &str) -> Result<()> {
        self.stream_remove(stream, item)?;
        self.changes.stream_insert(stream, seq, item)
    }

    /// Removes `item` from `stream`; false if it was not there.
    pub fn stream_remove(&self, stream: &str, item: &str) -> Result<bool> {
        self.changes.stream_delete(stream, item)
    }
}
