//! A redb write transaction's changes. Each table is opened on first use and kept open until
//! the batch is done (opening a table costs a look-up and, on close, a root update).
use super::ops;
use super::tables::{def, COUNTERS, STREAM_COUNTS, STREAM_INDEX, STREAM_ITEMS};
use crate::error::Result;
use crate::store::engine::{Changes, Rows, Snapshot};
use crate::store::tables::Table;
use redb::{ReadableTable, WriteTransaction};
use std::cell::RefCell;
use std::ops::Bound;

type WTable<'a, K, V> = RefCell<Option<redb::Table<'a, K, V>>>;

pub struct Txn<'a> {
    tx: &'a WriteTransaction,
    kv: [WTable<'a, &'static str, &'static [u8]>; Table::COUNT],
    items: WTable<'a, (&'static str, u64), &'static str>,
    index: WTable<'a, (&'static str, &'static str), u64>,
    counts: WTable<'a, &'static str, u64>,
    counters: WTable<'a, &'static str, u64>,
}

/// Runs `f` on the table in `cell`, opening it the first time.
fn with<T, R>(
    cell: &RefCell<Option<T>>,
    open: impl FnOnce() -> Result<T>,
    f: impl FnOnce(&mut T) -> Result<R>,
) -> Result<R> {
    let mut slot = cell.borrow_mut();
    if slot.is_none() {
        *slot = Some(open()?);
    }
    match slot.as_mut() {
        Some(t) => f(t),
        None => Err(crate::error::Error::internal("table not open")),
    }
}

impl<'a> Txn<'a> {
    pub fn new(tx: &'a WriteTransaction) -> Txn<'a> {
        Txn {
            tx,
            kv: Default::default(),
            items: RefCell::new(None),
            index: RefCell::new(None),
            counts: RefCell::new(None),
            counters: RefCell::new(None),
        }
    }

    fn kv<R>(
        &self,
        t: Table,
        f: impl FnOnce(&mut redb::Table<'a, &'static str, &'static [u8]>) -> Result<R>,
    ) -> Result<R> {
        with(&self.kv[t as usize], || Ok(self.tx.open_table(def(t))?), f)
    }
    fn items<R>(
        &self,
        f: impl FnOnce(&mut redb::Table<'a, (&'static str, u64), &'static str>) -> Result<R>,
    ) -> Result<R> {
        with(&self.items, || Ok(self.tx.open_table(STREAM_ITEMS)?), f)
    }
    fn index<R>(
        &self,
        f: impl FnOnce(&mut redb::Table<'a, (&'static str, &'static str), u64>) -> Result<R>,
    ) -> Result<R> {
        with(&self.index, || Ok(self.tx.open_table(STREAM_INDEX)?), f)
    }
    fn counts<R>(
        &self,
        f: impl FnOnce(&mut redb::Table<'a, &'static str, u64>) -> Result<R>,
    ) -> Result<R> {
        with(&self.counts, || Ok(self.tx.open_table(STREAM_COUNTS)?), f)
    }

    /// Counts one item more (`up`) or one fewer in `stream`; a count of zero is not kept.
    fn recount(&self, stream: &str, up: bool) -> Result<()> {
        self.counts(|tb| {
            let n = tb.get(stream)?.map(|v| v.value()).unwrap_or(0);
            match (up, n) {
                (true, _) => tb.insert(stream, n + 1).map(|_| ()),
                (false, 0 | 1) => tb.remove(stream).map(|_| ()),
                (false, _) => tb.insert(stream, n - 1).map(|_| ()),
            }?;
            Ok(())
        })
    }
}

impl Snapshot for Txn<'_> {
    fn get(&self, t: Table, key: &str) -> Result<Option<Vec<u8>>> {
        self.kv(t, |tb| ops::get(tb, key))
    }
    fn range(&self, t: Table, from: Bound<&str>, to: Bound<&str>, limit: usize) -> Result<Rows> {
        self.kv(t, |tb| ops::range(tb, from, to, limit))
    }
    fn stream_count(&self, stream: &str) -> Result<u64> {
        self.counts(|tb| ops::count(tb, stream))
    }
    fn stream_seq(&self, stream: &str, item: &str) -> Result<Option<u64>> {
        self.index(|tb| ops::seq(tb, stream, item))
    }
    fn stream_desc(&self, stream: &str, below: u64, limit: usize) -> Result<Vec<(u64, String)>> {
        self.items(|tb| ops::desc(tb, stream, below, limit))
    }
    fn stream_asc(&self, stream: &str, above: u64, limit: usize) -> Result<Vec<(u64, String)>> {
        self.items(|tb| ops::asc(tb, stream, above, limit))
    }
}

impl Changes for Txn<'_> {
    fn put(&self, t: Table, key: &str, value: &[u8]) -> Result<()> {
        self.kv(t, |tb| {
            tb.insert(key, value)?;
            Ok(())
        })
    }

    fn delete(&self, t: Table, key: &str) -> Result<bool> {
        self.kv(t, |tb| Ok(tb.remove(key)?.is_some()))
    }

    fn next(&self, counter: &str) -> Result<u64> {
        with(
            &self.counters,
            || Ok(self.tx.open_table(COUNTERS)?),
            |tb| {
                let n = tb.get(counter)?.map(|v| v.value()).unwrap_or(0) + 1;
                tb.insert(counter, n)?;
                Ok(n)
            },
        )
    }

    fn stream_insert(&self, stream: &str, seq: u64, item: &str) -> Result<()> {
        self.items(|tb| {
            tb.insert((stream, seq), item)?;
            Ok(())
        })?;
        self.index(|tb| {
            tb.insert((stream, item), seq)?;
            Ok(())
        })?;
        self.recount(stream, true)
    }

    fn stream_delete(&self, stream: &str, item: &str) -> Result<bool> {
        let seq = self.index(|tb| Ok(tb.remove((stream, item))?.map(|v| v.value())))?;
        let Some(seq) = seq else { return Ok(false) };
        self.items(|tb| {
            tb.remove((stream, seq))?;
            Ok(())
        })?;
        self.recount(stream, false)?;
        Ok(true)
    }
}
