//! Seen nonces, in memory and bounded, kept apart per client key and token. A nonce must be
//! remembered while its timestamp is still accepted. When the cache is full, the client with the
//! most nonces forgets its oldest one and from then on refuses its own requests signed at or
//! before it (its floor): a forgotten nonce can never be replayed, and one client's requests
//! never get another's refused. A clean stop writes the cache to the data dir for the next
//! start (`file`); after a crash requests signed before the start are refused instead.
//!
//! Every request passes here, so the common path is a few hash look-ups: an entry is a set
//! member, one slot in its second's list and one in its client's heap. The lists and heaps
//! drop forgotten entries lazily and are compacted (and shrunk) before they grow past twice the
//! live ones.
mod file;

pub use file::{keep, restore};

use crate::util::time::now_secs;
use siphasher::sip::SipHasher13;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, HashSet};
use std::hash::Hasher;

/// Timestamps further than this from now are refused (seconds).
pub const WINDOW: i64 = 300;

/// One client key and token ("part") with nonces in the cache.
struct Part {
    /// Its entries in the cache.
    live: usize,
    /// Requests signed at or before this are refused: their nonces were forgotten. It stays
    /// at or below the timestamps of the part's entries, so it may go with the last of them.
    floor: i64,
    /// `(timestamp, entry)`, oldest timestamp first (not the first recorded: a client's
    /// requests may arrive out of order); forgotten ones included until compacted.
    queue: BinaryHeap<Reverse<(i64, u64)>>,
}

