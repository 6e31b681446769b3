//! Finding people and posts: the directory of this server's people with a search (and the
//! look-up of someone elsewhere by address), the public timeline of its users' public posts
//! and the page of each `#tag`,
//! and what a new user's empty home page offers instead of nothing.
use super::cards;
use super::layout::Ctx;
use super::remote_person::is_address;
use crate::core::feeds::{Activities, FeedQuery};
use crate::core::paging::Page;
use crate::error::{Error, Result};
use crate::http::Resp;
use crate::social::render::Viewer;
use crate::social::{objects, person, relations, tags, urls, users};
use crate::store::R;
use crate::util::enc::{html, pct, unpct};
use serde_json::Value;

/// People per directory page.
const PER_PAGE: usize = 20;
/// A search longer than this is cut (names are shorter).
const MAX_QUERY: usize = 100;
/// The directory pages at most this far; further offsets show its last page's neighbours.
const MAX_OFFSET: usize = 10_000;
/// People suggested on a new user's home page.
const SUGGESTED: usize = 5;

/// Does person `p` (nickname `nick`) match the search `q` (lower case)?
fn matches(nick: &str, p: &Value, q: &str) -> bool {
    let name = p.get("displayName").and_then(Value::as_str).unwrap_or("");
    nick.to_lowercase().contains(q) || name.to_lowercase().contains(q)
}

/// The people of this server as `me` sees them, oldest account first, keeping those `keep`
/// says of their stored profile; `skip` and `take` page through what is kept. Only the page
/// shown is rendered, so a search that matches nobody costs a read per account, no more.
fn people_where(
    r: &R,
    ctx: &Ctx,
    keep: &dyn Fn(&R, &str, &Value) -> Result<bool>,
    (skip, take): (usize, usize),
) -> Result<(Vec<Value>, bool)> {
    let mut found = Vec::new();
    let mut seen = 0;
    for nick in users::all_nicks(r)? {
        let Some(stored) = objects::get(r, &urls::person_id(&ctx.app.cfg, &nick))? else {
            continue;
        };
        if !keep(r, &nick, &stored.doc)? {
            continue;
        }
        seen += 1;
        if seen > skip.saturating_add(take) {
            return Ok((found, true));
        }
        if seen > skip {
            found.extend(person::show(r, &ctx.app.cfg, &nick, ctx.me.as_deref())?);
        }
    }
    Ok((found, false))
}

/// Is `host` (maybe with a port) this server?
pub fn is_here(ctx: &Ctx, host: &str) -> bool {
    let cfg = &ctx.app.cfg;
    host.eq_ignore_ascii_case(&cfg.hostname)
        || host.eq_ignore_ascii_case(&format!("{}:{}", cfg.hostname, cfg.url_port))
}

/// The search form of the directory.
fn search_form(q: &str) -> String {
    format!(
        "<form id=\"people-search\" role=\"search\" method=\"get\" action=\"/main/people\">\
         <label for=\"people-q\">Search people by name, nickname or address (user@host)</label>\
         <div class=\"inline\"><input type=\"search\" id=\"people-q\" name=\"q\" value=\"{}\">\
         <button type=\"submit\">Search</button></div></form>\n",
        html(q)
    )
}

/// For an address on another server: a form to look the person up there.
fn lookup_offer(ctx: &Ctx, address: &str) -> String {
    if ctx.me.is_none() {
        return format!(
            "<p class=\"card\">{} is on another server. <a href=\"/main/login?continue={}\">Log in</a> to look them up and follow them.</p>\n",
            html(address),
            pct(&format!("/main/people?q={}", pct(address)))
        );
    }
    format!(
        "<form class=\"card\" id=\"lookup-remote\" method=\"post\" action=\"/main/lookup\">{}\
         <input type=\"hidden\" name=\"webfinger\" value=\"{}\">\
         <p>{} is on another server.</p><button type=\"submit\">Look up {}</button></form>\n",
        ctx.hidden(),
        html(address),
        html(address),
        html(address)
    )
}

/// `GET /main/people?q=…&offset=…`: the directory, or what matches the search.
pub fn people(ctx: &Ctx) -> Result<Resp> {
    let raw = ctx.req.query_param("q").unwrap_or_default();
    let q: String = raw.trim().chars().take(MAX_QUERY).collect();
    let offset = ctx
        .req
        .query_param("offset")
        .and_then(|o| o.parse::<usize>().ok())
        .unwrap_or(0)
        .min(MAX_OFFSET);
    let bare = q.trim_start_matches('@').to_string();
    // An address here is searched by its nickname; one elsewhere is offered a look-up.
    let (needle, elsewhere) = match bare.rsplit_once('@') {
        Some((user, host)) if is_here(ctx, host) => (user.to_lowercase(), None),
        _ if is_address(&bare) => (String::new(), Some(bare.clone())),
        _ => (bare.to_lowercase(), None),
    };
    let keep = |_: &R, nick: &str, p: &Value| Ok(elsewhere.is_none() && matches(nick, p, &needle));
    let (found, more) = ctx
        .app
        .store
        .read(|r| people_where(r, ctx, &keep, (offset, PER_PAGE)))?;
    let mut body = String::from("<h1>People</h1>\n");
    body.push_str(&search_form(&q));
    if let Some(address) = &elsewhere {
        body.push_str(&lookup_offer(ctx, address));
    } else if found.is_empty() {
        body.push_str("<p class=\"muted\" id=\"no-people\">Nobody here matches that.</p>\n");
    }
    body.push_str("<ul class=\"people grid\" id=\"directory\">\n");
    for p in &found {
        body.push_str(&cards::person(ctx, p));
    }
    body.push_str("</ul>\n");
    if more {
        body.push_str(&format!(
            "<p><a class=\"more\" href=\"/main/people?q={}&amp;offset={}\">More people</a></p>\n",
            pct(&q),
            offset + PER_PAGE
        ));
    }
    Ok(ctx.page(200, "People", &body, false))
}

