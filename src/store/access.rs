//! Read and write access to the tables: the narrow seam the rest of the server uses.
use super::tables::{Table, COUNTERS, STREAM_COUNTS, STREAM_INDEX, STREAM_ITEMS};
use crate::error::Result;
use redb::{ReadTransaction, ReadableTable, WriteTransaction};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// What both read and write transactions can do.
pub trait Read {
    fn get_raw(&self, t: Table, key: &str) -> Result<Option<Vec<u8>>>;
    /// Entries whose key starts with `prefix`, in key order, at most `limit`.
    fn scan(&self, t: Table, prefix: &str, limit: usize) -> Result<Vec<(String, Vec<u8>)>>;
    fn stream_count(&self, stream: &str) -> Result<u64>;
    /// Sequence number of `item` in `stream`.
    fn stream_seq(&self, stream: &str, item: &str) -> Result<Option<u64>>;
    /// Items newest first, skipping `offset`, at most `count`; `below` limits to sequences < it.
    fn stream_newest(
        &self,
        stream: &str,
        below: Option<u64>,
        offset: usize,
        count: usize,
    ) -> Result<Vec<String>>;
    /// Items with sequence > `above`, oldest first, at most `count`.
    fn stream_after(&self, stream: &str, above: u64, count: usize) -> Result<Vec<String>>;
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
}

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

macro_rules! impl_read {
    ($ty:ty) => {
        impl Read for $ty {
            fn get_raw(&self, t: Table, key: &str) -> Result<Option<Vec<u8>>> {
                let table = self.0.open_table(t.def())?;
                let v = table.get(key)?.map(|v| v.value().to_vec());
                Ok(v)
            }

            fn scan(&self, t: Table, prefix: &str, limit: usize) -> Result<Vec<(String, Vec<u8>)>> {
                let table = self.0.open_table(t.def())?;
                let mut out = Vec::new();
                let iter = match prefix_end(prefix) {
                    Some(end) => table.range::<&str>(prefix..end.as_str())?,
                    None => table.range::<&str>(prefix..)?,
                };
                for entry in iter.take(limit) {
                    let (k, v) = entry?;
                    out.push((k.value().to_string(), v.value().to_vec()));
                }
                Ok(out)
            }

            fn stream_count(&self, stream: &str) -> Result<u64> {
                let table = self.0.open_table(STREAM_COUNTS)?;
                let n = table.get(stream)?.map(|v| v.value()).unwrap_or(0);
                Ok(n)
            }

            fn stream_seq(&self, stream: &str, item: &str) -> Result<Option<u64>> {
                let table = self.0.open_table(STREAM_INDEX)?;
                let s = table.get((stream, item))?.map(|v| v.value());
                Ok(s)
            }

            fn stream_newest(
                &self,
                stream: &str,
                below: Option<u64>,
                offset: usize,
                count: usize,
            ) -> Result<Vec<String>> {
                let table = self.0.open_table(STREAM_ITEMS)?;
                let end = below.unwrap_or(u64::MAX);
                let mut out = Vec::new();
                for entry in table
                    .range((stream, 0)..(stream, end))?
                    .rev()
                    .skip(offset)
                    .take(count)
                {
                    out.push(entry?.1.value().to_string());
                }
                // `..end` excludes u64::MAX itself, which no sequence ever reaches.
                Ok(out)
            }

            fn stream_desc(
                &self,
                stream: &str,
                below: u64,
                limit: usize,
            ) -> Result<Vec<(u64, String)>> {
                let table = self.0.open_table(STREAM_ITEMS)?;
                let mut out = Vec::new();
                for entry in table.range((stream, 0)..(stream, below))?.rev().take(limit) {
                    let (k, v) = entry?;
                    out.push((k.value().1, v.value().to_string()));
                }
                Ok(out)
            }

            fn stream_asc(
                &self,
                stream: &str,
                above: u64,
                limit: usize,
            ) -> Result<Vec<(u64, String)>> {
                let table = self.0.open_table(STREAM_ITEMS)?;
                let mut out = Vec::new();
                if above == u64::MAX {
                    return Ok(out);
                }
                for entry in table
                    .range((stream, above + 1)..=(stream, u64::MAX))?
                    .take(limit)
                {
                    let (k, v) = entry?;
                    out.push((k.value().1, v.value().to_string()));
                }
                Ok(out)
            }

            fn stream_after(&self, stream: &str, above: u64, count: usize) -> Result<Vec<String>> {
                let table = self.0.open_table(STREAM_ITEMS)?;
                let mut out = Vec::new();
                if above == u64::MAX {
                    return Ok(out);
                }
                for entry in table
                    .range((stream, above + 1)..=(stream, u64::MAX))?
                    .take(count)
                {
                    out.push(entry?.1.value().to_string());
                }
                Ok(out)
            }
        }
    };
}

/// A read snapshot.
pub struct R(pub(super) ReadTransaction);
/// A write transaction in a group-committed batch.
pub struct W<'a>(pub(super) &'a WriteTransaction);

impl_read!(R);
impl_read!(W<'_>);

impl W<'_> {
    pub fn put_raw(&self, t: Table, key: &str, value: &[u8]) -> Result<()> {
        let mut table = self.0.open_table(t.def())?;
        table.insert(key, value)?;
        Ok(())
    }

    pub fn put<T: Serialize + ?Sized>(&self, t: Table, key: &str, value: &T) -> Result<()> {
        self.put_raw(t, key, &serde_json::to_vec(value)?)
    }

    pub fn delete(&self, t: Table, key: &str) -> Result<bool> {
        let mut table = self.0.open_table(t.def())?;
        let existed = table.remove(key)?.is_some();
        Ok(existed)
    }

    /// Next value of a named counter (starts at 1), monotonic across restarts.
    pub fn next(&self, counter: &str) -> Result<u64> {
        let mut table = self.0.open_table(COUNTERS)?;
        let n = table.get(counter)?.map(|v| v.value()).unwrap_or(0) + 1;
        table.insert(counter, n)?;
        Ok(n)
    }

    /// Adds `item` as the newest entry of `stream`; an item already there is moved to the front.
    pub fn stream_push(&self, stream: &str, item: &str) -> Result<()> {
        self.stream_remove(stream, item)?;
        let seq = self.next("seq")?;
        self.0
            .open_table(STREAM_ITEMS)?
            .insert((stream, seq), item)?;
        self.0
            .open_table(STREAM_INDEX)?
            .insert((stream, item), seq)?;
        let mut counts = self.0.open_table(STREAM_COUNTS)?;
        let n = counts.get(stream)?.map(|v| v.value()).unwrap_or(0);
        counts.insert(stream, n + 1)?;
        Ok(())
    }

    /// Removes `item` from `stream`; false if it was not there.
    pub fn stream_remove(&self, stream: &str, item: &str) -> Result<bool> {
        let seq = self
            .0
            .open_table(STREAM_INDEX)?
            .remove((stream, item))?
            .map(|v| v.value());
        let Some(seq) = seq else { return Ok(false) };
        self.0.open_table(STREAM_ITEMS)?.remove((stream, seq))?;
        let mut counts = self.0.open_table(STREAM_COUNTS)?;
        let n = counts.get(stream)?.map(|v| v.value()).unwrap_or(0);
        if n <= 1 {
            counts.remove(stream)?;
        } else {
            counts.insert(stream, n - 1)?;
        }
        Ok(true)
    }
}
