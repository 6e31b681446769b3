//! Followers, following, favorites and lists of a user (api.md §11).
use super::auth::{self, same_user};
use super::feeds::user_name;
use super::paging::{Mode, Page};
use super::walk::walk;
use crate::app::App;
use crate::error::{Error, Result};
use crate::http::{Req, Resp};
use crate::social::render::{self, Viewer, FULL, PLAIN};
use crate::social::users::no_such_user;
use crate::social::{addressing, objects, person, urls};
use crate::store::{Read, Table};
use crate::util::enc::pct;
use serde_json::{json, Map, Value};

fn requester(app: &App, req: &Req) -> Result<(Option<String>, Option<String>)> {
    let nick = auth::any_read(app, req)?.nick;
    let id = nick.as_ref().map(|n| urls::person_id(&app.cfg, n));
    Ok((nick, id))
}

fn user_exists(r: &impl Read, nick: &str) -> Result<()> {
    if r.exists(Table::NickUser, nick)? {
        Ok(())
    } else {
        Err(no_such_user(nick))
    }
}

/// Links of person feeds (api.md §3.3): `self` with offset and count, `current`, prev/next.
pub fn person_links(
    url: &str,
    page: &Page,
    offset_given: bool,
    first: Option<&str>,
    last: Option<&str>,
    len: usize,
    total: u64,
) -> Map<String, Value> {
    let mut l = Map::new();
    let offset = match &page.mode {
        Mode::Offset(o) => o.to_string(),
        _ => String::new(),
    };
    l.insert(
        "self".into(),
        json!({"href": format!("{url}?offset={offset}&count={}", page.count)}),
    );
    l.insert("current".into(), json!({"href": url}));
    if let (Some(f), Some(z)) = (first, last) {
        l.insert(
            "prev".into(),
            json!({"href": format!("{url}?since={}", pct(f))}),
        );
        let o = match &page.mode {
            Mode::Offset(o) => *o as u64,
            _ => 0,
        };
        if total > len as u64 && (!offset_given || total > o + len as u64) {
            l.insert(
                "next".into(),
                json!({"href": format!("{url}?before={}", pct(z))}),
            );
        }
    }
    l
}

/// A feed of persons: followers, following, likers, group members (api.md §4.2).
#[allow(clippy::too_many_arguments)]
pub fn person_feed(
    r: &impl Read,
    req: &Req,
    viewer: Viewer,
    stream: &str,
    url: &str,
    title: String,
    author: Option<Value>,
    with_followed: bool,
) -> Result<Value> {
    let page = Page::parse(req)?;
    let q = req
        .query_param("q")
        .map(|s| s.to_lowercase())
        .filter(|s| !s.is_empty());
    let walked = walk(r, stream, &page, |id| {
        let Some(q) = &q else { return Ok(true) };
        let p = render::expand(r, viewer, &json!({"id": id}))?;
        Ok(p.get("displayName")
            .and_then(Value::as_str)
            .is_some_and(|d| d.to_lowercase().contains(q.as_str())))
    })?;
    let total = r.stream_count(stream)?;
    let mut items = Vec::new();
    for id in &walked.items {
        let mut p = render::expand(r, viewer, &json!({"id": id, "objectType": "person"}))?;
        if let (true, Some(me), Some(m)) = (with_followed, viewer.id, p.as_object_mut()) {
            let follows =
                crate::social::relations::exists(r, crate::social::relations::FOLLOW, me, id)?;
            let mut pio = m
                .get("pump_io")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            pio.insert("followed".into(), json!(follows));
            m.insert("pump_io".into(), Value::Object(pio));
        }
        items.push(p);
    }
    let offset_given = req.query_param("offset").is_some();
    let links = person_links(
        url,
        &page,
        offset_given,
        walked.items.first().map(String::as_str),
        walked.items.last().map(String::as_str),
        walked.items.len(),
        total,
    );
    let mut feed = json!({"displayName": title, "url": url, "objectTypes": ["person"], "items": items, "totalItems": total, "links": links});
    if let Some(a) = author {
        feed["author"] = a;
    }
    Ok(feed)
}

pub fn followers(app: &App, req: &Req, nick: &str, which: &str) -> Result<Resp> {
    let (me, me_id) = requester(app, req)?;
    let url = urls::user_api(&app.cfg, nick, which);
    super::negotiate::cached(app, req, me.as_deref(), || {
        app.store.read(|r| {
            user_exists(r, nick)?;
            let name = user_name(r, app, nick)?;
            let title = if which == "followers" {
                format!("Followers for {name}")
            } else {
                format!("Following for {name}")
            };
            let author = person::show(r, &app.cfg, nick, me.as_deref())?;
            person_feed(
                r,
                req,
                Viewer {
                    id: me_id.as_deref(),
                },
                &urls::stream(nick, which),
                &url,
                title,
                author,
                true,
            )
        })
    })
}

