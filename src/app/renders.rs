//! Activities kept rendered for feed pages (`social/prerender.rs`), by activity id and detail,
//! within `renderCacheSize` bytes. An entry is used while the store's change log knows that
//! nothing it was rendered from changed since: a like changes the liked note's entries, not
//! the rest of the feed, as the response cache would.
use crate::social::prerender::Prerendered;
use crate::store::{Dep, Store};
use std::collections::HashMap;
use std::rc::Rc;

struct Entry {
    generation: u64,
    deps: Box<[Dep]>,
    render: Rc<Prerendered>,
    size: usize,
    used: u64,
}

pub struct RenderCache {
    entries: HashMap<(String, bool), Entry>,
    bytes: usize,
    budget: usize,
    tick: u64,
}

impl RenderCache {
    pub fn new(budget: usize) -> RenderCache {
        RenderCache {
            entries: HashMap::new(),
            bytes: 0,
            budget,
            tick: 0,
        }
    }

    pub fn enabled(&self) -> bool {
        self.budget > 0
    }

    /// The rendering of activity `id` (`full`: with previews) that is current for a reader of
    /// a snapshot at `generation`; a stale one is dropped.
    pub fn get(
        &mut self,
        store: &Store,
        id: &str,
        full: bool,
        generation: u64,
    ) -> Option<Rc<Prerendered>> {
        let key = (id.to_string(), full);
        let e = self.entries.get_mut(&key)?;
        // One rendered from a newer snapshot may show what this reader's does not hold yet.
        if e.generation > generation {
            return None;
        }
        if !store.unchanged_since(e.generation, &e.deps) {
            self.remove(&key);
            return None;
        }
        self.tick += 1;
        e.used = self.tick;
        Some(e.render.clone())
    }

    pub fn put(
        &mut self,
        id: &str,
        full: bool,
        generation: u64,
        deps: Vec<Dep>,
        render: Rc<Prerendered>,
    ) {
        let key = (id.to_string(), full);
        let size = render.size() + deps.len() * 8 + key.0.len() + 64;
        if size > self.budget / 8 {
            return;
        }
        self.remove(&key);
        if self.bytes + size > self.budget {
            self.evict();
        }
        self.tick += 1;
        self.bytes += size;
        let entry = Entry {
            generation,
            deps: deps.into_boxed_slice(),
            render,
            size,
            used: self.tick,
        };
        self.entries.insert(key, entry);
    }

    fn remove(&mut self, key: &(String, bool)) {
        if let Some(e) = self.entries.remove(key) {
            self.bytes -= e.size;
        }
    }

    /// Drops the least recently used quarter of the budget at once, so that a full cache does
    /// not sort its entries on every new one.
    fn evict(&mut self) {
        let mut by_use: Vec<(u64, (String, bool))> = self
            .entries
            .iter()
            .map(|(k, e)| (e.used, k.clone()))
            .collect();
        by_use.sort_unstable();
        let target = self.budget - self.budget / 4;
        for (_, k) in by_use {
            if self.bytes <= target {
                break;
            }
            self.remove(&k);
        }
    }
}
