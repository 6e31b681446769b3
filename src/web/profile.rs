//! A person's pages (web-ui.md §2): `/<nick>` with the profile block, the tab bar and the
//! outbox as the reader may see it; its tabs favorites, followers, following and lists; and one
//! list's page.
use super::cards::{self, href};
use super::layout::{avatar_url, Ctx};
use crate::core::feeds::{self, Activities, FeedQuery, Persons};
use crate::core::paging::Page;
use crate::error::{Error, Result};
use crate::http::Resp;
use crate::social::render::{self, Viewer, PLAIN};
use crate::social::{addressing, objects, person, urls};
use crate::store::Read;
use crate::util::enc::html;
use serde_json::Value;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Activity,
    Favorites,
    Followers,
    Following,
    Lists,
}

fn count(p: &Value, k: &str) -> u64 {
    p.pointer(&format!("/{k}/totalItems"))
        .and_then(Value::as_u64)
        .unwrap_or(0)
}

/// The profile block (an h-card) and the tab bar.
fn head(ctx: &Ctx, nick: &str, p: &Value, tab: Tab) -> String {
    let s = |k: &str| p.get(k).and_then(Value::as_str).unwrap_or("");
    let name = cards::name(p);
    let account = format!("{nick}@{}", ctx.app.cfg.hostname);
    let location = p
        .pointer("/location/displayName")
        .and_then(Value::as_str)
        .map(|l| format!("<p class=\"p-locality\">{}</p>", html(l)))
        .unwrap_or_default();
    let bio = if s("summary").is_empty() {
        String::new()
    } else {
        format!(
            "<div class=\"p-note\">{}</div>",
            crate::social::sanitize::html(s("summary"))
        )
    };
    let mut out = format!(
        "<section class=\"card h-card profile-block\"><header><img class=\"avatar big u-photo\" src=\"{}\" alt=\"\">\
         <div><h1 class=\"p-name\">{}</h1><p class=\"p-nickname muted\">{}</p>{location}{bio}{}{}</div></header></section>\n",
        href(&avatar_url(p)),
        html(&name),
        html(&account),
        cards::follow_button(ctx, p),
        super::blocking::buttons(ctx, p)
    );
    let tabs = [
        (Tab::Activity, "Activity", String::new(), None),
        (
            Tab::Favorites,
            "Favorites",
            "/favorites".into(),
            Some(count(p, "favorites")),
        ),
        (
            Tab::Followers,
            "Followers",
            "/followers".into(),
            Some(count(p, "followers")),
        ),
        (
            Tab::Following,
            "Following",
            "/following".into(),
            Some(count(p, "following")),
        ),
        (
            Tab::Lists,
            "Lists",
            "/lists".into(),
            Some(count(p, "lists")),
        ),
    ];
    out.push_str("<ul class=\"tabs\">");
    for (t, label, path, n) in tabs {
        let current = if t == tab {
            " aria-current=\"page\""
        } else {
            ""
        };
        let badge = n
            .map(|n| format!(" <span class=\"badge\">{n}</span>"))
            .unwrap_or_default();
        out.push_str(&format!(
            "<li><a href=\"/{}{path}\"{current}>{label}{badge}</a></li>",
            html(nick)
        ));
    }
    out.push_str("</ul>\n");
    out
}

use cards::items;

