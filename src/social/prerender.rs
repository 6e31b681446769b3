//! An activity rendered once for every reader of feed pages: the bytes `render::activity`
//! gives a reader with no user, and those a local user gets (proxy URLs of remote feeds,
//! api.md §16), each cut where the reader's own `liked`, `pump_io.shared` and
//! `pump_io.followed` go (on the object and the target). `write` splices them in from the
//! reader's relations. Whoever would be shown something else takes the old path: when a part
//! was hidden from a reader with no user (another reader may see it), and the actor of an
//! activity with bto/bcc (only they see those).
use super::activity::{self, Activity};
use super::objects::{self, id_of};
use super::relations::{self, FAVORITE, FOLLOW, SHARE};
use super::render::{self, Detail, Viewer};
use super::{addressing, proxies};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::store::{Read, Reads, R};
use serde_json::{json, Map, Value};
use std::sync::OnceLock;

/// Where one reader's decorations go.
struct Mark {
    /// The decorated object.
    id: String,
    followable: bool,
    /// The object's stored `pump_io` as a reader with no user sees it (a whole value).
    anon_pump_io: Option<Box<[u8]>>,
    /// Its members for a user, without what `render::full` sets (theirs come after).
    members: Box<[u8]>,
    /// The same with proxy URLs, when they differ.
    proxied_members: Option<Box<[u8]>>,
}

/// Rendered bytes with the place of each mark.
struct Cut {
    bytes: Box<[u8]>,
    /// `(offset, mark)`, in offset order.
    at: Vec<(usize, usize)>,
}

pub struct Prerendered {
    anon: Cut,
    /// None when a user sees the same bytes.
    user: Option<Cut>,
    marks: Vec<Mark>,
    /// Everyone may see it (`addressing::may_see` with no user): no feed filter needs it parsed.
    pub public: bool,
    /// Something was hidden from a reader with no user.
    hidden: bool,
    /// The actor, when they alone see more (bto/bcc).
    sees_more: Option<String>,
    /// False for what no reader may be given from here: gone, not renderable this way, or
    /// hidden in part and not public (no reader who may see it sees what was rendered).
    usable: bool,
}

/// A number unknown outside this process, so that no stored text can pass for a mark.
fn nonce() -> &'static str {
    static NONCE: OnceLock<String> = OnceLock::new();
    NONCE.get_or_init(|| crate::util::rand::token(12))
}

fn marker(i: usize) -> String {
    format!("\u{1}{}{i}", nonce())
}

impl Prerendered {
    /// Renders activity `id` from `r`, which notes what it reads (the activity too): the reads
    /// come back with it. What cannot be given to readers from here is kept as unusable, so
    /// that it is not rendered twice on every page; the old path says what is wrong with it.
    pub fn build(r: &R, cfg: &Config, id: &str, detail: Detail) -> (Self, Reads) {
        r.watch();
        let built = match activity::get(r, id) {
            Ok(Some(act)) => build(r, cfg, &act, detail).ok(),
            _ => None,
        };
        let reads = r.watched();
        let built = built
            .map(|p| Prerendered {
                hidden: reads.hidden,
                usable: p.public || !reads.hidden,
                ..p
            })
            .unwrap_or_else(Prerendered::unusable);
        (built, reads)
    }

    fn unusable() -> Prerendered {
        let empty = || Cut {
            bytes: Box::default(),
            at: Vec::new(),
        };
        Prerendered {
            anon: empty(),
            user: None,
            marks: Vec::new(),
            public: false,
            hidden: true,
            sees_more: None,
            usable: false,
        }
    }

    /// Whether `write` gives this reader what `render::activity` would.
    pub fn fits(&self, viewer: Option<&str>) -> bool {
        match viewer {
            _ if !self.usable => false,
            None => true,
            Some(me) => !self.hidden && self.sees_more.as_deref() != Some(me),
        }
    }

    /// Appends the activity as `viewer` sees it (one `fits`), with the proxy URLs of a user's
    /// API client when `proxied`; `r` gives the viewer's relations.
    pub fn write(
        &self,
        r: &impl Read,
        viewer: Option<&str>,
        proxied: bool,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        let cut = match (proxied, &self.user) {
            (true, Some(user)) => user,
            _ => &self.anon,
        };
        let mut from = 0;
        for &(at, i) in &cut.at {
            out.extend_from_slice(&cut.bytes[from..at]);
            from = at;
            let Some(mark) = self.marks.get(i) else {
                continue;
            };
            match viewer {
                None => {
                    if let Some(p) = &mark.anon_pump_io {
                        out.extend_from_slice(b",\"pump_io\":");
                        out.extend_from_slice(p);
                    }
                }
                Some(me) => decorate(r, me, mark, proxied, out)?,
            }
        }
        out.extend_from_slice(&cut.bytes[from..]);
        Ok(())
    }

    /// Bytes held, for the cache's budget.
    pub fn size(&self) -> usize {
        let marks: usize = self
            .marks
            .iter()
            .map(|m| {
                let len = |p: &Option<Box<[u8]>>| p.as_ref().map_or(0, |p| p.len());
                m.id.len() + m.members.len() + len(&m.proxied_members) + len(&m.anon_pump_io)
            })
            .sum();
        self.anon.bytes.len() + self.user.as_ref().map_or(0, |c| c.bytes.len()) + marks + 128
    }
}

