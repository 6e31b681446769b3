//! Schema versions and their migrations. A store of an older version is copied beside itself
//! (`pump.redb.schema-<v>.bak`) before it is migrated at start, step by step up to this
//! binary's version, in the transaction that also records the new version. Versions:
//! 1. the first release;
//! 2. background jobs (`job`, `job_due`): an older binary would not run them, so it must not
//!    open such a store. The tables are created empty at start, so the step changes no data;
//! 3. stream entries by number (`names`, `numbers`) instead of by stream name and item id
//!    (`move_streams`), and documents compressed (`codec.rs`; values of 2 read unchanged, and
//!    are compressed at the first start that knows the public address).
use super::changes::Txn;
use super::codec::Codec;
use super::tables::{def, OLD_STREAM_INDEX, OLD_STREAM_ITEMS, STREAM_ITEMS};
use crate::error::{Error, Result};
use crate::store::access::W;
use crate::store::tables::Table;
use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata, TableError};
use std::path::{Path, PathBuf};

/// The version a store records, None for a new one.
pub fn stored_version(db: &Database) -> Result<Option<u64>> {
    let tx = db.begin_read()?;
    let meta = match tx.open_table(def(Table::Meta)) {
        Ok(t) => t,
        Err(TableError::TableDoesNotExist(_)) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let raw = redb::ReadableTable::get(&meta, "schema_version")?;
    match raw {
        Some(v) => Ok(Some(serde_json::from_slice(v.value())?)),
        None => Ok(None),
    }
}

/// Where the copy of a store of version `v` goes.
pub fn backup_path(file: &Path, v: u64) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(format!(".schema-{v}.bak"));
    PathBuf::from(name)
}

/// Copies the (closed) store file before its migration, through a temporary name and an
/// fsync of the copy and of the directory, so that a crash leaves the earlier copy or a whole
/// new one. A copy left by an earlier migration is replaced: this one is of the data now.
pub fn back_up(file: &Path, v: u64) -> Result<()> {
    let dest = backup_path(file, v);
    let partial = dest.with_extension("bak.partial");
    std::fs::copy(file, &partial)?;
    std::fs::File::open(&partial)?.sync_all()?;
    std::fs::rename(&partial, &dest)?;
    if let Some(dir) = dest.parent() {
        std::fs::File::open(dir)?.sync_all()?;
    }
    log::info!(
        "store: copied {} to {} before migrating it",
        file.display(),
        dest.display()
    );
    Ok(())
}

/// Brings the data of a store of version `from` to this binary's version.
pub fn migrate(_w: &W, from: u64) -> Result<()> {
    for v in from..crate::store::SCHEMA_VERSION {
        match v {
            // 1 → 2: the job tables, already created by `init`.
            1 => {}
            // 2 → 3: the streams, moved by `move_streams` before `init`.
            2 => {}
            other => {
                return Err(Error::Internal(format!(
                    "no upgrade path from schema version {other}"
                )))
            }
        }
    }
    Ok(())
}

/// Stream entries moved per transaction by `move_streams`.
const MOVE_BATCH: usize = 20_000;

/// True while an interrupted `move_streams` has entries on both sides: the copy made before
/// it began is the one worth keeping.
pub fn moving_streams(db: &Database) -> Result<bool> {
    let tx = db.begin_read()?;
    let old = match tx.open_table(OLD_STREAM_ITEMS) {
        Ok(t) => t.len()?,
        Err(TableError::TableDoesNotExist(_)) => return Ok(false),
        Err(e) => return Err(e.into()),
    };
    let new = match tx.open_table(STREAM_ITEMS) {
        Ok(t) => t.len()?,
        Err(TableError::TableDoesNotExist(_)) => 0,
        Err(e) => return Err(e.into()),
    };
    Ok(old > 0 && new > 0)
}

/// Schema 2 → 3: moves every stream entry from the tables keyed by strings to the ones keyed
/// by numbers, in transactions of `MOVE_BATCH` that take entries out of the old tables as they
/// place them in the new, so an interrupted move goes on where it stopped at the next start.
/// The old tables go when they are empty. Returns how many entries moved.
pub fn move_streams(db: &Database, codec: &Codec) -> Result<u64> {
    let mut moved = 0u64;
    loop {
        let tx = db.begin_write()?;
        let batch = take_old_entries(&tx)?;
        if batch.is_empty() {
            tx.delete_table(OLD_STREAM_ITEMS)?;
            tx.delete_table(OLD_STREAM_INDEX)?;
            tx.commit()?;
            return Ok(moved);
        }
        let txn = Txn::new(&tx, codec);
        for (stream, seq, item) in &batch {
            txn.place(stream, *seq, item)?;
        }
        drop(txn);
        tx.commit()?;
        moved += batch.len() as u64;
        log::info!("store: {moved} stream entries moved to the numbered tables");
    }
}

/// Takes the first `MOVE_BATCH` entries out of the old stream tables.
fn take_old_entries(tx: &redb::WriteTransaction) -> Result<Vec<(String, u64, String)>> {
    let mut items = tx.open_table(OLD_STREAM_ITEMS)?;
    let mut index = tx.open_table(OLD_STREAM_INDEX)?;
    let mut batch = Vec::new();
    for row in items.iter()?.take(MOVE_BATCH) {
        let (k, v) = row?;
        let (stream, seq) = k.value();
        batch.push((stream.to_string(), seq, v.value().to_string()));
    }
    for (stream, seq, item) in &batch {
        items.remove((stream.as_str(), *seq))?;
        index.remove((stream.as_str(), item.as_str()))?;
    }
    Ok(batch)
}