/// Clients and entries are 64-bit keyed hashes (SipHash-1-3; the key survives a clean restart
/// with the file). An entry is the hash of client, timestamp and nonce, so a collision (one in
/// 2^64, with a key no client knows) only refuses the second request.
pub struct NonceCache {
    seen: HashSet<u64>,
    parts: HashMap<u64, Part>,
    /// `(part, entry)` by timestamp, for expiry; forgotten entries included until compacted.
    by_time: BTreeMap<i64, Vec<(u64, u64)>>,
    /// How many entries `by_time` lists.
    listed: usize,
    /// `(entries, part)`: the largest part gives up entries first.
    by_size: BTreeSet<(usize, u64)>,
    key: [u8; 16],
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

/// Lists and queues are compacted when they hold more than twice their live entries plus this.
const SLACK: usize = 64;

impl NonceCache {
    pub fn new(cap: usize) -> Self {
        let mut key = [0u8; 16];
        key.copy_from_slice(&crate::util::rand::bytes(16));
        NonceCache {
            seen: HashSet::new(),
            parts: HashMap::new(),
            by_time: BTreeMap::new(),
            listed: 0,
            by_size: BTreeSet::new(),
            key,
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
        let p = self.part_of(who);
        if self.parts.get(&p).is_some_and(|x| ts <= x.floor) {
            return Err(Refused::Stale);
        }
        let e = self.entry_of(p, ts, nonce);
        if self.seen.contains(&e) {
            return Err(Refused::Used);
        }
        self.insert(p, ts, e);
        self.make_room(p, ts, e)
    }

    fn hasher(&self) -> SipHasher13 {
        SipHasher13::new_with_key(&self.key)
    }

    fn part_of(&self, who: &str) -> u64 {
        let mut h = self.hasher();
        h.write(who.as_bytes());
        h.finish()
    }

    fn entry_of(&self, p: u64, ts: i64, nonce: &str) -> u64 {
        let mut h = self.hasher();
        h.write(&p.to_le_bytes());
        h.write(&ts.to_le_bytes());
        h.write(nonce.as_bytes());
        h.finish()
    }

    fn insert(&mut self, p: u64, ts: i64, e: u64) {
        if !self.seen.insert(e) {
            return;
        }
        self.by_time.entry(ts).or_default().push((p, e));
        self.listed += 1;
        let part = self.parts.entry(p).or_insert(Part {
            live: 0,
            floor: i64::MIN,
            queue: BinaryHeap::new(),
        });
        part.queue.push(Reverse((ts, e)));
        self.by_size.remove(&(part.live, p));
        part.live += 1;
        self.by_size.insert((part.live, p));
    }

    /// Counts one entry of part `p` gone from `seen`; the part goes with its last one.
    fn forget(&mut self, p: u64) {
        let Some(part) = self.parts.get_mut(&p) else {
            return;
        };
        self.by_size.remove(&(part.live, p));
        part.live -= 1;
        if part.live == 0 {
            self.parts.remove(&p);
            return;
        }
        self.by_size.insert((part.live, p));
        let q = &mut part.queue;
        if q.len() > 2 * part.live + SLACK {
            let seen = &self.seen;
            q.retain(|Reverse((_, e))| seen.contains(e));
        }
        // A part that once held many entries must not keep their room.
        if q.capacity() > 4 * q.len() + SLACK {
            q.shrink_to(2 * q.len() + SLACK);
        }
    }

    /// Part `big` forgets its oldest entry, which becomes its floor; false if it has none.
    fn evict_oldest(&mut self, big: u64) -> bool {
        let Some(part) = self.parts.get_mut(&big) else {
            return false;
        };
        while let Some(Reverse((t, e))) = part.queue.pop() {
            if self.seen.remove(&e) {
                part.floor = part.floor.max(t);
                self.forget(big);
                return true;
            }
        }
        false
    }

    /// Takes back the entry just inserted: the last of its second, and the only one of its
    /// part (a cache is only full for a new part), which goes with it.
    fn undo(&mut self, p: u64, ts: i64, e: u64) {
        self.seen.remove(&e);
        if let Some(list) = self.by_time.get_mut(&ts) {
            list.pop();
            self.listed -= 1;
            if list.is_empty() {
                self.by_time.remove(&ts);
            }
        }
        self.forget(p);
    }

    /// Over the bound, the largest part forgets its oldest entry. A part keeps at least one
    /// entry (dropping it would lose the floor), so when every part is down to one, the new
    /// entry `(p, ts, e)` is refused instead.
    fn make_room(&mut self, p: u64, ts: i64, e: u64) -> Result<(), Refused> {
        while self.seen.len() > self.cap {
            let Some(&(len, big)) = self.by_size.last() else {
                break;
            };
            if len < 2 {
                self.undo(p, ts, e);
                return Err(Refused::Full);
            }
            if !self.evict_oldest(big) {
                break;
            }
        }
        if self.listed > 2 * self.seen.len() + SLACK {
            let seen = &self.seen;
            self.by_time.retain(|_, list| {
                list.retain(|(_, e)| seen.contains(e));
                list.shrink_to_fit();
                !list.is_empty()
            });
            self.listed = self.by_time.values().map(Vec::len).sum();
        }
        Ok(())
    }

    /// Entries whose timestamp is no longer accepted cannot be replayed: forget them. A part's
    /// floor is below its entries, so it goes with the last of them.
    fn expire(&mut self, now: i64) {
        while let Some(oldest) = self.by_time.first_entry() {
            if *oldest.key() >= now - WINDOW {
                break;
            }
            let list = oldest.remove();
            self.listed -= list.len();
            for (p, e) in list {
                if self.seen.remove(&e) {
                    self.forget(p);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn cache(cap: usize) -> NonceCache {
        let mut c = NonceCache::new(cap);
        c.since = i64::MIN;
        c
    }

    #[test]
    fn refuses_reuse_and_forgets_expired_entries() {
        let mut c = cache(10);
        assert_eq!(c.record("a", "1", 1000, 1000), Ok(()));
        assert_eq!(c.record("a", "1", 1000, 1001), Err(Refused::Used));
        // Another client may use the same nonce, and so may the same client at another time.
        assert_eq!(c.record("b", "1", 1000, 1001), Ok(()));
        assert_eq!(c.record("a", "1", 1001, 1001), Ok(()));
        // Outside the window: refused, and the old entries go.
        assert_eq!(
            c.record("a", "1", 1000, 1001 + WINDOW + 1),
            Err(Refused::Stale)
        );
        assert!(c.parts.is_empty() && c.by_size.is_empty() && c.seen.is_empty());
        assert!(c.by_time.is_empty() && c.listed == 0);
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
        assert_eq!(c.seen.len(), 3);
    }

    #[test]
    fn a_forgotten_nonce_stays_refused_after_the_older_ones_expire() {
        let mut c = cache(3);
        // Recorded first but signed last: forgetting it first would put the floor above the
        // entries still held, and the floor would go with them while it is still accepted.
        assert_eq!(c.record("a", "1", 1290, 1000), Ok(()));
        assert_eq!(c.record("a", "2", 1000, 1000), Ok(()));
        assert_eq!(c.record("a", "3", 1001, 1000), Ok(()));
        assert_eq!(c.record("b", "1", 1000, 1000), Ok(()));
        assert_eq!(c.record("a", "1", 1290, 1302), Err(Refused::Used));
        assert_eq!(c.record("a", "2", 1000, 1302), Err(Refused::Stale));
    }

    #[test]
    fn a_cache_of_single_nonces_refuses_new_clients() {
        let mut c = cache(2);
        assert_eq!(c.record("a", "1", 1000, 1000), Ok(()));
        assert_eq!(c.record("b", "1", 1000, 1000), Ok(()));
        assert_eq!(c.record("c", "1", 1000, 1000), Err(Refused::Full));
        // The refused entry left nothing behind.
        assert!(!c.parts.contains_key(&c.part_of("c")) && c.listed == 2);
        assert_eq!(c.record("a", "2", 1001, 1001), Ok(()));
        assert_eq!(c.record("a", "1", 1000, 1001), Err(Refused::Stale));
        assert_eq!(c.record("b", "1", 1000, 1001), Err(Refused::Used));
    }

    #[test]
    fn a_flood_at_the_bound_keeps_memory_bounded() {
        let cap = 50;
        let mut c = cache(cap);
        for i in 0..20_000 {
            // One client floods; another signs now and then; entries expire as time goes by.
            let now = 1000 + i / 2;
            let who = if i % 97 == 0 { "b" } else { "a" };
            assert_eq!(c.record(who, &i.to_string(), now, now), Ok(()));
            assert!(c.seen.len() <= cap);
            assert!(c.listed <= 2 * cap + SLACK + 1, "listed {}", c.listed);
            let room: usize = c.parts.values().map(|p| p.queue.capacity()).sum();
            assert!(room <= 4 * cap + 8 * SLACK, "room {room}");
        }
        // "b" was never the largest: none of its requests was refused, and its last is kept.
        let b = c.part_of("b");
        assert!(c.parts[&b].floor == i64::MIN && c.parts[&b].live >= 1);
    }
}
