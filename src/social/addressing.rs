//! Who may see an activity or object (activities.md §6.2-6.3) and whom an activity goes to by
//! default (§6.5).
use super::activity::{self, Activity};
use super::objects::Object;
use super::objects::{self, id_of, type_of};
use super::{relations, urls};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::store::{users, Read, W};
use serde_json::{json, Map, Value};

pub const FIELDS: [&str; 4] = ["to", "cc", "bto", "bcc"];

/// Every address of an activity's document.
pub fn all(act: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    for k in FIELDS {
        if let Some(a) = act.get(k).and_then(Value::as_array) {
            out.extend(a.iter());
        }
    }
    out
}

pub fn has_addresses(act: &Map<String, Value>) -> bool {
    FIELDS.iter().any(|k| {
        act.get(*k)
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty())
    })
}

/// The followers collection id of a stored actor.
pub fn followers_id(actor: &Value) -> Option<String> {
    actor
        .get("followers")
        .and_then(|f| f.get("url"))
        .and_then(Value::as_str)
        .map(String::from)
}

/// May the person `viewer` (None: a client with no user) see `act`? (§6.2)
pub fn may_see(r: &impl Read, act: &Activity, viewer: Option<&str>) -> Result<bool> {
    // Those it was delivered to without being addressed may see it too.
    let mut addrs = all(act);
    addrs.extend(act.private.received.iter());
    if addrs.iter().any(|a| id_of(a) == Some(urls::PUBLIC)) {
        return Ok(true);
    }
    let Some(p) = viewer else { return Ok(false) };
    let actor_id = act.get("actor").and_then(id_of).unwrap_or_default();
    if actor_id == p {
        return Ok(true);
    }
    let actor = objects::get(r, actor_id)?;
    let actor_followers = actor.as_deref().and_then(followers_id);
    let names: Vec<String> = std::iter::once(p.to_string()).chain(aliases(p)).collect();
    for a in addrs {
        let Some(id) = id_of(a) else { continue };
        let t = type_of(a);
        if names.iter().any(|n| n == id) && (t == "person" || t.is_empty()) {
            return Ok(true);
        }
        if Some(id) == actor_followers.as_deref()
            && relations::exists(r, relations::FOLLOW, p, actor_id)?
        {
            return Ok(true);
        }
        if t == "collection" {
            for n in &names {
                if r.stream_seq(&format!("collection:{id}"), n)?.is_some() {
                    return Ok(true);
                }
            }
        }
        // Membership of a remote group is only a claim here: it grants nothing.
        if t == "group"
            && relations::exists(r, relations::MEMBER, p, id)?
            && objects::get(r, id)?.is_some_and(|g| objects::is_local_group(&g))
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The other name of a person id: `acct:nick@host` and `http://host/api/user/nick/profile`
/// name the same account (which one a server uses depends on its port), and clients address
/// and add to lists by either.
fn aliases(p: &str) -> Vec<String> {
    if let Some((nick, host)) = p.strip_prefix("acct:").and_then(|r| r.rsplit_once('@')) {
        return ["http", "https"]
            .iter()
            .map(|s| format!("{s}://{host}/api/user/{nick}/profile"))
            .collect();
    }
    let rest = p
        .strip_prefix("http://")
        .or_else(|| p.strip_prefix("https://"));
    let Some((host, path)) = rest.and_then(|r| r.split_once('/')) else {
        return Vec::new();
    };
    match path
        .strip_prefix("api/user/")
        .and_then(|n| n.strip_suffix("/profile"))
    {
        Some(nick) if !nick.contains('/') && !host.contains(':') => {
            vec![format!("acct:{nick}@{host}")]
        }
        _ => Vec::new(),
    }
}

/// The creating activity of an object: the `post` (else `create`) by its author.
pub fn creating_activity(r: &impl Read, obj: &Object) -> Result<Option<Activity>> {
    match &obj.private.created_by {
        Some(aid) => activity::get(r, aid),
        None => Ok(None),
    }
}

/// May `viewer` see `obj`? Its author may; else whoever may see its creating activity (§6.3).
pub fn object_visible(r: &impl Read, obj: &Object, viewer: Option<&str>) -> Result<bool> {
    let author = obj.get("author").and_then(id_of);
    if viewer.is_some() && author == viewer {
        return Ok(true);
    }
    if type_of(obj) == "person" && viewer == id_of(obj) && viewer.is_some() {
        return Ok(true);
    }
    match creating_activity(r, obj)? {
        Some(act) => may_see(r, &act, viewer),
        None => Ok(false),
    }
}

/// The activity whose audience an object has: the one that posted it here, else the one
/// that brought it.
pub fn audience_activity(r: &impl Read, obj: &Object) -> Result<Option<Activity>> {
    match creating_activity(r, obj)? {
        Some(act) => Ok(Some(act)),
        None => carrying_activity(r, obj),
    }
}

/// For an object nobody posted here (a remote note that came inside a share, a foreign object
/// a client liked): the first activity that brought it, whose readers may see it.
fn carrying_activity(r: &impl Read, obj: &Object) -> Result<Option<Activity>> {
    match &obj.private.carried_by {
        Some(aid) => activity::get(r, aid),
        None => Ok(None),
    }
}

/// Notes `aid` as the activity that brought `obj`, when nothing else says who may see it: a
/// foreign object nobody posted here (local objects are posted, uploaded or the server's own).
pub fn mark_carried(w: &W, cfg: &Config, obj: &Value, aid: &str) -> Result<()> {
    let Some(id) = id_of(obj) else { return Ok(()) };
    if objects::is_local_id(cfg, id) {
        return Ok(());
    }
    let Some(mut stored) = objects::get(w, id)? else {
        return Ok(());
    };
    let unclaimed = stored.private.created_by.is_none() && stored.private.carried_by.is_none();
    let kind = type_of(&stored);
    let marked =
        unclaimed && kind != "person" && !objects::is_list(&stored) && !objects::is_bare(&stored);
    if marked {
        stored.private.carried_by = Some(aid.to_string());
        objects::put(w, &stored)?;
    }
    Ok(())
}

/// The followers and following collections of an account: public, as its profile is.
fn is_system_collection(obj: &Object) -> bool {
    let id = id_of(obj).unwrap_or_default();
    type_of(obj) == "collection"
        && !objects::is_list(obj)
        && obj.private.created_by.is_none()
        && id.contains("/api/user/")
        && (id.ends_with("/followers") || id.ends_with("/following"))
}

/// The one gate for showing an object's content to a reader, wherever it is embedded (an
/// activity's object or target, a reply's parent, a feed, a page, a live update, an export):
/// persons, tombstones, the server's own collections (followers, following) and references
/// nobody authored are shown; anything else only to whom `object_visible` allows (an upload
/// nobody posted yet: its author). Everyone else gets `{id, objectType}` (see `render`).
pub fn may_show(r: &impl Read, obj: &Object, viewer: Option<&str>) -> Result<bool> {
    if type_of(obj) == "person" || objects::is_deleted(obj) || is_system_collection(obj) {
        return Ok(true);
    }
    let unclaimed = obj.get("author").is_none()
        && obj.private.created_by.is_none()
        && obj.private.carried_by.is_none();
    if unclaimed {
        return Ok(true);
    }
    if object_visible(r, obj, viewer)? {
        return Ok(true);
    }
    // Nobody posted it here (a direct read says 403, §6.3), but it came inside an activity
    // the reader may see, which showed it whole.
    match (&obj.private.created_by, carrying_activity(r, obj)?) {
        (None, Some(act)) => may_see(r, &act, viewer),
        _ => Ok(false),
    }
}

/// Is `obj` public: posted to the public collection, or a reference nobody authored? Only
/// those may be shared: a share would show the object to the sharer's followers.
pub fn is_public(r: &impl Read, obj: &Object) -> Result<bool> {
    may_show(r, obj, None)
}

/// An activity may only reference objects its actor may see: the object, the target, the
/// object's parent and the embedded context objects. 403 otherwise, before anything changes.
pub fn check_references(r: &impl Read, act: &Map<String, Value>, actor: &str) -> Result<()> {
    let object = act.get("object");
    let refs = [
        object,
        act.get("target"),
        object.and_then(|o| o.get("inReplyTo")),
        act.get("location"),
        act.get("context"),
        act.get("provider"),
        act.get("source"),
        act.get("generator"),
    ];
    for id in refs.into_iter().flatten().filter_map(id_of) {
        if let Some(stored) = objects::get(r, id)? {
            if !may_show(r, &stored, Some(actor))? {
                return Err(Error::Forbidden(format!(
                    "You may not see {id}, so no activity of yours can refer to it."
                )));
            }
        }
    }
    Ok(())
}

/// A client's addresses may not name a local account that does not exist: whoever registered
/// that nickname later would read what was sent to it. (Deleted accounts keep their nickname.)
pub fn check_recipients(r: &impl Read, cfg: &Config, act: &Map<String, Value>) -> Result<()> {
    for k in FIELDS {
        for a in act.get(k).and_then(Value::as_array).into_iter().flatten() {
            let (Some(id), "person" | "") = (id_of(a), type_of(a)) else {
                continue;
            };
            // Every form that `may_see` takes for the same account.
            let names = std::iter::once(id.to_string()).chain(aliases(id));
            for nick in names.filter_map(|n| urls::nick_of_person_id(cfg, &n)) {
                if !users::exists(r, &nick)? && !users::was_deleted(r, &nick)? {
                    return Err(Error::bad(format!("No such person: {id}")));
                }
            }
        }
    }
    Ok(())
}

/// The 403 of an object read, with the spec's two messages.
pub fn check_object(r: &impl Read, obj: &Object, viewer: Option<&str>) -> Result<()> {
    if object_visible(r, obj, viewer)? {
        return Ok(());
    }
    if creating_activity(r, obj)?.is_none() {
        Err(Error::Forbidden("No authorization for this object.".into()))
    } else {
        Err(Error::Forbidden(
            "Only the author and recipients can view this object.".into(),
        ))
    }
}

/// Copies the addresses of `source`. For replies (`skip` = the replier) the blind ones are left
/// out: copying them, as the original did, would show the replier who was blind-copied.
fn copy_from(act: &mut Map<String, Value>, source: &Value, skip: Option<&str>) {
    for k in FIELDS {
        if skip.is_some() && (k == "bto" || k == "bcc") {
            continue;
        }
        if let Some(a) = source.get(k).and_then(Value::as_array) {
            let kept: Vec<Value> = a
                .iter()
                .filter(|x| skip.is_none() || id_of(x) != skip)
                .cloned()
                .collect();
            if !kept.is_empty() {
                act.insert(k.into(), Value::Array(kept));
            }
        }
    }
}

/// What the default-recipient rules look at.
struct Defaulting<'a> {
    verb: String,
    actor: &'a Value,
    actor_id: String,
    /// The object as stored, else as given.
    obj: Value,
    obj_id: Option<String>,
}

impl Defaulting<'_> {
    fn followers(&self) -> Option<Value> {
        followers_id(self.actor).map(|id| json!([{"objectType": "collection", "id": id}]))
    }

    fn cc_followers(&self, act: &mut Map<String, Value>) -> bool {
        match self.followers() {
            Some(f) => {
                act.insert("cc".into(), f);
                true
            }
            None => false,
        }
    }
}

