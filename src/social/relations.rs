//! Follow, favorite, share and membership relations between ids (activities.md §11).
use crate::error::Result;
use crate::store::{Read, Table, W};
use crate::util::time::now_iso;

pub const FOLLOW: &str = "follow";
pub const FAVORITE: &str = "favorite";
pub const SHARE: &str = "share";
pub const MEMBER: &str = "member";

fn key(kind: &str, from: &str, to: &str) -> String {
    format!("{kind}\n{from}\n{to}")
}

pub fn exists(r: &impl Read, kind: &str, from: &str, to: &str) -> Result<bool> {
    r.exists(Table::Relation, &key(kind, from, to))
}

pub fn add(w: &W, kind: &str, from: &str, to: &str) -> Result<()> {
    w.put(Table::Relation, &key(kind, from, to), &now_iso())
}

pub fn remove(w: &W, kind: &str, from: &str, to: &str) -> Result<bool> {
    w.delete(Table::Relation, &key(kind, from, to))
}
