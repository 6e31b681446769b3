//! Posting an activity to a user's outbox (activities.md §4): checks, default recipients, the
//! verb's side effects, storage, the actor's streams and local delivery, in one transaction.
use super::activity::{self, is_direct, is_major};
use super::deliver::Posted;
use super::objects::{self, id_of, type_of};
use super::verbs::{self, Actor};
use super::{addressing, deliver, sanitize, urls, validate};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::store::{Read, W};
use crate::util::rand;
use serde_json::{json, Map, Value};

/// Which outbox URL received the POST (`/feed`, `/feed/major`, `/feed/minor`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Feed {
    All,
    Major,
    Minor,
}

/// Stores the client's generator object (a foreign id) and returns its reference.
fn store_generator(w: &W, cfg: &Config, g: &Value) -> Result<Value> {
    let Some(id) = id_of(g) else {
        return Ok(g.clone());
    };
    if objects::get(w, id)?.is_none() {
        let m = g.as_object().cloned().unwrap_or_default();
        objects::put(w, &objects::new_foreign(cfg, m, false))?;
    }
    Ok(objects::reference(g))
}

/// Stores embedded objects of the activity (location, context…) and keeps references.
fn store_embedded(w: &W, cfg: &Config, act: &mut Map<String, Value>) -> Result<()> {
    for k in ["location", "context", "provider", "source"] {
        if let Some(v) = act.get(k).filter(|v| v.is_object()).cloned() {
            if type_of(&v).is_empty() {
                return Err(Error::bad(format!("{k} has no objectType")));
            }
            let stored = objects::ensure(w, cfg, &v)?;
            act.insert(k.into(), objects::reference(&stored));
        }
    }
    for k in addressing::FIELDS {
        if let Some(Value::Array(a)) = act.get(k) {
            let refs: Vec<Value> = a
                .iter()
                .map(|x| {
                    let t = if type_of(x).is_empty() {
                        "person"
                    } else {
                        type_of(x)
                    };
                    json!({"id": id_of(x), "objectType": t})
                })
                .collect();
            act.insert(k.into(), Value::Array(refs));
        }
    }
    Ok(())
}

/// Runs the whole pipeline for `nick`'s POST; returns the new activity's id and whom it reached.
pub fn post(
    w: &W,
    cfg: &Config,
    nick: &str,
    body: &Value,
    generator: Option<&Value>,
    feed: Feed,
) -> Result<Posted> {
    let me_id = urls::person_id(cfg, nick);
    let me = objects::get(w, &me_id)?
        .ok_or_else(|| Error::internal(format!("person of {nick} is missing")))?;
    let mut c = checked(w, cfg, &me, body, feed)?;
    // Whom one blocks or mutes is nobody's business: those activities are addressed to no one.
    let private = super::blocks::VERBS.contains(&c.verb.as_str());
    if private {
        for k in ["to", "cc", "bto", "bcc"] {
            c.act.remove(k);
        }
    }
    if !private {
        addressing::default_recipients(
            w,
            cfg,
            &mut c.act,
            &me,
            c.stored_object.as_ref(),
            c.stored_target.as_ref(),
        )?;
    }
    if let Some(g) = generator {
        c.act
            .insert("generator".into(), store_generator(w, cfg, g)?);
    } else {
        c.act.remove("generator");
    }
    let uuid = rand::uuid();
    let aid = activity::id_for(cfg, &uuid);
    let actor = Actor {
        person: &me,
        nick: Some(nick),
    };
    let applied = verbs::apply(w, cfg, &c.verb, &actor, &c.given, c.target.as_ref(), &aid)?;
    let mut act = c.act;
    store_embedded(w, cfg, &mut act)?;
    if let Some(t) = &applied.target {
        act.insert("target".into(), t.doc.clone());
    }
    for k in ["id", "url", "links", "updated"] {
        act.remove(k);
    }
    let stored = activity::build(cfg, &uuid, &me, &c.verb, &applied.object, act);
    activity::put(w, &stored)?;
    applied.mark_carried(w, cfg, &aid)?;
    activity::to_outbox(w, nick, &aid, c.major)?;
    activity::to_inbox(w, nick, &aid, c.major, is_direct(&stored, &me_id))?;
    activity::to_public_timeline(w, &aid, &stored, c.major)?;
    let notified = super::notify::note(w, cfg, &aid, &stored, None)?;
    let mut reached = deliver::local(w, cfg, &stored, &me, c.major)?;
    reached.users.extend(notified);
    Ok(Posted {
        id: aid,
        reached: reached.users,
        remote: reached.remote,
    })
}

/// A posted activity that passed its checks, with what it refers to.
struct Checked {
    act: Map<String, Value>,
    verb: String,
    /// The object as given, with its type from the store when only referenced.
    given: Value,
    stored_object: Option<objects::Object>,
    target: Option<Value>,
    stored_target: Option<objects::Object>,
    major: bool,
}

/// Validates and scrubs the body, and checks its actor, references, recipients and feed.
fn checked(w: &W, cfg: &Config, me: &Value, body: &Value, feed: Feed) -> Result<Checked> {
    validate::activity(body)?;
    let mut body = body.clone();
    sanitize::activity(&mut body);
    let Value::Object(act) = body else {
        return Err(Error::bad("Activity must be a JSON object"));
    };
    let me_id = id_of(me).unwrap_or_default();
    if act
        .get("actor")
        .and_then(id_of)
        .is_some_and(|id| id != me_id)
    {
        return Err(Error::bad("Invalid actor"));
    }
    let (verb, given) = activity::verb_and_object(&act)?;
    addressing::check_references(w, &act, me_id)?;
    addressing::check_recipients(w, cfg, &act)?;
    if type_of(&given).is_empty() && id_of(&given).is_none() {
        return Err(Error::bad("object has no objectType"));
    }
    let stored_object = objects::stored_for(w, Some(&given))?;
    // A bare reference to a known object takes its type from the store.
    let given = match (&stored_object, type_of(&given).is_empty()) {
        (Some(s), true) => {
            let mut g = given.clone();
            g["objectType"] = json!(type_of(s));
            g
        }
        _ => given,
    };
    if type_of(&given).is_empty() {
        return Err(Error::bad("object has no objectType"));
    }
    let target = act.get("target").cloned().filter(Value::is_object);
    let stored_target = objects::stored_for(w, target.as_ref())?;
    let major = is_major(&verb, type_of(&given));
    match feed {
        Feed::Major if !major => return Err(Error::bad("Only major activities to this feed.")),
        Feed::Minor if major => return Err(Error::bad("Only minor activities to this feed.")),
        _ => {}
    }
    Ok(Checked {
        act,
        verb,
        given,
        stored_object,
        target,
        stored_target,
        major,
    })
}

/// The activity behind `/api/activity/<uuid>`.
pub fn by_uuid(r: &impl Read, uuid: &str) -> Result<Option<activity::Activity>> {
    crate::store::activities::by_uuid(r, uuid)
}