/// Fills `to`/`cc` of an activity that came with no addresses (§6.5). `object` and `target`
/// are the objects as stored, when known. The rules are tried in the spec's order.
pub fn default_recipients(
    w: &W,
    cfg: &Config,
    act: &mut Map<String, Value>,
    actor: &Value,
    object: Option<&Object>,
    target: Option<&Object>,
) -> Result<()> {
    let _ = cfg;
    if has_addresses(act) {
        return Ok(());
    }
    let given = act.get("object").cloned().unwrap_or(Value::Null);
    let obj = object.map(|o| o.doc.clone()).unwrap_or(given);
    let d = Defaulting {
        verb: act
            .get("verb")
            .and_then(Value::as_str)
            .unwrap_or("post")
            .to_string(),
        actor,
        actor_id: id_of(actor).unwrap_or_default().to_string(),
        obj_id: id_of(&obj).map(String::from),
        obj,
    };
    // Lists are a private tool: changes to one's members go to nobody but the owner.
    let list_change =
        (d.verb == "add" || d.verb == "remove") && target.is_some_and(objects::is_list);
    let done = like_the_original(w, act, &d, object)?
        || list_change
        || like_the_liked(w, act, &d, object)?
        || about_someone(act, &d)
        || into_group(act, &d, target)
        || reply(w, act, &d)?
        || (type_of(actor) == "person" && d.cc_followers(act));
    if done {
        Ok(())
    } else {
        Err(Error::bad(
            "Can't find default recipients for this activity",
        ))
    }
}

