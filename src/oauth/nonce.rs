//! Seen nonces, in memory and bounded, kept apart per client key and token. A nonce must be
//! remembered while its timestamp is still accepted. When the cache is full, the client with the
//! most nonces forgets its oldest one and from then on refuses its own requests signed at or
//! before it (its floor): a forgotten nonce can never be replayed, and one client's requests
//! never get another's refused. A clean stop writes the cache to the data dir for the next
//! start; after a crash (no file) requests signed before the start are refused instead.
use crate::app::App;
use crate::util::tempfile::TempFile;
use crate::util::time::now_secs;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha1::Sha1;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// Timestamps further than this from now are refused (seconds).
pub const WINDOW: i64 = 300;

/// One client key and token ("part") with nonces in the cache.
struct Part {
    len: usize,
    /// Requests signed at or before this are refused: their nonces were forgotten.
    floor: i64,
}

/// Client keys and nonces are kept as 64-bit keyed hashes (the key survives a clean restart
/// with the file). Two nonces colliding would only refuse the second request. The entries sit
/// in shared ordered sets rather than one set per part, which would cost a node per client.
pub struct NonceCache {
    parts: HashMap<u64, Part>,
    /// `(part, timestamp, nonce)` of every entry: each part's entries, oldest first.
    by_part: BTreeSet<(u64, i64, u64)>,
    /// `(timestamp, part, nonce)` of every entry, for expiry.
    by_time: BTreeSet<(i64, u64, u64)>,
    /// `(entries, part)`: the largest part gives up entries first.
    by_size: BTreeSet<(usize, u64)>,
    key: Vec<u8>,
    cap: usize,
    /// Requests signed before this are refused (the start time, after a crash).
    since: i64,
}

#[derive(Debug, PartialEq)]
pub enum Refused {
    Used,
    Stale,
    /// Every client holds a single nonce: there is no room for one more client.
    Full,
}

impl NonceCache {
    pub fn new(cap: usize) -> Self {
        NonceCache {
            parts: HashMap::new(),
            by_part: BTreeSet::new(),
            by_time: BTreeSet::new(),
            by_size: BTreeSet::new(),
            key: crate::util::rand::bytes(16),
            cap: cap.max(1),
            since: now_secs() - 1,
        }
    }

    /// Requests signed before this are refused.
    pub fn since(&self) -> i64 {
        self.since
    }

    /// Records `nonce` of client `who` (consumer key and token) signed at `ts`, unless seen.
    pub fn record(&mut self, who: &str, nonce: &str, ts: i64, now: i64) -> Result<(), Refused> {
        self.expire(now);
        if ts < now - WINDOW || ts < self.since {
            return Err(Refused::Stale);
        }
        let (p, n) = (self.hash(who), self.hash(nonce));
        if self.parts.get(&p).is_some_and(|x| ts <= x.floor) {
            return Err(Refused::Stale);
        }
        if self.by_part.contains(&(p, ts, n)) {
            return Err(Refused::Used);
        }
        self.insert(p, ts, n);
        self.make_room(p, ts, n)
    }

    fn hash(&self, s: &str) -> u64 {
        let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(&self.key) else {
            return 0;
        };
        mac.update(s.as_bytes());
        let mut b = [0u8; 8];
        b.copy_from_slice(&mac.finalize().into_bytes()[..8]);
        u64::from_le_bytes(b)
    }

    fn insert(&mut self, p: u64, ts: i64, n: u64) {
        if !self.by_part.insert((p, ts, n)) {
            return;
        }
        self.by_time.insert((ts, p, n));
        let part = self.parts.entry(p).or_insert(Part {
            len: 0,
            floor: i64::MIN,
        });
        self.by_size.remove(&(part.len, p));
        part.len += 1;
        self.by_size.insert((part.len, p));
    }

    /// Drops an entry, and its part with the last one.
    fn remove(&mut self, p: u64, ts: i64, n: u64) {
        if !self.by_part.remove(&(p, ts, n)) {
            return;
        }
        self.by_time.remove(&(ts, p, n));
        let Some(part) = self.parts.get_mut(&p) else {
            return;
        };
        self.by_size.remove(&(part.len, p));
        part.len -= 1;
        if part.len > 0 {
            self.by_size.insert((part.len, p));
        } else {
            self.parts.remove(&p);
        }
    }

