//! The mixed workload: 50 people who follow each other in a skewed pattern (a few everyone
//! follows, most followed by two or three), each connection acting as one of them at a time.
//! A person reads their inbox, the outboxes of people they follow, single notes with their
//! replies and the web home page, and posts, comments or likes: one write per ten reads. Every
//! page differs by reader, and the writes keep making cached answers stale.
use crate::conn::{Answer, Conn};
use crate::oauth::{enc, Client};
use crate::target::{json_of, Target};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::sync::Mutex;

pub const PEOPLE: usize = 50;
/// Notes each person posts while seeding.
const NOTES_EACH: usize = 4;
/// How many recent notes the readers and commenters pick from.
const RECENT: usize = 64;

pub struct Person {
    pub nick: String,
    pub oauth: Client,
    /// The web session's cookie, from `POST /main/register`.
    pub cookie: String,
}

pub struct Mixed {
    pub people: Vec<Person>,
    /// Whom each person follows.
    follows: Vec<Vec<usize>>,
    /// Recent notes as (id, path to read it).
    recent: Mutex<Vec<(String, String)>>,
    /// (person, note id) pairs already liked, so no one likes a note twice.
    liked: Mutex<HashSet<(usize, String)>>,
}

/// A small deterministic generator (xorshift): the same follows and choices on every server.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next() % 1_000_000) as f64 / 1_000_000.0 < p
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

impl Mixed {
    /// Registers the people (through the web client's `POST /main/register`, which gives both a
    /// token and a session), makes the follows and posts each person's first notes.
    pub fn seed(t: &Target, tag: &str) -> Mixed {
        let mut c = t.conn();
        let people: Vec<Person> = (0..PEOPLE)
            .map(|i| {
                let nick = format!("p{i}x{tag}");
                let body = json!({"nickname": nick, "password": "bench-pass-1234"});
                let a = t.signed(&mut c, &t.client, "POST", "/main/register", Some(&body));
                let u = json_of(&a, "register through /main/register");
                let oauth = t.client.with_token(
                    u["token"].as_str().unwrap_or_default(),
                    u["secret"].as_str().unwrap_or_default(),
                );
                Person {
                    nick,
                    oauth,
                    cookie: a.cookies.join("; "),
                }
            })
            .collect();
        let mut rng = Rng::new(7);
        // Person j is followed with probability 2/(j+1): 0 and 1 by everyone, the last by ~2.
        let follows: Vec<Vec<usize>> = (0..PEOPLE)
            .map(|i| {
                (0..PEOPLE)
                    .filter(|&j| j != i && rng.chance(2.0 / (j as f64 + 1.0)))
                    .collect()
            })
            .collect();
        let ids: Vec<String> = people
            .iter()
            .map(|p| t.person_id(&mut c, &p.nick))
            .collect();
        for (i, whom) in follows.iter().enumerate() {
            for &j in whom {
                let body = json!({"objectType": "person", "id": ids[j]});
                let path = format!("/api/user/{}/following", people[i].nick);
                json_of(
                    &t.signed(&mut c, &people[i].oauth, "POST", &path, Some(&body)),
                    "follow",
                );
            }
        }
        let m = Mixed {
            people,
            follows,
            recent: Mutex::new(Vec::new()),
            liked: Mutex::new(HashSet::new()),
        };
        for round in 0..NOTES_EACH {
            for who in 0..PEOPLE {
                m.post(t, &mut c, who, round);
            }
        }
        m
    }

    /// Follows made while seeding.
    pub fn follow_count(&self) -> usize {
        self.follows.iter().map(Vec::len).sum()
    }

