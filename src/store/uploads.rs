//! Which object a stored upload file belongs to, by its path under the uploads directory.
use super::access::{Read, W};
use super::tables::Table;
use crate::error::Result;

pub fn owner(r: &impl Read, rel: &str) -> Result<Option<String>> {
    r.get(Table::UploadPath, rel)
}

pub fn put(w: &W, rel: &str, object_id: &str) -> Result<()> {
    w.put(Table::UploadPath, rel, object_id)
}

/// The file no longer belongs to anything (its object was deleted).
pub fn delete(w: &W, rel: &str) -> Result<bool> {
    w.delete(Table::UploadPath, rel)
}
