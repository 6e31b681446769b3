//! The nonce cache across a clean restart: written to `nonce-cache.json` in the data dir at a
//! clean stop, read (and removed) at the next start. Without the file, the start time becomes
//! the floor for every client.
use super::NonceCache;
use crate::app::App;
use crate::util::tempfile::TempFile;
use crate::util::time::now_secs;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The keyed hash the entries were made with: a file made with another one is not used.
const HASH: &str = "siphash13";

/// The file of a clean stop.
#[derive(Serialize, Deserialize)]
struct Saved {
    hash: String,
    key: Vec<u8>,
    since: i64,
    /// `(part, floor)`.
    floors: Vec<(u64, i64)>,
    /// `(part, timestamp, entry)`.
    entries: Vec<(u64, i64, u64)>,
}

impl NonceCache {
    /// Writes the entries still inside the window to `path` (a temp file renamed into place).
    fn save(&mut self, path: &Path, now: i64) -> std::io::Result<()> {
        self.expire(now);
        let saved = Saved {
            hash: HASH.into(),
            key: self.key.to_vec(),
            since: self.since,
            floors: self.parts.iter().map(|(p, x)| (*p, x.floor)).collect(),
            entries: self.entries().collect(),
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
        let ignore = |why: &str| {
            log::warn!("ignoring {}: {why}", path.display());
            Ok(None)
        };
        let saved: Saved = match serde_json::from_slice(&bytes) {
            Ok(s) => s,
            Err(e) => return ignore(&e.to_string()),
        };
        let Ok(key) = <[u8; 16]>::try_from(saved.key.as_slice()) else {
            return ignore("the key is not 16 bytes");
        };
        if saved.hash != HASH {
            return ignore("made with another hash");
        }
        let mut c = NonceCache::new(cap);
        (c.key, c.since) = (key, saved.since);
        for (p, ts, e) in saved.entries {
            c.insert(p, ts, e);
        }
        for (p, floor) in saved.floors {
            if let Some(x) = c.parts.get_mut(&p) {
                x.floor = floor;
            }
        }
        c.expire(now);
        if c.seen.len() > c.cap {
            return ignore("more nonces than nonceCacheSize");
        }
        Ok(Some(c))
    }
}

/// Makes a rename or removal in `path`'s directory durable.
fn sync_dir(path: &Path) -> std::io::Result<()> {
    match path.parent() {
        Some(d) => std::fs::File::open(d)?.sync_all(),
        None => Ok(()),
    }
}

/// Where a clean stop leaves the nonces for the next start. (Earlier builds wrote
/// `nonces.json` with another hash, and would misread this file: hence a new name.)
fn file(data_dir: &Path) -> PathBuf {
    data_dir.join("nonce-cache.json")
}

/// The file of earlier builds: its entries cannot be checked here, so it is only removed.
fn legacy_file(data_dir: &Path) -> PathBuf {
    data_dir.join("nonces.json")
}

/// At start: the nonces of the last clean stop (the file is removed), or an empty cache without
/// floor on a new data dir (`fresh`: no server ran on it); None after a crash.
pub fn restore(data_dir: &Path, cap: usize, fresh: bool) -> Result<Option<NonceCache>, String> {
    let path = file(data_dir);
    let legacy = legacy_file(data_dir);
    if legacy.exists() {
        std::fs::remove_file(&legacy)
            .map_err(|e| format!("cannot remove {}: {e}", legacy.display()))?;
        log::info!("oauth: removed {} of an earlier build", legacy.display());
    }
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
    use super::super::tests::cache;
    use super::super::Refused;
    use super::*;

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

    #[test]
    fn a_file_of_another_hash_is_not_used() {
        let dir = std::env::temp_dir().join(format!("pump-nonce-old-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = file(&dir);
        // The format of an earlier build, entries made with HMAC-SHA1, and one of another hash.
        let key = "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]";
        let old = format!(r#"{{"key":{key},"since":5,"floors":[],"entries":[[1,1000,2]]}}"#);
        let other = format!(
            r#"{{"hash":"other","key":{key},"since":5,"floors":[],"entries":[[1,1000,2]]}}"#
        );
        for text in [old, other] {
            std::fs::write(&path, text).unwrap();
            assert!(NonceCache::load(&path, 3, 1000).unwrap().is_none());
            assert!(!path.exists(), "removed all the same");
        }
        // At start, the earlier builds' file goes, and the start counts as after a crash.
        std::fs::write(legacy_file(&dir), "{}").unwrap();
        assert!(restore(&dir, 3, false).unwrap().is_none());
        assert!(!legacy_file(&dir).exists());
        let _ = std::fs::remove_dir_all(dir);
    }
}