/// The newest public posts of this server's users, as `me` sees them.
fn timeline(ctx: &Ctx, page: &Page) -> Result<Vec<Value>> {
    public_posts(ctx, urls::PUBLIC_STREAM, "/main/public", page)
}

/// A page of a stream of public posts (the timeline, a tag's) as `me` sees them.
fn public_posts(ctx: &Ctx, stream: &str, url: &str, page: &Page) -> Result<Vec<Value>> {
    let app = ctx.app;
    let me_id = ctx.me_id();
    let viewer = Viewer {
        id: me_id.as_deref(),
    };
    let generation = app.store.generation();
    let feed = app.store.read(|r| {
        crate::core::feed_json::document(
            app,
            generation,
            r,
            FeedQuery::new(stream, viewer, page).at(url, String::new()),
            Activities {
                major: true,
                filter: true,
            },
        )
    })?;
    Ok(super::blocking::without_hidden(ctx, cards::items(&feed)))
}

/// `GET /main/public`: the public timeline, for anyone.
pub fn public(ctx: &Ctx) -> Result<Resp> {
    let page = Page::parse(&ctx.req.query_pairs())?;
    let items = timeline(ctx, &page)?;
    let mut body = format!(
        "<h1>Public posts on {}</h1>\n<div id=\"public-stream\">\n",
        html(&ctx.app.cfg.site)
    );
    for a in &items {
        body.push_str(&cards::major(ctx, a));
    }
    if items.is_empty() {
        body.push_str("<p class=\"muted\">Nobody has posted anything public yet.</p>\n");
    }
    body.push_str("</div>\n");
    body.push_str(&cards::page_links(&items, &page, "/main/public"));
    Ok(ctx.page(200, "Public", &body, false))
}

/// `GET /main/tag/<tag>`: the public posts with `#tag`.
pub fn tag(ctx: &Ctx, raw: &str) -> Result<Resp> {
    let word = format!("#{}", unpct(raw));
    let tag =
        tags::of_word(&word).ok_or_else(|| Error::NotFound(format!("{word} is not a tag")))?;
    let page = Page::parse(&ctx.req.query_pairs())?;
    let url = format!("/main/tag/{}", pct(&tag));
    let items = public_posts(ctx, &tags::stream(&tag), &url, &page)?;
    let mut body = format!("<h1>#{}</h1>\n<div id=\"tag-stream\">\n", html(&tag));
    for a in &items {
        body.push_str(&cards::major(ctx, a));
    }
    if items.is_empty() {
        body.push_str("<p class=\"muted\">No public posts here have this tag yet.</p>\n");
    }
    body.push_str("</div>\n");
    body.push_str(&cards::page_links(&items, &page, &url));
    Ok(ctx.page(200, &format!("#{tag}"), &body, false))
}

/// What a sparse home page shows too: people to follow and the newest public posts, but not
/// the activities in `shown` (the home's own).
pub fn getting_started(ctx: &Ctx, me: &str, shown: &[Value]) -> Result<String> {
    let me_id = urls::person_id(&ctx.app.cfg, me);
    let new_to_me = |r: &R, nick: &str, p: &Value| {
        let id = p.get("id").and_then(Value::as_str).unwrap_or_default();
        Ok(nick != me && id != me_id && !relations::exists(r, relations::FOLLOW, &me_id, id)?)
    };
    let (people, _) = ctx
        .app
        .store
        .read(|r| people_where(r, ctx, &new_to_me, (0, SUGGESTED)))?;
    let mut out = String::from(
        "<section class=\"card\" id=\"getting-started\"><h2>Getting started</h2>\
         <p>Your home shows what the people you follow post. Follow someone to begin.</p>\n",
    );
    if !people.is_empty() {
        out.push_str(
            "<h3>People on this server</h3><ul class=\"people grid\" id=\"suggestions\">\n",
        );
        for p in &people {
            out.push_str(&cards::person(ctx, p));
        }
        out.push_str("</ul>\n");
    }
    out.push_str(
        "<p><a href=\"/main/people\">Find people</a> · <a href=\"/main/public\">All public posts</a></p></section>\n",
    );
    let id = |a: &Value| a.get("id").and_then(Value::as_str).map(str::to_string);
    let shown: Vec<String> = shown.iter().filter_map(id).collect();
    let recent: Vec<Value> = timeline(ctx, &Page::newest(SUGGESTED))?
        .into_iter()
        .filter(|a| id(a).is_some_and(|i| !shown.contains(&i)))
        .collect();
    if !recent.is_empty() {
        out.push_str("<h2>Recent public posts</h2>\n");
        for a in &recent {
            out.push_str(&cards::major(ctx, a));
        }
    }
    Ok(out)
}
