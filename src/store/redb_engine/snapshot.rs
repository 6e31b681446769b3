//! A redb read snapshot. Tables are opened once per snapshot, on first use.
use super::codec::Codec;
use super::ops;
use super::tables::{def, NAMES, NUMBERS, STREAM_COUNTS, STREAM_INDEX, STREAM_ITEMS};
use crate::error::Result;
use crate::store::engine::{Rows, Snapshot};
use crate::store::tables::Table;
use redb::{ReadOnlyTable, ReadTransaction};
use std::cell::OnceCell;
use std::ops::Bound;
use std::sync::Arc;

type Kv = ReadOnlyTable<&'static str, &'static [u8]>;
type Pairs = ReadOnlyTable<(u64, u64), u64>;

pub struct Snap {
    tx: ReadTransaction,
    codec: Arc<Codec>,
    kv: [OnceCell<Kv>; Table::COUNT],
    items: OnceCell<Pairs>,
    index: OnceCell<Pairs>,
    names: OnceCell<ReadOnlyTable<&'static str, u64>>,
    numbers: OnceCell<ReadOnlyTable<u64, &'static str>>,
    counts: OnceCell<ReadOnlyTable<&'static str, u64>>,
}

/// Opens a table into its cell the first time it is needed.
fn cached<T>(cell: &OnceCell<T>, open: impl FnOnce() -> Result<T>) -> Result<&T> {
    if let Some(t) = cell.get() {
        return Ok(t);
    }
    let t = open()?;
    Ok(cell.get_or_init(|| t))
}

impl Snap {
    pub fn new(tx: ReadTransaction, codec: Arc<Codec>) -> Snap {
        Snap {
            tx,
            codec,
            kv: Default::default(),
            items: OnceCell::new(),
            index: OnceCell::new(),
            names: OnceCell::new(),
            numbers: OnceCell::new(),
            counts: OnceCell::new(),
        }
    }

    fn kv(&self, t: Table) -> Result<&Kv> {
        cached(&self.kv[t as usize], || Ok(self.tx.open_table(def(t))?))
    }

    fn items(&self) -> Result<&Pairs> {
        cached(&self.items, || Ok(self.tx.open_table(STREAM_ITEMS)?))
    }

    fn names(&self) -> Result<&ReadOnlyTable<&'static str, u64>> {
        cached(&self.names, || Ok(self.tx.open_table(NAMES)?))
    }

    fn numbers(&self) -> Result<&ReadOnlyTable<u64, &'static str>> {
        cached(&self.numbers, || Ok(self.tx.open_table(NUMBERS)?))
    }
}

impl Snapshot for Snap {
    fn get(&self, t: Table, key: &str) -> Result<Option<Vec<u8>>> {
        ops::get(self.kv(t)?, &self.codec, key)
    }
    fn range(&self, t: Table, from: Bound<&str>, to: Bound<&str>, limit: usize) -> Result<Rows> {
        ops::range(self.kv(t)?, &self.codec, from, to, limit)
    }
    fn stream_count(&self, stream: &str) -> Result<u64> {
        let t = cached(&self.counts, || Ok(self.tx.open_table(STREAM_COUNTS)?))?;
        ops::count(t, stream)
    }
    fn stream_seq(&self, stream: &str, item: &str) -> Result<Option<u64>> {
        let t = cached(&self.index, || Ok(self.tx.open_table(STREAM_INDEX)?))?;
        ops::seq(t, self.names()?, stream, item)
    }
    fn stream_desc(&self, stream: &str, below: u64, limit: usize) -> Result<Vec<(u64, String)>> {
        let (items, names, numbers) = (self.items()?, self.names()?, self.numbers()?);
        ops::desc(items, names, numbers, stream, below, limit)
    }
    fn stream_asc(&self, stream: &str, above: u64, limit: usize) -> Result<Vec<(u64, String)>> {
        let (items, names, numbers) = (self.items()?, self.names()?, self.numbers()?);
        ops::asc(items, names, numbers, stream, above, limit)
    }
}