/// A feed of objects (api.md §4.3), hiding from others what they may not see.
#[allow(clippy::too_many_arguments)]
pub fn object_feed(
    r: &impl Read,
    req: &Req,
    viewer: Viewer,
    stream: &str,
    url: &str,
    title: String,
    owner: Option<&str>,
    full: bool,
) -> Result<(Value, Vec<String>)> {
    let page = Page::parse(req)?;
    let walked = walk(r, stream, &page, |id| {
        if owner.is_some() && owner == viewer.id {
            return Ok(true);
        }
        match objects::get(r, id)? {
            Some(o) => addressing::may_show(r, &o, viewer.id),
            None => Ok(false),
        }
    })?;
    let total = r.stream_count(stream)?;
    let mut items = Vec::new();
    for id in &walked.items {
        let shown = match objects::get(r, id)? {
            Some(o) => render::object(r, viewer, &o, if full { FULL } else { PLAIN })?,
            None => render::expand(r, viewer, &json!({"id": id}))?,
        };
        items.push(shown);
    }
    let feed = json!({"displayName": title, "url": url, "items": items, "totalItems": total,
        "links": {"first": {"href": url}, "self": {"href": url}}});
    Ok((feed, walked.items))
}

pub fn favorites(app: &App, req: &Req, nick: &str) -> Result<Resp> {
    let (me, me_id) = requester(app, req)?;
    let url = urls::user_api(&app.cfg, nick, "favorites");
    super::negotiate::cached(app, req, me.as_deref(), || {
        app.store.read(|r| {
            user_exists(r, nick)?;
            let name = user_name(r, app, nick)?;
            let owner = urls::person_id(&app.cfg, nick);
            let (mut feed, _) = object_feed(
                r,
                req,
                Viewer {
                    id: me_id.as_deref(),
                },
                &urls::stream(nick, "favorites"),
                &url,
                format!("Things that {name} has favorited"),
                Some(&owner),
                true,
            )?;
            if let Some(a) = person::show(r, &app.cfg, nick, me.as_deref())? {
                feed["author"] = a;
            }
            Ok(feed)
        })
    })
}

/// `POST /following` and `POST /favorites`: a follow or favorite of the posted object.
pub async fn post_shortcut(app: &App, req: &Req, nick: &str, verb: &str) -> Result<Resp> {
    let (me, client) = auth::user_write(app, req)?;
    same_user(&me, nick)?;
    let object = req.json()?;
    if !object.is_object() {
        return Err(Error::bad("Body must be an object"));
    }
    super::feeds::post_and_show_object(app, nick, json!({"verb": verb, "object": object}), &client)
        .await
}

pub fn lists(app: &App, req: &Req, nick: &str, kind: &str) -> Result<Resp> {
    let (me, me_id) = requester(app, req)?;
    let page = Page::parse(req)?;
    let url = urls::user_api(&app.cfg, nick, &format!("lists/{kind}"));
    let viewer = Viewer {
        id: me_id.as_deref(),
    };
    super::negotiate::cached(app, req, me.as_deref(), || {
        app.store.read(|r| {
        user_exists(r, nick)?;
        let name = user_name(r, app, nick)?;
        let stream = urls::stream(nick, &format!("lists:{kind}"));
        let own = me.as_deref() == Some(nick);
        let walked = walk(r, &stream, &page, |id| {
            if own {
                return Ok(true);
            }
            match objects::get(r, id)? {
                Some(l) => addressing::object_visible(r, &l, viewer.id),
                None => Ok(false),
            }
        })?;
        let total = r.stream_count(&stream)?;
        let mut items = Vec::new();
        for id in &walked.items {
            if let Some(l) = objects::get(r, id)? {
                items.push(render::object(r, viewer, &l, PLAIN)?);
            }
        }
        let links = page.links(&url, walked.items.first().map(String::as_str), walked.items.last().map(String::as_str), walked.items.len(), total);
        let mut feed = json!({"displayName": format!("Collections of {kind}s for {name}"), "objectTypes": ["collection"],
            "url": url, "links": links, "items": items, "totalItems": total});
        if let Some(a) = person::show(r, &app.cfg, nick, me.as_deref())? {
            feed["author"] = a;
        }
        Ok(feed)
    })
    })
}
