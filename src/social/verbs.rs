//! The side effects of each verb (activities.md §5.1). Each runs inside the posting request's
//! write transaction, so a refused activity changes nothing.
use super::addressing;
use super::objects::{self, id_of, type_of, Object};
use super::relations::{self, FAVORITE, FOLLOW, MEMBER, SHARE};
use super::urls;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::store::{self, Read, W};
use crate::util::time::now_iso;
use serde_json::{json, Value};

/// What the verb left behind: the stored object and target the activity refers to.
pub struct Applied {
    pub object: Object,
    pub target: Option<Object>,
}

impl Applied {
    /// Notes activity `aid` as what brought the object and target (addressing::mark_carried).
    pub fn mark_carried(&self, w: &W, cfg: &Config, aid: &str) -> Result<()> {
        for o in std::iter::once(&self.object).chain(self.target.as_ref()) {
            addressing::mark_carried(w, cfg, o, aid)?;
        }
        Ok(())
    }
}

/// The parties of an activity being applied.
pub struct Actor<'a> {
    pub person: &'a Value,
    /// Set when the actor is a local user.
    pub nick: Option<&'a str>,
}

impl Actor<'_> {
    pub fn id(&self) -> &str {
        id_of(self.person).unwrap_or_default()
    }
}

fn bad(m: String) -> Error {
    Error::BadRequest(m)
}

pub fn replies_stream(id: &str) -> String {
    format!("activityobject:replies:{id}")
}
pub fn shares_stream(id: &str) -> String {
    format!("activityobject:shares:{id}")
}
pub fn likes_stream(id: &str) -> String {
    format!("favoriters:{id}")
}
pub fn members_stream(id: &str) -> String {
    format!("collection:{id}")
}
pub fn group_stream(id: &str, which: &str) -> String {
    format!("group:{id}:{which}")
}

/// Applies `verb` to `given` (the client's object) and `target`.
pub fn apply(
    w: &W,
    cfg: &Config,
    verb: &str,
    actor: &Actor,
    given: &Value,
    target: Option<&Value>,
    activity_id: &str,
) -> Result<Applied> {
    let plain = |object: Object| {
        Ok(Applied {
            object,
            target: None,
        })
    };
    match verb {
        "post" | "create" => post(w, cfg, actor, given, target, activity_id),
        "update" => plain(update(w, cfg, actor, given)?),
        "delete" => plain(delete(w, cfg, actor, given)?),
        "follow" => plain(follow(w, cfg, actor, given)?),
        "stop-following" => plain(unfollow(w, cfg, actor, given)?),
        "favorite" | "like" => plain(favorite(w, cfg, actor, given)?),
        "unfavorite" | "unlike" => plain(unfavorite(w, cfg, actor, given)?),
        "share" => plain(share(w, cfg, actor, given)?),
        "unshare" => plain(unshare(w, cfg, actor, given)?),
        "add" => add(w, cfg, actor, given, target),
        "remove" => remove(w, cfg, actor, given, target),
        "join" => plain(join(w, cfg, actor, given)?),
        v if super::blocks::VERBS.contains(&v) => {
            super::blocks::apply(w, cfg, v, actor, given)?;
            plain(objects::ensure(w, cfg, given)?)
        }
        "leave" => plain(leave(w, cfg, actor, given)?),
        _ => {
            let object = objects::ensure(w, cfg, given)?;
            let target = target.map(|t| objects::ensure(w, cfg, t)).transpose()?;
            Ok(Applied { object, target })
        }
    }
}

fn required_id(v: &Value, what: &str) -> Result<String> {
    id_of(v)
        .map(String::from)
        .ok_or_else(|| bad(format!("No {what} ID for activity")))
}

fn stored(w: &W, id: &str) -> Result<Option<Object>> {
    Ok(objects::get(w, id)?.filter(|o| !objects::is_deleted(o)))
}

