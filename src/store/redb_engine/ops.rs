//! The reads, written once over any readable redb table (of a snapshot or a transaction).
use crate::error::Result;
use crate::store::engine::Rows;
use redb::ReadableTable;
use std::ops::Bound;

pub fn get(
    t: &impl ReadableTable<&'static str, &'static [u8]>,
    key: &str,
) -> Result<Option<Vec<u8>>> {
    Ok(t.get(key)?.map(|v| v.value().to_vec()))
}

pub fn range(
    t: &impl ReadableTable<&'static str, &'static [u8]>,
    from: Bound<&str>,
    to: Bound<&str>,
    limit: usize,
) -> Result<Rows> {
    let mut out = Vec::new();
    for entry in t.range::<&str>((from, to))?.take(limit) {
        let (k, v) = entry?;
        out.push((k.value().to_string(), v.value().to_vec()));
    }
    Ok(out)
}

pub fn count(t: &impl ReadableTable<&'static str, u64>, stream: &str) -> Result<u64> {
    Ok(t.get(stream)?.map(|v| v.value()).unwrap_or(0))
}

pub fn seq(
    t: &impl ReadableTable<(&'static str, &'static str), u64>,
    stream: &str,
    item: &str,
) -> Result<Option<u64>> {
    Ok(t.get((stream, item))?.map(|v| v.value()))
}

pub fn desc(
    t: &impl ReadableTable<(&'static str, u64), &'static str>,
    stream: &str,
    below: u64,
    limit: usize,
) -> Result<Vec<(u64, String)>> {
    let mut out = Vec::new();
    for entry in t.range((stream, 0)..(stream, below))?.rev().take(limit) {
        let (k, v) = entry?;
        out.push((k.value().1, v.value().to_string()));
    }
    Ok(out)
}

pub fn asc(
    t: &impl ReadableTable<(&'static str, u64), &'static str>,
    stream: &str,
    above: u64,
    limit: usize,
) -> Result<Vec<(u64, String)>> {
    let mut out = Vec::new();
    if above == u64::MAX {
        return Ok(out);
    }
    for entry in t
        .range((stream, above + 1)..=(stream, u64::MAX))?
        .take(limit)
    {
        let (k, v) = entry?;
        out.push((k.value().1, v.value().to_string()));
    }
    Ok(out)
}
