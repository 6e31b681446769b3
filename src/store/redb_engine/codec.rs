//! How documents lie on disk. A stored value of a document table is its JSON as written, or
//! (first byte [`MARK`]) that JSON compressed with LZ4 against the store's dictionary: typical
//! documents (`dictionary.txt`) with the store's own public address, made once per store and
//! kept in it. A note repeats its id in five URLs and shares most of its member names with
//! every other note, so against the dictionary most of it costs a few bytes per match.
//! JSON never starts with byte 1, so values written before compression read unchanged, and a
//! value is always read back as the exact bytes that were written.
use crate::error::{Error, Result};
use crate::store::tables::Table;
use std::borrow::Cow;
use std::sync::OnceLock;

/// First byte of a value compressed against dictionary 1 (the only one so far).
pub const MARK: u8 = 1;
/// Values shorter than this are kept as they are: there is too little to gain.
const MIN_LEN: usize = 40;
/// A stored value names its length; a damaged one must not ask for more than this (documents
/// come from request bodies, which `maxBodySize` keeps far smaller).
const MAX_LEN: usize = 32 << 20;
/// Typical documents, `{A}` standing for the public address.
const TEMPLATE: &str = include_str!("dictionary.txt");

/// The tables whose values are documents worth compressing (JSON, mostly URLs).
pub fn compresses(t: Table) -> bool {
    matches!(
        t,
        Table::IdObject
            | Table::IdActivity
            | Table::UuidObject
            | Table::UuidActivity
            | Table::NickUser
            | Table::ApActor
    )
}

/// The dictionary of a store whose ids begin with `address`.
pub fn dictionary_for(address: &str) -> Vec<u8> {
    TEMPLATE.replace("{A}", address).into_bytes()
}

/// The store's dictionary, once known (read at open, or made at the first start that knows
/// the public address).
#[derive(Default)]
pub struct Codec {
    dict: OnceLock<Vec<u8>>,
}

impl Codec {
    pub fn set(&self, dict: Vec<u8>) {
        let _ = self.dict.set(dict);
    }

    /// What to store for `value` in `t`.
    pub fn encode<'v>(&self, t: Table, value: &'v [u8]) -> Cow<'v, [u8]> {
        let Some(dict) = self.dict.get() else {
            return Cow::Borrowed(value);
        };
        if !compresses(t) || value.len() < MIN_LEN || value.first() == Some(&MARK) {
            return Cow::Borrowed(value);
        }
        let packed = lz4_flex::block::compress_with_dict(value, dict);
        if packed.len() + 5 >= value.len() {
            return Cow::Borrowed(value);
        }
        let mut out = Vec::with_capacity(packed.len() + 5);
        out.push(MARK);
        out.extend_from_slice(&(value.len() as u32).to_le_bytes());
        out.extend_from_slice(&packed);
        Cow::Owned(out)
    }

    /// The bytes that were written, from what is stored.
    pub fn decode(&self, stored: &[u8]) -> Result<Vec<u8>> {
        if stored.first() != Some(&MARK) {
            return Ok(stored.to_vec());
        }
        let damaged = || Error::internal("store: a compressed value is damaged");
        let dict = self
            .dict
            .get()
            .ok_or_else(|| Error::internal("store: a compressed value but no dictionary"))?;
        let len: [u8; 4] = stored
            .get(1..5)
            .and_then(|b| b.try_into().ok())
            .ok_or_else(damaged)?;
        let len = u32::from_le_bytes(len) as usize;
        if len > MAX_LEN {
            return Err(damaged());
        }
        let out = lz4_flex::block::decompress_with_dict(&stored[5..], len, dict)
            .map_err(|_| damaged())?;
        match out.len() == len {
            true => Ok(out),
            false => Err(damaged()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codec() -> Codec {
        let c = Codec::default();
        c.set(dictionary_for("https://pump.example"));
        c
    }

    #[test]
    fn a_note_shrinks_and_reads_back_the_same() {
        let c = codec();
        let note = br#"{"objectType":"note","content":"Hello from the Pi","author":{"id":"https://pump.example/api/user/ann/profile","objectType":"person"},"id":"https://pump.example/api/note/Zq3LzPzXQ5mYwKk2v9bT1g","links":{"self":{"href":"https://pump.example/api/note/Zq3LzPzXQ5mYwKk2v9bT1g"}},"likes":{"url":"https://pump.example/api/note/Zq3LzPzXQ5mYwKk2v9bT1g/likes"},"replies":{"url":"https://pump.example/api/note/Zq3LzPzXQ5mYwKk2v9bT1g/replies"},"shares":{"url":"https://pump.example/api/note/Zq3LzPzXQ5mYwKk2v9bT1g/shares"},"published":"2026-12-04T21:40:43Z","updated":"2026-12-04T21:40:43Z","url":"https://pump.example/ann/note/Zq3LzPzXQ5mYwKk2v9bT1g","_uuid":"Zq3LzPzXQ5mYwKk2v9bT1g","_created_by":"https://pump.example/api/activity/q0TVrvZ1TqeVjW1uxlau3A"}"#;
        let stored = c.encode(Table::IdObject, note);
        assert_eq!(stored[0], MARK);
        assert!(stored.len() * 3 < note.len(), "{} bytes", stored.len());
        assert_eq!(c.decode(&stored).unwrap(), note);
    }

    #[test]
    fn short_values_other_tables_and_old_values_stay_as_they_are() {
        let c = codec();
        assert_eq!(&*c.encode(Table::IdObject, b"{\"a\":1}"), b"{\"a\":1}");
        let token = br#"{"token":"abcdefghijklmnopqrstuvwxyz","secret":"0123456789abcdefghij"}"#;
        assert_eq!(&*c.encode(Table::AccessToken, token), token);
        assert_eq!(c.decode(token).unwrap(), token);
    }

    #[test]
    fn damaged_values_are_errors_not_panics() {
        let c = codec();
        let note = br#"{"objectType":"note","content":"a note long enough to be compressed at all, really"}"#;
        let stored = c.encode(Table::IdObject, note).into_owned();
        for cut in 0..stored.len() {
            let _ = c.decode(&stored[..cut]);
        }
        let mut huge = stored.clone();
        huge[1..5].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(c.decode(&huge).is_err());
        let mut wrong = stored;
        wrong[1] ^= 1;
        assert!(c.decode(&wrong).is_err());
        assert!(Codec::default().decode(&[MARK, 3, 0, 0, 0, 0]).is_err());
    }
}
