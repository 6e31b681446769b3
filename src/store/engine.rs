//! The seam between the repositories and a storage engine: named key spaces (string keys,
//! byte values, in key order), streams (ordered item lists with counts), named counters, in
//! transactions. redb is the first engine (`redb_engine/`); another one (PostgreSQL is next)
//! implements these three traits, and nothing above them changes.
//!
//! Streams are the engine's own rather than built from key ranges: every feed page is a
//! stream read, and each engine has a native way to keep them (redb: tuple-keyed tables;
//! SQL: one indexed table).
use super::tables::Table;
use crate::error::Result;
use std::ops::Bound;

/// Rows of a key space: (key, value).
pub type Rows = Vec<(String, Vec<u8>)>;

/// What a read snapshot, and a write transaction, can see.
pub trait Snapshot {
    fn get(&self, t: Table, key: &str) -> Result<Option<Vec<u8>>>;
    /// Rows with keys in the range, in key order, at most `limit`.
    fn range(&self, t: Table, from: Bound<&str>, to: Bound<&str>, limit: usize) -> Result<Rows>;
    fn stream_count(&self, stream: &str) -> Result<u64>;
    /// The sequence number of `item` in `stream`.
    fn stream_seq(&self, stream: &str, item: &str) -> Result<Option<u64>>;
    /// `(sequence, item)` pairs with sequence < `below`, newest first, at most `limit`.
    fn stream_desc(&self, stream: &str, below: u64, limit: usize) -> Result<Vec<(u64, String)>>;
    /// `(sequence, item)` pairs with sequence > `above`, oldest first, at most `limit`.
    fn stream_asc(&self, stream: &str, above: u64, limit: usize) -> Result<Vec<(u64, String)>>;
}

/// The changes of a write transaction; its reads see them.
pub trait Changes: Snapshot {
    fn put(&self, t: Table, key: &str, value: &[u8]) -> Result<()>;
    /// False if there was nothing under `key`.
    fn delete(&self, t: Table, key: &str) -> Result<bool>;
    /// The next value of a named counter (the first is 1), monotonic across restarts.
    fn next(&self, counter: &str) -> Result<u64>;
    /// Places `item`, not yet in `stream`, at `seq`, and counts it.
    fn stream_insert(&self, stream: &str, seq: u64, item: &str) -> Result<()>;
    /// Takes `item` out of `stream`; false if it was not there.
    fn stream_delete(&self, stream: &str, item: &str) -> Result<bool>;
}

/// What one table (key space, or the engine's own stream tables) holds and costs on disk.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SpaceSize {
    pub name: String,
    pub entries: u64,
    /// Bytes of the keys and values themselves.
    pub stored: u64,
    /// Bytes of the index (branch keys) and other metadata.
    pub metadata: u64,
    /// Bytes allocated but unused inside its pages.
    pub fragmented: u64,
    /// Bytes of the pages the table occupies.
    pub pages_bytes: u64,
}

/// A storage engine.
pub trait Engine: Send + Sync {
    /// Each table's entries and bytes, from one snapshot (`pump stats`).
    fn sizes(&self) -> Result<Vec<SpaceSize>>;
    fn snapshot(&self) -> Result<Box<dyn Snapshot>>;
    /// Runs `f` in one write transaction: committed (durably) when it returns Ok, rolled back
    /// otherwise. A commit that fails is an error too.
    fn transact(&self, f: &mut dyn FnMut(&dyn Changes) -> Result<()>) -> Result<()>;
    /// Writes every record from one snapshot (backups); returns how many.
    fn dump(&self, out: &mut dyn std::io::Write, progress: &mut dyn FnMut(u64)) -> Result<u64>;
    /// Loads a dump into this (empty) engine; returns how many records.
    fn load(&self, input: &mut dyn std::io::Read, progress: &mut dyn FnMut(u64)) -> Result<u64>;
    /// The schema version the data records (a loaded dump's own), None when new.
    fn schema_version(&self) -> Result<Option<u64>>;
    /// Makes the store's dictionary for documents from its public address if it has none
    /// yet, and compresses what was stored before it; returns how many values it compressed.
    fn compress_documents(&self, address: &str) -> Result<u64>;
}