    /// The oldest entry of part `p`.
    fn oldest(&self, p: u64) -> Option<(i64, u64)> {
        let (q, t, n) = *self.by_part.range((p, i64::MIN, 0)..).next()?;
        (q == p).then_some((t, n))
    }

    /// Over the bound, the largest part forgets its oldest entry, which becomes its floor. A
    /// part keeps at least one entry (dropping it would lose the floor), so when every part is
    /// down to one, the new entry `(p, ts, n)` is refused instead.
    fn make_room(&mut self, p: u64, ts: i64, n: u64) -> Result<(), Refused> {
        while self.by_time.len() > self.cap {
            let Some(&(len, big)) = self.by_size.last() else {
                break;
            };
            if len < 2 {
                self.remove(p, ts, n);
                return Err(Refused::Full);
            }
            let Some((t, k)) = self.oldest(big) else {
                break;
            };
            self.remove(big, t, k);
            if let Some(x) = self.parts.get_mut(&big) {
                x.floor = x.floor.max(t);
            }
        }
        Ok(())
    }

    /// Entries whose timestamp is no longer accepted cannot be replayed: forget them. A part's
    /// floor is below its entries, so it goes with the last of them.
    fn expire(&mut self, now: i64) {
        while let Some(&(t, p, n)) = self.by_time.first() {
            if t >= now - WINDOW {
                break;
            }
            self.remove(p, t, n);
        }
    }

    /// Writes the entries still inside the window to `path` (a temp file renamed into place).
    fn save(&mut self, path: &Path, now: i64) -> std::io::Result<()> {
        self.expire(now);
        let saved = Saved {
            key: self.key.clone(),
            since: self.since,
            floors: self.parts.iter().map(|(p, x)| (*p, x.floor)).collect(),
            entries: self.by_part.iter().copied().collect(),
        };
        let json = serde_json::to_vec(&saved)?;
        let tmp = path.with_extension("json.tmp");
        let guard = TempFile::new(tmp.clone(), json.len() as u64);
        crate::config::write_private(&tmp, &json)?;
        guard.keep(path)?;
        sync_dir(path)
    }

    /// The cache a clean stop left in `path`, which is removed so that a crash later cannot
    /// bring back a stale one. None without a file, or one that does not fit `cap`.
    fn load(path: &Path, cap: usize, now: i64) -> Result<Option<NonceCache>, String> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        std::fs::remove_file(path)
            .and_then(|()| sync_dir(path))
            .map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
        let saved: Saved = match serde_json::from_slice(&bytes) {
            Ok(s) => s,
            Err(e) => {
                log::warn!("ignoring {}: {e}", path.display());
                return Ok(None);
            }
        };
        let mut c = NonceCache::new(cap);
        (c.key, c.since) = (saved.key, saved.since);
        for (p, ts, n) in saved.entries {
            c.insert(p, ts, n);
        }
        for (p, floor) in saved.floors {
            if let Some(x) = c.parts.get_mut(&p) {
                x.floor = floor;
            }
        }
        c.expire(now);
        if c.by_time.len() > c.cap {
            log::warn!(
                "ignoring {}: more nonces than nonceCacheSize",
                path.display()
            );
            return Ok(None);
        }
        Ok(Some(c))
    }
}

/// The file of a clean stop.
#[derive(Serialize, Deserialize)]
struct Saved {
    key: Vec<u8>,
    since: i64,
    /// `(part, floor)`.
    floors: Vec<(u64, i64)>,
    /// `(part, timestamp, nonce)`.
    entries: Vec<(u64, i64, u64)>,
}

/// Makes a rename or removal in `path`'s directory durable.
fn sync_dir(path: &Path) -> std::io::Result<()> {
    match path.parent() {
        Some(d) => std::fs::File::open(d)?.sync_all(),
        None => Ok(()),
    }
}

/// Where a clean stop leaves the nonces for the next start.
pub fn file(data_dir: &Path) -> PathBuf {
    data_dir.join("nonces.json")
}

/// At start: the nonces of the last clean stop (the file is removed), or an empty cache without
/// floor on a new data dir (`fresh`: no server ran on it); None after a crash.
pub fn restore(data_dir: &Path, cap: usize, fresh: bool) -> Result<Option<NonceCache>, String> {
    let path = file(data_dir);
    let c = NonceCache::load(&path, cap, now_secs())?;
    if c.is_some() {
        log::info!(
            "oauth: nonces of the last clean stop read from {}",
            path.display()
        );
        return Ok(c);
    }
    Ok(fresh.then(|| NonceCache {
        since: i64::MIN,
        ..NonceCache::new(cap)
    }))
}

