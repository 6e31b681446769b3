//! Which generation last changed each key, key space and stream, for the recent past: what was
//! computed from a snapshot at generation `g` from reads of deps `d` is still current while no
//! dep in `d` changed after `g`. Deps are hashes, so two deps may share one: that only makes
//! something look changed that was not. The log keeps two windows of at most half its size
//! each; when the newer one fills, the older is dropped and everything computed before the
//! window that remains counts as changed.
use super::tables::Table;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;

/// A read or written thing: one key of a key space, a whole key space (range reads), a stream.
pub type Dep = u64;

fn hash(kind: u8, t: Option<Table>, name: &str) -> Dep {
    // SipHash with fixed keys: the same dep hashes the same on the reader's and the writer's thread.
    let mut h = std::hash::DefaultHasher::new();
    (kind, t.map(|t| t as u8), name).hash(&mut h);
    h.finish()
}

pub fn key(t: Table, key: &str) -> Dep {
    hash(0, Some(t), key)
}

pub fn space(t: Table) -> Dep {
    hash(1, Some(t), "")
}

pub fn stream(name: &str) -> Dep {
    hash(2, None, name)
}

#[derive(Default)]
struct Windows {
    older: HashMap<Dep, u64>,
    newer: HashMap<Dep, u64>,
    /// The first generation noted in `newer`; `older` began at `floor`.
    newer_from: u64,
    floor: u64,
}

pub struct ChangeLog {
    windows: Mutex<Windows>,
    /// Entries per window; 0 keeps nothing (everything counts as changed).
    half: usize,
}

impl ChangeLog {
    pub fn new(size: usize) -> ChangeLog {
        ChangeLog {
            windows: Mutex::new(Windows::default()),
            half: size / 2,
        }
    }

    /// Whether anything noted is kept (a log of size 0 or 1 keeps nothing).
    pub fn keeps(&self) -> bool {
        self.half > 0
    }

    /// Notes that a commit at `generation` changed `deps` (before readers can see it).
    pub fn note(&self, generation: u64, deps: &[Dep]) {
        if !self.keeps() || deps.is_empty() {
            return;
        }
        let Ok(mut w) = self.windows.lock() else {
            return;
        };
        if deps.len() > self.half {
            // More than a window holds: everything before this commit counts as changed.
            w.older.clear();
            w.newer.clear();
            w.floor = generation;
            w.newer_from = generation;
            return;
        }
        if w.newer.len() + deps.len() > self.half {
            w.older = std::mem::take(&mut w.newer);
            w.floor = w.newer_from;
            w.newer_from = generation;
        }
        for d in deps {
            w.newer.insert(*d, generation);
        }
    }

    /// True unless it is known that none of `deps` changed after `generation`.
    pub fn changed_since(&self, generation: u64, deps: &[Dep]) -> bool {
        if !self.keeps() {
            return true;
        }
        let Ok(w) = self.windows.lock() else {
            return true;
        };
        if generation < w.floor {
            return true;
        }
        let later = |m: &HashMap<Dep, u64>, d: &Dep| m.get(d).is_some_and(|g| *g > generation);
        deps.iter()
            .any(|d| later(&w.newer, d) || later(&w.older, d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dep_changed_after_the_generation_counts() {
        let log = ChangeLog::new(100);
        let (a, b) = (key(Table::Meta, "a"), stream("s"));
        log.note(5, &[a]);
        assert!(log.changed_since(4, &[a, b]));
        assert!(!log.changed_since(5, &[a, b]));
        assert!(!log.changed_since(4, &[b]));
    }

    #[test]
    fn what_the_log_forgot_counts_as_changed() {
        let log = ChangeLog::new(4);
        let deps: Vec<Dep> = (0..6).map(|i| stream(&i.to_string())).collect();
        log.note(1, &deps[0..2]);
        log.note(2, &deps[2..4]);
        // The third commit starts a new window: generation 1's changes are forgotten.
        log.note(3, &deps[4..6]);
        assert!(log.changed_since(1, &deps[2..3]));
        assert!(!log.changed_since(2, &deps[0..4]));
        log.note(4, &deps[0..2]);
        // Generation 1 and 2 are gone: anything computed before 3 counts as changed.
        assert!(log.changed_since(2, &deps[5..6]));
        assert!(!log.changed_since(4, &deps));
        assert!(ChangeLog::new(0).changed_since(9, &[]));
    }
}
