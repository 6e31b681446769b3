//! The outbox and the inbox: `/api/user/<nick>/feed…` and `/inbox…` (api.md §10).
use crate::app::App;
use crate::core::feeds::{self, Activities, FeedQuery};
use crate::core::paging::Page;
use crate::error::{Error, Result};
use crate::http::{Req, Resp};
use crate::principal::{self as auth, same_user};
use crate::social::clients::Client;
use crate::social::outbox::Feed;
use crate::social::render::{self, Viewer, FULL};
use crate::social::users::no_such_user;
use crate::social::{person, urls};
use crate::store::Read;
use serde_json::Value;

/// Posts `body` for `nick` and answers with the activity's object as the poster sees it (the
/// object shortcuts of activities.md §5.4 answer with the object, not the activity).
pub async fn post_and_show_object(
    app: &App,
    nick: &str,
    body: Value,
    client: &Client,
) -> Result<Resp> {
    let id = crate::core::posting::post_activity(app, nick, body, client, Feed::All).await?;
    let me_id = urls::person_id(&app.cfg, nick);
    let out = app.store.read(|r| {
        let act = crate::social::activity::get(r, &id)?
            .ok_or_else(|| Error::internal("activity vanished"))?;
        let obj = crate::social::objects::stored_for(r, act.get("object"))?
            .ok_or_else(|| Error::internal("object vanished"))?;
        render::object(r, Viewer { id: Some(&me_id) }, &obj, FULL)
    })?;
    Ok(Resp::json(&out))
}

/// The display name used in feed titles: displayName, else the nickname. Read from the stored
/// profile: rendering it for a reader changes counts and decorations, never the name.
pub fn user_name(r: &impl Read, app: &App, nick: &str) -> Result<String> {
    let p = crate::social::objects::get(r, &urls::person_id(&app.cfg, nick))?;
    Ok(p.as_ref()
        .and_then(|p| p.get("displayName"))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .unwrap_or(nick)
        .to_string())
}

/// `(stream suffix, title, major)` of an outbox or inbox sub-feed.
fn feed_kind(path_tail: &[&str]) -> Option<(&'static str, &'static str, bool)> {
    Some(match path_tail {
        ["feed"] => ("outbox", "Activities by", false),
        ["feed", "major"] => ("outbox:major", "Major activities by", true),
        ["feed", "minor"] => ("outbox:minor", "Minor activities by", false),
        ["inbox"] => ("inbox", "Activities for", false),
        ["inbox", "major"] => ("inbox:major", "Major activities for", true),
        ["inbox", "minor"] => ("inbox:minor", "Minor activities for", false),
        ["inbox", "direct"] => ("inbox:direct", "Activities directly for", false),
        ["inbox", "direct", "major"] => {
            ("inbox:direct:major", "Major activities directly for", true)
        }
        ["inbox", "direct", "minor"] => {
            ("inbox:direct:minor", "Minor activities directly for", false)
        }
        _ => return None,
    })
}

pub fn get(app: &App, req: &Req, nick: &str, tail: &[&str]) -> Result<Resp> {
    let (suffix, title, major) =
        feed_kind(tail).ok_or_else(|| Error::NotFound("No such feed".into()))?;
    let inbox = suffix.starts_with("inbox");
    let me = if inbox {
        let me = auth::user_read(app, req)?;
        same_user(&me, nick)?;
        Some(me)
    } else {
        auth::any_read(app, req)?.nick
    };
    let page = Page::parse(&req.query_pairs())?;
    let viewer_id = me.as_ref().map(|n| urls::person_id(&app.cfg, n));
    let viewer = Viewer {
        id: viewer_id.as_deref(),
    };
    let url = app.url(&format!("/api/user/{nick}/{}", tail.join("/")));
    let stream = urls::stream(nick, suffix);
    let own = me.as_deref() == Some(nick);
    let how = Activities {
        major,
        filter: !own,
    };
    // The feed's shell: checks the user, names the feed and gives its author.
    let query = |r: &crate::store::R| -> Result<FeedQuery> {
        if !crate::social::users::exists(r, nick)? {
            return Err(no_such_user(nick));
        }
        let name = user_name(r, app, nick)?;
        let author = person::show(r, &app.cfg, nick, me.as_deref())?;
        Ok(FeedQuery::new(&stream, viewer, &page)
            .at(&url, format!("{title} {name}"))
            .by(author))
    };
    if super::negotiate::wants_as2(req) {
        return super::negotiate::cached(app, req, me.as_deref(), || {
            app.store.read(|r| feeds::activities(r, query(r)?, how))
        });
    }
    super::negotiate::cached_json(app, req, me.as_deref(), |generation| {
        app.store
            .read(|r| crate::core::feed_json::activities(app, generation, r, query(r)?, how))
    })
}

pub async fn post(app: &App, req: &Req, nick: &str, tail: &[&str]) -> Result<Resp> {
    let (me, client) = auth::user_write(app, req)?;
    same_user(&me, nick)?;
    let feed = match tail {
        ["feed"] => Feed::All,
        ["feed", "major"] => Feed::Major,
        ["feed", "minor"] => Feed::Minor,
        _ => return Err(Error::NotFound("No such feed".into())),
    };
    let body = req.json()?;
    // The answer is rendered in the write job, from the same transaction: it is what was
    // stored, and the work runs on the writer's core rather than the request executor's.
    let me_id = urls::person_id(&app.cfg, &me);
    let render = move |w: &crate::store::W, id: &str| {
        let a = crate::social::activity::get(w, id)?
            .ok_or_else(|| Error::internal("posted activity vanished"))?;
        render::activity(w, Viewer { id: Some(&me_id) }, &a, FULL)
    };
    let (_, out) = crate::core::posting::post_then(app, nick, body, &client, feed, render).await?;
    Ok(Resp::json(&out))
}