pub fn page(ctx: &Ctx, nick: &str, tab: Tab) -> Result<Resp> {
    let app = ctx.app;
    let me = ctx.me.clone();
    let me_id = ctx.me_id();
    let viewer = Viewer {
        id: me_id.as_deref(),
    };
    let own = me.as_deref() == Some(nick);
    // Read before the snapshot: kept renderings are current for it.
    let generation = app.store.generation();
    let (p, content) = app.store.read(|r| {
        if !crate::social::users::exists(r, nick)? {
            return Err(Error::NotFound(format!("No user {nick}")));
        }
        let p = person::show(r, &app.cfg, nick, me.as_deref())?
            .ok_or_else(|| Error::NotFound(format!("No user {nick}")))?;
        let mut c = String::new();
        match tab {
            Tab::Activity => {
                let page = Page::parse(&ctx.req.query_pairs())?;
                let feed = |name: &str, major: bool, page: &Page| {
                    crate::core::feed_json::document(
                        app,
                        generation,
                        r,
                        FeedQuery::new(&urls::stream(nick, name), viewer, page),
                        Activities {
                            major,
                            filter: !own,
                        },
                    )
                };
                let major = items(&feed("outbox:major", true, &page)?);
                let minor = items(&feed("outbox:minor", false, &Page::newest(20))?);
                c.push_str(&cards::columns(
                    ctx,
                    "Activity",
                    &major,
                    &minor,
                    &page,
                    &format!("/{nick}"),
                ));
            }
            Tab::Favorites => {
                let owner = urls::person_id(&app.cfg, nick);
                let (feed, _) = feeds::objects(
                    r,
                    FeedQuery::new(
                        &urls::stream(nick, "favorites"),
                        viewer,
                        &Page::parse(&ctx.req.query_pairs())?,
                    ),
                    Some(&owner),
                    true,
                )?;
                c.push_str("<h2>Favorites</h2><div id=\"favorites\">");
                for o in items(&feed) {
                    c.push_str(&format!(
                        "<article class=\"card\" data-object=\"{}\">{}</article>",
                        html(o.get("id").and_then(Value::as_str).unwrap_or("")),
                        cards::object_body(ctx, &o, None)
                    ));
                }
                c.push_str("</div>");
            }
            Tab::Followers | Tab::Following => {
                let which = if tab == Tab::Followers {
                    "followers"
                } else {
                    "following"
                };
                let feed = feeds::persons(
                    r,
                    FeedQuery::new(
                        &urls::stream(nick, which),
                        viewer,
                        &Page::parse(&ctx.req.query_pairs())?,
                    ),
                    Persons::from_query(&ctx.req.query_pairs(), true),
                )?;
                c.push_str(&format!(
                    "<h2>{}</h2><ul class=\"people\" id=\"{which}\">",
                    if tab == Tab::Followers {
                        "Followers"
                    } else {
                        "Following"
                    }
                ));
                for p in items(&feed) {
                    c.push_str(&cards::person(ctx, &p));
                }
                c.push_str("</ul>");
            }
            Tab::Lists => c.push_str(&lists(r, ctx, nick, own, viewer)?),
        }
        Ok((p, c))
    })?;
    let title = cards::name(&p);
    let body = format!("{}{content}", head(ctx, nick, &p, tab));
    Ok(ctx.page(200, &title, &body, false))
}

fn lists(r: &impl Read, ctx: &Ctx, nick: &str, own: bool, viewer: Viewer) -> Result<String> {
    let stream = urls::stream(nick, "lists:person");
    let mut c = String::from("<h2>Lists</h2><ul class=\"people\" id=\"lists\">");
    for id in r.stream_newest(&stream, None, 0, 200)? {
        let Some(l) = objects::get(r, &id)? else {
            continue;
        };
        if !own && !addressing::object_visible(r, &l, viewer.id)? {
            continue;
        }
        let l = render::object(r, viewer, &l, PLAIN)?;
        let n = l
            .pointer("/members/totalItems")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        c.push_str(&format!(
            "<li class=\"card\"><a href=\"{}\">{}</a> <span class=\"badge\">{n}</span></li>",
            href(l.get("url").and_then(Value::as_str).unwrap_or("#")),
            html(&cards::name(&l))
        ));
    }
    c.push_str("</ul>");
    if own {
        c.push_str(&format!(
            "<form class=\"card\" id=\"new-list\" method=\"post\" action=\"/main/act\">{}<input type=\"hidden\" name=\"verb\" value=\"create-list\">\
             <h3>New list</h3><label for=\"list-name\">Name</label><input type=\"text\" id=\"list-name\" name=\"name\" required>\
             <label for=\"list-description\">Description</label><textarea id=\"list-description\" name=\"description\"></textarea>\
             <button type=\"submit\">Create</button></form>",
            ctx.hidden()
        ));
    }
    Ok(c)
}

