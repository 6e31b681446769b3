//! A bounded cache of GET answers, keyed by reader, format and URL. An entry is served only
//! while the store's generation is the one it was computed at: any committed write makes every
//! entry stale, so an answer is never older than the latest commit.
use bytes::Bytes;
use std::collections::HashMap;

/// Answers larger than this are not kept.
const MAX_ENTRY: usize = 256 * 1024;

struct Entry {
    generation: u64,
    content_type: String,
    body: Bytes,
    used: u64,
}

pub struct ResponseCache {
    entries: HashMap<String, Entry>,
    bytes: usize,
    budget: usize,
    tick: u64,
}

impl ResponseCache {
    pub fn new(budget: usize) -> Self {
        ResponseCache {
            entries: HashMap::new(),
            bytes: 0,
            budget,
            tick: 0,
        }
    }

    pub fn get(&mut self, key: &str, generation: u64) -> Option<(String, Bytes)> {
        self.tick += 1;
        let e = self.entries.get_mut(key)?;
        if e.generation != generation {
            return None;
        }
        e.used = self.tick;
        Some((e.content_type.clone(), e.body.clone()))
    }

    pub fn put(&mut self, key: String, generation: u64, content_type: &str, body: Bytes) {
        let size = body.len() + key.len();
        if self.budget == 0 || size > MAX_ENTRY.min(self.budget) {
            return;
        }
        if let Some(old) = self.entries.remove(&key) {
            self.bytes -= old.body.len() + key.len();
        }
        // Stale entries go first, then the least recently used.
        if self.bytes + size > self.budget {
            let stale: Vec<String> = self
                .entries
                .iter()
                .filter(|(_, e)| e.generation != generation)
                .map(|(k, _)| k.clone())
                .collect();
            for k in stale {
                self.remove(&k);
            }
        }
        while self.bytes + size > self.budget {
            let Some(oldest) = self
                .entries
                .iter()
                .min_by_key(|(_, e)| e.used)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            self.remove(&oldest);
        }
        self.tick += 1;
        self.bytes += size;
        self.entries.insert(
            key,
            Entry {
                generation,
                content_type: content_type.to_string(),
                body,
                used: self.tick,
            },
        );
    }

    fn remove(&mut self, key: &str) {
        if let Some(e) = self.entries.remove(key) {
            self.bytes -= e.body.len() + key.len();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serves_only_the_current_generation_within_budget() {
        let mut c = ResponseCache::new(100);
        c.put("a".into(), 1, "t", Bytes::from_static(b"0123456789"));
        assert!(c.get("a", 1).is_some());
        assert!(c.get("a", 2).is_none());
        for i in 0..20 {
            c.put(format!("k{i}"), 2, "t", Bytes::from_static(b"0123456789"));
        }
        assert!(c.bytes <= 100);
        assert!(c.get("k19", 2).is_some());
        assert!(c.get("k0", 2).is_none());
        let mut off = ResponseCache::new(0);
        off.put("a".into(), 1, "t", Bytes::from_static(b"x"));
        assert!(off.get("a", 1).is_none());
    }
}