fn post(
    w: &W,
    cfg: &Config,
    actor: &Actor,
    given: &Value,
    target: Option<&Value>,
    aid: &str,
) -> Result<Applied> {
    let existing = match id_of(given) {
        Some(id) => objects::get(w, id)?,
        None => None,
    };
    let mut obj = match existing {
        Some(o) => {
            if objects::is_deleted(&o) {
                return Err(bad(format!(
                    "Can't post {}: it was deleted",
                    id_of(&o).unwrap_or_default()
                )));
            }
            if let Some(c) = addressing::creating_activity(w, &o)? {
                if c.get("actor").and_then(id_of) == Some(actor.id()) {
                    return Err(bad(format!(
                        "Already posted {}",
                        id_of(&o).unwrap_or_default()
                    )));
                }
            }
            // A remote server's post carries the object itself: a bare copy stored earlier
            // takes its content (ensure merges richer copies of remote objects only).
            match (
                actor.nick,
                same_host(actor.id(), id_of(&o).unwrap_or_default()),
            ) {
                (None, true) => objects::ensure(w, cfg, given)?,
                _ => o,
            }
        }
        None => create(w, cfg, actor, given)?,
    };
    let oid = id_of(&obj).unwrap_or_default().to_string();
    let Object { doc, private } = &mut obj;
    let Some(m) = doc.as_object_mut() else {
        return Err(Error::internal("stored object is not an object"));
    };
    // Posting an object that is already stored (an upload, another's note) never makes the
    // actor its author, nor changes what it replies to, unless it is the actor's own.
    let mut own = m.get("author").and_then(id_of) == Some(actor.id());
    // A remote author's post of an object first known here as a bare reference makes it theirs
    // when it lives on their own server.
    if !m.contains_key("author") && actor.nick.is_none() && same_host(actor.id(), &oid) {
        m.insert("author".into(), objects::reference(actor.person));
        own = true;
    }
    if private.created_by.is_none() && own {
        private.created_by = Some(aid.to_string());
    }
    let parent = given.get("inReplyTo").filter(|p| p.is_object());
    if let (Some(_), false) = (parent, own) {
        return Err(bad(format!(
            "Can't post {oid} in reply to something: it is not yours"
        )));
    }
    if let Some(parent) = parent {
        let pid = required_id(parent, "inReplyTo")?;
        let parent = objects::ensure(w, cfg, parent)?;
        if let Some(author) = parent.get("author").and_then(id_of) {
            super::blocks::refuse_blocked(w, author, actor.id(), "reply to")?;
        }
        m.insert("inReplyTo".into(), objects::reference(&parent));
        w.stream_push(&replies_stream(&pid), &oid)?;
    }
    objects::put(w, &obj)?;
    let target = match target {
        Some(t) => Some(add_to(w, cfg, actor, &obj, t)?),
        None => None,
    };
    Ok(Applied {
        object: obj,
        target,
    })
}

/// Whether two ids (`acct:` or URLs) name the same host.
fn same_host(a: &str, b: &str) -> bool {
    let host = |id: &str| -> Option<String> {
        if let Some(rest) = id.strip_prefix("acct:") {
            return rest.rsplit_once('@').map(|(_, h)| h.to_ascii_lowercase());
        }
        let rest = id.split_once("://")?.1;
        let authority = rest.split(['/', '?', '#']).next()?;
        Some(authority.split(':').next()?.to_ascii_lowercase())
    };
    matches!((host(a), host(b)), (Some(x), Some(y)) if !x.is_empty() && x == y)
}

/// A new object by the actor: a local id, or the client's foreign id.
fn create(w: &W, cfg: &Config, actor: &Actor, given: &Value) -> Result<Object> {
    let mut m = given.as_object().cloned().unwrap_or_default();
    let kind = type_of(given).to_string();
    if kind.is_empty() {
        return Err(bad("Object has no objectType".into()));
    }
    m.insert("author".into(), objects::reference(actor.person));
    m.remove("inReplyTo");
    let list_kind = match (
        kind.as_str(),
        actor.nick,
        m.get("displayName").and_then(Value::as_str),
    ) {
        ("collection", Some(nick), Some(name)) => {
            objects::list_type(given).map(|t| (nick, name.to_string(), t.to_string()))
        }
        _ => None,
    };
    if let Some((nick, name, t)) = &list_kind {
        let stream = urls::stream(nick, &format!("lists:{t}"));
        let n = w.stream_count(&stream)? as usize;
        for lid in w.stream_newest(&stream, None, 0, n)? {
            if let Some(l) = objects::get(w, &lid)? {
                if l.get("displayName").and_then(Value::as_str) == Some(name.as_str()) {
                    return Err(bad(format!(
                        "A folder for '{t}' named '{name}' already exists."
                    )));
                }
            }
        }
    }
    let local_author = actor.nick.is_some();
    let mut obj = if id_of(given).is_some() {
        objects::new_foreign(cfg, m, local_author)
    } else {
        objects::new_local(cfg, &kind, actor.nick, m)
    };
    obj.private.list = list_kind.is_some() && id_of(given).is_none();
    obj.private.local_group = kind == "group" && local_author;
    if let (Some((nick, _, t)), true) = (&list_kind, obj.private.list) {
        w.stream_push(
            &urls::stream(nick, &format!("lists:{t}")),
            id_of(&obj).unwrap_or_default(),
        )?;
    }
    objects::put(w, &obj)?;
    Ok(obj)
}