/// `/<nick>/list/<uuid>`: the list, its members, and the owner's buttons.
pub fn list(ctx: &Ctx, nick: &str, uuid: &str) -> Result<Resp> {
    let app = ctx.app;
    let me_id = ctx.me_id();
    let viewer = Viewer {
        id: me_id.as_deref(),
    };
    let owner = urls::person_id(&app.cfg, nick);
    let own = me_id.as_deref() == Some(owner.as_str());
    let (l, members) = app.store.read(|r| {
        let l = objects::by_uuid(r, "collection", uuid)?
            .ok_or_else(|| Error::NotFound("No such list".into()))?;
        if l.get("author").and_then(objects::id_of) != Some(owner.as_str()) {
            return Err(Error::bad("That list is not by that user"));
        }
        if !own && !addressing::object_visible(r, &l, viewer.id)? {
            return Err(Error::Forbidden(
                "Only the owner and recipients can see this list.".into(),
            ));
        }
        let id = l
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let feed = feeds::persons(
            r,
            FeedQuery::new(
                &crate::social::verbs::members_stream(&id),
                viewer,
                &Page::parse(&ctx.req.query_pairs())?,
            ),
            Persons::from_query(&ctx.req.query_pairs(), false),
        )?;
        Ok((render::object(r, viewer, &l, PLAIN)?, items(&feed)))
    })?;
    let list_id = l.get("id").and_then(Value::as_str).unwrap_or("");
    let mut c = format!(
        "<h1>{}</h1><div class=\"content\">{}</div><ul class=\"people\" id=\"members\">",
        html(&cards::name(&l)),
        crate::social::sanitize::html(l.get("content").and_then(Value::as_str).unwrap_or(""))
    );
    for m in &members {
        c.push_str(&format!(
            "<li class=\"card person\">{}",
            cards::person_link(m)
        ));
        if own {
            c.push_str(&format!(
                "<form method=\"post\" action=\"/main/act\">{}<input type=\"hidden\" name=\"verb\" value=\"remove\">\
                 <input type=\"hidden\" name=\"target\" value=\"{}\"><input type=\"hidden\" name=\"person\" value=\"{}\">\
                 <button type=\"submit\" class=\"link\">Remove</button></form>",
                ctx.hidden(),
                html(list_id),
                html(m.get("id").and_then(Value::as_str).unwrap_or(""))
            ));
        }
        c.push_str("</li>");
    }
    c.push_str("</ul>");
    if own {
        c.push_str(&format!(
            "<form class=\"card\" id=\"add-list-member\" method=\"post\" action=\"/main/act\">{0}<input type=\"hidden\" name=\"verb\" value=\"add\">\
             <input type=\"hidden\" name=\"target\" value=\"{1}\"><label for=\"member\">Add a member (nickname)</label>\
             <input type=\"text\" id=\"member\" name=\"person\" required><button type=\"submit\">Add</button></form>\
             <form id=\"delete-list\" method=\"post\" action=\"/main/act\" data-confirm=\"Delete this list?\">{0}\
             <input type=\"hidden\" name=\"verb\" value=\"delete\"><input type=\"hidden\" name=\"object\" value=\"{1}\">\
             <input type=\"hidden\" name=\"objectType\" value=\"collection\"><input type=\"hidden\" name=\"back\" value=\"/{2}/lists\">\
             <button type=\"submit\" class=\"danger\">Delete list</button></form>",
            ctx.hidden(),
            html(list_id),
            html(nick)
        ));
    }
    Ok(ctx.page(200, &cards::name(&l), &c, false))
}