/// 1. An update or delete of something other than oneself: the original post's addresses.
fn like_the_original(
    w: &W,
    act: &mut Map<String, Value>,
    d: &Defaulting,
    object: Option<&Object>,
) -> Result<bool> {
    if !(d.verb == "update" || d.verb == "delete")
        || d.obj_id.as_deref() == Some(d.actor_id.as_str())
    {
        return Ok(false);
    }
    let stored = object.ok_or_else(|| {
        Error::bad(format!(
            "No such object: {}",
            d.obj_id.clone().unwrap_or_default()
        ))
    })?;
    // Without a creating activity the later rules decide (the verb then says what is wrong).
    if let Some(creating) = creating_activity(w, stored)? {
        copy_from(act, &creating, None);
    }
    Ok(has_addresses(act))
}

/// 2. Likes follow the liked object's audience (else the liker's followers).
fn like_the_liked(
    w: &W,
    act: &mut Map<String, Value>,
    d: &Defaulting,
    object: Option<&Object>,
) -> Result<bool> {
    if !["favorite", "unfavorite", "like", "dislike"].contains(&d.verb.as_str()) {
        return Ok(false);
    }
    match object
        .map(|o| creating_activity(w, o))
        .transpose()?
        .flatten()
    {
        Some(creating) => copy_from(act, &creating, None),
        None => {
            d.cc_followers(act);
        }
    }
    Ok(true)
}

