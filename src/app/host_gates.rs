//! Per-host turns for deliveries: at most `federationHostConcurrency` at once to one host, and
//! a host that failed at the network level rests (with doubling pauses) before it is tried
//! again, so one dead host neither holds the workers nor fills the log.
use crate::util::time::now_secs;
use std::collections::HashMap;

/// The longest pause of a host that keeps failing.
const MAX_REST: i64 = 3600;

#[derive(Default)]
struct Host {
    running: usize,
    /// Consecutive network failures, and until when the host rests.
    failures: u32,
    rest_until: i64,
}

#[derive(Default)]
pub struct Gates {
    hosts: HashMap<String, Host>,
}

impl Gates {
    /// Whether a delivery to `host` may start now.
    pub fn open(&self, host: &str, limit: usize) -> bool {
        self.hosts
            .get(host)
            .is_none_or(|h| h.running < limit && h.rest_until <= now_secs())
    }

    /// Until when `host` rests after a failure, if it does now.
    pub fn resting_until(&self, host: &str) -> Option<i64> {
        self.hosts
            .get(host)
            .map(|h| h.rest_until)
            .filter(|t| *t > now_secs())
    }

    pub fn enter(&mut self, host: &str) {
        // A failed host not tried for a day is forgotten, so that the map stays small; one
        // tried again within a day is still said to fail only once.
        let stale = now_secs() - 86_400;
        self.hosts
            .retain(|h, s| h == host || s.running > 0 || s.rest_until > stale);
        self.hosts.entry(host.to_string()).or_default().running += 1;
    }

    /// A delivery to `host` ended; `failed` holds the network error, if it was one. Returns
    /// what to log, once per change of the host's state.
    pub fn leave(&mut self, host: &str, failed: Option<&str>, base: i64) -> Option<String> {
        let h = self.hosts.entry(host.to_string()).or_default();
        h.running = h.running.saturating_sub(1);
        let note = match failed {
            // Deliveries that were running together fail together: one failure per rest.
            Some(_) if h.rest_until > now_secs() => None,
            Some(e) => {
                h.failures += 1;
                let rest = base
                    .saturating_mul(1 << (h.failures - 1).min(16))
                    .min(MAX_REST);
                h.rest_until = now_secs() + rest;
                (h.failures == 1).then(|| {
                    format!("deliveries to {host} fail ({e}); they wait and are tried again")
                })
            }
            None => {
                let was_down = h.failures > 0;
                h.failures = 0;
                h.rest_until = 0;
                was_down.then(|| format!("{host} answers again"))
            }
        };
        if h.running == 0 && h.failures == 0 {
            self.hosts.remove(host);
        }
        note
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_host_rests_and_is_noted_once() {
        let mut g = Gates::default();
        assert!(g.open("a", 2));
        g.enter("a");
        g.enter("a");
        assert!(!g.open("a", 2), "two running is the limit");
        assert!(g.leave("a", Some("refused"), 60).is_some());
        assert!(g.leave("a", Some("refused"), 60).is_none(), "noted once");
        assert_eq!(g.hosts["a"].failures, 1, "the second ran in the same rest");
        assert!(!g.open("a", 2), "resting");
        assert!(g.open("b", 2), "other hosts go on");
        assert!(g.resting_until("a").is_some());
        g.enter("a");
        assert_eq!(g.leave("a", None, 60).as_deref(), Some("a answers again"));
        assert!(g.open("a", 2));
    }
}
