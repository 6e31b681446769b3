//! Objects and their feeds: `/api/<type>/<uuid>`, `?id=` look-ups, likes/replies/shares
//! (api.md §15), and activities `/api/activity/<uuid>` (§12).
use crate::app::App;
use crate::core::feeds::{self, FeedQuery, Persons};
use crate::core::paging::Page;
use crate::core::posting::post_activity;
use crate::error::{Error, Result};
use crate::http::{Req, Resp};
use crate::principal as auth;
use crate::social::objects::Object;
use crate::social::outbox::{self, Feed};
use crate::social::render::{self, Viewer, FULL};
use crate::social::verbs::{likes_stream, replies_stream, shares_stream};
use crate::social::{activity as acts, addressing, objects, sanitize, urls};
use crate::util::time::now_iso;
use serde_json::{json, Value};

/// How the object was named in the URL.
pub enum Key {
    Uuid(String),
    Id,
}

pub fn check_type(kind: &str) -> Result<()> {
    if kind == "other" || objects::TYPES.contains(&kind) {
        Ok(())
    } else {
        Err(Error::NotFound(format!("Unknown type: {kind}")))
    }
}

/// The stored object (tombstones included) named by the request.
pub fn find(app: &App, req: &Req, kind: &str, key: &Key) -> Result<Object> {
    check_type(kind)?;
    let found = match key {
        Key::Uuid(uuid) => app
            .store
            .read(|r| objects::by_uuid(r, kind, uuid))?
            .ok_or_else(|| Error::NotFound(format!("Can't find a {kind} with ID = {uuid}")))?,
        Key::Id => {
            let id = req
                .query_param("id")
                .filter(|i| !i.is_empty())
                .ok_or_else(|| Error::bad("'id' required"))?;
            app.store
                .read(|r| objects::get(r, &id))?
                .filter(|o| objects::segment(objects::type_of(o)) == kind)
                .ok_or_else(|| Error::NotFound(format!("Can't find a {kind} with ID = {id}")))?
        }
    };
    if objects::is_deleted(&found) {
        return Err(Error::Gone("Deleted".into()));
    }
    Ok(found)
}

fn viewer_id(app: &App, nick: &Option<String>) -> Option<String> {
    nick.as_ref().map(|n| urls::person_id(&app.cfg, n))
}

pub fn get(app: &App, req: &Req, kind: &str, key: Key) -> Result<Resp> {
    let who = auth::any_read(app, req)?;
    check_type(kind)?;
    let me = viewer_id(app, &who.nick);
    // An answer kept for this generation of the store stands for the object's look-up too.
    super::negotiate::cached(app, req, who.nick.as_deref(), || {
        let obj = find(app, req, kind, &key)?;
        app.store.read(|r| {
            addressing::check_object(r, &obj, me.as_deref())?;
            render::object(r, Viewer { id: me.as_deref() }, &obj, FULL)
        })
    })
}

fn author_only(app: &App, obj: &Value, nick: &str) -> Result<()> {
    if obj.get("author").and_then(objects::id_of) == Some(urls::person_id(&app.cfg, nick).as_str())
    {
        Ok(())
    } else {
        Err(Error::Forbidden(
            "Only the author can modify this object.".into(),
        ))
    }
}

pub async fn put(app: &App, req: &Req, kind: &str, key: Key) -> Result<Resp> {
    let (me, client) = auth::user_write(app, req)?;
    let obj = find(app, req, kind, &key)?;
    author_only(app, &obj, &me)?;
    let mut body = req.json()?;
    let Some(m) = body.as_object_mut() else {
        return Err(Error::bad("Body must be an object"));
    };
    m.insert("id".into(), obj["id"].clone());
    m.insert("objectType".into(), obj["objectType"].clone());
    post_activity(
        app,
        &me,
        json!({"verb": "update", "object": body}),
        &client,
        Feed::All,
    )
    .await?;
    let me_id = urls::person_id(&app.cfg, &me);
    let id = objects::id_of(&obj).unwrap_or_default().to_string();
    let out = app.store.read(|r| {
        let o = objects::get(r, &id)?.ok_or_else(|| Error::internal("object vanished"))?;
        render::object(r, Viewer { id: Some(&me_id) }, &o, FULL)
    })?;
    Ok(Resp::json(&out))
}

pub async fn delete(app: &App, req: &Req, kind: &str, key: Key) -> Result<Resp> {
    let (me, client) = auth::user_write(app, req)?;
    let obj = find(app, req, kind, &key)?;
    author_only(app, &obj, &me)?;
    let body =
        json!({"verb": "delete", "object": {"id": obj["id"], "objectType": obj["objectType"]}});
    post_activity(app, &me, body, &client, Feed::All).await?;
    Ok(Resp::json(&json!("Deleted")))
}

fn name(obj: &Value) -> String {
    obj.get("displayName")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .or_else(|| objects::id_of(obj))
        .unwrap_or_default()
        .to_string()
}

