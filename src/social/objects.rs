//! Creating, storing and reading activity objects (activities.md §3.1).
use crate::config::Config;
use crate::error::Result;
use crate::store::{Read, Table, W};
use crate::util::{rand, time::now_iso};
use serde_json::{json, Map, Value};

/// An `{id, objectType}` reference to an object.
pub fn reference(obj: &Value) -> Value {
    json!({"id": obj.get("id").cloned().unwrap_or(Value::Null), "objectType": obj.get("objectType").cloned().unwrap_or(Value::Null)})
}

/// Fills the generated properties of a new local object of `kind`: id, links, sub-collection
/// URLs, timestamps and, for a local author, the HTML `url`.
pub fn new_local(
    cfg: &Config,
    kind: &str,
    author_nick: Option<&str>,
    mut m: Map<String, Value>,
) -> Value {
    let uuid = rand::uuid();
    let base = cfg.base();
    let id = format!("{base}/api/{kind}/{uuid}");
    let now = now_iso();
    m.insert("objectType".into(), json!(kind));
    m.insert("id".into(), json!(id));
    m.insert("links".into(), json!({"self": {"href": id}}));
    for sub in ["likes", "replies", "shares"] {
        m.entry(sub.to_string())
            .or_insert_with(|| json!({"url": format!("{id}/{sub}")}));
    }
    m.entry("published".to_string())
        .or_insert_with(|| json!(now));
    m.insert("updated".into(), json!(now));
    if let Some(nick) = author_nick {
        let url = if kind == "collection" {
            format!("{base}/{nick}/list/{uuid}")
        } else {
            format!("{base}/{nick}/{kind}/{uuid}")
        };
        m.entry("url".to_string()).or_insert_with(|| json!(url));
    }
    m.insert("_uuid".into(), json!(uuid));
    Value::Object(m)
}

/// Stores an object under its id (and its uuid, for `/api/<type>/<uuid>`).
pub fn put(w: &W, obj: &Value) -> Result<()> {
    let id = obj.get("id").and_then(Value::as_str).unwrap_or_default();
    w.put(Table::IdObject, id, obj)?;
    if let (Some(kind), Some(uuid)) = (
        obj.get("objectType").and_then(Value::as_str),
        obj.get("_uuid").and_then(Value::as_str),
    ) {
        w.put(Table::UuidObject, &format!("{kind}/{uuid}"), &id)?;
    }
    Ok(())
}

pub fn get(r: &impl Read, id: &str) -> Result<Option<Value>> {
    r.get(Table::IdObject, id)
}

/// Removes every property whose name starts with `_`, recursively (activities.md §3.7).
pub fn strip_private(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|k, _| !k.starts_with('_'));
            for x in m.values_mut() {
                strip_private(x);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(strip_private),
        _ => {}
    }
}
