//! Schema versions and their migrations. A store of an older version is copied beside itself
//! (`pump.redb.schema-<v>.bak`) before it is migrated at start, step by step up to this
//! binary's version, in the transaction that also records the new version. Versions:
//! 1. the first release;
//! 2. background jobs (`job`, `job_due`): an older binary would not run them, so it must not
//!    open such a store. The tables are created empty at start, so the step changes no data.
use super::tables::def;
use crate::error::{Error, Result};
use crate::store::access::W;
use crate::store::tables::Table;
use redb::{Database, ReadableDatabase, TableError};
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
            other => {
                return Err(Error::Internal(format!(
                    "no upgrade path from schema version {other}"
                )))
            }
        }
    }
    Ok(())
}
