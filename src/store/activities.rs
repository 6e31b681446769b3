//! Activities by id, and local ones by uuid (`/api/activity/<uuid>`).
use super::access::{Read, W};
use super::tables::Table;
use crate::error::Result;
use crate::records::Activity;
use serde_json::Value;

pub fn get(r: &impl Read, id: &str) -> Result<Option<Activity>> {
    Ok(r.get_value(Table::IdActivity, id)?
        .map(Activity::from_stored))
}

pub fn put(w: &W, act: &Activity) -> Result<()> {
    let id = act.get("id").and_then(Value::as_str).unwrap_or_default();
    w.put(Table::IdActivity, id, &act.to_stored())?;
    if let Some(uuid) = &act.private.uuid {
        w.put(Table::UuidActivity, uuid, &id)?;
    }
    Ok(())
}

pub fn by_uuid(r: &impl Read, uuid: &str) -> Result<Option<Activity>> {
    match r.get::<String>(Table::UuidActivity, uuid)? {
        Some(id) => get(r, &id),
        None => Ok(None),
    }
}

/// Activities whose ids sort after `after`, in id order, at most `limit` (a walk in batches).
pub fn after(r: &impl Read, after: &str, limit: usize) -> Result<Vec<(String, Activity)>> {
    let mut out = Vec::new();
    for (id, raw) in r.scan_after(Table::IdActivity, after, limit)? {
        out.push((id, Activity::from_stored(serde_json::from_slice(&raw)?)));
    }
    Ok(out)
}
