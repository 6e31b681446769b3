//! Messages (the direct major inbox) and notifications (the direct minor one: follows, likes,
//! shares, replies), each with what is new since the user last read it. The navbar's badges
//! count the new ones; opening the page marks them read.
use super::cards;
use super::layout::Ctx;
use crate::core::feeds::{self, Activities, FeedQuery};
use crate::core::paging::Page;
use crate::error::Result;
use crate::http::Resp;
use crate::social::render::Viewer;
use crate::social::urls;
use crate::store::{markers, Read};
use serde_json::Value;

/// Entries a page shows.
const SHOWN: usize = 40;
/// New entries counted for a badge; beyond it the badge says "99+".
const MAX_UNREAD: usize = 99;

/// How many entries of `nick`'s stream `name` came after what they last read (at most 100).
pub fn unread(r: &impl Read, nick: &str, name: &str) -> Result<u64> {
    let stream = urls::stream(nick, name);
    let seen = markers::seen(r, nick, &stream)?;
    let newer = r.stream_desc(&stream, u64::MAX, MAX_UNREAD + 1)?;
    // Not what comes from someone the user blocks or mutes (read only when there is one).
    let hidden = crate::social::blocks::hidden_by(r, nick)?;
    let mut n = 0;
    for (_, id) in newer.iter().take_while(|(seq, _)| *seq > seen) {
        if !hidden.is_empty() {
            let act = crate::social::activity::get(r, id)?;
            let actor = act.as_ref().and_then(|a| a.doc.pointer("/actor/id"));
            if actor
                .and_then(Value::as_str)
                .is_some_and(|a| hidden.contains(a))
            {
                continue;
            }
        }
        n += 1;
    }
    Ok(n)
}

/// A badge's text: the count, or "99+".
pub fn badge(n: u64) -> String {
    match n as usize > MAX_UNREAD {
        true => format!("{MAX_UNREAD}+"),
        false => n.to_string(),
    }
}

/// One stream's newest entries for the page, the ids of those not read before, and the place
/// of the newest (what is read once the page is shown).
struct Shown {
    items: Vec<Value>,
    new: Vec<String>,
    top: u64,
}

fn read(ctx: &Ctx, me: &str, name: &str, major: bool) -> Result<Shown> {
    let me_id = urls::person_id(&ctx.app.cfg, me);
    let viewer = Viewer { id: Some(&me_id) };
    let stream = urls::stream(me, name);
    let shown = ctx.app.store.read(|r| {
        let seen = markers::seen(r, me, &stream)?;
        let newest = r.stream_desc(&stream, u64::MAX, SHOWN)?;
        let feed = feeds::activities(
            r,
            FeedQuery::new(&stream, viewer, &Page::newest(SHOWN)),
            Activities {
                major,
                filter: false,
            },
        )?;
        Ok(Shown {
            items: cards::items(&feed),
            new: newest
                .iter()
                .filter(|(seq, _)| *seq > seen)
                .map(|(_, id)| id.clone())
                .collect(),
            top: newest.first().map(|(seq, _)| *seq).unwrap_or(0),
        })
    })?;
    // What came before a block or a mute stays out of sight too.
    Ok(Shown {
        items: super::blocking::without_hidden(ctx, shown.items),
        ..shown
    })
}

/// Marks `name` read up to `top`.
async fn mark(ctx: &Ctx<'_>, me: &str, name: &str, top: u64) -> Result<()> {
    let (nick, stream) = (me.to_string(), urls::stream(me, name));
    if top == 0 {
        return Ok(());
    }
    ctx.app
        .store
        .write(move |w| markers::set_seen(w, &nick, &stream, top))
        .await
}

fn is_new(a: &Value, new: &[String]) -> bool {
    a.get("id")
        .and_then(Value::as_str)
        .is_some_and(|id| new.iter().any(|n| n == id))
}

/// `GET /main/messages`: what was addressed to the user directly.
pub async fn messages(ctx: &Ctx<'_>, me: &str) -> Result<Resp> {
    let got = read(ctx, me, urls::MESSAGES, true)?;
    let mut body = String::from(
        "<h1>Messages</h1><p><a class=\"alone\" href=\"/main/notifications\">Notifications</a></p><div id=\"messages-stream\">",
    );
    for a in &got.items {
        let class = if is_new(a, &got.new) { " unread" } else { "" };
        body.push_str(&cards::major_marked(ctx, a, class));
    }
    if got.items.is_empty() {
        body.push_str("<p class=\"muted\">No messages yet.</p>");
    }
    body.push_str("</div>");
    mark(ctx, me, urls::MESSAGES, got.top).await?;
    Ok(ctx.page(200, "Messages", &body, false))
}

/// The icon and word of a notification of `me_id`, by what happened: a post is a reply when
/// it answers their object, else it mentions them.
fn kind(a: &Value, me_id: &str) -> (&'static str, &'static str) {
    let verb = a.get("verb").and_then(Value::as_str).unwrap_or("");
    let object = a.pointer("/object/objectType").and_then(Value::as_str);
    let answered = a
        .pointer("/object/inReplyTo/author/id")
        .and_then(Value::as_str);
    match (verb, object) {
        ("follow", _) => ("&#10010;", "Follow"),
        ("favorite" | "like", _) => ("&#9733;", "Like"),
        ("share", _) => ("&#8635;", "Share"),
        ("post", Some("comment")) if answered.is_none_or(|id| id == me_id) => ("&#8617;", "Reply"),
        ("post", _) => ("&#64;", "Mention"),
        _ => ("&#8226;", "Activity"),
    }
}

/// `GET /main/notifications`: follows, likes, shares, replies and mentions that concern the
/// user.
pub async fn notifications(ctx: &Ctx<'_>, me: &str) -> Result<Resp> {
    let got = read(ctx, me, urls::NOTIFICATIONS, false)?;
    let mut body = String::from(
        "<h1>Notifications</h1><p><a class=\"alone\" href=\"/main/messages\">Messages</a></p><ul class=\"people\" id=\"notifications-list\">",
    );
    let me_id = urls::person_id(&ctx.app.cfg, me);
    for a in &got.items {
        let (icon, word) = kind(a, &me_id);
        let lead =
            format!("<span class=\"kind\"><span aria-hidden=\"true\">{icon}</span> {word}</span> ");
        let (class, tail) = match is_new(a, &got.new) {
            true => (" notification unread", " <span class=\"new\">New</span>"),
            false => (" notification", ""),
        };
        body.push_str(&cards::minor_marked(a, class, &lead, tail));
    }
    if got.items.is_empty() {
        body.push_str("<li class=\"muted\">Nothing yet.</li>");
    }
    body.push_str("</ul>");
    mark(ctx, me, urls::NOTIFICATIONS, got.top).await?;
    Ok(ctx.page(200, "Notifications", &body, false))
}