const IMMUTABLE: &[&str] = &[
    "id",
    "objectType",
    "published",
    "links",
    "likes",
    "replies",
    "shares",
    "author",
    "members",
    "documents",
    "followers",
    "following",
    "favorites",
    "lists",
    "deleted",
];

/// The links to an upload's own files: an update keeps them, so that deleting the object
/// still finds (and removes) every file it owns.
const OWN_FILES: &[&str] = &["image", "fullImage", "stream", "fileUrl", "attachments"];

fn update(w: &W, cfg: &Config, actor: &Actor, given: &Value) -> Result<Object> {
    let id = required_id(given, "object")?;
    let mut obj = stored(w, &id)?.ok_or_else(|| bad(format!("Can't update {id}: not found.")))?;
    match obj.get("author").and_then(id_of) {
        Some(a) if a != actor.id() => return Err(bad(format!("Can't update {id}: not author."))),
        None if id != actor.id() => return Err(bad(format!("Can't update {id}: not you."))),
        _ => {}
    }
    let mut owns_files = false;
    for rel in crate::media::files::of(cfg, &obj) {
        owns_files |= store::uploads::owner(w, &rel)?.as_deref() == Some(id.as_str());
    }
    if let (Some(m), Some(g)) = (obj.as_object_mut(), given.as_object()) {
        for (k, v) in g {
            let kept =
                IMMUTABLE.contains(&k.as_str()) || (owns_files && OWN_FILES.contains(&k.as_str()));
            if !kept {
                m.insert(k.clone(), v.clone());
            }
        }
        m.insert("updated".into(), json!(now_iso()));
    }
    objects::put(w, &obj)?;
    Ok(obj)
}

fn delete(w: &W, cfg: &Config, actor: &Actor, given: &Value) -> Result<Object> {
    let id = required_id(given, "object")?;
    let obj = stored(w, &id)?.ok_or_else(|| bad(format!("Can't delete {id}: not found.")))?;
    if obj.get("author").and_then(id_of) != Some(actor.id()) {
        return Err(bad(format!("Can't delete {id}: not author.")));
    }
    let mut tomb = objects::tombstone(&obj);
    // Its uploaded files stop being served with this commit and are removed after it.
    let mut gone = Vec::new();
    for rel in crate::media::files::of(cfg, &obj) {
        if store::uploads::owner(w, &rel)?.as_deref() == Some(id.as_str()) {
            store::uploads::delete(w, &rel)?;
            gone.push(rel);
        }
    }
    tomb.private.files = gone;
    objects::put(w, &tomb)?;
    if let Some(pid) = obj.get("inReplyTo").and_then(id_of) {
        w.stream_remove(&replies_stream(pid), &id)?;
    }
    if objects::is_list(&obj) {
        clear(w, &members_stream(&id))?;
        if let (Some(t), Some(nick)) = (objects::list_type(&obj), actor.nick) {
            w.stream_remove(&urls::stream(nick, &format!("lists:{t}")), &id)?;
        }
    }
    Ok(tomb)
}

/// Empties a stream.
fn clear(w: &W, stream: &str) -> Result<()> {
    loop {
        let batch = w.stream_newest(stream, None, 0, 256)?;
        if batch.is_empty() {
            return Ok(());
        }
        for item in batch {
            w.stream_remove(stream, &item)?;
        }
    }
}

fn follow(w: &W, cfg: &Config, actor: &Actor, given: &Value) -> Result<Object> {
    let oid = required_id(given, "object")?;
    super::blocks::refuse_blocked(w, &oid, actor.id(), "follow")?;
    if relations::exists(w, FOLLOW, actor.id(), &oid)? {
        return Err(bad(format!("Already following {oid}")));
    }
    let obj = objects::ensure(w, cfg, given)?;
    relations::add(w, FOLLOW, actor.id(), &oid)?;
    if let Some(nick) = actor.nick {
        w.stream_push(&urls::stream(nick, "following"), &oid)?;
    }
    if let Some(other) = objects::local_nick(w, cfg, &oid)? {
        w.stream_push(&urls::stream(&other, "followers"), actor.id())?;
        if let Some(nick) = actor.nick {
            super::activity::recent_to_inbox(w, nick, &other, cfg.recent_on_follow)?;
        }
    } else if let (Some(nick), Some(host), true) =
        (actor.nick, urls::host_of(&oid), cfg.recent_on_follow > 0)
    {
        // Someone elsewhere: their recent posts are fetched after the commit.
        let b = crate::jobs::Backfill {
            nick: nick.to_string(),
            person: oid.clone(),
            host,
        };
        crate::jobs::backfill(w, cfg, b)?;
    }
    Ok(obj)
}

