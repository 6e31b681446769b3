//! Activities delivered by other servers to a local user's or group's inbox (federation.md
//! §6.2-6.3): checked against the sender, stored once, side effects applied once.
use super::activity::{self, is_direct, is_major, to_inbox, Activity};
use super::deliver::Posted;
use super::objects::{self, id_of, type_of};
use super::urls::{canonical, host_of};
use super::verbs::{self, group_stream, Actor};
use super::{addressing, deliver, relations, sanitize, urls, validate};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::store::{Read, W};
use crate::util::time::now_iso;
use serde_json::{json, Map, Value};

pub enum Dest<'a> {
    User(&'a str),
    Group(&'a Value),
}

/// Stores (once) and places an incoming activity; returns its id and the local users reached.
pub fn receive(w: &W, cfg: &Config, principal: &str, body: &Value, dest: Dest) -> Result<Posted> {
    let (body, actor, actor_id, aid) = checked(w, cfg, principal, body, &dest)?;
    let muted = match dest {
        Dest::User(nick) => {
            let me = urls::person_id(cfg, nick);
            if super::blocks::blocks_actor(w, &me, &actor)? {
                return Err(Error::Forbidden("You cannot deliver to this person".into()));
            }
            super::blocks::hides(w, &me, &actor_id)?
        }
        Dest::Group(_) => false,
    };
    let act = match activity::get(w, &aid)? {
        Some(existing) => existing,
        None => store_new(w, cfg, body, &actor, &aid)?,
    };
    let stored_actor = act
        .get("actor")
        .and_then(id_of)
        .map(canonical)
        .unwrap_or_default();
    if stored_actor != actor_id {
        return Err(Error::bad(format!(
            "Actor is invalid since {stored_actor} is not {principal}"
        )));
    }
    let verb = act.get("verb").and_then(Value::as_str).unwrap_or("post");
    let object_type = match act.get("object").and_then(id_of) {
        Some(oid) => objects::get(w, oid)?
            .map(|o| type_of(&o).to_string())
            .unwrap_or_default(),
        None => String::new(),
    };
    let major = is_major(verb, &object_type);
    let reached = match dest {
        Dest::User(nick) => {
            let me = urls::person_id(cfg, nick);
            if !muted {
                to_inbox(w, nick, &aid, major, is_direct(&act, &me))?;
                super::notify::note(w, cfg, &aid, &act, Some(nick))?;
            }
            if !addressing::may_see(w, &act, Some(&me))? {
                let mut act = act.clone();
                act.private
                    .received
                    .push(json!({"id": me, "objectType": "person"}));
                activity::put(w, &act)?;
            }
            deliver::Reached {
                users: [nick.to_string()].into(),
                remote: Default::default(),
            }
        }
        Dest::Group(g) => {
            let gid = id_of(g).unwrap_or_default();
            w.stream_push(&group_stream(gid, "inbox"), &aid)?;
            let actor_obj = objects::get(w, &actor_id)?.map_or(actor, |a| a.doc);
            let only_group = json!({"id": act["id"], "actor": act["actor"], "verb": act["verb"], "to": [objects::reference(g)]});
            let mut to_members = act.doc.clone();
            if let (Some(m), Some(o)) = (to_members.as_object_mut(), only_group.as_object()) {
                m.insert("to".into(), o["to"].clone());
                for k in ["cc", "bto", "bcc"] {
                    m.remove(k);
                }
            }
            deliver::local(w, cfg, &to_members, &actor_obj, major)?
        }
    };
    Ok(Posted {
        id: aid,
        reached: reached.users,
        remote: reached.remote,
    })
}

/// A post fetched from its author's own outbox for `nick`, who has just followed them: stored
/// once and placed on top of their inbox when it is public and not a reply; nobody is
/// notified, since it is not news. False when it was left out.
pub fn backfill(w: &W, cfg: &Config, nick: &str, principal: &str, body: &Value) -> Result<bool> {
    let (body, actor, actor_id, aid) = checked(w, cfg, principal, body, &Dest::User(nick))?;
    let me = urls::person_id(cfg, nick);
    let public = addressing::all(&body)
        .iter()
        .any(|a| id_of(a) == Some(urls::PUBLIC));
    let reply = body.pointer("/object/inReplyTo").is_some();
    let verb = body.get("verb").and_then(Value::as_str).unwrap_or("post");
    let major = is_major(verb, body.get("object").map(type_of).unwrap_or_default());
    let hidden =
        super::blocks::hides(w, &me, &actor_id)? || super::blocks::blocks_actor(w, &me, &actor)?;
    if verb != "post" || !public || reply || hidden {
        return Ok(false);
    }
    if w.stream_seq(&urls::stream(nick, "inbox"), &aid)?.is_some() {
        return Ok(false);
    }
    let act = match activity::get(w, &aid)? {
        Some(existing) => existing,
        None => store_new(w, cfg, body, &actor, &aid)?,
    };
    let by_them = act.get("actor").and_then(id_of).map(canonical) == Some(actor_id);
    if !by_them || !addressing::may_see(w, &act, None)? {
        return Ok(false);
    }
    to_inbox(w, nick, &aid, major, false)?;
    Ok(true)
}

/// Validates and scrubs a delivery, and checks that it comes from its actor, is not ours, and
/// is addressed to the group it was delivered to; returns it with its actor, the actor's
/// canonical id and its own id.
fn checked(
    w: &W,
    cfg: &Config,
    principal: &str,
    body: &Value,
    dest: &Dest,
) -> Result<(Value, Value, String, String)> {
    validate::activity(body)?;
    let mut body = body.clone();
    sanitize::activity(&mut body);
    let actor = body
        .get("actor")
        .filter(|a| id_of(a).is_some())
        .cloned()
        .ok_or_else(|| Error::bad("Invalid actor"))?;
    let actor_id = canonical(id_of(&actor).unwrap_or_default());
    // A server (`http://H/`) speaks for every actor on its host; an account for itself.
    let server = principal.ends_with('/');
    let matches = actor_id == principal
        || (server && host_of(&actor_id).is_some() && host_of(&actor_id) == host_of(principal));
    let relayed = !matches && server && relayed_by_group(w, cfg, principal, &body, dest)?;
    if !matches && !relayed {
        return Err(Error::bad(format!(
            "Actor is invalid since {actor_id} is not {principal}"
        )));
    }
    let aid = id_of(&body)
        .map(String::from)
        .ok_or_else(|| Error::bad("Activity has no id"))?;
    if objects::is_local_id(cfg, &aid) {
        return Err(Error::bad(format!(
            "Activity {aid} claims to be from this server"
        )));
    }
    let origin = if relayed { &actor_id } else { principal };
    if host_of(&aid) != host_of(origin) {
        return Err(Error::bad(format!(
            "Activity {aid} is not on the host of {principal}"
        )));
    }
    if let Dest::Group(g) = dest {
        let gid = id_of(g).unwrap_or_default();
        if !addressing::all(&body)
            .iter()
            .any(|a| id_of(a) == Some(gid) && type_of(a) == "group")
        {
            return Err(Error::bad(format!(
                "Group {gid} is not a recipient of activity {aid}"
            )));
        }
    }
    Ok((body, actor, actor_id, aid))
}

/// Whether the server `principal` relays this activity from one of its groups to a member:
/// the receiving user joined a group on that server that the activity is addressed to. A
/// group's server speaks for what its members post to it (federation.md §6.3).
fn relayed_by_group(
    w: &W,
    cfg: &Config,
    principal: &str,
    body: &Value,
    dest: &Dest,
) -> Result<bool> {
    let Dest::User(nick) = dest else {
        return Ok(false);
    };
    // What a member posts or shares to the group; nothing else is the group's to relay.
    let verb = body.get("verb").and_then(Value::as_str).unwrap_or("post");
    if !["post", "share"].contains(&verb) {
        return Ok(false);
    }
    let me = urls::person_id(cfg, nick);
    for a in addressing::all(body) {
        let Some(gid) = id_of(a).filter(|_| type_of(a) == "group") else {
            continue;
        };
        if host_of(gid) == host_of(principal) && relations::exists(w, relations::MEMBER, &me, gid)?
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// What a sender may say of an object: all of it when the object is on the sender's host,
/// else only which object it means (its owner's server tells the rest, §7). An object on our
/// host must exist.
fn owned(w: &W, cfg: &Config, mut v: Value, origin: &Option<String>) -> Result<Value> {
    let Some(id) = id_of(&v).map(String::from) else {
        return Ok(v);
    };
    if objects::is_local_id(cfg, &id) && objects::get(w, &id)?.is_none() {
        return Err(Error::bad(format!("No such object on this server: {id}")));
    }
    if host_of(&id) != *origin || origin.is_none() {
        return Ok(objects::reference(&v));
    }
    if let Some(m) = v.as_object_mut() {
        for k in ["inReplyTo", "author"] {
            let foreign = m
                .get(k)
                .and_then(id_of)
                .is_some_and(|i| host_of(i) != *origin);
            if foreign {
                if let Some(r) = m.get(k).map(objects::reference) {
                    m.insert(k.into(), r);
                }
            }
        }
    }
    Ok(v)
}

/// The stored form of a received activity: its remote id kept, references for what it names,
/// and when it was received.
fn stamp(
    act: &mut Map<String, Value>,
    verb: &str,
    aid: &str,
    actor: &Value,
    applied: &verbs::Applied,
) {
    let now = now_iso();
    act.insert("id".into(), json!(aid));
    act.insert("objectType".into(), json!("activity"));
    act.insert("verb".into(), json!(verb));
    act.insert("actor".into(), objects::reference(actor));
    act.insert("object".into(), objects::reference(&applied.object));
    if let Some(t) = &applied.target {
        act.insert("target".into(), objects::reference(t));
    }
    act.entry("published").or_insert(json!(now));
    act.insert("updated".into(), json!(now));
    act.insert("received".into(), json!(now));
    for k in addressing::FIELDS {
        if let Some(Value::Array(a)) = act.get(k) {
            let refs: Vec<Value> = a
                .iter()
                .map(|x| json!({"id": id_of(x), "objectType": if type_of(x).is_empty() { "person" } else { type_of(x) }}))
                .collect();
            act.insert(k.into(), Value::Array(refs));
        }
    }
}

/// First arrival: default verb and recipients, side effects, then the activity is saved with
/// its remote id and the time it was received.
fn store_new(w: &W, cfg: &Config, body: Value, actor: &Value, aid: &str) -> Result<Activity> {
    let Value::Object(mut act) = body else {
        return Err(Error::bad("Activity must be a JSON object"));
    };
    // The actor as sent, under its canonical id, a person unless it says otherwise.
    let mut sent = actor.as_object().cloned().unwrap_or_default();
    sent.insert(
        "id".into(),
        json!(canonical(id_of(actor).unwrap_or_default())),
    );
    if type_of(actor).is_empty() {
        sent.insert("objectType".into(), json!("person"));
    }
    let actor = objects::ensure(w, cfg, &Value::Object(sent))?;
    let (verb, given) = activity::verb_and_object(&act)?;
    addressing::check_references(w, &act, id_of(&actor).unwrap_or_default())?;
    if type_of(&given).is_empty() {
        return Err(Error::bad("object has no objectType"));
    }
    let origin = host_of(aid);
    let given = owned(w, cfg, given, &origin)?;
    let stored_object = objects::stored_for(w, Some(&given))?;
    let target = match act.get("target").cloned().filter(Value::is_object) {
        Some(t) => Some(owned(w, cfg, t, &origin)?),
        None => None,
    };
    let stored_target = objects::stored_for(w, target.as_ref())?;
    addressing::default_recipients(
        w,
        cfg,
        &mut act,
        &actor,
        stored_object.as_ref(),
        stored_target.as_ref(),
    )?;
    let applied = verbs::apply(
        w,
        cfg,
        &verb,
        &Actor {
            person: &actor,
            nick: None,
        },
        &given,
        target.as_ref(),
        aid,
    )?;
    stamp(&mut act, &verb, aid, &actor, &applied);
    let act = Activity::new(Value::Object(act));
    activity::put(w, &act)?;
    applied.mark_carried(w, cfg, aid)?;
    Ok(act)
}
