//! Single values of the server: its service object's id, the schema version, and which data
//! migrations have run.
use super::access::{Read, W};
use super::tables::Table;
use crate::error::Result;

/// The meta keys that note a data migration done: `migration:<name>`.
pub(super) const MIGRATION_MARK: &str = "migration:";

fn mark(name: &str) -> String {
    format!("{MIGRATION_MARK}{name}")
}

pub fn service_id(r: &impl Read) -> Result<Option<String>> {
    r.get(Table::Meta, "service_id")
}

pub fn set_service_id(w: &W, id: &str) -> Result<()> {
    w.put(Table::Meta, "service_id", id)
}

/// Whether the store records its schema version (health checks).
pub fn schema_recorded(r: &impl Read) -> Result<bool> {
    r.exists(Table::Meta, "schema_version")
}

/// Whether the data migration `name` has run on this store.
pub fn migrated(r: &impl Read, name: &str) -> Result<bool> {
    r.exists(Table::Meta, &mark(name))
}

/// Notes that the data migration `name` ran (`when`).
pub fn mark_migrated(w: &W, name: &str, when: &str) -> Result<()> {
    w.put(Table::Meta, &mark(name), when)
}

/// The public address (config `base`) the store's ids were made with.
pub fn address(r: &impl Read) -> Result<Option<String>> {
    r.get(Table::Meta, "public_address")
}

pub fn set_address(w: &W, base: &str) -> Result<()> {
    w.put(Table::Meta, "public_address", base)
}
