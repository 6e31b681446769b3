//! Which object a stored upload file belongs to, by its path under the uploads directory.
use crate::error::Result;
use crate::store::{uploads, Read, W};

pub fn owner(r: &impl Read, rel: &str) -> Result<Option<String>> {
    uploads::owner(r, rel)
}

pub fn put(w: &W, rel: &str, object_id: &str) -> Result<()> {
    uploads::put(w, rel, object_id)
}
