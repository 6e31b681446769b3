//! Followers, following, favorites and lists of a user (api.md §11).
use super::feeds::user_name;
use crate::app::App;
use crate::core::feeds::{self, FeedQuery, Persons};
use crate::core::paging::Page;
use crate::core::walk::walk;
use crate::error::{Error, Result};
use crate::http::{Req, Resp};
use crate::principal::{self as auth, same_user};
use crate::social::render::{self, Viewer, PLAIN};
use crate::social::users::no_such_user;
use crate::social::{addressing, objects, person, urls};
use crate::store::Read;
use serde_json::json;

fn requester(app: &App, req: &Req) -> Result<(Option<String>, Option<String>)> {
    let nick = auth::any_read(app, req)?.nick;
    let id = nick.as_ref().map(|n| urls::person_id(&app.cfg, n));
    Ok((nick, id))
}

fn user_exists(r: &impl Read, nick: &str) -> Result<()> {
    if crate::social::users::exists(r, nick)? {
        Ok(())
    } else {
        Err(no_such_user(nick))
    }
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
            feeds::persons(
                r,
                FeedQuery::new(
                    &urls::stream(nick, which),
                    Viewer {
                        id: me_id.as_deref(),
                    },
                    &Page::parse(&req.query_pairs())?,
                )
                .at(&url, title)
                .by(author),
                Persons::from_query(&req.query_pairs(), true),
            )
        })
    })
}

/// `GET /blocked` and `/muted`: whom the user blocks or mutes, for that user alone.
pub fn hidden(app: &App, req: &Req, nick: &str, which: &str) -> Result<Resp> {
    let me = auth::user_read(app, req)?;
    same_user(&me, nick)?;
    let url = urls::user_api(&app.cfg, nick, which);
    let me_id = urls::person_id(&app.cfg, &me);
    app.store.read(|r| {
        user_exists(r, nick)?;
        let name = user_name(r, app, nick)?;
        let title = match which {
            "blocked" => format!("People {name} blocks"),
            _ => format!("People {name} mutes"),
        };
        let feed = feeds::persons(
            r,
            FeedQuery::new(
                &urls::stream(nick, which),
                Viewer { id: Some(&me_id) },
                &Page::parse(&req.query_pairs())?,
            )
            .at(&url, title),
            Persons::from_query(&req.query_pairs(), true),
        )?;
        Ok(Resp::json(&feed))
    })
}

pub fn favorites(app: &App, req: &Req, nick: &str) -> Result<Resp> {
    let (me, me_id) = requester(app, req)?;
    let url = urls::user_api(&app.cfg, nick, "favorites");
    super::negotiate::cached(app, req, me.as_deref(), || {
        app.store.read(|r| {
            user_exists(r, nick)?;
            let name = user_name(r, app, nick)?;
            let owner = urls::person_id(&app.cfg, nick);
            let (mut feed, _) = feeds::objects(
                r,
                FeedQuery::new(
                    &urls::stream(nick, "favorites"),
                    Viewer {
                        id: me_id.as_deref(),
                    },
                    &Page::parse(&req.query_pairs())?,
                )
                .at(&url, format!("Things that {name} has favorited")),
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
    let page = Page::parse(&req.query_pairs())?;
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