fn unfollow(w: &W, cfg: &Config, actor: &Actor, given: &Value) -> Result<Object> {
    let oid = required_id(given, "object")?;
    if !relations::remove(w, FOLLOW, actor.id(), &oid)? {
        return Err(bad(format!("Not following {oid}")));
    }
    if let Some(nick) = actor.nick {
        w.stream_remove(&urls::stream(nick, "following"), &oid)?;
    }
    if let Some(other) = objects::local_nick(w, cfg, &oid)? {
        w.stream_remove(&urls::stream(&other, "followers"), actor.id())?;
    }
    objects::ensure(w, cfg, given)
}

fn favorite(w: &W, cfg: &Config, actor: &Actor, given: &Value) -> Result<Object> {
    let oid = required_id(given, "object")?;
    if relations::exists(w, FAVORITE, actor.id(), &oid)? {
        return Err(bad(format!("Already favorited {oid}")));
    }
    let obj = objects::ensure(w, cfg, given)?;
    relations::add(w, FAVORITE, actor.id(), &oid)?;
    w.stream_push(&likes_stream(&oid), actor.id())?;
    if let Some(nick) = actor.nick {
        w.stream_push(&urls::stream(nick, "favorites"), &oid)?;
    }
    Ok(obj)
}

fn unfavorite(w: &W, cfg: &Config, actor: &Actor, given: &Value) -> Result<Object> {
    let oid = required_id(given, "object")?;
    if !relations::remove(w, FAVORITE, actor.id(), &oid)? {
        return Err(bad(format!("Not favorited: {oid}")));
    }
    w.stream_remove(&likes_stream(&oid), actor.id())?;
    if let Some(nick) = actor.nick {
        w.stream_remove(&urls::stream(nick, "favorites"), &oid)?;
    }
    objects::ensure(w, cfg, given)
}

fn share(w: &W, cfg: &Config, actor: &Actor, given: &Value) -> Result<Object> {
    let oid = required_id(given, "object")?;
    let obj = objects::ensure(w, cfg, given)?;
    // A share shows the object to the sharer's followers: only public objects may be shared
    // (as Mastodon refuses to boost followers-only posts). A remote server decides for its own.
    if actor.nick.is_some() && !addressing::is_public(w, &obj)? {
        return Err(bad(format!(
            "Can't share {oid}: only public objects can be shared."
        )));
    }
    w.stream_push(&shares_stream(&oid), actor.id())?;
    relations::add(w, SHARE, actor.id(), &oid)?;
    Ok(obj)
}

fn unshare(w: &W, cfg: &Config, actor: &Actor, given: &Value) -> Result<Object> {
    let oid = required_id(given, "object")?;
    if !w.stream_remove(&shares_stream(&oid), actor.id())? {
        return Err(bad(format!("Not shared: {oid}")));
    }
    relations::remove(w, SHARE, actor.id(), &oid)?;
    objects::ensure(w, cfg, given)
}

fn add(
    w: &W,
    cfg: &Config,
    actor: &Actor,
    given: &Value,
    target: Option<&Value>,
) -> Result<Applied> {
    let target = target.ok_or_else(|| bad("No target for add".into()))?;
    let object = objects::ensure(w, cfg, given)?;
    let target = add_to(w, cfg, actor, &object, target)?;
    Ok(Applied {
        object,
        target: Some(target),
    })
}

/// Adds `object` to a list's members or a group's documents; returns the stored target.
fn add_to(w: &W, cfg: &Config, actor: &Actor, object: &Value, target: &Value) -> Result<Object> {
    let target = objects::ensure(w, cfg, target)?;
    let tid = id_of(&target).unwrap_or_default().to_string();
    let oid = id_of(object).unwrap_or_default();
    match type_of(&target) {
        "collection" => {
            if !objects::is_list(&target) {
                return Ok(target);
            }
            if target.get("author").and_then(id_of) != Some(actor.id()) {
                return Err(bad(format!("Can't add to {tid}: not author.")));
            }
            if objects::list_type(&target) != Some(type_of(object)) {
                return Err(bad(format!("Can't add to {tid}: incorrect type.")));
            }
            existing_person(w, cfg, object)?;
            w.stream_push(&members_stream(&tid), oid)?;
        }
        "group" => {
            if !relations::exists(w, MEMBER, actor.id(), &tid)? {
                return Err(bad("Actor is not a member of the group.".into()));
            }
            let docs = group_stream(&tid, "documents");
            if w.stream_seq(&docs, oid)?.is_some() {
                return Err(bad("Group already contains object.".into()));
            }
            w.stream_push(&docs, oid)?;
        }
        other => {
            return Err(bad(format!(
                "Can't add to {tid}: don't know how to add to type '{other}'"
            )))
        }
    }
    Ok(target)
}

