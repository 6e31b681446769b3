//! Follow, favorite, share and membership relations between ids (activities.md §11).
use crate::error::Result;
use crate::store::{relations, Read, W};
use crate::util::time::now_iso;

pub const FOLLOW: &str = "follow";
pub const FAVORITE: &str = "favorite";
pub const SHARE: &str = "share";
pub const MEMBER: &str = "member";

pub fn exists(r: &impl Read, kind: &str, from: &str, to: &str) -> Result<bool> {
    relations::exists(r, kind, from, to)
}

pub fn add(w: &W, kind: &str, from: &str, to: &str) -> Result<()> {
    relations::add(w, kind, from, to, &now_iso())
}

pub fn remove(w: &W, kind: &str, from: &str, to: &str) -> Result<bool> {
    relations::remove(w, kind, from, to)
}
