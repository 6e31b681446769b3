//! The Dialback requests this server signed, and the ones it was shown (federation.md §3):
//! each kept for the 5-minute window. Ours are kept in the order they went, at most `cap`;
//! those we were shown are kept (as digests) until their `Date` leaves the window, and when
//! `cap` of them are, new ones are refused rather than old ones forgotten, so that a flood
//! cannot make room for a replay.
use crate::util::time;
use std::collections::{BTreeSet, HashSet, VecDeque};

/// How far a request's `Date` may be from now, in seconds.
pub const WINDOW: i64 = 300;

/// (url, identity as `host=H` or `webfinger=W`, token, date in ms): one request, as sent or
/// as seen.
pub type Entry = (String, String, String, i64);

/// The requests we signed, and the ones we were shown, each in the order they came.
#[derive(Default)]
pub struct Ledger {
    sent: VecDeque<(i64, Entry)>,
    sent_set: HashSet<Entry>,
    /// (when it leaves the window, digest), soonest first.
    seen: BTreeSet<(i64, [u8; 32])>,
    seen_set: HashSet<[u8; 32]>,
}

/// What the ledger makes of a request it is shown.
#[derive(Debug, PartialEq, Eq)]
pub enum Sight {
    First,
    Replay,
    /// Too many requests in the window to remember another.
    Full,
}

fn digest(e: &Entry) -> [u8; 32] {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    for part in [&e.0, &e.1, &e.2] {
        ctx.update(&(part.len() as u64).to_le_bytes());
        ctx.update(part.as_bytes());
    }
    ctx.update(&e.3.to_le_bytes());
    let mut out = [0u8; 32];
    out.copy_from_slice(ctx.finish().as_ref());
    out
}

fn sweep(q: &mut VecDeque<(i64, Entry)>, set: &mut HashSet<Entry>, now: i64, cap: usize) {
    while let Some((at, _)) = q.front() {
        if *at >= now - WINDOW && q.len() <= cap {
            break;
        }
        if let Some((_, e)) = q.pop_front() {
            set.remove(&e);
        }
    }
}

impl Ledger {
    pub fn note_sent(&mut self, e: Entry, cap: usize) {
        let now = time::now_secs();
        sweep(&mut self.sent, &mut self.sent_set, now, cap);
        self.sent_set.insert(e.clone());
        self.sent.push_back((now, e));
    }

    pub fn was_sent(&mut self, e: &Entry, cap: usize) -> bool {
        sweep(&mut self.sent, &mut self.sent_set, time::now_secs(), cap);
        self.sent_set.contains(e)
    }

    /// Records `e`, a request dated `e.3` (ms).
    pub fn first_sight(&mut self, e: &Entry, cap: usize) -> Sight {
        let now = time::now_secs();
        while let Some(first) = self.seen.first().copied() {
            if first.0 >= now {
                break;
            }
            self.seen.remove(&first);
            self.seen_set.remove(&first.1);
        }
        let d = digest(e);
        if self.seen_set.contains(&d) {
            return Sight::Replay;
        }
        if self.seen_set.len() >= cap {
            return Sight::Full;
        }
        self.seen_set.insert(d);
        self.seen.insert((e.3 / 1000 + WINDOW, d));
        Sight::First
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(token: &str) -> Entry {
        (
            "u".into(),
            "host=h".into(),
            token.into(),
            time::now_secs() * 1000,
        )
    }

    #[test]
    fn replays_are_caught_and_a_flood_is_refused_not_forgotten() {
        let mut l = Ledger::default();
        assert_eq!(l.first_sight(&e("a"), 2), Sight::First);
        assert_eq!(l.first_sight(&e("a"), 2), Sight::Replay);
        assert_eq!(l.first_sight(&e("b"), 2), Sight::First);
        assert_eq!(l.first_sight(&e("c"), 2), Sight::Full);
        assert_eq!(l.first_sight(&e("a"), 2), Sight::Replay, "still remembered");
    }
}
