//! Seen nonces, in memory and bounded. A nonce is kept as long as its timestamp is inside the
//! accepted window; timestamps from before the process started are refused elsewhere, so
//! forgetting nonces at a restart opens no replay window.
use std::collections::{HashSet, VecDeque};

/// Timestamps further than this from now are refused (seconds).
pub const WINDOW: i64 = 300;

pub struct NonceCache {
    seen: HashSet<String>,
    order: VecDeque<(i64, String)>,
    cap: usize,
}

#[derive(Debug, PartialEq)]
pub enum Refused {
    Used,
    Full,
}

impl NonceCache {
    pub fn new(cap: usize) -> Self {
        NonceCache {
            seen: HashSet::new(),
            order: VecDeque::new(),
            cap,
        }
    }

    /// Records `key` (consumer, token, timestamp, nonce) unless it was seen already.
    pub fn record(&mut self, key: String, now: i64) -> Result<(), Refused> {
        // Every entry older than two windows can no longer be replayed: its timestamp is refused.
        while let Some((t, _)) = self.order.front() {
            if *t >= now - 2 * WINDOW {
                break;
            }
            if let Some((_, k)) = self.order.pop_front() {
                self.seen.remove(&k);
            }
        }
        if self.seen.contains(&key) {
            return Err(Refused::Used);
        }
        if self.seen.len() >= self.cap {
            return Err(Refused::Full);
        }
        self.seen.insert(key.clone());
        self.order.push_back((now, key));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_reuse_and_forgets_old_entries() {
        let mut c = NonceCache::new(2);
        assert_eq!(c.record("a".into(), 1000), Ok(()));
        assert_eq!(c.record("a".into(), 1001), Err(Refused::Used));
        assert_eq!(c.record("b".into(), 1001), Ok(()));
        assert_eq!(c.record("c".into(), 1002), Err(Refused::Full));
        assert_eq!(c.record("c".into(), 1000 + 3 * WINDOW), Ok(()));
    }
}
