//! Seen nonces, in memory and bounded, kept apart per client key and token. A nonce must be
//! remembered while its timestamp is still accepted. When the cache is full, the client with the
//! most nonces forgets its oldest one and from then on refuses its own requests signed at or
//! before it (its floor): a forgotten nonce can never be replayed, and one client's requests
//! never get another's refused. A clean stop writes the cache to the data dir for the next
//! start (`file`); after a crash requests signed before the start are refused instead. (Time
//! is the wall clock: if it steps back, nonces already expired can be accepted again.)
//!
//! Every request passes here, so the common path is a few hash look-ups and a push: an entry is
//! a set member and one slot in its client's list for its second. Nothing is left behind to
//! clean up later: the ordered index holds one slot per client and second, not per entry.
mod file;

pub use file::{keep, restore};

use crate::util::time::now_secs;
use siphasher::sip::SipHasher13;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::Hasher;

/// Timestamps further than this from now are refused (seconds).
pub const WINDOW: i64 = 300;

/// One client key and token ("part") with nonces in the cache.
struct Part {
    /// Its entries in the cache.
    live: usize,
    /// Requests signed at or before this are refused: their nonces were forgotten. It stays
    /// at or below the part's oldest entry, so it may go with the last of them.
    floor: i64,
    /// Its entries by timestamp (not in the order recorded: a client's requests may arrive
    /// out of order). No list is empty.
    seconds: BTreeMap<i64, Vec<u64>>,
}

/// Clients and entries are 64-bit keyed hashes (SipHash-1-3; the key survives a clean restart
/// with the file). An entry is the hash of client, timestamp and nonce, so a collision (one in
/// 2^64, with a key no client knows) only refuses the second request.
pub struct NonceCache {
    seen: HashSet<u64>,
    parts: HashMap<u64, Part>,
    /// `(timestamp, part)` for each list of `Part::seconds`, oldest first, for expiry.
    by_time: BTreeSet<(i64, u64)>,
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

/// A list keeps room for at most four times its entries plus this.
const SLACK: usize = 64;

impl NonceCache {
    pub fn new(cap: usize) -> Self {
        let mut key = [0u8; 16];
        key.copy_from_slice(&crate::util::rand::bytes(16));
        NonceCache {
            seen: HashSet::new(),
            parts: HashMap::new(),
            by_time: BTreeSet::new(),
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
    /// Timestamps too far ahead are the caller's to refuse (`check_timestamp`).
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
        // Only a file being loaded can hold an entry twice.
        if !self.seen.insert(e) {
            return;
        }
        let part = self.parts.entry(p).or_insert(Part {
            live: 0,
            floor: i64::MIN,
            seconds: BTreeMap::new(),
        });
        let list = part.seconds.entry(ts).or_default();
        if list.is_empty() {
            self.by_time.insert((ts, p));
        }
        list.push(e);
        self.resize(p, 1, 0);
    }

    /// Part `p` gained `added` entries and lost `gone`; it goes when it has none left.
    fn resize(&mut self, p: u64, added: usize, gone: usize) {
        let Some(part) = self.parts.get_mut(&p) else {
            return;
        };
        self.by_size.remove(&(part.live, p));
        part.live = part.live + added - gone;
        if part.live == 0 {
            self.parts.remove(&p);
        } else {
            self.by_size.insert((part.live, p));
        }
    }

    /// Part `big` forgets its oldest second, which becomes its floor: all of it when the part
    /// has later ones (the floor refuses that second anyway: its entries only take room), else
    /// one entry, possibly the one just recorded (a part keeps one). False if it has none.
    fn evict_oldest(&mut self, big: u64) -> bool {
        let Some(part) = self.parts.get_mut(&big) else {
            return false;
        };
        let later = part.seconds.len() > 1;
        let Some(mut oldest) = part.seconds.first_entry() else {
            return false;
        };
        let t = *oldest.key();
        let gone = if later {
            let list = oldest.remove();
            for e in &list {
                self.seen.remove(e);
            }
            list.len()
        } else {
            let list = oldest.get_mut();
            let Some(e) = list.pop() else {
                return false;
            };
            self.seen.remove(&e);
            if list.is_empty() {
                oldest.remove();
            } else if list.capacity() > 4 * list.len() + SLACK {
                // A second that once held many entries must not keep their room.
                list.shrink_to(2 * list.len() + SLACK);
            }
            1
        };
        if !part.seconds.contains_key(&t) {
            self.by_time.remove(&(t, big));
        }
        part.floor = part.floor.max(t);
        self.resize(big, 0, gone);
        true
    }

    /// Takes back the entry just inserted: the last of its part's second, and the only one of
    /// its part (a cache is only full for a new part), which goes with it.
    fn undo(&mut self, p: u64, ts: i64, e: u64) {
        self.seen.remove(&e);
        let Some(part) = self.parts.get_mut(&p) else {
            return;
        };
        if let Some(list) = part.seconds.get_mut(&ts) {
            list.pop();
            if list.is_empty() {
                part.seconds.remove(&ts);
                self.by_time.remove(&(ts, p));
            }
        }
        self.resize(p, 0, 1);
    }

    /// Over the bound, the largest part forgets an entry of its oldest second. A part keeps at least one
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
        Ok(())
    }

