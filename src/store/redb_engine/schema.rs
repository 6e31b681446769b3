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
use super::tables::{def, OLD_STREAM_INDEX, OLD_STREAM_ITEMS};
use crate::error::{Error, Result};
use crate::store::access::W;
use crate::store::tables::Table;
use redb::{Database, ReadableDatabase, ReadableTable, TableError};
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
            // 2 → 3: the streams, moved by `move_streams` before `init` (which then finds the
            // store at 3 already).
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

/// True when the store still has stream tables of schema 2 (a move to 3 to begin, or one
/// that was interrupted: its first transaction already marked the store as version 3).
pub fn has_old_streams(db: &Database) -> Result<bool> {
    let tx = db.begin_read()?;
    match tx.open_table(OLD_STREAM_ITEMS) {
        Ok(_) => Ok(true),
        Err(TableError::TableDoesNotExist(_)) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Schema 2 → 3: moves every stream entry from the tables keyed by strings to the ones keyed
/// by numbers, in transactions of `MOVE_BATCH` that take entries out of the old tables as they
/// place them in the new, so an interrupted move goes on where it stopped at the next start.
/// The old tables go when they are empty. The first transaction records version 3, so that an
/// older binary refuses a store whose move it began (such a binary would miss the entries
/// already moved); the migrations that `init` runs by version are all empty up to 3. Returns
/// how many entries moved.
pub fn move_streams(db: &Database, codec: &Codec) -> Result<u64> {
    let mut moved = 0u64;
    while let Some(n) = move_batch(db, codec, MOVE_BATCH)? {
        moved += n as u64;
        log::info!("store: {moved} stream entries moved to the numbered tables");
    }
    Ok(moved)
}

/// Moves up to `most` entries in one transaction; None when none were left (and the old
/// tables are gone).
fn move_batch(db: &Database, codec: &Codec, most: usize) -> Result<Option<usize>> {
    let tx = db.begin_write()?;
    tx.open_table(def(Table::Meta))?.insert(
        "schema_version",
        crate::store::SCHEMA_VERSION.to_string().as_bytes(),
    )?;
    let batch = take_old_entries(&tx, most)?;
    if batch.is_empty() {
        tx.delete_table(OLD_STREAM_ITEMS)?;
        tx.delete_table(OLD_STREAM_INDEX)?;
        tx.commit()?;
        return Ok(None);
    }
    let txn = Txn::new(&tx, codec);
    for (stream, seq, item) in &batch {
        txn.place(stream, *seq, item)?;
    }
    drop(txn);
    tx.commit()?;
    Ok(Some(batch.len()))
}

/// Takes the first `most` entries out of the old stream tables.
fn take_old_entries(
    tx: &redb::WriteTransaction,
    most: usize,
) -> Result<Vec<(String, u64, String)>> {
    let mut items = tx.open_table(OLD_STREAM_ITEMS)?;
    let mut index = tx.open_table(OLD_STREAM_INDEX)?;
    let mut batch = Vec::new();
    for row in items.iter()?.take(most) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::engine::Engine;
    use crate::store::redb_engine::{file_in, Redb};

    /// A schema-2 store file: three streams of 30 entries each, by name.
    fn schema_2_store(dir: &Path) {
        let db = Database::create(file_in(dir)).unwrap();
        let tx = db.begin_write().unwrap();
        {
            tx.open_table(def(Table::Meta))
                .unwrap()
                .insert("schema_version", b"2".as_slice())
                .unwrap();
            let mut items = tx.open_table(OLD_STREAM_ITEMS).unwrap();
            let mut index = tx.open_table(OLD_STREAM_INDEX).unwrap();
            let mut counts = tx.open_table(super::super::tables::STREAM_COUNTS).unwrap();
            for s in ["user:a:inbox", "user:a:outbox", "user:b:inbox"] {
                for seq in 1..=30u64 {
                    let item = format!("http://h/api/activity/{}", seq % 20);
                    let item = format!("{item}-{seq}");
                    items.insert((s, seq), item.as_str()).unwrap();
                    index.insert((s, item.as_str()), seq).unwrap();
                }
                counts.insert(s, 30).unwrap();
            }
        }
        tx.commit().unwrap();
    }

    #[test]
    fn an_interrupted_move_goes_on_at_the_next_start_and_old_binaries_refuse_it() {
        let dir = std::env::temp_dir().join(format!("pump-move-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        schema_2_store(&dir);
        {
            // Interrupted after one batch of 40: the store says 3 already.
            let db = Database::create(file_in(&dir)).unwrap();
            assert_eq!(move_batch(&db, &Codec::default(), 40).unwrap(), Some(40));
            assert_eq!(stored_version(&db).unwrap(), Some(3));
            assert!(has_old_streams(&db).unwrap());
        }
        let store = Redb::open(Some(&dir), 1 << 20).unwrap();
        // Resumed without a new copy (it would be of a half-moved store).
        assert!(!backup_path(&file_in(&dir), 3).exists());
        assert!(!backup_path(&file_in(&dir), 2).exists());
        let snap = store.snapshot().unwrap();
        for s in ["user:a:inbox", "user:a:outbox", "user:b:inbox"] {
            assert_eq!(snap.stream_count(s).unwrap(), 30);
            let newest = snap.stream_desc(s, u64::MAX, 100).unwrap();
            assert_eq!(newest.len(), 30, "{s}");
            assert_eq!(newest[0], (30, "http://h/api/activity/10-30".to_string()));
            assert_eq!(newest[29].0, 1);
            let item = "http://h/api/activity/5-25";
            assert_eq!(snap.stream_seq(s, item).unwrap(), Some(25));
            let after = snap.stream_asc(s, 28, 10).unwrap();
            assert_eq!(after.iter().map(|e| e.0).collect::<Vec<_>>(), [29, 30]);
            assert_eq!(snap.stream_desc(s, 3, 10).unwrap().len(), 2);
        }
        drop(snap);
        drop(store);
        let db = Database::create(file_in(&dir)).unwrap();
        assert!(!has_old_streams(&db).unwrap());
        drop(db);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
