//! Which uploaded files belong to an object: the paths under `/uploads/` of its media links.
use crate::config::Config;
use serde_json::Value;

/// Paths (relative to the upload directory) of this server's files that `obj` links to.
pub fn of(cfg: &Config, obj: &Value) -> Vec<String> {
    let prefix = format!("{}/uploads/", cfg.base());
    let links = [
        obj.pointer("/image/url"),
        obj.pointer("/fullImage/url"),
        obj.pointer("/stream/url"),
        obj.get("fileUrl"),
    ];
    // Pictures attached to it (the web form's) are stored as its own files.
    let attached = obj
        .get("attachments")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|a| [a.pointer("/image/url"), a.pointer("/fullImage/url")]);
    let mut out: Vec<String> = links
        .into_iter()
        .chain(attached)
        .flatten()
        .filter_map(Value::as_str)
        .filter_map(|u| u.strip_prefix(&prefix))
        .map(str::to_string)
        .collect();
    out.dedup();
    out
}

/// Removes the files a deleted object kept (its tombstone's private list), after the commit
/// that made them unreachable. A crash before this leaves only unreferenced files behind.
pub fn remove(dir: &std::path::Path, files: &[String]) {
    for rel in files {
        if rel.split('/').any(|s| s.is_empty() || s.starts_with('.')) {
            continue;
        }
        if let Err(e) = std::fs::remove_file(dir.join(rel)) {
            log::warn!("removing deleted upload {rel}: {e}");
        }
    }
}
