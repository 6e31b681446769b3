//! What ActivityPub servers read (AS2, public views only): a user's actor, the server's actor,
//! a user's outbox, followers and following, as Mastodon pages them. Signed fetches are
//! required with `authorizedFetch`.
use crate::app::App;
use crate::core::feeds::{self, Activities, FeedQuery};
use crate::core::paging::Page;
use crate::error::{Error, Result};
use crate::federation::keys;
use crate::http::{Req, Resp};
use crate::social::render::Viewer;
use crate::social::users::no_such_user;
use crate::social::{actor, as2_out, urls};
use crate::store::ap::SERVER;
use crate::store::Read;
use serde_json::{json, Value};

pub const CONTENT_TYPE: &str = "application/activity+json";

/// Items in one page of an AS2 collection.
const PAGE: usize = 20;

/// Whether an ActivityPub server is reading: AS2 asked for (`activity+json` or `ld+json`),
/// and no OAuth credentials (an API client asking for AS2 gets the API's AS2 view, as from
/// the original).
pub fn wants_ap(req: &Req) -> bool {
    let a = req.header("accept").unwrap_or("").to_ascii_lowercase();
    !crate::principal::carries_oauth(req)
        && (a.contains("application/activity+json") || a.contains("application/ld+json"))
        && crate::api::negotiate::wants_as2(req)
}

fn answer(v: &Value) -> Resp {
    Resp::new(200, CONTENT_TYPE, v.to_string())
}

fn exists(app: &App, nick: &str) -> Result<()> {
    if app.store.read(|r| crate::social::users::exists(r, nick))? {
        Ok(())
    } else {
        Err(no_such_user(nick))
    }
}

/// `GET /<nick>` (and `/api/user/<nick>/profile`) as an actor.
pub async fn person(app: &App, req: &Req, nick: &str) -> Result<Resp> {
    crate::principal::ap_reader(app, req).await?;
    exists(app, nick)?;
    Ok(answer(&keys::actor_document(app, nick).await?))
}

/// `GET /api/actor`: the server's actor, readable by anyone (it is how others check our
/// signed fetches, even with `authorizedFetch`).
pub async fn server(app: &App, req: &Req) -> Result<Resp> {
    req.asked.set(Some("any-read"));
    let key = keys::ensure(app, SERVER).await?;
    Ok(answer(&actor::server(&app.cfg, &key.public_pem)))
}

/// The outbox: the public activities, newest first, a page at a time (`?page=true`, then
/// `before` the last one's id).
pub async fn outbox(app: &App, req: &Req, nick: &str) -> Result<Resp> {
    crate::principal::ap_reader(app, req).await?;
    exists(app, nick)?;
    let url = urls::user_api(&app.cfg, nick, "feed");
    let q = req.query_pairs();
    let paged = q.iter().any(|(k, _)| k == "page" || k == "before");
    let page = Page::parse(
        &[("count".into(), PAGE.to_string())]
            .into_iter()
            .chain(q)
            .collect::<Vec<_>>(),
    )?;
    let feed = app.store.read(|r| {
        feeds::activities(
            r,
            FeedQuery::new(&urls::stream(nick, "outbox"), Viewer { id: None }, &page)
                .at(&url, String::new()),
            Activities {
                major: false,
                filter: true,
            },
        )
    })?;
    let total = feed.get("totalItems").cloned().unwrap_or(json!(0));
    if !paged {
        return Ok(answer(
            &json!({"@context": actor::CONTEXT, "id": url, "type": "OrderedCollection",
            "totalItems": total, "first": format!("{url}?page=true")}),
        ));
    }
    let items: Vec<Value> = feed
        .get("items")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(|x| as2_out::activity(&app.cfg, x)).collect())
        .unwrap_or_default();
    let mut doc = json!({"@context": actor::CONTEXT, "id": format!("{url}?{}", req.query), "type": "OrderedCollectionPage",
        "partOf": url, "totalItems": total});
    if let Some(last) = items
        .last()
        .and_then(|l| l.get("id"))
        .and_then(Value::as_str)
    {
        doc["next"] = json!(format!("{url}?before={}", crate::util::enc::pct(last)));
    }
    doc["orderedItems"] = Value::Array(items);
    Ok(answer(&doc))
}

/// Followers or following: the count, and the actor ids a page at a time (`?page=N`).
pub async fn people(app: &App, req: &Req, nick: &str, which: &str) -> Result<Resp> {
    crate::principal::ap_reader(app, req).await?;
    exists(app, nick)?;
    let url = urls::user_api(&app.cfg, nick, which);
    let stream = urls::stream(nick, which);
    let n: usize = match req.query_param("page") {
        Some(p) => p.parse().map_err(|_| Error::bad("page must be a number"))?,
        None => 0,
    };
    let (total, ids) = app.store.read(|r| {
        let total = r.stream_count(&stream)?;
        let ids: Vec<Value> = r
            .stream_asc(&stream, 0, n.saturating_mul(PAGE))?
            .into_iter()
            .skip(n.saturating_sub(1) * PAGE)
            .map(|(_, id)| json!(as2_out::ap_id(&app.cfg, &id)))
            .collect();
        Ok((total, ids))
    })?;
    if n == 0 {
        return Ok(answer(
            &json!({"@context": actor::CONTEXT, "id": url, "type": "OrderedCollection",
            "totalItems": total, "first": format!("{url}?page=1")}),
        ));
    }
    let mut doc = json!({"@context": actor::CONTEXT, "id": format!("{url}?page={n}"), "type": "OrderedCollectionPage",
        "partOf": url, "totalItems": total, "orderedItems": ids});
    if (n as u64).saturating_mul(PAGE as u64) < total {
        doc["next"] = json!(format!("{url}?page={}", n + 1));
    }
    Ok(answer(&doc))
}

/// An object, as anyone may see it (a signed reader is still no one here).
pub async fn object(
    app: &App,
    req: &Req,
    kind: &str,
    key: crate::api::objects::Key,
) -> Result<Resp> {
    crate::principal::ap_reader(app, req).await?;
    crate::api::objects::check_type(kind)?;
    let obj = crate::api::objects::find(app, req, kind, &key)?;
    let doc = app.store.read(|r| {
        crate::social::addressing::check_object(r, &obj, None)?;
        let plain = crate::social::render::object(
            r,
            Viewer { id: None },
            &obj,
            crate::social::render::PLAIN,
        )?;
        let created = crate::social::addressing::creating_activity(r, &obj)?;
        Ok(as2_out::standalone(&app.cfg, &plain, created.as_deref()))
    })?;
    Ok(answer(&doc))
}
