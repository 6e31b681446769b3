//! redb's tables: one per key space, and the engine's own for streams, names, counters and the
//! document dictionary.
use super::super::tables::Table;
use redb::TableDefinition;

pub fn def(t: Table) -> TableDefinition<'static, &'static str, &'static [u8]> {
    TableDefinition::new(t.name())
}

/// Stream names and item ids as numbers, so that an id of 60 bytes is stored once rather than
/// in every stream entry (a note reaches six streams or more). Name → number.
pub const NAMES: TableDefinition<&str, u64> = TableDefinition::new("names");
/// Number → name.
pub const NUMBERS: TableDefinition<u64, &str> = TableDefinition::new("numbers");
/// `(stream, sequence)` → item, as numbers; newest item = highest sequence.
pub const STREAM_ITEMS: TableDefinition<(u64, u64), u64> = TableDefinition::new("stream_entries");
/// `(stream, item)` → sequence, for removal and for `before`/`since`.
pub const STREAM_INDEX: TableDefinition<(u64, u64), u64> = TableDefinition::new("stream_places");
/// stream → number of items; never computed by iterating.
pub const STREAM_COUNTS: TableDefinition<&str, u64> = TableDefinition::new("stream_counts");
/// named counters (`seq` for stream sequences).
pub const COUNTERS: TableDefinition<&str, u64> = TableDefinition::new("counters");
/// `dictionary` → the dictionary documents are compressed against (`codec.rs`).
pub const CODEC: TableDefinition<&str, &[u8]> = TableDefinition::new("codec");

/// Schema 2's streams, by strings; read once by the migration to 3, then deleted.
pub const OLD_STREAM_ITEMS: TableDefinition<(&str, u64), &str> =
    TableDefinition::new("stream_items");
pub const OLD_STREAM_INDEX: TableDefinition<(&str, &str), u64> =
    TableDefinition::new("stream_index");
