//! A redb write transaction's changes. Each table is opened on first use and kept open until
//! the batch is done (opening a table costs a look-up and, on close, a root update).
use super::codec::Codec;
use super::ops;
use super::tables::{def, COUNTERS, NAMES, NUMBERS, STREAM_COUNTS, STREAM_INDEX, STREAM_ITEMS};
use crate::error::Result;
use crate::store::engine::{Changes, Rows, Snapshot};
use crate::store::tables::Table;
use redb::{ReadableTable, WriteTransaction};
use std::cell::RefCell;
use std::ops::Bound;

type WTable<'a, K, V> = RefCell<Option<redb::Table<'a, K, V>>>;
type Pairs<'a> = redb::Table<'a, (u64, u64), u64>;

pub struct Txn<'a> {
    tx: &'a WriteTransaction,
    codec: &'a Codec,
    kv: [WTable<'a, &'static str, &'static [u8]>; Table::COUNT],
    items: WTable<'a, (u64, u64), u64>,
    index: WTable<'a, (u64, u64), u64>,
    names: WTable<'a, &'static str, u64>,
    numbers: WTable<'a, u64, &'static str>,
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
    pub fn new(tx: &'a WriteTransaction, codec: &'a Codec) -> Txn<'a> {
        Txn {
            tx,
            codec,
            kv: Default::default(),
            items: RefCell::new(None),
            index: RefCell::new(None),
            names: RefCell::new(None),
            numbers: RefCell::new(None),
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
    fn items<R>(&self, f: impl FnOnce(&mut Pairs<'a>) -> Result<R>) -> Result<R> {
        with(&self.items, || Ok(self.tx.open_table(STREAM_ITEMS)?), f)
    }
    fn index<R>(&self, f: impl FnOnce(&mut Pairs<'a>) -> Result<R>) -> Result<R> {
        with(&self.index, || Ok(self.tx.open_table(STREAM_INDEX)?), f)
    }
    fn names<R>(
        &self,
        f: impl FnOnce(&mut redb::Table<'a, &'static str, u64>) -> Result<R>,
    ) -> Result<R> {
        with(&self.names, || Ok(self.tx.open_table(NAMES)?), f)
    }
    fn numbers<R>(
        &self,
        f: impl FnOnce(&mut redb::Table<'a, u64, &'static str>) -> Result<R>,
    ) -> Result<R> {
        with(&self.numbers, || Ok(self.tx.open_table(NUMBERS)?), f)
    }

    /// The number of `name`, given it now if it has none. Numbers are never taken back: a
    /// name that left every stream keeps its number for when it comes back.
    fn intern(&self, name: &str) -> Result<u64> {
        if let Some(n) = self.names(|t| ops::number(t, name))? {
            return Ok(n);
        }
        let n = self.numbers(|t| {
            let n = t.last()?.map(|(k, _)| k.value()).unwrap_or(0) + 1;
            t.insert(n, name)?;
            Ok(n)
        })?;
        self.names(|t| {
            t.insert(name, n)?;
            Ok(())
        })?;
        Ok(n)
    }

    /// Places `item` at `seq` in `stream`, without counting it (loads and migrations bring
    /// their counts along).
    pub fn place(&self, stream: &str, seq: u64, item: &str) -> Result<()> {
        let (s, i) = (self.intern(stream)?, self.intern(item)?);
        self.items(|tb| {
            tb.insert((s, seq), i)?;
            Ok(())
        })?;
        self.index(|tb| {
            tb.insert((s, i), seq)?;
            Ok(())
        })
    }

    /// The numbers of a stream and an item, when both have one.
    fn numbers_of(&self, stream: &str, item: &str) -> Result<Option<(u64, u64)>> {
        self.names(|t| {
            Ok(match (ops::number(t, stream)?, ops::number(t, item)?) {
                (Some(s), Some(i)) => Some((s, i)),
                _ => None,
            })
        })
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
        self.kv(t, |tb| ops::get(tb, self.codec, key))
    }
    fn range(&self, t: Table, from: Bound<&str>, to: Bound<&str>, limit: usize) -> Result<Rows> {
        self.kv(t, |tb| ops::range(tb, self.codec, from, to, limit))
    }
    fn stream_count(&self, stream: &str) -> Result<u64> {
        self.counts(|tb| ops::count(tb, stream))
    }
    fn stream_seq(&self, stream: &str, item: &str) -> Result<Option<u64>> {
        self.index(|x| self.names(|n| ops::seq(x, n, stream, item)))
    }
    fn stream_desc(&self, stream: &str, below: u64, limit: usize) -> Result<Vec<(u64, String)>> {
        self.items(|i| self.names(|n| self.numbers(|m| ops::desc(i, n, m, stream, below, limit))))
    }
    fn stream_asc(&self, stream: &str, above: u64, limit: usize) -> Result<Vec<(u64, String)>> {
        self.items(|i| self.names(|n| self.numbers(|m| ops::asc(i, n, m, stream, above, limit))))
    }
}

impl Changes for Txn<'_> {
    fn put(&self, t: Table, key: &str, value: &[u8]) -> Result<()> {
        let stored = self.codec.encode(t, value);
        self.kv(t, |tb| {
            tb.insert(key, &*stored)?;
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
        self.place(stream, seq, item)?;
        self.recount(stream, true)
    }

    fn stream_delete(&self, stream: &str, item: &str) -> Result<bool> {
        let Some((s, i)) = self.numbers_of(stream, item)? else {
            return Ok(false);
        };
        let seq = self.index(|tb| Ok(tb.remove((s, i))?.map(|v| v.value())))?;
        let Some(seq) = seq else { return Ok(false) };
        self.items(|tb| {
            tb.remove((s, seq))?;
            Ok(())
        })?;
        self.recount(stream, false)?;
        Ok(true)
    }
}
