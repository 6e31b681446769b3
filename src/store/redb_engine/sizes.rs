//! What each table costs on disk (`pump stats`): redb's own figures per table, read in one
//! snapshot, so that a change to the key or value formats can be measured table by table.
use super::tables::{
    def, CODEC, COUNTERS, NAMES, NUMBERS, STREAM_COUNTS, STREAM_INDEX, STREAM_ITEMS,
};
use crate::error::Result;
use crate::store::engine::SpaceSize;
use crate::store::tables::Table;
use redb::{Database, ReadableDatabase, ReadableTableMetadata, TableStats};

fn row(name: &str, entries: u64, s: TableStats, page: u64) -> SpaceSize {
    SpaceSize {
        name: name.to_string(),
        entries,
        stored: s.stored_bytes(),
        metadata: s.metadata_bytes(),
        fragmented: s.fragmented_bytes(),
        pages_bytes: (s.leaf_pages() + s.branch_pages()) * page,
    }
}

pub fn sizes(db: &Database) -> Result<Vec<SpaceSize>> {
    // redb's page is 4 KiB on every platform we build for.
    const PAGE: u64 = 4096;
    let tx = db.begin_read()?;
    let mut out = Vec::new();
    for t in Table::all() {
        let table = tx.open_table(def(*t))?;
        out.push(row(t.name(), table.len()?, table.stats()?, PAGE));
    }
    let items = tx.open_table(STREAM_ITEMS)?;
    out.push(row("stream_entries", items.len()?, items.stats()?, PAGE));
    let index = tx.open_table(STREAM_INDEX)?;
    out.push(row("stream_places", index.len()?, index.stats()?, PAGE));
    let names = tx.open_table(NAMES)?;
    out.push(row("names", names.len()?, names.stats()?, PAGE));
    let numbers = tx.open_table(NUMBERS)?;
    out.push(row("numbers", numbers.len()?, numbers.stats()?, PAGE));
    let counts = tx.open_table(STREAM_COUNTS)?;
    out.push(row("stream_counts", counts.len()?, counts.stats()?, PAGE));
    let counters = tx.open_table(COUNTERS)?;
    out.push(row("counters", counters.len()?, counters.stats()?, PAGE));
    let codec = tx.open_table(CODEC)?;
    out.push(row("codec", codec.len()?, codec.stats()?, PAGE));
    Ok(out)
}
