//! List members (api.md §13) and group feeds (§14).
use super::objects::Key;
use crate::app::App;
use crate::core::feeds::{self, Activities, FeedQuery, Persons};
use crate::core::paging::Page;
use crate::error::{Error, Result};
use crate::http::{Req, Resp};
use crate::principal as auth;
use crate::social::render::{self, Viewer};
use crate::social::verbs::{group_stream, members_stream};
use crate::social::{addressing, objects, urls};
use crate::store::Read;
use crate::util::enc::pct;
use serde_json::{json, Value};

fn find(app: &App, req: &Req, kind: &str, key: &Key) -> Result<objects::Object> {
    let obj = match key {
        Key::Uuid(uuid) => app.store.read(|r| objects::by_uuid(r, kind, uuid))?,
        Key::Id => {
            let id = req
                .query_param("id")
                .filter(|i| !i.is_empty())
                .ok_or_else(|| Error::bad("'id' required"))?;
            app.store
                .read(|r| objects::get(r, &id))?
                .filter(|o| objects::type_of(o) == kind)
        }
    }
    .ok_or_else(|| Error::NotFound(format!("Can't find a {kind}")))?;
    if objects::is_deleted(&obj) {
        return Err(Error::Gone("Deleted".into()));
    }
    Ok(obj)
}

fn name(obj: &Value, fallback: &str) -> String {
    obj.get("displayName")
        .and_then(Value::as_str)
        .unwrap_or(fallback)
        .to_string()
}

pub fn members(app: &App, req: &Req, uuid: &str) -> Result<Resp> {
    let who = auth::any_read(app, req)?;
    let list = find(app, req, "collection", &Key::Uuid(uuid.to_string()))?;
    let me = who.nick.as_ref().map(|n| urls::person_id(&app.cfg, n));
    let viewer = Viewer { id: me.as_deref() };
    let id = objects::id_of(&list).unwrap_or_default().to_string();
    let url = format!("{id}/members");
    super::negotiate::cached(app, req, who.nick.as_deref(), || {
        app.store.read(|r| {
            addressing::check_object(r, &list, viewer.id)?;
            let author = match list.get("author") {
                Some(a) => render::expand(r, viewer, a)?,
                None => Value::Null,
            };
            let title = format!(
                "Members of {} by {}",
                name(&list, "a collection"),
                author
                    .get("displayName")
                    .and_then(Value::as_str)
                    .unwrap_or("someone")
            );
            let stream = members_stream(&id);
            let (mut feed, ids) = feeds::objects(
                r,
                FeedQuery::new(&stream, viewer, &Page::parse(&req.query_pairs())?).at(&url, title),
                None,
                true,
            )?;
            let total = r.stream_count(&stream)?;
            let single = objects::list_type(&list).map(String::from);
            let type_param = |item: &str| -> Result<String> {
                let t = objects::get(r, item)?
                    .map(|o| objects::type_of(&o).to_string())
                    .unwrap_or_default();
                Ok(if single.as_deref() == Some(t.as_str()) {
                    String::new()
                } else {
                    format!("&type={}", pct(&t))
                })
            };
            if let (Some(first), Some(last)) = (ids.first(), ids.last()) {
                feed["links"]["prev"] =
                    json!({"href": format!("{url}?since={}{}", pct(first), type_param(first)?)});
                if (ids.len() as u64) < total {
                    feed["links"]["next"] =
                        json!({"href": format!("{url}?before={}{}", pct(last), type_param(last)?)});
                }
            }
            if !author.is_null() {
                feed["author"] = author;
            }
            Ok(feed)
        })
    })
}

/// `POST /api/collection/<uuid>/members`: an `add` with the list as target.
pub async fn add_member(app: &App, req: &Req, uuid: &str) -> Result<Resp> {
    let (me, client) = auth::user_write(app, req)?;
    let list = find(app, req, "collection", &Key::Uuid(uuid.to_string()))?;
    let me_id = urls::person_id(&app.cfg, &me);
    if list.get("author").and_then(objects::id_of) != Some(me_id.as_str()) {
        return Err(Error::Forbidden(
            "Only the author can modify this object.".into(),
        ));
    }
    let object = req.json()?;
    if !object.is_object() {
        return Err(Error::bad("Body must be an object"));
    }
    let target = objects::reference(&list);
    super::feeds::post_and_show_object(
        app,
        &me,
        json!({"verb": "add", "object": object, "target": target}),
        &client,
    )
    .await
}

/// `GET /api/group/<uuid>/members|inbox|documents` and their `?id=` forms.
pub fn group_feed(app: &App, req: &Req, key: Key, which: &str) -> Result<Resp> {
    let who = auth::any_read(app, req)?;
    let group = find(app, req, "group", &key)?;
    let me = who.nick.as_ref().map(|n| urls::person_id(&app.cfg, n));
    let viewer = Viewer { id: me.as_deref() };
    let id = objects::id_of(&group).unwrap_or_default().to_string();
    let gname = name(&group, "a group");
    let url = group
        .get(which)
        .and_then(|s| s.get("url"))
        .and_then(Value::as_str)
        .map(String::from)
        .or_else(|| {
            group
                .get("links")
                .and_then(|l| l.get("activity-inbox"))
                .and_then(|l| l.get("href"))
                .and_then(Value::as_str)
                .filter(|_| which == "inbox")
                .map(String::from)
        })
        .unwrap_or_else(|| format!("{id}/{which}"));
    let stream = group_stream(&id, which);
    super::negotiate::cached(app, req, who.nick.as_deref(), || {
        app.store.read(|r| {
            addressing::check_object(r, &group, viewer.id)?;
            match which {
                "members" => feeds::persons(
                    r,
                    FeedQuery::new(&stream, viewer, &Page::parse(&req.query_pairs())?)
                        .at(&url, format!("Members of {gname}")),
                    Persons::from_query(&req.query_pairs(), false),
                ),
                "documents" => Ok(feeds::objects(
                    r,
                    FeedQuery::new(&stream, viewer, &Page::parse(&req.query_pairs())?)
                        .at(&url, format!("Documents of {gname}")),
                    None,
                    true,
                )?
                .0),
                _ => {
                    let page = Page::parse(&req.query_pairs())?;
                    feeds::activities(
                        r,
                        FeedQuery::new(&stream, viewer, &page)
                            .at(&url, format!("Activities for {gname}")),
                        Activities {
                            major: true,
                            filter: true,
                        },
                    )
                }
            }
        })
    })
}
