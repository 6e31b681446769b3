//! Objects by id, and local objects by `<segment>/<uuid>` (`/api/<segment>/<uuid>`).
use super::access::{Read, W};
use super::tables::Table;
use crate::error::{Error, Result};
use crate::records::Object;
use serde_json::Value;

pub fn get(r: &impl Read, id: &str) -> Result<Option<Object>> {
    Ok(r.get_value(Table::IdObject, id)?.map(Object::from_stored))
}

/// Stores `obj` under its id, and under its uuid in the URL segment `seg` when it has one.
pub fn put(w: &W, obj: &Object, seg: &str) -> Result<()> {
    let id = obj
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::internal("object without id"))?;
    w.put(Table::IdObject, id, &obj.to_stored())?;
    if let Some(uuid) = &obj.private.uuid {
        w.put(Table::UuidObject, &format!("{seg}/{uuid}"), &id)?;
    }
    Ok(())
}

pub fn by_uuid(r: &impl Read, seg: &str, uuid: &str) -> Result<Option<Object>> {
    match r.get::<String>(Table::UuidObject, &format!("{seg}/{uuid}"))? {
        Some(id) => get(r, &id),
        None => Ok(None),
    }
}
