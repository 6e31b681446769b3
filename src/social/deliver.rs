//! Local delivery (activities.md §8): every local recipient's inbox and every local group's
//! inbox, finished before the posting request is answered.
use super::activity::{is_direct, to_inbox};
use super::addressing::{self, followers_id};
use super::objects::{self, id_of, type_of};
use super::verbs::{group_stream, members_stream};
use super::{relations, urls};
use crate::config::Config;
use crate::error::Result;
use crate::store::{Read, W};
use serde_json::Value;
use std::collections::{BTreeSet, HashSet};

/// Lists inside lists are followed this deep at most.
const MAX_NESTING: usize = 4;

struct Delivery<'a, 'w> {
    w: &'a W<'w>,
    cfg: &'a Config,
    act: &'a Value,
    actor_id: String,
    actor_followers: Option<String>,
    actor_nick: Option<String>,
    major: bool,
    users: HashSet<String>,
    groups: HashSet<String>,
    lists: HashSet<String>,
    remote: BTreeSet<String>,
}

/// An activity placed in local inboxes: its id, the local users whose inbox it reached (for
/// the live-update job that follows), and the remote persons and groups it is for (for the
/// delivery jobs).
pub struct Posted {
    pub id: String,
    pub reached: HashSet<String>,
    pub remote: BTreeSet<String>,
}

/// Whom an activity reached: local users (the actor among them when local), and the remote
/// persons and groups that federation delivers it to (never the actor).
pub struct Reached {
    pub users: HashSet<String>,
    pub remote: BTreeSet<String>,
}

/// Delivers `act` to its local recipients and lists its remote ones; the actor's own streams
/// are the caller's.
pub fn local(w: &W, cfg: &Config, act: &Value, actor: &Value, major: bool) -> Result<Reached> {
    let actor_id = id_of(actor).unwrap_or_default().to_string();
    let actor_nick = objects::local_nick(w, cfg, &actor_id)?;
    let mut d = Delivery {
        w,
        cfg,
        act,
        actor_followers: followers_id(actor),
        actor_id,
        users: actor_nick.iter().cloned().collect(),
        actor_nick,
        major,
        groups: HashSet::new(),
        lists: HashSet::new(),
        remote: BTreeSet::new(),
    };
    for a in addressing::all(act) {
        d.address(a, 0)?;
    }
    if let Some(author) = remote_author(w, cfg, act)? {
        d.remote.insert(author);
    }
    d.remote.remove(&d.actor_id);
    Ok(Reached {
        users: d.users,
        remote: d.remote,
    })
}

/// Verbs that act on someone's object: its remote author's server keeps the object's likes
/// and shares, so it gets the activity whoever else it is addressed to.
const TOWARD_AUTHOR: &[&str] = &[
    "favorite",
    "unfavorite",
    "like",
    "unlike",
    "share",
    "unshare",
];

fn remote_author(w: &W, cfg: &Config, act: &Value) -> Result<Option<String>> {
    let verb = act.get("verb").and_then(Value::as_str).unwrap_or("post");
    if !TOWARD_AUTHOR.contains(&verb) {
        return Ok(None);
    }
    let Some(oid) = act.get("object").and_then(id_of) else {
        return Ok(None);
    };
    let author =
        objects::get(w, oid)?.and_then(|o| o.get("author").and_then(id_of).map(String::from));
    Ok(author.filter(|a| !objects::is_local_id(cfg, a)))
}

impl Delivery<'_, '_> {
    fn address(&mut self, a: &Value, depth: usize) -> Result<()> {
        let Some(id) = id_of(a) else { return Ok(()) };
        if id == urls::PUBLIC || Some(id) == self.actor_followers.as_deref() {
            return self.followers();
        }
        match type_of(a) {
            "person" | "" => self.person(id),
            "collection" => self.list(id, depth),
            "group" => self.group(id),
            _ => Ok(()),
        }
    }

    fn person(&mut self, id: &str) -> Result<()> {
        let Some(nick) = objects::local_nick(self.w, self.cfg, id)? else {
            if !objects::is_local_id(self.cfg, id) {
                self.remote.insert(id.to_string());
            }
            return Ok(());
        };
        // Someone who blocks or mutes the actor does not get their activities.
        if super::blocks::hides(self.w, id, &self.actor_id)? {
            return Ok(());
        }
        if self.users.insert(nick.clone()) {
            let aid = id_of(self.act).unwrap_or_default();
            to_inbox(self.w, &nick, aid, self.major, is_direct(self.act, id))?;
        }
        Ok(())
    }

    /// Every follower of the actor (remote ones are listed for federation).
    fn followers(&mut self) -> Result<()> {
        let Some(nick) = self.actor_nick.clone() else {
            return Ok(());
        };
        let stream = urls::stream(&nick, "followers");
        let mut below = u64::MAX;
        loop {
            let batch = self.w.stream_desc(&stream, below, 256)?;
            let Some(last) = batch.last() else {
                return Ok(());
            };
            below = last.0;
            for (_, follower) in batch {
                self.person(&follower)?;
            }
        }
    }

    /// A list of the actor's: each member, lists inside it included.
    fn list(&mut self, id: &str, depth: usize) -> Result<()> {
        if depth >= MAX_NESTING || !self.lists.insert(id.to_string()) {
            return Ok(());
        }
        let Some(list) = objects::get(self.w, id)? else {
            return Ok(());
        };
        if !objects::is_list(&list)
            || list.get("author").and_then(id_of) != Some(self.actor_id.as_str())
        {
            return Ok(());
        }
        let stream = members_stream(id);
        let n = self.w.stream_count(&stream)? as usize;
        for member in self.w.stream_newest(&stream, None, 0, n)? {
            let kind = objects::get(self.w, &member)?
                .map(|m| type_of(&m).to_string())
                .unwrap_or_default();
            let r = serde_json::json!({"id": member, "objectType": kind});
            self.address(&r, depth + 1)?;
        }
        Ok(())
    }

    /// A local group: its inbox and each member.
    fn group(&mut self, id: &str) -> Result<()> {
        if !self.groups.insert(id.to_string()) {
            return Ok(());
        }
        if !objects::is_local_id(self.cfg, id) {
            self.remote.insert(id.to_string());
            return Ok(());
        }
        let Some(g) = objects::get(self.w, id)? else {
            return Ok(());
        };
        if !objects::is_local_group(&g) {
            return Ok(());
        }
        let aid = id_of(self.act).unwrap_or_default();
        self.w.stream_push(&group_stream(id, "inbox"), aid)?;
        let stream = group_stream(id, "members");
        let n = self.w.stream_count(&stream)? as usize;
        for member in self.w.stream_newest(&stream, None, 0, n)? {
            if relations::exists(self.w, relations::MEMBER, &member, id)? {
                self.person(&member)?;
            }
        }
        Ok(())
    }
}