/// At a clean stop: keeps the nonces for the next start (a failure only costs that start's
/// floor).
pub fn keep(app: &App) {
    let path = file(&app.cfg.data_dir);
    if let Err(e) = app.nonces.borrow_mut().save(&path, now_secs()) {
        log::error!("cannot write {}: {e}", path.display());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache(cap: usize) -> NonceCache {
        let mut c = NonceCache::new(cap);
        c.since = i64::MIN;
        c
    }

    #[test]
    fn refuses_reuse_and_forgets_expired_entries() {
        let mut c = cache(10);
        assert_eq!(c.record("a", "1", 1000, 1000), Ok(()));
        assert_eq!(c.record("a", "1", 1000, 1001), Err(Refused::Used));
        // Another client may use the same nonce.
        assert_eq!(c.record("b", "1", 1000, 1001), Ok(()));
        // Outside the window: refused, and the old entries go.
        assert_eq!(
            c.record("a", "1", 1000, 1000 + WINDOW + 1),
            Err(Refused::Stale)
        );
        assert!(c.parts.is_empty() && c.by_size.is_empty() && c.by_part.is_empty());
    }

    #[test]
    fn when_full_the_largest_client_forgets_its_oldest() {
        let mut c = cache(3);
        // "a" signs far ahead, then fills the cache.
        assert_eq!(c.record("a", "1", 1290, 1000), Ok(()));
        assert_eq!(c.record("a", "2", 1000, 1000), Ok(()));
        assert_eq!(c.record("a", "3", 1001, 1000), Ok(()));
        // "b" still gets in; "a" forgot its oldest (1000) and refuses from there.
        assert_eq!(c.record("b", "1", 1000, 1000), Ok(()));
        assert_eq!(c.record("a", "2", 1000, 1000), Err(Refused::Stale));
        assert_eq!(c.record("a", "1", 1290, 1000), Err(Refused::Used));
        assert_eq!(c.record("b", "2", 1000, 1000), Ok(()));
        // A tie between "a" and "b": either one's oldest went, a replay is refused either way.
        assert!(c.record("b", "2", 1000, 1000).is_err());
        assert_eq!(c.by_time.len(), 3);
    }

    #[test]
    fn a_cache_of_single_nonces_refuses_new_clients() {
        let mut c = cache(2);
        assert_eq!(c.record("a", "1", 1000, 1000), Ok(()));
        assert_eq!(c.record("b", "1", 1000, 1000), Ok(()));
        assert_eq!(c.record("c", "1", 1000, 1000), Err(Refused::Full));
        assert_eq!(c.record("a", "2", 1001, 1001), Ok(()));
        assert_eq!(c.record("a", "1", 1000, 1001), Err(Refused::Stale));
        assert_eq!(c.record("b", "1", 1000, 1001), Err(Refused::Used));
    }

    #[test]
    fn survives_a_save_and_load_once() {
        let dir = std::env::temp_dir().join(format!("pump-nonce-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = file(&dir);
        let mut c = cache(3);
        assert_eq!(c.record("a", "1", 1000, 1000), Ok(()));
        assert_eq!(c.record("a", "2", 1001, 1000), Ok(()));
        assert_eq!(c.record("a", "3", 1002, 1000), Ok(()));
        // Full: "a" forgets 1000, which becomes its floor.
        assert_eq!(c.record("b", "1", 1000, 1000), Ok(()));
        c.save(&path, 1000).unwrap();
        let mut d = NonceCache::load(&path, 3, 1001).unwrap().unwrap();
        assert!(!path.exists());
        assert_eq!(d.since, i64::MIN);
        assert_eq!(d.record("a", "2", 1001, 1001), Err(Refused::Used));
        assert_eq!(d.record("b", "1", 1000, 1001), Err(Refused::Used));
        assert_eq!(d.record("a", "1", 1000, 1001), Err(Refused::Stale));
        // A cache that no longer fits a smaller bound is not used.
        d.save(&path, 1001).unwrap();
        assert!(NonceCache::load(&path, 2, 1001).unwrap().is_none());
        assert!(NonceCache::load(&path, 3, 1001).unwrap().is_none());
        let _ = std::fs::remove_dir_all(dir);
    }
}
