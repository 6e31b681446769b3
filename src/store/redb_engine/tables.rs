//! redb's tables: one per key space, and four for streams and counters.
use super::super::tables::Table;
use redb::TableDefinition;

pub fn def(t: Table) -> TableDefinition<'static, &'static str, &'static [u8]> {
    TableDefinition::new(t.name())
}

/// `(stream, sequence)` → item id; newest item = highest sequence.
pub const STREAM_ITEMS: TableDefinition<(&str, u64), &str> = TableDefinition::new("stream_items");
/// `(stream, item id)` → sequence, for removal and for `before`/`since`.
pub const STREAM_INDEX: TableDefinition<(&str, &str), u64> = TableDefinition::new("stream_index");
/// stream → number of items; never computed by iterating.
pub const STREAM_COUNTS: TableDefinition<&str, u64> = TableDefinition::new("stream_counts");
/// named counters (`seq` for stream sequences).
pub const COUNTERS: TableDefinition<&str, u64> = TableDefinition::new("counters");
