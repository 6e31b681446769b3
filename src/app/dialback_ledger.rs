//! The Dialback requests this server signed, and the ones it was shown (federation.md §3):
//! each kept for the 5-minute window, in the order they came, at most `cap` of each.
use crate::util::time;
use std::collections::{HashSet, VecDeque};

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
    seen: VecDeque<(i64, Entry)>,
    seen_set: HashSet<Entry>,
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

    /// Records `e`; false when it was seen before (a replay).
    pub fn first_sight(&mut self, e: Entry, cap: usize) -> bool {
        let now = time::now_secs();
        sweep(&mut self.seen, &mut self.seen_set, now, cap);
        if !self.seen_set.insert(e.clone()) {
            return false;
        }
        self.seen.push_back((now, e));
        true
    }
}