    /// The `step`th request of connection `conn`: ten reads, then one write.
    pub fn step(&self, t: &Target, c: &mut Conn, conn: usize, step: usize, rng: &mut Rng) -> u16 {
        let who = (conn + 7 * (step / 11)) % PEOPLE;
        let me = &self.people[who];
        match step % 11 {
            0 | 4 | 8 => self.get(t, c, who, &format!("/api/user/{}/inbox", me.nick)),
            1 | 5 | 9 => {
                let whom = &self.follows[who];
                let other = if whom.is_empty() {
                    rng.below(PEOPLE)
                } else {
                    whom[rng.below(whom.len())]
                };
                let path = format!("/api/user/{}/feed", self.people[other].nick);
                self.get(t, c, who, &path)
            }
            2 | 6 => match self.pick(rng) {
                Some((_, path)) => self.get(t, c, who, &path),
                None => 0,
            },
            3 | 7 => {
                let h = [("Cookie", me.cookie.as_str()), ("Accept", "text/html")];
                c.send("GET", "/", &h, b"").map_or(0, |a| a.status)
            }
            _ => match (step / 11) % 3 {
                0 => self.post(t, c, who, step),
                1 => self.comment(t, c, who, rng),
                _ => self.like(t, c, who, rng),
            },
        }
    }

    fn get(&self, t: &Target, c: &mut Conn, who: usize, path: &str) -> u16 {
        t.signed(c, &self.people[who].oauth, "GET", path, None)
            .status
    }

    fn pick(&self, rng: &mut Rng) -> Option<(String, String)> {
        let recent = self.recent.lock().ok()?;
        if recent.is_empty() {
            return None;
        }
        // Newer notes are read more: the square favours the end of the list.
        let r = rng.below(recent.len() * recent.len());
        let i = (r as f64).sqrt() as usize;
        recent.get(i.min(recent.len() - 1)).cloned()
    }

    fn write(&self, t: &Target, c: &mut Conn, who: usize, body: &Value) -> Answer {
        let path = format!("/api/user/{}/feed", self.people[who].nick);
        t.signed(c, &self.people[who].oauth, "POST", &path, Some(body))
    }

    fn post(&self, t: &Target, c: &mut Conn, who: usize, n: usize) -> u16 {
        let body = json!({"verb": "post", "object": {"objectType": "note",
            "content": format!("A note from {} (number {n}): what a day it has been.", self.people[who].nick)},
            "to": [{"objectType": "collection", "id": "http://activityschema.org/collection/public"}]});
        let a = self.write(t, c, who, &body);
        if a.status == 200 {
            if let Ok(v) = serde_json::from_slice::<Value>(&a.body) {
                self.remember(t, &v["object"]);
            }
        }
        a.status
    }

    fn remember(&self, t: &Target, object: &Value) {
        let id = object["id"].as_str().unwrap_or_default().to_string();
        let href = object["links"]["self"]["href"].as_str().unwrap_or(&id);
        let path = href
            .strip_prefix(&t.base)
            .map(String::from)
            .unwrap_or_else(|| format!("/api/note?id={}", enc(&id)));
        if let Ok(mut recent) = self.recent.lock() {
            recent.push((id, path));
            if recent.len() > RECENT {
                recent.remove(0);
            }
        }
    }

    fn comment(&self, t: &Target, c: &mut Conn, who: usize, rng: &mut Rng) -> u16 {
        let Some((id, _)) = self.pick(rng) else {
            return 0;
        };
        let body = json!({"verb": "post", "object": {"objectType": "comment",
            "content": "I agree, and I would add a word or two.",
            "inReplyTo": {"id": id, "objectType": "note"}}});
        self.write(t, c, who, &body).status
    }

    fn like(&self, t: &Target, c: &mut Conn, who: usize, rng: &mut Rng) -> u16 {
        let Some((id, _)) = self.pick(rng) else {
            return 0;
        };
        let fresh = self
            .liked
            .lock()
            .map(|mut l| l.insert((who, id.clone())))
            .unwrap_or(false);
        if !fresh {
            // Liked already: a comment instead, so the write still happens.
            return self.comment(t, c, who, rng);
        }
        let body = json!({"verb": "favorite", "object": {"id": id, "objectType": "note"}});
        self.write(t, c, who, &body).status
    }
}
