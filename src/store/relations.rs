//! Relations between ids (follow, favorite, share, membership), each with when it began.
use super::access::{Read, W};
use super::tables::Table;
use crate::error::Result;

fn key(kind: &str, from: &str, to: &str) -> String {
    format!("{kind}\n{from}\n{to}")
}

pub fn exists(r: &impl Read, kind: &str, from: &str, to: &str) -> Result<bool> {
    r.exists(Table::Relation, &key(kind, from, to))
}

pub fn add(w: &W, kind: &str, from: &str, to: &str, when: &str) -> Result<()> {
    w.put(Table::Relation, &key(kind, from, to), when)
}

pub fn remove(w: &W, kind: &str, from: &str, to: &str) -> Result<bool> {
    w.delete(Table::Relation, &key(kind, from, to))
}
