//! The storage seam: the only module that knows the engine (redb, DESIGN.md "Storage"), the
//! key spaces and the key formats. Above the engine (`engine.rs`, implemented in `redb_engine/`)
//! are typed repositories, one file each, and the streams of `access.rs`.
//!
//! Reads run on the caller's thread from a snapshot. Writes are closures sent to one writer
//! thread, which runs every queued closure in one transaction and commits them together (group
//! commit: one fsync per batch). A closure that fails is rolled back alone: the batch is aborted
//! and re-run without it. A write's future resolves only once its transaction is durable.

mod access;
pub mod activities;
pub mod ap;
mod change_log;
pub mod codes;
mod engine;
pub mod jobs;
pub mod markers;
pub mod meta;
pub mod objects;
mod redb_engine;
pub mod relations;
pub mod remote;
pub mod sessions;
mod tables;
pub mod tokens;
pub mod uploads;
pub mod users;
mod watch;
mod writer;

pub use access::{Read, Reads, R, W};
pub use change_log::Dep;
pub use redb_engine::{file_in, rewrite_dump};
use tables::Table;

use crate::error::{Error, Result};
use engine::Engine;
pub use engine::SpaceSize;
use std::path::Path;
use std::sync::Arc;

/// The schema this binary writes; a store with a newer one is refused, an older one migrated
/// (`redb_engine/schema.rs`).
pub const SCHEMA_VERSION: u64 = 3;

#[derive(Clone)]
pub struct Store {
    db: Arc<dyn Engine>,
    writer: writer::Writer,
    changes: Arc<change_log::ChangeLog>,
}

impl Store {
    /// Opens (or creates) `<dir>/pump.redb`, or an in-memory store when `dir` is None. A
    /// store of an older schema is copied beside itself, then migrated. No change log is kept.
    pub fn open(dir: Option<&Path>, cache_size: usize) -> Result<Store> {
        Store::open_logged(dir, cache_size, 0)
    }

    /// The same, keeping the last `change_log` changed deps (`unchanged_since`).
    pub fn open_logged(dir: Option<&Path>, cache_size: usize, change_log: usize) -> Result<Store> {
        let db: Arc<dyn Engine> = Arc::new(redb_engine::Redb::open(dir, cache_size)?);
        let changes = Arc::new(change_log::ChangeLog::new(change_log));
        let writer = writer::Writer::start(db.clone(), changes.clone())?;
        Ok(Store {
            db,
            writer,
            changes,
        })
    }

    /// Whether the store keeps a change log (`unchanged_since` can ever be true).
    pub fn keeps_changes(&self) -> bool {
        self.changes.keeps()
    }

    /// True when it is known that none of `deps` changed after `generation` (false when the
    /// change log no longer reaches back that far, or keeps nothing).
    pub fn unchanged_since(&self, generation: u64, deps: &[Dep]) -> bool {
        !self.changes.changed_since(generation, deps)
    }

    /// Closes the store cleanly: queued writes finish, then the database file is closed, so the
    /// next start needs no recovery. Every other handle of this store must be gone by then.
    pub fn close(self) {
        self.writer.close();
        if Arc::strong_count(&self.db) > 1 {
            log::warn!("store: still in use at close; the next start will check the file");
        }
    }

    /// Yields after each commit that queued background jobs (one waiter: the job worker).
    pub fn jobs_queued(&self) -> smol::channel::Receiver<()> {
        self.writer.jobs_queued.clone()
    }