    /// Entries whose timestamp is no longer accepted cannot be replayed: forget them. A part's
    /// floor is at or below its oldest entry, so it goes with the last of them.
    fn expire(&mut self, now: i64) {
        while let Some(&(t, p)) = self.by_time.first() {
            if t >= now - WINDOW {
                break;
            }
            self.by_time.pop_first();
            let Some(list) = self.parts.get_mut(&p).and_then(|x| x.seconds.remove(&t)) else {
                continue;
            };
            for e in &list {
                self.seen.remove(e);
            }
            self.resize(p, 0, list.len());
        }
    }

    /// Every entry as `(part, timestamp, entry)`.
    fn entries(&self) -> impl Iterator<Item = (u64, i64, u64)> + '_ {
        self.parts.iter().flat_map(|(p, x)| {
            x.seconds
                .iter()
                .flat_map(move |(t, list)| list.iter().map(move |e| (*p, *t, *e)))
        })
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
        assert!(c.by_time.is_empty());
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
    fn a_full_client_gives_up_its_whole_oldest_second() {
        let mut c = cache(4);
        for (n, ts) in [("1", 1000), ("2", 1000), ("3", 1000), ("4", 1001)] {
            assert_eq!(c.record("a", n, ts, 1000), Ok(()));
        }
        // Second 1000 becomes the floor: its three entries go at once, room for three more.
        assert_eq!(c.record("b", "1", 1000, 1000), Ok(()));
        assert_eq!(c.seen.len(), 2);
        assert_eq!(c.record("a", "5", 1000, 1000), Err(Refused::Stale));
        assert_eq!(c.record("a", "4", 1001, 1000), Err(Refused::Used));
        assert_eq!(c.by_time.len(), 2);
        // With only one second left, a full client forgets a single entry of it.
        for n in ["6", "7", "8"] {
            assert_eq!(c.record("a", n, 1001, 1000), Ok(()));
        }
        assert_eq!(c.seen.len(), 4);
        assert_eq!(c.record("a", "9", 1001, 1000), Err(Refused::Stale));
        // A later second: the whole of 1001 goes again.
        assert_eq!(c.record("a", "9", 1002, 1000), Ok(()));
        assert_eq!(c.seen.len(), 2);
        assert_eq!(c.record("a", "9", 1002, 1000), Err(Refused::Used));
        assert_eq!(c.record("b", "2", 1000, 1000), Ok(()));
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
        assert!(!c.parts.contains_key(&c.part_of("c")) && c.by_time.len() == 2);
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
            // One slot per part and second, and lists of no more than their live room.
            let lists: usize = c.parts.values().map(|p| p.seconds.len()).sum();
            assert!(c.by_time.len() == lists && lists <= cap);
            let room: usize = c
                .parts
                .values()
                .flat_map(|p| p.seconds.values())
                .map(Vec::capacity)
                .sum();
            assert!(room <= 4 * cap + lists * SLACK, "room {room}");
            assert_eq!(c.entries().count(), c.seen.len());
        }
        // "b" was never the largest: none of its requests was refused, and its last is kept.
        let b = c.part_of("b");
        assert!(c.parts[&b].floor == i64::MIN && c.parts[&b].live >= 1);
    }
}
