//! The whole store as one stream of records, read from a single read transaction (so a backup
//! taken while the server writes is consistent), and loaded back into a new, empty store.
//! Format: a magic line, then records of length-prefixed fields; a record of no fields ends it.
use super::changes::Txn;
use super::codec::Codec;
use super::ops;
use super::tables::{self, def};
use crate::error::{Error, Result};
use crate::store::tables::Table;
use redb::{Database, ReadableDatabase, ReadableTable};
use std::io::{Read, Write};

const MAGIC: &[u8] = b"pump store dump 1\n";
/// Records per write transaction when loading.
const BATCH: u64 = 20_000;

fn field(out: &mut dyn Write, b: &[u8]) -> Result<()> {
    let n = u32::try_from(b.len()).map_err(|_| Error::internal("field too large"))?;
    out.write_all(&n.to_le_bytes())?;
    out.write_all(b)?;
    Ok(())
}

fn record(out: &mut dyn Write, fields: &[&[u8]]) -> Result<()> {
    out.write_all(&[fields.len() as u8])?;
    for f in fields {
        field(out, f)?;
    }
    Ok(())
}

/// Writes every table; `progress` gets the number of records written so far, now and then.
pub fn dump(
    db: &Database,
    codec: &Codec,
    out: &mut dyn Write,
    progress: &mut dyn FnMut(u64),
) -> Result<u64> {
    let tx = db.begin_read()?;
    out.write_all(MAGIC)?;
    let mut n = 0u64;
    let mut tick = |n: u64| {
        if n.is_multiple_of(5_000) {
            progress(n);
        }
    };
    for t in Table::all() {
        let table = tx.open_table(def(*t))?;
        let name = t.name();
        for row in table.iter()? {
            let (k, v) = row?;
            let v = codec.decode(v.value())?;
            record(out, &[b"kv", name.as_bytes(), k.value().as_bytes(), &v])?;
            n += 1;
            tick(n);
        }
    }
    // Streams by name, as schema 2 kept them: dumps stay readable by every version.
    let numbers = tx.open_table(tables::NUMBERS)?;
    for row in tx.open_table(tables::STREAM_ITEMS)?.iter()? {
        let (k, v) = row?;
        let (stream, seq) = k.value();
        let (stream, item) = (
            ops::name(&numbers, stream)?,
            ops::name(&numbers, v.value())?,
        );
        let seq = seq.to_le_bytes();
        record(out, &[b"si", stream.as_bytes(), &seq, item.as_bytes()])?;
        record(out, &[b"sx", stream.as_bytes(), item.as_bytes(), &seq])?;
        n += 2;
        tick(n);
    }
    for (tag, def) in [(b"sc", tables::STREAM_COUNTS), (b"ct", tables::COUNTERS)] {
        for row in tx.open_table(def)?.iter()? {
            let (k, v) = row?;
            record(out, &[tag, k.value().as_bytes(), &v.value().to_le_bytes()])?;
            n += 1;
            tick(n);
        }
    }
    record(out, &[])?;
    progress(n);
    Ok(n)
}

fn read_record(input: &mut dyn Read) -> Result<Vec<Vec<u8>>> {
    let mut count = [0u8];
    input.read_exact(&mut count)?;
    let mut fields = Vec::with_capacity(count[0] as usize);
    for _ in 0..count[0] {
        let mut len = [0u8; 4];
        input.read_exact(&mut len)?;
        let len = u32::from_le_bytes(len) as usize;
        if len > 256 << 20 {
            return Err(Error::bad("backup: a record is too large"));
        }
        let mut f = vec![0u8; len];
        input.read_exact(&mut f)?;
        fields.push(f);
    }
    Ok(fields)
}

fn u64_of(b: &[u8]) -> Result<u64> {
    let a: [u8; 8] = b
        .try_into()
        .map_err(|_| Error::bad("backup: a number is damaged"))?;
    Ok(u64::from_le_bytes(a))
}

fn text(b: &[u8]) -> Result<&str> {
    std::str::from_utf8(b).map_err(|_| Error::bad("backup: a key is not text"))
}

/// Copies a dump from `input` to `out` with every field after a record's tag passed through
/// `f` (`pump rehost` rewrites ids this way); returns the number of records.
pub fn rewrite(
    input: &mut dyn Read,
    out: &mut dyn Write,
    f: &mut dyn FnMut(&[u8]) -> Vec<u8>,
) -> Result<u64> {
    let mut magic = vec![0u8; MAGIC.len()];
    input.read_exact(&mut magic)?;
    if magic != MAGIC {
        return Err(Error::bad("not a pump store dump"));
    }
    out.write_all(MAGIC)?;
    let mut n = 0u64;
    loop {
        let r = read_record(input)?;
        let Some((tag, rest)) = r.split_first() else {
            record(out, &[])?;
            return Ok(n);
        };
        let mapped: Vec<Vec<u8>> = rest.iter().map(|b| f(b)).collect();
        let mut fields: Vec<&[u8]> = vec![tag.as_slice()];
        fields.extend(mapped.iter().map(Vec::as_slice));
        record(out, &fields)?;
        n += 1;
    }
}

/// Loads a dump into `db`, which must be empty; returns the number of records.
pub fn load(
    db: &Database,
    codec: &Codec,
    input: &mut dyn Read,
    progress: &mut dyn FnMut(u64),
) -> Result<u64> {
    let mut magic = vec![0u8; MAGIC.len()];
    input.read_exact(&mut magic)?;
    if magic != MAGIC {
        return Err(Error::bad("not a pump store dump"));
    }
    let mut n = 0u64;
    loop {
        let tx = db.begin_write()?;
        let (mut done, mut in_batch) = (false, 0);
        // Documents and stream entries through the transaction's own writes (compressed,
        // by number); counts as they were.
        let txn = Txn::new(&tx, codec);
        while in_batch < BATCH {
            let r = read_record(input)?;
            let f: Vec<&[u8]> = r.iter().map(Vec::as_slice).collect();
            match f.as_slice() {
                [] => {
                    done = true;
                    break;
                }
                [b"kv", table, k, v] => {
                    let t = Table::all()
                        .iter()
                        .find(|t| t.name().as_bytes() == *table)
                        .ok_or_else(|| Error::bad("backup: unknown table"))?;
                    crate::store::engine::Changes::put(&txn, *t, text(k)?, v)?;
                }
                [b"si", s, seq, item] => txn.place(text(s)?, u64_of(seq)?, text(item)?)?,
                // The other half of an `si`, which placed it already.
                [b"sx", s, item, seq] => {
                    text(s)?;
                    text(item)?;
                    u64_of(seq)?;
                }
                [b"sc", k, v] => {
                    tx.open_table(tables::STREAM_COUNTS)?
                        .insert(text(k)?, u64_of(v)?)?;
                }
                [b"ct", k, v] => {
                    tx.open_table(tables::COUNTERS)?
                        .insert(text(k)?, u64_of(v)?)?;
                }
                _ => return Err(Error::bad("backup: unknown record")),
            }
            n += 1;
            in_batch += 1;
        }
        drop(txn);
        tx.commit()?;
        progress(n);
        if done {
            return Ok(n);
        }
    }
}
