//! The redb engine: one file (`pump.redb`), or memory for tests.
mod changes;
mod dump;
mod ops;
pub mod schema;
mod sizes;
mod snapshot;
mod tables;

use super::access::{Read, W};
use super::engine::{Changes, Engine, Snapshot};
use super::tables::Table;
use super::SCHEMA_VERSION;
use crate::error::{Error, Result};
use redb::backends::InMemoryBackend;
use redb::{Database, ReadableDatabase};
use std::path::Path;

crate::error::internal_from!(
    redb::Error,
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

pub struct Redb {
    db: Database,
}

/// The store's file in `dir`.
/// A dump with each of its fields passed through `f` (`pump rehost`).
pub fn rewrite_dump(
    input: &mut dyn std::io::Read,
    out: &mut dyn std::io::Write,
    f: &mut dyn FnMut(&[u8]) -> Vec<u8>,
) -> crate::error::Result<u64> {
    dump::rewrite(input, out, f)
}

pub fn file_in(dir: &Path) -> std::path::PathBuf {
    dir.join("pump.redb")
}

fn open_file(dir: &Path, cache_size: usize) -> Result<Database> {
    let path = file_in(dir);
    let mut builder = Database::builder();
    builder.set_cache_size(cache_size);
    builder.create(&path).map_err(|e| match e {
        redb::DatabaseError::DatabaseAlreadyOpen => Error::Internal(format!(
            "{} is already open in another process (is `pump serve` running?)",
            path.display()
        )),
        other => Error::Internal(format!("cannot open {}: {other}", path.display())),
    })
}

impl Redb {
    /// Opens (or creates) `<dir>/pump.redb`, or an in-memory store when `dir` is None. A file
    /// of an older schema is copied beside itself, then migrated.
    pub fn open(dir: Option<&Path>, cache_size: usize) -> Result<Redb> {
        let db = match dir {
            Some(dir) => {
                std::fs::create_dir_all(dir)?;
                let db = open_file(dir, cache_size)?;
                match schema::stored_version(&db)? {
                    Some(v) if v < SCHEMA_VERSION => {
                        drop(db);
                        schema::back_up(&file_in(dir), v)?;
                        open_file(dir, cache_size)?
                    }
                    _ => db,
                }
            }
            None => {
                let mut builder = Database::builder();
                builder.set_cache_size(cache_size);
                builder.create_with_backend(InMemoryBackend::new())?
            }
        };
        init(&db)?;
        Ok(Redb { db })
    }
}

/// Creates every table and checks the schema version, migrating an older one.
fn init(db: &Database) -> Result<()> {
    let tx = db.begin_write()?;
    {
        for t in Table::all() {
            tx.open_table(tables::def(*t))?;
        }
        tx.open_table(tables::STREAM_ITEMS)?;
        tx.open_table(tables::STREAM_INDEX)?;
        tx.open_table(tables::STREAM_COUNTS)?;
        tx.open_table(tables::COUNTERS)?;
        let txn = changes::Txn::new(&tx);
        let w = W::new(&txn);
        match w.get::<u64>(Table::Meta, "schema_version")? {
            None => w.put(Table::Meta, "schema_version", &SCHEMA_VERSION)?,
            Some(v) if v == SCHEMA_VERSION => {}
            Some(v) if v > SCHEMA_VERSION => {
                return Err(Error::Internal(format!(
                    "the store has schema version {v}, newer than this binary's {SCHEMA_VERSION}: upgrade pump"
                )))
            }
            Some(v) => {
                schema::migrate(&w, v)?;
                w.put(Table::Meta, "schema_version", &SCHEMA_VERSION)?;
                log::info!("store: migrated from schema version {v} to {SCHEMA_VERSION}");
            }
        }
    }
    tx.commit()?;
    Ok(())
}

impl Engine for Redb {
    fn sizes(&self) -> Result<Vec<super::engine::SpaceSize>> {
        sizes::sizes(&self.db)
    }

    fn snapshot(&self) -> Result<Box<dyn Snapshot>> {
        Ok(Box::new(snapshot::Snap::new(self.db.begin_read()?)))
    }

    fn transact(&self, f: &mut dyn FnMut(&dyn Changes) -> Result<()>) -> Result<()> {
        let tx = self.db.begin_write()?;
        // The open tables borrow the transaction: they are closed before it ends.
        let outcome = f(&changes::Txn::new(&tx));
        match outcome {
            Ok(()) => Ok(tx.commit()?),
            Err(e) => {
                if let Err(abort) = tx.abort() {
                    log::error!("store: abort failed: {abort}");
                }
                Err(e)
            }
        }
    }

    fn dump(&self, out: &mut dyn std::io::Write, progress: &mut dyn FnMut(u64)) -> Result<u64> {
        dump::dump(&self.db, out, progress)
    }

    fn load(&self, input: &mut dyn std::io::Read, progress: &mut dyn FnMut(u64)) -> Result<u64> {
        dump::load(&self.db, input, progress)
    }

    fn schema_version(&self) -> Result<Option<u64>> {
        schema::stored_version(&self.db)
    }
}
