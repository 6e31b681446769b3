//! Shape checks of activities and objects (activities.md §2.2): wrong types are a 400 that
//! names the property, never a crash later on.
use super::addressing::FIELDS as ADDRESSES;
use super::sanitize::ACTIVITY_OBJECTS;
use crate::error::{Error, Result};
use serde_json::Value;

/// Embedded objects nest at most this deep (bounds the recursive checks and expansion).
const MAX_DEPTH: usize = 16;

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn want(what: &str, prop: &str, v: &Value, expected: &str, ok: bool) -> Result<()> {
    if ok {
        Ok(())
    } else {
        Err(Error::bad(format!(
            "{what}: {prop} property is {}, not {expected}",
            kind(v)
        )))
    }
}

fn media_link(what: &str, prop: &str, v: &Value) -> Result<()> {
    want(what, prop, v, "an object", v.is_object())?;
    let url = v.get("url").unwrap_or(&Value::Null);
    want(
        what,
        &format!("{prop}.url"),
        url,
        "a string",
        url.is_string(),
    )?;
    for n in ["width", "height", "duration"] {
        if let Some(x) = v.get(n) {
            want(what, &format!("{prop}.{n}"), x, "a number", x.is_number())?;
        }
    }
    Ok(())
}

/// Checks an object; `needs_type` is false only where the spec allows a bare id.
pub fn object(v: &Value, what: &str, depth: usize) -> Result<()> {
    if depth > MAX_DEPTH {
        return Err(Error::bad(format!("{what}: objects nested too deeply")));
    }
    let Value::Object(m) = v else {
        return Err(Error::bad(format!("{what} is {}, not an object", kind(v))));
    };
    for k in [
        "id",
        "objectType",
        "displayName",
        "url",
        "published",
        "updated",
        "content",
        "summary",
    ] {
        if let Some(x) = m.get(k) {
            want(what, k, x, "a string", x.is_string())?;
        }
    }
    for k in ["author", "inReplyTo", "location"] {
        if let Some(x) = m.get(k) {
            object(x, &format!("{what}.{k}"), depth + 1)?;
        }
    }
    for k in ["attachments", "tags"] {
        if let Some(x) = m.get(k) {
            want(what, k, x, "an array", x.is_array())?;
            for (i, a) in x.as_array().into_iter().flatten().enumerate() {
                object(a, &format!("{what}.{k}[{i}]"), depth + 1)?;
            }
        }
    }
    for k in ["upstreamDuplicates", "downstreamDuplicates"] {
        if let Some(x) = m.get(k) {
            let ok = x.as_array().is_some_and(|a| a.iter().all(Value::is_string))
                || x.as_object()
                    .is_some_and(|o| o.values().all(Value::is_string));
            want(what, k, x, "an array of strings", ok)?;
        }
    }
    for k in ["image", "fullImage", "stream"] {
        if let Some(x) = m.get(k) {
            media_link(what, k, x)?;
        }
    }
    Ok(())
}

/// Checks an activity as posted by a client.
pub fn activity(v: &Value) -> Result<()> {
    let Value::Object(m) = v else {
        return Err(Error::bad("Activity must be a JSON object"));
    };
    for k in [
        "id",
        "verb",
        "content",
        "published",
        "updated",
        "url",
        "displayName",
        "title",
    ] {
        if let Some(x) = m.get(k) {
            want("activity", k, x, "a string", x.is_string())?;
        }
    }
    for k in ACTIVITY_OBJECTS {
        if let Some(x) = m.get(*k) {
            object(x, k, 1)?;
        }
    }
    for k in ADDRESSES.iter() {
        if let Some(x) = m.get(*k) {
            want("activity", k, x, "an array", x.is_array())?;
            for (i, a) in x.as_array().into_iter().flatten().enumerate() {
                object(a, &format!("{k}[{i}]"), 1)?;
                if a.get("id").and_then(Value::as_str).is_none() {
                    return Err(Error::bad(format!("{k}[{i}] has no id")));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn names_the_bad_property() {
        let e = super::activity(&json!({"object": {"objectType": "note", "url": 7}})).unwrap_err();
        assert_eq!(
            e.message(),
            "object: url property is a number, not a string"
        );
        assert!(super::activity(&json!({"to": {"id": "x"}})).is_err());
        assert!(
            super::activity(&json!({"object": {"objectType": "image", "image": {"url": 1}}}))
                .is_err()
        );
        assert!(
            super::activity(&json!({"object": {"objectType": "note", "content": "ok"}})).is_ok()
        );
    }
}