/// A list member that names a local account must name one that exists: a "ghost" member
/// would let whoever registers that nickname later read what was sent to the list.
fn existing_person(w: &W, cfg: &Config, object: &Value) -> Result<()> {
    let id = id_of(object).unwrap_or_default();
    if type_of(object) == "person"
        && objects::is_local_id(cfg, id)
        && objects::local_nick(w, cfg, id)?.is_none()
    {
        return Err(bad(format!("Can't add {id}: no such person.")));
    }
    Ok(())
}

fn remove(
    w: &W,
    cfg: &Config,
    actor: &Actor,
    given: &Value,
    target: Option<&Value>,
) -> Result<Applied> {
    let target = target.ok_or_else(|| bad("No target for remove".into()))?;
    let tid = required_id(target, "target")?;
    let target =
        stored(w, &tid)?.ok_or_else(|| bad(format!("Can't remove from {tid}: not found.")))?;
    let oid = required_id(given, "object")?;
    let object = objects::ensure(w, cfg, given)?;
    match type_of(&target) {
        "collection" => {
            if target.get("author").and_then(id_of) != Some(actor.id()) {
                return Err(bad(format!("Can't remove from {tid}: not author.")));
            }
            let types = target.get("objectTypes").and_then(Value::as_array);
            if !types.is_some_and(|t| t.iter().any(|x| x.as_str() == Some(type_of(&object)))) {
                return Err(bad(format!("Can't remove from {tid}: incorrect type.")));
            }
            if !w.stream_remove(&members_stream(&tid), &oid)? {
                return Err(bad(format!("{oid} is not a member of {tid}.")));
            }
        }
        "group" => {
            if !relations::exists(w, MEMBER, actor.id(), &tid)? {
                return Err(bad("Actor is not a member of the group.".into()));
            }
            if !w.stream_remove(&group_stream(&tid, "documents"), &oid)? {
                return Err(bad(format!("{oid} is not in group {tid}.")));
            }
        }
        other => {
            return Err(bad(format!(
                "Can't remove from {tid}: don't know how to remove from type '{other}'"
            )))
        }
    }
    Ok(Applied {
        object,
        target: Some(target),
    })
}

fn name(v: &Value) -> String {
    v.get("displayName")
        .and_then(Value::as_str)
        .or_else(|| id_of(v))
        .unwrap_or("someone")
        .to_string()
}

fn join(w: &W, cfg: &Config, actor: &Actor, given: &Value) -> Result<Object> {
    let obj = objects::ensure(w, cfg, given)?;
    if type_of(&obj) != "group" {
        return Ok(obj);
    }
    let gid = required_id(&obj, "object")?;
    if objects::is_local_group(&obj) {
        let allowed = match addressing::creating_activity(w, &obj)? {
            Some(c) => {
                addressing::may_see(w, &c, Some(actor.id()))?
                    || obj.get("author").and_then(id_of) == Some(actor.id())
            }
            None => false,
        };
        if !allowed {
            return Err(Error::Forbidden(format!(
                "{} is not allowed to join group {}",
                name(actor.person),
                name(&obj)
            )));
        }
    }
    if relations::exists(w, MEMBER, actor.id(), &gid)? {
        return Err(bad(format!("Already a member of {gid}")));
    }
    relations::add(w, MEMBER, actor.id(), &gid)?;
    if objects::is_local_group(&obj) {
        w.stream_push(&group_stream(&gid, "members"), actor.id())?;
    }
    Ok(obj)
}

fn leave(w: &W, cfg: &Config, actor: &Actor, given: &Value) -> Result<Object> {
    let obj = objects::ensure(w, cfg, given)?;
    if type_of(&obj) != "group" {
        return Ok(obj);
    }
    let gid = required_id(&obj, "object")?;
    if !relations::remove(w, MEMBER, actor.id(), &gid)? {
        return Err(bad(format!("Not a member of {gid}")));
    }
    w.stream_remove(&group_stream(&gid, "members"), actor.id())?;
    Ok(obj)
}
