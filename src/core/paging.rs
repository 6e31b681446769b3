//! Pagination of streams (api.md §3): `count`, `offset`, `before`, `since` and navigation links.
use crate::error::{Error, Result};
use crate::store::Read;
use crate::util::enc::pct;
use serde_json::{json, Map, Value};

pub enum Mode {
    Offset(usize),
    Before(String),
    Since(String),
}

pub struct Page {
    pub count: usize,
    pub mode: Mode,
}

impl Page {
    /// The newest `count` items.
    pub fn newest(count: usize) -> Page {
        Page {
            count,
            mode: Mode::Offset(0),
        }
    }

    /// The page a request's query asks for (its decoded name-value pairs).
    pub fn parse(q: &[(String, String)]) -> Result<Page> {
        let get = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let count = match get("count") {
            None => 20,
            Some(c) => match c.trim().parse::<i64>() {
                Ok(n) if (0..=200).contains(&n) => n as usize,
                _ => return Err(Error::bad("Count must be between 0 and 200")),
            },
        };
        let offset = match get("offset") {
            None => None,
            Some(o) => match o.trim().parse::<i64>() {
                Ok(n) if n >= 0 => Some(n as usize),
                _ => {
                    return Err(Error::bad(
                        "Offset must be an integer greater than or equal to zero",
                    ))
                }
            },
        };
        let id = |k: &str| -> Result<Option<String>> {
            match get(k) {
                None => Ok(None),
                Some(v) if v.trim().is_empty() => Err(Error::bad(format!("{k} is null"))),
                Some(v) => Ok(Some(v.trim().to_string())),
            }
        };
        let (before, since) = (id("before")?, id("since")?);
        let mode = match (before, since, offset) {
            (Some(_), Some(_), _) => {
                return Err(Error::bad(
                    "Can't have both 'before' and 'since' parameters",
                ))
            }
            (Some(_), None, Some(_)) => {
                return Err(Error::bad(
                    "Can't have both 'before' and 'offset' parameters",
                ))
            }
            (None, Some(_), Some(_)) => {
                return Err(Error::bad(
                    "Can't have both 'since' and 'offset' parameters",
                ))
            }
            (Some(b), None, None) => Mode::Before(b),
            (None, Some(s), None) => Mode::Since(s),
            (None, None, o) => Mode::Offset(o.unwrap_or(0)),
        };
        Ok(Page { count, mode })
    }

    /// The page's item ids, newest first.
    pub fn items(&self, r: &impl Read, stream: &str) -> Result<Vec<String>> {
        let seq_of = |id: &str| -> Result<u64> {
            r.stream_seq(stream, id)?
                .ok_or_else(|| Error::bad(format!("id '{id}' not found in stream '{stream}'")))
        };
        match &self.mode {
            Mode::Offset(o) => r.stream_newest(stream, None, *o, self.count),
            Mode::Before(id) => r.stream_newest(stream, Some(seq_of(id)?), 0, self.count),
            Mode::Since(id) => {
                // The `count` items just newer than X, closest to X first; shown newest first.
                let mut v = r.stream_after(stream, seq_of(id)?, self.count)?;
                v.reverse();
                Ok(v)
            }
        }
    }

    /// `first`, `self`, `prev` and `next` for activity-style feeds (api.md §3.3).
    pub fn links(
        &self,
        url: &str,
        first: Option<&str>,
        last: Option<&str>,
        len: usize,
        total: u64,
    ) -> Map<String, Value> {
        let mut l = Map::new();
        l.insert("first".into(), json!({"href": url}));
        l.insert("self".into(), json!({"href": url}));
        if let (Some(f), Some(z)) = (first, last) {
            l.insert("prev".into(), link(url, "since", f));
            let more = match &self.mode {
                Mode::Offset(o) => ((o + len) as u64) < total,
                Mode::Before(_) => len >= self.count,
                Mode::Since(_) => true,
            };
            if more {
                l.insert("next".into(), link(url, "before", z));
            }
        }
        l
    }
}

/// A navigation link: `url?<param>=<id>` (`since` for prev, `before` for next).
pub fn link(url: &str, param: &str, id: &str) -> Value {
    json!({"href": format!("{url}?{param}={}", pct(id))})
}
