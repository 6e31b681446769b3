//! Codes mailed to users, and each user's latest code of a kind.
use super::access::{Read, W};
use super::tables::Table;
use crate::error::Result;
use crate::records::MailCode;

fn latest_key(kind: &str, nick: &str) -> String {
    format!("latest\n{kind}\n{nick}")
}

pub fn get(r: &impl Read, code: &str) -> Result<Option<MailCode>> {
    // A code is a token; the latest-code rows are not codes.
    if code.contains('\n') {
        return Ok(None);
    }
    r.get(Table::MailCode, code)
}

/// Stores `code`, and remembers it as its user's latest of its kind.
pub fn put(w: &W, code: &str, rec: &MailCode) -> Result<()> {
    w.put(Table::MailCode, code, rec)?;
    w.put(Table::MailCode, &latest_key(&rec.kind, &rec.nick), code)
}

/// Rewrites a code's record (it was used).
pub fn update(w: &W, code: &str, rec: &MailCode) -> Result<()> {
    w.put(Table::MailCode, code, rec)
}

pub fn latest(r: &impl Read, kind: &str, nick: &str) -> Result<Option<String>> {
    r.get(Table::MailCode, &latest_key(kind, nick))
}
