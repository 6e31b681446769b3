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

/// Writes `obj` back under its id (its uuid index is left as it is).
pub fn rewrite(w: &W, id: &str, obj: &Object) -> Result<()> {
    w.put(Table::IdObject, id, &obj.to_stored())
}

/// Objects whose ids sort after `after`, in id order, at most `limit` (a walk in batches).
pub fn after(r: &impl Read, after: &str, limit: usize) -> Result<Vec<(String, Object)>> {
    let mut out = Vec::new();
    for (id, raw) in r.scan_after(Table::IdObject, after, limit)? {
        out.push((id, Object::from_stored(serde_json::from_slice(&raw)?)));
    }
    Ok(out)
}
