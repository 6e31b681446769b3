//! Read and write access to the tables: the narrow seam the rest of the server uses.
use super::tables::{Table, COUNTERS, STREAM_COUNTS, STREAM_INDEX, STREAM_ITEMS};
use crate::error::Result;
use redb::{ReadOnlyTable, ReadTransaction, ReadableTable, WriteTransaction};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;

/// What both read and write transactions can do.
pub trait Read {
    fn get_raw(&self, t: Table, key: &str) -> Result<Option<Vec<u8>>>;
    /// Entries whose key starts with `prefix`, in key order, at most `limit`.
    fn scan(&self, t: Table, prefix: &str, limit: usize) -> Result<Vec<(String, Vec<u8>)>>;
    /// Entries whose key sorts after `after`, in key order, at most `limit` (a walk in batches).
    fn scan_after(&self, t: Table, after: &str, limit: usize) -> Result<Vec<(String, Vec<u8>)>>;
    fn stream_count(&self, stream: &str) -> Result<u64>;
    /// Sequence number of `item` in `stream`.
    fn stream_seq(&self, stream: &str, item: &str) -> Result<Option<u64>>;
    /// `(sequence, item)` pairs with sequence < `below`, newest first, at most `limit`.
    fn stream_desc(&self, stream: &str, below: u64, limit: usize) -> Result<Vec<(u64, String)>>;
    /// `(sequence, item)` pairs with sequence > `above`, oldest first, at most `limit`.
    fn stream_asc(&self, stream: &str, above: u64, limit: usize) -> Result<Vec<(u64, String)>>;

    fn get<T: DeserializeOwned>(&self, t: Table, key: &str) -> Result<Option<T>> {
        match self.get_raw(t, key)? {
            Some(b) => Ok(Some(serde_json::from_slice(&b)?)),
            None => Ok(None),
        }
    }

    fn exists(&self, t: Table, key: &str) -> Result<bool> {
        Ok(self.get_raw(t, key)?.is_some())
    }

