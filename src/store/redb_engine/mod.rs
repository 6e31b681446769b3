//! The redb engine: one file (`pump.redb`), or memory for tests.
mod changes;
mod codec;
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
use codec::Codec;
use redb::backends::InMemoryBackend;
use redb::{Database, ReadableDatabase, ReadableTable};
use std::path::Path;
use std::sync::Arc;

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
    codec: Arc<Codec>,
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
                let mut db = open_file(dir, cache_size)?;
                let stored = schema::stored_version(&db)?;
                if let Some(v) = stored.filter(|v| *v < SCHEMA_VERSION) {
                    drop(db);
                    schema::back_up(&file_in(dir), v)?;
                    db = open_file(dir, cache_size)?;
                }
                // A move begun here, or resumed after an interruption (the store says 3).
                if schema::has_old_streams(&db)? {
                    let moved = schema::move_streams(&db, &Codec::default())?;
                    log::info!(
                        "store: migrated from schema version {} to {SCHEMA_VERSION} ({moved} stream entries moved)",
                        stored.unwrap_or(SCHEMA_VERSION)
                    );
                }
                db
            }
            None => {
                let mut builder = Database::builder();
                builder.set_cache_size(cache_size);
                builder.create_with_backend(InMemoryBackend::new())?
            }
        };
        let codec = Arc::new(Codec::default());
        init(&db, &codec)?;
        Ok(Redb { db, codec })
    }
}

/// The dictionary a store keeps, if it has one yet.
fn stored_dictionary(db: &Database) -> Result<Option<Vec<u8>>> {
    let tx = db.begin_read()?;
    let t = tx.open_table(tables::CODEC)?;
    let dict = t.get("dictionary")?.map(|v| v.value().to_vec());
    Ok(dict)
}

/// Values of the document tables per transaction of `compress_documents`.
const COMPRESS_BATCH: usize = 5_000;

/// Creates every table, reads the dictionary and checks the schema version, migrating an
/// older one.
fn init(db: &Database, codec: &Codec) -> Result<()> {
    let tx = db.begin_write()?;
    {
        for t in Table::all() {
            tx.open_table(tables::def(*t))?;
        }
        tx.open_table(tables::STREAM_ITEMS)?;
        tx.open_table(tables::STREAM_INDEX)?;
        tx.open_table(tables::NAMES)?;
        tx.open_table(tables::NUMBERS)?;
        tx.open_table(tables::STREAM_COUNTS)?;
        tx.open_table(tables::COUNTERS)?;
        tx.open_table(tables::CODEC)?;
        let txn = changes::Txn::new(&tx, codec);
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
    if let Some(dict) = stored_dictionary(db)? {
        codec.set(dict);
    }
    Ok(())
}

impl Redb {
    /// Compresses the values of one table written before the store had its dictionary, from
    /// `after` on; returns the last key it looked at, None when the table is done.
    fn compress_some(&self, t: Table, after: Option<String>) -> Result<(Option<String>, u64)> {
        let tx = self.db.begin_write()?;
        let (mut last, mut done) = (None, 0u64);
        {
            let mut table = tx.open_table(tables::def(t))?;
            let from = match &after {
                Some(k) => std::ops::Bound::Excluded(k.as_str()),
                None => std::ops::Bound::Unbounded,
            };
            let mut raw: Vec<(String, Vec<u8>)> = Vec::new();
            for row in table
                .range::<&str>((from, std::ops::Bound::Unbounded))?
                .take(COMPRESS_BATCH)
            {
                let (k, v) = row?;
                last = Some(k.value().to_string());
                if v.value().first() != Some(&codec::MARK) {
                    raw.push((k.value().to_string(), v.value().to_vec()));
                }
            }
            for (k, v) in raw {
                if let std::borrow::Cow::Owned(packed) = self.codec.encode(t, &v) {
                    table.insert(k.as_str(), packed.as_slice())?;
                    done += 1;
                }
            }
        }
        tx.commit()?;
        Ok((last, done))
    }
}

impl Redb {
    /// A store about to be given a dictionary must hold no compressed value: one would mean
    /// the dictionary it needs was lost, and reading it with another gives wrong bytes.
    fn check_uncompressed_in(&self, tx: &redb::WriteTransaction) -> Result<()> {
        for t in Table::all().iter().filter(|t| codec::compresses(**t)) {
            for row in tx.open_table(tables::def(*t))?.iter()? {
                if row?.1.value().first() == Some(&codec::MARK) {
                    return Err(Error::Internal(format!(
                        "{} holds compressed documents but the store has lost their dictionary: restore the data dir from a backup",
                        t.name()
                    )));
                }
            }
        }
        Ok(())
    }
}

impl Engine for Redb {
    fn compress_documents(&self, address: &str) -> Result<u64> {
        // Every start but the first of a store: a read, not a commit (an fsync) at start.
        {
            let tx = self.db.begin_read()?;
            let t = tx.open_table(tables::CODEC)?;
            if t.get("dictionary")?.is_some() && t.get("compressed")?.is_some() {
                return Ok(0);
            }
        }
        let tx = self.db.begin_write()?;
        let (new, pending) = {
            let mut t = tx.open_table(tables::CODEC)?;
            let new = t.get("dictionary")?.is_none();
            if new {
                t.insert("dictionary", codec::dictionary_for(address).as_slice())?;
            }
            let done = t.get("compressed")?.is_some();
            (new, !done)
        };
        if !pending {
            tx.commit()?;
            return Ok(0);
        }
        // The guard's scan comes before the new dictionary is committed, so a refused store
        // keeps none.
        if new {
            self.check_uncompressed_in(&tx)?;
        }
        tx.commit()?;
        if let Some(dict) = stored_dictionary(&self.db)? {
            self.codec.set(dict);
        }
        let mut done = 0;
        for t in Table::all().iter().filter(|t| codec::compresses(**t)) {
            let mut after = None;
            loop {
                let (last, n) = self.compress_some(*t, after)?;
                done += n;
                match last {
                    Some(k) => after = Some(k),
                    None => break,
                }
            }
        }
        let tx = self.db.begin_write()?;
        tx.open_table(tables::CODEC)?
            .insert("compressed", &[1u8][..])?;
        tx.commit()?;
        Ok(done)
    }

    fn sizes(&self) -> Result<Vec<super::engine::SpaceSize>> {
        sizes::sizes(&self.db)
    }

    fn snapshot(&self) -> Result<Box<dyn Snapshot>> {
        Ok(Box::new(snapshot::Snap::new(
            self.db.begin_read()?,
            self.codec.clone(),
        )))
    }

    fn transact(&self, f: &mut dyn FnMut(&dyn Changes) -> Result<()>) -> Result<()> {
        let tx = self.db.begin_write()?;
        // The open tables borrow the transaction: they are closed before it ends.
        let outcome = f(&changes::Txn::new(&tx, &self.codec));
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
        dump::dump(&self.db, &self.codec, out, progress)
    }

    fn load(&self, input: &mut dyn std::io::Read, progress: &mut dyn FnMut(u64)) -> Result<u64> {
        dump::load(&self.db, &self.codec, input, progress)
    }

    fn schema_version(&self) -> Result<Option<u64>> {
        schema::stored_version(&self.db)
    }
}
