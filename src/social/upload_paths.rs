//! Which object a stored upload file belongs to, by its path under the uploads directory.
use crate::error::Result;
use crate::store::{Read, Table, W};

pub fn owner(r: &impl Read, rel: &str) -> Result<Option<String>> {
    r.get(Table::UploadPath, rel)
}

pub fn put(w: &W, rel: &str, object_id: &str) -> Result<()> {
    w.put(Table::UploadPath, rel, &object_id)
}