/// 3. About another person: to them, cc followers. 4. About a group: the same.
fn about_someone(act: &mut Map<String, Value>, d: &Defaulting) -> bool {
    let other_person =
        type_of(&d.obj) == "person" && d.obj_id.as_deref() != Some(d.actor_id.as_str());
    let group = type_of(&d.obj) == "group" && d.verb != "create";
    if !(other_person || group) {
        return false;
    }
    act.insert("to".into(), json!([objects::reference(&d.obj)]));
    d.cc_followers(act);
    true
}

/// 5. Into a group: to the group.
fn into_group(act: &mut Map<String, Value>, d: &Defaulting, target: Option<&Object>) -> bool {
    match target {
        Some(t)
            if type_of(t) == "group" && ["add", "remove", "post"].contains(&d.verb.as_str()) =>
        {
            act.insert("to".into(), json!([objects::reference(t)]));
            true
        }
        _ => false,
    }
}

/// 6. A reply: the parent's audience, plus the parent's author.
fn reply(w: &W, act: &mut Map<String, Value>, d: &Defaulting) -> Result<bool> {
    let Some(parent) = d.obj.get("inReplyTo").filter(|p| p.is_object()) else {
        return Ok(false);
    };
    let parent = match id_of(parent) {
        Some(pid) => objects::get(w, pid)?,
        None => None,
    };
    let creating = match &parent {
        Some(p) => audience_activity(w, p)?,
        None => None,
    }
    .ok_or_else(|| Error::bad("Can't reply to an object that was never posted"))?;
    copy_from(act, &creating, Some(&d.actor_id));
    if let Some(parent_actor) = creating.get("actor") {
        if id_of(parent_actor) != Some(d.actor_id.as_str()) {
            let mut to = act
                .get("to")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            if !to.iter().any(|x| id_of(x) == id_of(parent_actor)) {
                to.push(parent_actor.clone());
            }
            act.insert("to".into(), Value::Array(to));
        }
    }
    Ok(true)
}