/// `/likes`, `/replies` and `/shares` of an object (api.md §15.3).
pub fn sub_feed(app: &App, req: &Req, kind: &str, key: Key, which: &str) -> Result<Resp> {
    let who = auth::any_read(app, req)?;
    check_type(kind)?;
    let me = viewer_id(app, &who.nick);
    let viewer = Viewer { id: me.as_deref() };
    super::negotiate::cached(app, req, who.nick.as_deref(), || {
        let obj = find(app, req, kind, &key)?;
        let id = objects::id_of(&obj).unwrap_or_default().to_string();
        let url = obj
            .get(which)
            .and_then(|s| s.get("url"))
            .and_then(Value::as_str)
            .map(String::from)
            .unwrap_or_else(|| format!("{id}/{which}"));
        app.store.read(|r| {
            addressing::check_object(r, &obj, viewer.id)?;
            match which {
                "likes" => feeds::persons(
                    r,
                    FeedQuery::new(
                        &likes_stream(&id),
                        viewer,
                        &Page::parse(&req.query_pairs())?,
                    )
                    .at(&url, format!("People who like {}", name(&obj))),
                    Persons::from_query(&req.query_pairs(), false),
                ),
                "shares" => Ok(feeds::objects(
                    r,
                    FeedQuery::new(
                        &shares_stream(&id),
                        viewer,
                        &Page::parse(&req.query_pairs())?,
                    )
                    .at(&url, format!("Shares of {}", name(&obj))),
                    None,
                    false,
                )?
                .0),
                _ => {
                    let (mut feed, _) = feeds::objects(
                        r,
                        FeedQuery::new(
                            &replies_stream(&id),
                            viewer,
                            &Page::parse(&req.query_pairs())?,
                        )
                        .at(&url, format!("Replies to {}", name(&obj))),
                        None,
                        true,
                    )?;
                    if let Some(Value::Array(items)) = feed.get_mut("items") {
                        for it in items.iter_mut().filter_map(Value::as_object_mut) {
                            it.remove("inReplyTo");
                            // Replies show likers, not nested reply previews.
                            if let Some(Value::Object(rep)) = it.get_mut("replies") {
                                rep.remove("items");
                            }
                        }
                    }
                    Ok(feed)
                }
            }
        })
    })
}

fn find_activity(app: &App, uuid: &str) -> Result<acts::Activity> {
    let act = app
        .store
        .read(|r| outbox::by_uuid(r, uuid))?
        .ok_or_else(|| Error::NotFound(format!("Can't find an activity with id {uuid}")))?;
    if act.get("deleted").is_some() {
        return Err(Error::Gone("Deleted".into()));
    }
    Ok(act)
}

fn actor_only(app: &App, act: &Value, nick: &str) -> Result<()> {
    if act.get("actor").and_then(objects::id_of) == Some(urls::person_id(&app.cfg, nick).as_str()) {
        Ok(())
    } else {
        Err(Error::Forbidden(
            "Only the actor can modify this object.".into(),
        ))
    }
}

pub fn activity_get(app: &App, req: &Req, uuid: &str) -> Result<Resp> {
    let who = auth::any_read(app, req)?;
    let me = viewer_id(app, &who.nick);
    super::negotiate::cached(app, req, who.nick.as_deref(), || {
        let act = find_activity(app, uuid)?;
        app.store.read(|r| {
            if !addressing::may_see(r, &act, me.as_deref())? {
                return Err(Error::Forbidden(
                    "Only the actor and recipients can view this activity.".into(),
                ));
            }
            render::activity(r, Viewer { id: me.as_deref() }, &act, FULL)
        })
    })
}

/// Merges the body into the activity: no side effects, no redistribution (api.md §12).
pub async fn activity_put(app: &App, req: &Req, uuid: &str) -> Result<Resp> {
    let (me, _) = auth::user_write(app, req)?;
    let act = find_activity(app, uuid)?;
    actor_only(app, &act, &me)?;
    let mut body = req.json()?;
    crate::social::validate::activity(&body)?;
    sanitize::activity(&mut body);
    let id = objects::id_of(&act).unwrap_or_default().to_string();
    let updated = app
        .store
        .write(move |w| {
            let mut a = crate::social::activity::get(w, &id)?
                .ok_or_else(|| Error::NotFound("Activity vanished".into()))?;
            if let (Some(m), Some(b)) = (a.as_object_mut(), body.as_object()) {
                for (k, v) in b {
                    let fixed = [
                        "id",
                        "verb",
                        "actor",
                        "object",
                        "published",
                        "links",
                        "url",
                        "objectType",
                        "deleted",
                    ];
                    if !fixed.contains(&k.as_str()) {
                        m.insert(k.clone(), v.clone());
                    }
                }
                m.insert("updated".into(), json!(now_iso()));
            }
            acts::put(w, &a)?;
            Ok(a)
        })
        .await?;
    let me_id = urls::person_id(&app.cfg, &me);
    let out = app
        .store
        .read(|r| render::activity(r, Viewer { id: Some(&me_id) }, &updated, FULL))?;
    Ok(Resp::json(&out))
}

pub async fn activity_delete(app: &App, req: &Req, uuid: &str) -> Result<Resp> {
    let (me, _) = auth::user_write(app, req)?;
    let act = find_activity(app, uuid)?;
    actor_only(app, &act, &me)?;
    let id = objects::id_of(&act).unwrap_or_default().to_string();
    app.store
        .write(move |w| {
            let a = crate::social::activity::get(w, &id)?
                .ok_or_else(|| Error::NotFound("Activity vanished".into()))?;
            let now = now_iso();
            let mut t = serde_json::Map::new();
            for k in ["actor", "object", "id", "published"] {
                if let Some(v) = a.get(k) {
                    t.insert(k.into(), v.clone());
                }
            }
            t.insert("updated".into(), json!(now));
            t.insert("deleted".into(), json!(now));
            let mut tomb = acts::Activity::new(Value::Object(t));
            tomb.private.uuid = a.private.uuid;
            acts::put(w, &tomb)
        })
        .await?;
    Ok(Resp::json(&json!("Deleted")))
}