    /// A number that changes whenever a write commits. Read it before taking a snapshot: what
    /// was computed from the snapshot is current as long as the number has not moved.
    pub fn generation(&self) -> u64 {
        self.writer
            .generation
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Gives the store its dictionary for documents, made from the public address its ids
    /// carry, if it has none yet, and compresses what was stored before (an older store, a
    /// restore, a rehost); returns how many values it compressed. Called at start, before
    /// anything else writes.
    pub fn compress_documents(&self, address: &str) -> Result<u64> {
        self.db.compress_documents(address)
    }

    /// Each table's entries and bytes on disk (`pump stats`).
    pub fn sizes(&self) -> Result<Vec<SpaceSize>> {
        self.db.sizes()
    }

    /// Writes the whole store from one read snapshot (backups); returns the record count.
    pub fn dump(
        &self,
        out: &mut impl std::io::Write,
        progress: &mut dyn FnMut(u64),
    ) -> Result<u64> {
        self.db.dump(out, progress)
    }

    /// Loads a dump into this store, which must hold no users and no objects (restores).
    pub fn load(
        &self,
        input: &mut impl std::io::Read,
        progress: &mut dyn FnMut(u64),
    ) -> Result<u64> {
        let used = self.read(users::any)?;
        if used {
            return Err(Error::bad(
                "the store is not empty: restore only into a new data dir",
            ));
        }
        self.forget_migrations()?;
        let n = self.db.load(input, progress)?;
        // The dump's own schema version came with it: an older one is migrated at the next
        // start (after a copy), a newer one this binary cannot serve.
        match self.db.schema_version()? {
            Some(v) if v > SCHEMA_VERSION => Err(Error::bad(format!(
                "the backup has schema version {v}, newer than this binary's {SCHEMA_VERSION}: restore it with a newer pump"
            ))),
            _ => Ok(n),
        }
    }

    /// Data migrations done on this (empty) store do not apply to what a restore brings in:
    /// the backup's own markers say which ran on its data.
    fn forget_migrations(&self) -> Result<()> {
        self.db.transact(&mut |changes| {
            let w = W::new(changes);
            for (k, _) in w.scan(Table::Meta, meta::MIGRATION_MARK, usize::MAX)? {
                w.delete(Table::Meta, &k)?;
            }
            Ok(())
        })
    }

    /// Runs `f` on a read snapshot.
    pub fn read<T>(&self, f: impl FnOnce(&R) -> Result<T>) -> Result<T> {
        f(&R::new(self.db.snapshot()?))
    }

    /// Runs `f` in a group-committed write transaction; resolves after the commit is durable.
    /// `f` may run more than once (when another write in its batch fails), so it must only
    /// depend on its captures and the store.
    pub async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnMut(&W) -> Result<T> + Send + 'static,
    {
        self.writer.submit(f).await
    }

    /// The same, blocking the calling thread (tests, and migrations before the server runs).
    pub fn write_blocking<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnMut(&W) -> Result<T> + Send + 'static,
    {
        smol::block_on(self.writer.submit(f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_keep_order_counts_and_positions() {
        let s = Store::open(None, 1 << 20).unwrap();
        s.write_blocking(|w| {
            for i in 0..5 {
                w.stream_push("s", &format!("i{i}"))?;
            }
            w.stream_remove("s", "i2")?;
            Ok(())
        })
        .unwrap();
        s.read(|r| {
            assert_eq!(r.stream_count("s")?, 4);
            assert_eq!(r.stream_newest("s", None, 0, 10)?, ["i4", "i3", "i1", "i0"]);
            assert_eq!(r.stream_newest("s", None, 1, 2)?, ["i3", "i1"]);
            let seq = r.stream_seq("s", "i3")?.unwrap();
            assert_eq!(r.stream_newest("s", Some(seq), 0, 10)?, ["i1", "i0"]);
            let seq0 = r.stream_seq("s", "i0")?.unwrap();
            assert_eq!(r.stream_after("s", seq0, 2)?, ["i1", "i3"]);
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn table_count_matches() {
        assert_eq!(Table::all().len(), Table::COUNT);
        assert!(Table::all().iter().all(|t| (*t as usize) < Table::COUNT));
    }

    #[test]
    fn a_failing_write_is_rolled_back_alone() {
        let s = Store::open(None, 1 << 20).unwrap();
        let ok = s.writer.submit(|w| w.put(Table::Meta, "a", &1));
        let bad = s.writer.submit(|w| {
            w.put(Table::Meta, "b", &2)?;
            Err::<(), _>(Error::bad("no"))
        });
        let (ok, bad) = smol::block_on(async { (ok.await, bad.await) });
        assert!(ok.is_ok() && bad.is_err());
        s.read(|r| {
            assert!(r.exists(Table::Meta, "a")?);
            assert!(!r.exists(Table::Meta, "b")?);
            Ok(())
        })
        .unwrap();
    }
}
