//! Seen nonces, in memory and bounded. A nonce must be remembered while its timestamp is still
//! accepted. When the cache is full the oldest entry is dropped and its timestamp becomes a
//! floor: requests signed at or before the floor are refused as stale, so a forgotten nonce can
//! never be replayed. Timestamps from before the process started are refused elsewhere, so
//! starting empty after a restart opens no replay window either.
use std::collections::hash_map::RandomState;
use std::collections::{HashSet, VecDeque};
use std::hash::BuildHasher;

/// Timestamps further than this from now are refused (seconds).
pub const WINDOW: i64 = 300;

/// Keys are kept as 64-bit hashes with a per-process random key: 16 bytes an entry instead of
/// a string. Two different nonces colliding would only refuse the second request.
pub struct NonceCache {
    seen: HashSet<u64>,
    /// `(timestamp, key hash)` in the order recorded.
    order: VecDeque<(i64, u64)>,
    hasher: RandomState,
    cap: usize,
    /// Requests with a timestamp at or below this are refused.
    floor: i64,
}

#[derive(Debug, PartialEq)]
pub enum Refused {
    Used,
    Stale,
}

impl NonceCache {
    pub fn new(cap: usize) -> Self {
        NonceCache {
            seen: HashSet::new(),
            order: VecDeque::new(),
            hasher: RandomState::new(),
            cap: cap.max(1),
            floor: i64::MIN,
        }
    }

    /// Records `key` (consumer, token, timestamp, nonce) signed at `ts`, unless seen already.
    pub fn record(&mut self, key: String, ts: i64, now: i64) -> Result<(), Refused> {
        let key = self.hasher.hash_one(&key);
        // Entries whose timestamp is no longer accepted cannot be replayed: forget them.
        while self.order.front().is_some_and(|(t, _)| *t < now - WINDOW) {
            if let Some((_, k)) = self.order.pop_front() {
                self.seen.remove(&k);
            }
        }
        if ts <= self.floor {
            return Err(Refused::Stale);
        }
        if self.seen.contains(&key) {
            return Err(Refused::Used);
        }
        while self.seen.len() >= self.cap {
            let Some((t, k)) = self.order.pop_front() else {
                break;
            };
            self.seen.remove(&k);
            self.floor = self.floor.max(t);
        }
        if ts <= self.floor {
            return Err(Refused::Stale);
        }
        self.seen.insert(key);
        self.order.push_back((ts, key));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_reuse_and_forgets_expired_entries() {
        let mut c = NonceCache::new(10);
        assert_eq!(c.record("a".into(), 1000, 1000), Ok(()));
        assert_eq!(c.record("a".into(), 1000, 1001), Err(Refused::Used));
        // After the window the old entry goes; its timestamp is refused by the caller anyway.
        assert_eq!(
            c.record("b".into(), 1000 + 2 * WINDOW, 1000 + 2 * WINDOW),
            Ok(())
        );
        assert_eq!(c.seen.len(), 1);
    }

    #[test]
    fn when_full_the_oldest_timestamp_becomes_a_floor() {
        let mut c = NonceCache::new(2);
        assert_eq!(c.record("a".into(), 100, 100), Ok(()));
        assert_eq!(c.record("b".into(), 101, 101), Ok(()));
        // Full: "a" is forgotten and requests signed at or before 100 are refused from now on.
        assert_eq!(c.record("c".into(), 102, 102), Ok(()));
        assert_eq!(c.record("a".into(), 100, 102), Err(Refused::Stale));
        assert_eq!(c.record("d".into(), 100, 102), Err(Refused::Stale));
        assert_eq!(c.record("b".into(), 101, 102), Err(Refused::Used));
        assert_eq!(c.seen.len(), 2);
    }
}
