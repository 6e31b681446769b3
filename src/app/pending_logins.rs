//! Remote web logins under way (federation.md §8): the request token another host gave us,
//! with its secret, until the person comes back from authorizing it there. At most `cap` are
//! kept, each for ten minutes.
use crate::util::time::now_secs;
use std::collections::{HashMap, VecDeque};

const LIFETIME: i64 = 600;

pub struct Pending {
    pub host: String,
    pub secret: String,
    /// Where the browser goes once logged in.
    pub back_to: String,
}

#[derive(Default)]
pub struct PendingLogins {
    by_token: HashMap<String, (i64, Pending)>,
    order: VecDeque<String>,
}

impl PendingLogins {
    pub fn insert(&mut self, token: String, p: Pending, cap: usize) {
        let now = now_secs();
        while let Some(oldest) = self.order.front() {
            let stale = self
                .by_token
                .get(oldest)
                .is_none_or(|(at, _)| *at < now - LIFETIME);
            if !stale && self.order.len() < cap {
                break;
            }
            if let Some(t) = self.order.pop_front() {
                self.by_token.remove(&t);
            }
        }
        self.order.push_back(token.clone());
        self.by_token.insert(token, (now, p));
    }

    /// The login that `token` belongs to, taken out (each is used once).
    pub fn take(&mut self, token: &str) -> Option<Pending> {
        let (at, p) = self.by_token.remove(token)?;
        (at >= now_secs() - LIFETIME).then_some(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> Pending {
        Pending {
            host: "h".into(),
            secret: "s".into(),
            back_to: "/".into(),
        }
    }

    #[test]
    fn tokens_are_taken_once_and_bounded() {
        let mut l = PendingLogins::default();
        l.insert("a".into(), p(), 2);
        l.insert("b".into(), p(), 2);
        l.insert("c".into(), p(), 2);
        assert!(l.take("a").is_none(), "the oldest went at the cap");
        assert!(l.take("b").is_some());
        assert!(l.take("b").is_none(), "used once");
        assert!(l.take("c").is_some());
    }
}