    /// A stored JSON value; read snapshots remember what they parsed.
    fn get_value(&self, t: Table, key: &str) -> Result<Option<serde_json::Value>> {
        self.get(t, key)
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

type Kv = ReadOnlyTable<&'static str, &'static [u8]>;

fn prefix_end(prefix: &str) -> Option<String> {
    // The smallest string greater than every string starting with `prefix`.
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(c) = chars.pop() {
        if let Some(n) = char::from_u32(c as u32 + 1) {
            chars.push(n);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

// The operations, written once over any readable table.
fn get_in(
    t: &impl ReadableTable<&'static str, &'static [u8]>,
    key: &str,
) -> Result<Option<Vec<u8>>> {
    let v = t.get(key)?.map(|v| v.value().to_vec());
    Ok(v)
}

fn scan_in(
    t: &impl ReadableTable<&'static str, &'static [u8]>,
    prefix: &str,
    limit: usize,
) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    let iter = match prefix_end(prefix) {
        Some(end) => t.range::<&str>(prefix..end.as_str())?,
        None => t.range::<&str>(prefix..)?,
    };
    for entry in iter.take(limit) {
        let (k, v) = entry?;
        out.push((k.value().to_string(), v.value().to_vec()));
    }
    Ok(out)
}

fn after_in(
    t: &impl ReadableTable<&'static str, &'static [u8]>,
    after: &str,
    limit: usize,
) -> Result<Vec<(String, Vec<u8>)>> {
    use std::ops::Bound;
    let mut out = Vec::new();
    let range: (Bound<&str>, Bound<&str>) = (Bound::Excluded(after), Bound::Unbounded);
    for entry in t.range::<&str>(range)?.take(limit) {
        let (k, v) = entry?;
        out.push((k.value().to_string(), v.value().to_vec()));
    }
    Ok(out)
}

fn count_in(t: &impl ReadableTable<&'static str, u64>, stream: &str) -> Result<u64> {
    let n = t.get(stream)?.map(|v| v.value()).unwrap_or(0);
    Ok(n)
}

fn seq_in(
    t: &impl ReadableTable<(&'static str, &'static str), u64>,
    stream: &str,
    item: &str,
) -> Result<Option<u64>> {
    let s = t.get((stream, item))?.map(|v| v.value());
    Ok(s)
}

fn desc_in(
    t: &impl ReadableTable<(&'static str, u64), &'static str>,
    stream: &str,
    below: u64,
    limit: usize,
) -> Result<Vec<(u64, String)>> {
    let mut out = Vec::new();
    for entry in t.range((stream, 0)..(stream, below))?.rev().take(limit) {
        let (k, v) = entry?;
        out.push((k.value().1, v.value().to_string()));
    }
    Ok(out)
}

fn asc_in(
    t: &impl ReadableTable<(&'static str, u64), &'static str>,
    stream: &str,
    above: u64,
    limit: usize,
) -> Result<Vec<(u64, String)>> {
    let mut out = Vec::new();
    if above == u64::MAX {
        return Ok(out);
    }
    for entry in t
        .range((stream, above + 1)..=(stream, u64::MAX))?
        .take(limit)
    {
        let (k, v) = entry?;
        out.push((k.value().1, v.value().to_string()));
    }
    Ok(out)
}

/// A read snapshot. Tables are opened once per snapshot, on first use.
pub struct R {
    tx: ReadTransaction,
    kv: [OnceCell<Kv>; Table::COUNT],
    items: OnceCell<ReadOnlyTable<(&'static str, u64), &'static str>>,
    index: OnceCell<ReadOnlyTable<(&'static str, &'static str), u64>>,
    counts: OnceCell<ReadOnlyTable<&'static str, u64>>,
    /// Values parsed in this snapshot: a page reads the same actor and collections many times.
    parsed: RefCell<HashMap<(Table, String), Option<serde_json::Value>>>,
}

/// A snapshot remembers at most this many parsed values.
const PARSED_MAX: usize = 4096;

/// Opens a table into its cell the first time it is needed.
fn cached<T>(cell: &OnceCell<T>, open: impl FnOnce() -> Result<T>) -> Result<&T> {
    if let Some(t) = cell.get() {
        return Ok(t);
    }
    let t = open()?;
    Ok(cell.get_or_init(|| t))
}

impl R {
    pub(super) fn new(tx: ReadTransaction) -> R {
        R {
            tx,
            kv: Default::default(),
            items: OnceCell::new(),
            index: OnceCell::new(),
            counts: OnceCell::new(),
            parsed: RefCell::new(HashMap::new()),
        }
    }

    fn kv(&self, t: Table) -> Result<&Kv> {
        cached(&self.kv[t as usize], || Ok(self.tx.open_table(t.def())?))
    }
}

impl Read for R {
    fn get_value(&self, t: Table, key: &str) -> Result<Option<serde_json::Value>> {
        if let Some(v) = self.parsed.borrow().get(&(t, key.to_string())) {
            return Ok(v.clone());
        }
        let v: Option<serde_json::Value> = self.get(t, key)?;
        let mut memo = self.parsed.borrow_mut();
        if memo.len() < PARSED_MAX {
            memo.insert((t, key.to_string()), v.clone());
        }
        Ok(v)
    }

    fn get_raw(&self, t: Table, key: &str) -> Result<Option<Vec<u8>>> {
        get_in(self.kv(t)?, key)
    }
    fn scan(&self, t: Table, prefix: &str, limit: usize) -> Result<Vec<(String, Vec<u8>)>> {
        scan_in(self.kv(t)?, prefix, limit)
    }
    fn scan_after(&self, t: Table, after: &str, limit: usize) -> Result<Vec<(String, Vec<u8>)>> {
        after_in(self.kv(t)?, after, limit)
    }
    fn stream_count(&self, stream: &str) -> Result<u64> {
        count_in(
            cached(&self.counts, || Ok(self.tx.open_table(STREAM_COUNTS)?))?,
            stream,
        )
    }
    fn stream_seq(&self, stream: &str, item: &str) -> Result<Option<u64>> {
        seq_in(
            cached(&self.index, || Ok(self.tx.open_table(STREAM_INDEX)?))?,
            stream,
            item,
        )
    }
    fn stream_desc(&self, stream: &str, below: u64, limit: usize) -> Result<Vec<(u64, String)>> {
        desc_in(
            cached(&self.items, || Ok(self.tx.open_table(STREAM_ITEMS)?))?,
            stream,
            below,
            limit,
        )
    }
    fn stream_asc(&self, stream: &str, above: u64, limit: usize) -> Result<Vec<(u64, String)>> {
        asc_in(
            cached(&self.items, || Ok(self.tx.open_table(STREAM_ITEMS)?))?,
            stream,
            above,
            limit,
        )
    }
}

type WTable<'a, K, V> = RefCell<Option<redb::Table<'a, K, V>>>;

/// A write transaction in a group-committed batch. Each table is opened on first use and kept
/// open until the batch is done (opening a table costs a look-up and, on close, a root update).
pub struct W<'a> {
    tx: &'a WriteTransaction,
    kv: [WTable<'a, &'static str, &'static [u8]>; Table::COUNT],
    items: WTable<'a, (&'static str, u64), &'static str>,
    index: WTable<'a, (&'static str, &'static str), u64>,
    counts: WTable<'a, &'static str, u64>,
    counters: WTable<'a, &'static str, u64>,
    /// This transaction queued a background job: the worker is woken after the commit.
    queued: std::cell::Cell<bool>,
}

/// Runs `f` on the table in `cell`, opening it the first time.
fn with<T, R>(
    cell: &RefCell<Option<T>>,
    open: impl FnOnce() -> Result<T>,
    f: impl FnOnce(&mut T) -> Result<R>,
) -> Result<R> {
    let mut slot = cell.borrow_mut();
    if slot.is_none() {
        *slot = Some(open()?);
    }
    match slot.as_mut() {
        Some(t) => f(t),
        None => Err(crate::error::Error::internal("table not open")),
    }
}

impl<'a> W<'a> {
    pub(super) fn new(tx: &'a WriteTransaction) -> W<'a> {
        W {
            tx,
            kv: Default::default(),
            items: RefCell::new(None),
            index: RefCell::new(None),
            counts: RefCell::new(None),
            counters: RefCell::new(None),
            queued: std::cell::Cell::new(false),
        }
    }

    pub(super) fn note_queued_job(&self) {
        self.queued.set(true);
    }

    pub(super) fn queued_jobs(&self) -> bool {
        self.queued.get()
    }

    fn kv<R>(
        &self,
        t: Table,
        f: impl FnOnce(&mut redb::Table<'a, &'static str, &'static [u8]>) -> Result<R>,
    ) -> Result<R> {
        with(&self.kv[t as usize], || Ok(self.tx.open_table(t.def())?), f)
    }
    fn items<R>(
        &self,
        f: impl FnOnce(&mut redb::Table<'a, (&'static str, u64), &'static str>) -> Result<R>,
    ) -> Result<R> {
        with(&self.items, || Ok(self.tx.open_table(STREAM_ITEMS)?), f)
    }
    fn index<R>(
        &self,
        f: impl FnOnce(&mut redb::Table<'a, (&'static str, &'static str), u64>) -> Result<R>,
    ) -> Result<R> {
        with(&self.index, || Ok(self.tx.open_table(STREAM_INDEX)?), f)
    }
    fn counts<R>(
        &self,
        f: impl FnOnce(&mut redb::Table<'a, &'static str, u64>) -> Result<R>,
    ) -> Result<R> {
        with(&self.counts, || Ok(self.tx.open_table(STREAM_COUNTS)?), f)
    }
}

impl Read for W<'_> {
    fn get_raw(&self, t: Table, key: &str) -> Result<Option<Vec<u8>>> {
        self.kv(t, |tb| get_in(tb, key))
    }
    fn scan(&self, t: Table, prefix: &str, limit: usize) -> Result<Vec<(String, Vec<u8>)>> {
        self.kv(t, |tb| scan_in(tb, prefix, limit))
    }
    fn scan_after(&self, t: Table, after: &str, limit: usize) -> Result<Vec<(String, Vec<u8>)>> {
        self.kv(t, |tb| after_in(tb, after, limit))
    }
    fn stream_count(&self, stream: &str) -> Result<u64> {
        self.counts(|tb| count_in(tb, stream))
    }
    fn stream_seq(&self, stream: &str, item: &str) -> Result<Option<u64>> {
        self.index(|tb| seq_in(tb, stream, item))
    }
    fn stream_desc(&self, stream: &str, below: u64, limit: usize) -> Result<Vec<(u64, String)>> {
        self.items(|tb| desc_in(tb, stream, below, limit))
    }
    fn stream_asc(&self, stream: &str, above: u64, limit: usize) -> Result<Vec<(u64, String)>> {
        self.items(|tb| asc_in(tb, stream, above, limit))
    }
}

impl W<'_> {
    pub fn put_raw(&self, t: Table, key: &str, value: &[u8]) -> Result<()> {
        self.kv(t, |tb| {
            tb.insert(key, value)?;
            Ok(())
        })
    }

    pub fn put<T: Serialize + ?Sized>(&self, t: Table, key: &str, value: &T) -> Result<()> {
        self.put_raw(t, key, &serde_json::to_vec(value)?)
    }

    pub fn delete(&self, t: Table, key: &str) -> Result<bool> {
        self.kv(t, |tb| Ok(tb.remove(key)?.is_some()))
    }

    /// Next value of a named counter (starts at 1), monotonic across restarts.
    pub fn next(&self, counter: &str) -> Result<u64> {
        with(
            &self.counters,
            || Ok(self.tx.open_table(COUNTERS)?),
            |tb| {
                let n = tb.get(counter)?.map(|v| v.value()).unwrap_or(0) + 1;
                tb.insert(counter, n)?;
                Ok(n)
            },
        )
    }

    /// Adds `item` as the newest entry of `stream`; an item already there is moved to the front.
    pub fn stream_push(&self, stream: &str, item: &str) -> Result<()> {
        self.stream_remove(stream, item)?;
        let seq = self.next("seq")?;
        self.items(|tb| {
            tb.insert((stream, seq), item)?;
            Ok(())
        })?;
        self.index(|tb| {
            tb.insert((stream, item), seq)?;
            Ok(())
        })?;
        self.counts(|tb| {
            let n = tb.get(stream)?.map(|v| v.value()).unwrap_or(0);
            tb.insert(stream, n + 1)?;
            Ok(())
        })
    }

    /// Removes `item` from `stream`; false if it was not there.
    pub fn stream_remove(&self, stream: &str, item: &str) -> Result<bool> {
        let seq = self.index(|tb| Ok(tb.remove((stream, item))?.map(|v| v.value())))?;
        let Some(seq) = seq else { return Ok(false) };
        self.items(|tb| {
            tb.remove((stream, seq))?;
            Ok(())
        })?;
        self.counts(|tb| {
            let n = tb.get(stream)?.map(|v| v.value()).unwrap_or(0);
            if n <= 1 {
                tb.remove(stream)?;
            } else {
                tb.insert(stream, n - 1)?;
            }
            Ok(())
        })?;
        Ok(true)
    }
}
