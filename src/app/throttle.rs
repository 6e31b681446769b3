//! Login throttling: failed logins are counted per account and per address within a window;
//! past the limit, logins are refused until the window ends. Bounded: the table forgets the
//! oldest entries when full.
use std::collections::HashMap;

const WINDOW_SECS: i64 = 15 * 60;
const PER_ACCOUNT: u32 = 10;
const PER_ADDRESS: u32 = 30;
const MAX_KEYS: usize = 10_000;

#[derive(Default)]
pub struct Throttle {
    /// key → (failures, window start)
    seen: HashMap<String, (u32, i64)>,
}

impl Throttle {
    fn count(&self, key: &str, now: i64) -> u32 {
        match self.seen.get(key) {
            Some((n, start)) if now - start < WINDOW_SECS => *n,
            _ => 0,
        }
    }

    /// Whether this account, or this address, has failed too often within the window.
    pub fn blocked(&self, account: &str, address: &str, now: i64) -> bool {
        self.count(&format!("u:{account}"), now) >= PER_ACCOUNT
            || self.count(&format!("a:{address}"), now) >= PER_ADDRESS
    }

    /// Counts a login attempt before its password is checked (so that parallel guesses are
    /// counted too); false, counting nothing, when the account or address is blocked.
    pub fn attempt(&mut self, account: &str, address: &str, now: i64) -> bool {
        if self.blocked(account, address, now) {
            return false;
        }
        self.failed(account, address, now);
        true
    }

    /// The attempt was right: the account starts afresh and the address gets its try back.
    pub fn succeeded(&mut self, account: &str, address: &str) {
        self.seen.remove(&format!("u:{account}"));
        if let Some(e) = self.seen.get_mut(&format!("a:{address}")) {
            e.0 = e.0.saturating_sub(1);
        }
    }

    fn failed(&mut self, account: &str, address: &str, now: i64) {
        if self.seen.len() >= MAX_KEYS {
            self.seen.retain(|_, (_, start)| now - *start < WINDOW_SECS);
            if self.seen.len() >= MAX_KEYS {
                self.seen.clear();
            }
        }
        for key in [format!("u:{account}"), format!("a:{address}")] {
            let e = self.seen.entry(key).or_insert((0, now));
            if now - e.1 >= WINDOW_SECS {
                *e = (0, now);
            }
            e.0 += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ten_failures_block_the_account_for_the_window() {
        let mut t = super::Throttle::default();
        for _ in 0..10 {
            assert!(t.attempt("alice", "1.2.3.4", 100));
        }
        assert!(!t.attempt("alice", "1.2.3.4", 100));
        assert!(t.blocked("alice", "5.6.7.8", 200));
        assert!(!t.blocked("bob", "5.6.7.8", 200));
        assert!(!t.blocked("alice", "5.6.7.8", 100 + 15 * 60));
    }
}