/// `"liked"` and `pump_io` as `render::full` writes them for `me`.
fn decorate(r: &impl Read, me: &str, mark: &Mark, proxied: bool, out: &mut Vec<u8>) -> Result<()> {
    let yes = |b: bool| if b { "true" } else { "false" };
    let liked = relations::exists(r, FAVORITE, me, &mark.id)?;
    let shared = relations::exists(r, SHARE, me, &mark.id)?;
    out.extend_from_slice(b",\"liked\":");
    out.extend_from_slice(yes(liked).as_bytes());
    out.extend_from_slice(b",\"pump_io\":{");
    let members = match (proxied, &mark.proxied_members) {
        (true, Some(m)) => m,
        _ => &mark.members,
    };
    out.extend_from_slice(members);
    if !members.is_empty() {
        out.push(b',');
    }
    out.extend_from_slice(b"\"shared\":");
    out.extend_from_slice(yes(shared).as_bytes());
    if mark.followable {
        let followed = me != mark.id && relations::exists(r, FOLLOW, me, &mark.id)?;
        out.extend_from_slice(b",\"followed\":");
        out.extend_from_slice(yes(followed).as_bytes());
    }
    out.push(b'}');
    Ok(())
}

fn build(r: &R, cfg: &Config, act: &Activity, detail: Detail) -> Result<Prerendered> {
    let public = addressing::may_see(r, act, None)?;
    let mut doc = render::activity(r, Viewer { id: None }, act, detail)?;
    let actor = act.get("actor").and_then(id_of);
    let sees_more = (act.get("bto").is_some() || act.get("bcc").is_some())
        .then(|| actor.map(String::from))
        .flatten();
    let marks = if detail.decorate {
        mark(r, act, &mut doc)?
    } else {
        Vec::new()
    };
    let mut user_doc = doc.clone();
    proxies::decorate(cfg, &mut user_doc);
    let anon = cut(serde_json::to_vec(&doc)?, marks.len())?;
    let user = if user_doc == doc {
        None
    } else {
        Some(cut(serde_json::to_vec(&user_doc)?, marks.len())?)
    };
    let marks = marks
        .into_iter()
        .map(|(id, followable, pump_io)| finish(cfg, id, followable, pump_io))
        .collect::<Result<Vec<_>>>()?;
    Ok(Prerendered {
        anon,
        user,
        marks,
        public,
        hidden: false,
        sees_more,
        usable: true,
    })
}

/// Puts a marker where `render::full` decorates the object and the target for a reader (at
/// the end of their members), taking their `pump_io` out: `(id, followable, pump_io)` each.
fn mark(r: &R, act: &Activity, doc: &mut Value) -> Result<Vec<(String, bool, Option<Value>)>> {
    let mut marks = Vec::new();
    let Some(m) = doc.as_object_mut() else {
        return Ok(marks);
    };
    if m.contains_key("deleted") {
        return Ok(marks);
    }
    for k in ["object", "target"] {
        let Some(id) = act.get(k).and_then(id_of) else {
            continue;
        };
        let Some(stored) = objects::get(r, id)? else {
            continue;
        };
        if !addressing::may_show(r, &stored, None)? {
            continue;
        }
        let Some(Value::Object(o)) = m.get_mut(k) else {
            continue;
        };
        if o.contains_key("deleted") {
            continue;
        }
        if o.contains_key("liked") {
            return Err(Error::internal(
                "a stored liked member: render it the old way",
            ));
        }
        let pump_io = o.shift_remove("pump_io");
        o.insert("liked".into(), json!(marker(marks.len())));
        let id = id_of(&stored).unwrap_or_default().to_string();
        marks.push((id, render::followable(&stored), pump_io));
    }
    Ok(marks)
}

fn finish(cfg: &Config, id: String, followable: bool, pump_io: Option<Value>) -> Result<Mark> {
    let anon_pump_io = match &pump_io {
        Some(p) => Some(serde_json::to_vec(p)?.into_boxed_slice()),
        None => None,
    };
    let mut members = pump_io
        .and_then(|p| match p {
            Value::Object(m) => Some(m),
            _ => None,
        })
        .unwrap_or_default();
    // What `render::full` sets for a reader, it sets in place; the rest stays.
    members.shift_remove("shared");
    if followable {
        members.shift_remove("followed");
    }
    let members = Value::Object(members);
    let mut proxied = members.clone();
    proxies::decorate(cfg, &mut proxied);
    let proxied_members = match proxied != members {
        true => Some(inner(&proxied)?),
        false => None,
    };
    Ok(Mark {
        id,
        followable,
        anon_pump_io,
        members: inner(&members)?,
        proxied_members,
    })
}

/// An object's members as JSON: `{…}` without its braces.
fn inner(v: &Value) -> Result<Box<[u8]>> {
    let bytes = serde_json::to_vec(v)?;
    Ok(bytes
        .get(1..bytes.len().saturating_sub(1))
        .unwrap_or_default()
        .into())
}

/// Finds and removes each of the `n` markers, noting where it was.
fn cut(bytes: Vec<u8>, n: usize) -> Result<Cut> {
    let mut found = Vec::new();
    for i in 0..n {
        let needle = serde_json::to_vec(&Map::from_iter([("liked".into(), json!(marker(i)))]))?;
        // `{"liked":"…"}` → `,"liked":"…"`: the member as it follows others.
        let mut needle = needle[1..needle.len() - 1].to_vec();
        needle.insert(0, b',');
        let at = crate::util::find(&bytes, &needle)
            .ok_or_else(|| Error::internal("a decoration marker went missing"))?;
        found.push((at, needle.len(), i));
    }
    found.sort_unstable();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = Vec::new();
    let mut from = 0;
    for (pos, len, i) in found {
        out.extend_from_slice(&bytes[from..pos]);
        at.push((out.len(), i));
        from = pos + len;
    }
    out.extend_from_slice(&bytes[from..]);
    Ok(Cut {
        bytes: out.into_boxed_slice(),
        at,
    })
}
