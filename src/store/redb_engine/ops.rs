//! The reads, written once over any readable redb table (of a snapshot or a transaction).
use super::codec::Codec;
use crate::error::{Error, Result};
use crate::store::engine::Rows;
use redb::ReadableTable;
use std::ops::Bound;

pub fn get(
    t: &impl ReadableTable<&'static str, &'static [u8]>,
    codec: &Codec,
    key: &str,
) -> Result<Option<Vec<u8>>> {
    t.get(key)?.map(|v| codec.decode(v.value())).transpose()
}

pub fn range(
    t: &impl ReadableTable<&'static str, &'static [u8]>,
    codec: &Codec,
    from: Bound<&str>,
    to: Bound<&str>,
    limit: usize,
) -> Result<Rows> {
    let mut out = Vec::new();
    for entry in t.range::<&str>((from, to))?.take(limit) {
        let (k, v) = entry?;
        out.push((k.value().to_string(), codec.decode(v.value())?));
    }
    Ok(out)
}

pub fn count(t: &impl ReadableTable<&'static str, u64>, stream: &str) -> Result<u64> {
    Ok(t.get(stream)?.map(|v| v.value()).unwrap_or(0))
}

/// The number of a stream name or item id; None when no stream ever held it.
pub fn number(names: &impl ReadableTable<&'static str, u64>, name: &str) -> Result<Option<u64>> {
    Ok(names.get(name)?.map(|v| v.value()))
}

/// The name behind a number that a stream holds.
pub fn name(numbers: &impl ReadableTable<u64, &'static str>, n: u64) -> Result<String> {
    match numbers.get(n)? {
        Some(v) => Ok(v.value().to_string()),
        None => Err(Error::internal(format!("store: no name for number {n}"))),
    }
}

pub fn seq(
    index: &impl ReadableTable<(u64, u64), u64>,
    names: &impl ReadableTable<&'static str, u64>,
    stream: &str,
    item: &str,
) -> Result<Option<u64>> {
    let (Some(s), Some(i)) = (number(names, stream)?, number(names, item)?) else {
        return Ok(None);
    };
    Ok(index.get((s, i))?.map(|v| v.value()))
}

/// Entries with sequence in `from..=to`, newest first (`rev`) or oldest first, at most `limit`,
/// their items by name.
pub fn entries(
    items: &impl ReadableTable<(u64, u64), u64>,
    names: &impl ReadableTable<&'static str, u64>,
    numbers: &impl ReadableTable<u64, &'static str>,
    stream: &str,
    (from, to): (u64, u64),
    rev: bool,
    limit: usize,
) -> Result<Vec<(u64, String)>> {
    let Some(s) = number(names, stream)? else {
        return Ok(Vec::new());
    };
    let range = items.range((s, from)..=(s, to))?;
    let found: Vec<(u64, u64)> = match rev {
        true => collect(range.rev(), limit)?,
        false => collect(range, limit)?,
    };
    found
        .into_iter()
        .map(|(seq, item)| Ok((seq, name(numbers, item)?)))
        .collect()
}

fn collect<'a>(
    rows: impl Iterator<
        Item = std::result::Result<
            (
                redb::AccessGuard<'a, (u64, u64)>,
                redb::AccessGuard<'a, u64>,
            ),
            redb::StorageError,
        >,
    >,
    limit: usize,
) -> Result<Vec<(u64, u64)>> {
    let mut out = Vec::new();
    for row in rows.take(limit) {
        let (k, v) = row?;
        out.push((k.value().1, v.value()));
    }
    Ok(out)
}

/// `(sequence, item)` pairs with sequence < `below`, newest first.
pub fn desc(
    items: &impl ReadableTable<(u64, u64), u64>,
    names: &impl ReadableTable<&'static str, u64>,
    numbers: &impl ReadableTable<u64, &'static str>,
    stream: &str,
    below: u64,
    limit: usize,
) -> Result<Vec<(u64, String)>> {
    match below {
        0 => Ok(Vec::new()),
        _ => entries(items, names, numbers, stream, (0, below - 1), true, limit),
    }
}

/// `(sequence, item)` pairs with sequence > `above`, oldest first.
pub fn asc(
    items: &impl ReadableTable<(u64, u64), u64>,
    names: &impl ReadableTable<&'static str, u64>,
    numbers: &impl ReadableTable<u64, &'static str>,
    stream: &str,
    above: u64,
    limit: usize,
) -> Result<Vec<(u64, String)>> {
    if above == u64::MAX {
        return Ok(Vec::new());
    }
    entries(
        items,
        names,
        numbers,
        stream,
        (above + 1, u64::MAX),
        false,
        limit,
    )
}
