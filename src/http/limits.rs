//! Bounds on what one client can hold: per-address shares of connections and requests, and the
//! pace a request body must keep. Without them a few hundred connections that never finish
//! their body hold every slot, and everyone else gets 503.
use super::response::{Resp, JSON};
use crate::config::Config;
use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use std::cell::RefCell;
use std::collections::HashMap;
use std::net::IpAddr;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// How many of something (connections, requests) each client address holds right now.
#[derive(Clone, Default)]
pub struct PerAddress(Rc<RefCell<HashMap<IpAddr, usize>>>);

/// One unit of an address's share, given back when dropped.
pub struct Seat {
    of: PerAddress,
    key: IpAddr,
}

impl PerAddress {
    /// A seat for `ip` if its address holds fewer than `max`.
    pub fn take(&self, ip: IpAddr, max: usize) -> Option<Seat> {
        let key = key(ip);
        let mut held = self.0.borrow_mut();
        let n = held.get(&key).copied().unwrap_or(0);
        if n >= max {
            return None;
        }
        held.insert(key, n + 1);
        Some(Seat {
            of: self.clone(),
            key,
        })
    }
}

impl Drop for Seat {
    fn drop(&mut self) {
        let mut held = self.of.0.borrow_mut();
        match held.get(&self.key).copied() {
            Some(n) if n > 1 => {
                held.insert(self.key, n - 1);
            }
            // Gone addresses leave no entry: the map is as large as the open connections.
            _ => {
                held.remove(&self.key);
            }
        }
    }
}

/// The address a share is counted for: an IPv6 client usually holds a whole /64, so its
/// addresses count as one; IPv4-mapped addresses count as the IPv4 one.
fn key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !(u64::MAX as u128)).into()),
        },
        v4 => v4,
    }
}

/// The time a request body may take: `bodyRateGrace`, plus a second for every `minBodyRate`
/// bytes received so far, and never more than `bodyTimeout` in all (`uploadTimeout` for files
/// streamed to disk, which may be much larger than a body held in memory).
pub struct BodyClock {
    start: Instant,
    grace: Duration,
    rate: u64,
    cap: Duration,
    received: u64,
}

impl BodyClock {
    pub fn new(cfg: &Config, upload: bool) -> BodyClock {
        let cap = if upload {
            cfg.upload_timeout_ms
        } else {
            cfg.body_timeout_ms
        };
        BodyClock {
            start: Instant::now(),
            grace: Duration::from_millis(cfg.body_rate_grace_ms),
            rate: cfg.min_body_rate,
            cap: Duration::from_millis(cap),
            received: 0,
        }
    }

    fn deadline(&self) -> Instant {
        let earned = match self.rate {
            0 => self.cap,
            r => self.grace + Duration::from_millis(self.received.saturating_mul(1000) / r),
        };
        self.start + earned.min(self.cap)
    }

    /// The next data of the body (None at its end), or the answer to give: 408 when it is too
    /// slow, 400 when it is broken.
    pub async fn next(&mut self, body: &mut Incoming) -> Result<Option<Bytes>, Resp> {
        // Most requests have no body: no timer for them.
        if hyper::body::Body::is_end_stream(body) {
            return Ok(None);
        }
        loop {
            let deadline = self.deadline();
            let frame = smol::future::or(async { Some(body.frame().await) }, async {
                smol::Timer::at(deadline).await;
                None
            })
            .await;
            let frame = match frame {
                None => return Err(timed_out()),
                Some(None) => return Ok(None),
                Some(Some(f)) => f.map_err(|e| super::server::bad_body(&e.to_string()))?,
            };
            if let Ok(data) = frame.into_data() {
                self.received += data.len() as u64;
                return Ok(Some(data));
            }
        }
    }
}

/// The rest of the body is never read, so the connection is closed.
fn timed_out() -> Resp {
    Resp::new(
        408,
        JSON,
        r#"{"error":"The request body did not arrive in time"}"#,
    )
    .with("connection", "close")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_per_address_and_given_back() {
        let p = PerAddress::default();
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let (s1, s2) = (p.take(a, 2), p.take(a, 2));
        assert!(s1.is_some() && s2.is_some() && p.take(a, 2).is_none());
        assert!(p.take(b, 2).is_some(), "another address has its own share");
        drop(s1);
        assert!(p.take(a, 2).is_some());
        drop(s2);
        assert!(p.0.borrow().is_empty(), "gone addresses leave no entry");
    }

    #[test]
    fn ipv6_addresses_of_one_64_share() {
        let x: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let y: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let z: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(key(x), key(y));
        assert_ne!(key(x), key(z));
        let m: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(key(m), "192.0.2.7".parse::<IpAddr>().unwrap());
    }
}
