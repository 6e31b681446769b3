//! Blocking and muting in the web UI: the buttons on a person's page, the two lists on the
//! account page with the way back, and leaving hidden people out of the reader's pages.
use super::cards;
use super::layout::Ctx;
use crate::error::Result;
use crate::social::{blocks, objects, urls};
use crate::store::Read;
use crate::util::enc::html;
use serde_json::{json, Value};
use std::collections::HashSet;

/// Mute and Block (or their undoing) for the person `p`, when the reader is someone else.
pub fn buttons(ctx: &Ctx, p: &Value) -> String {
    let (Some(me), Some(pid)) = (ctx.me_id(), p.get("id").and_then(Value::as_str)) else {
        return String::new();
    };
    if me == pid {
        return String::new();
    }
    let state = ctx
        .app
        .store
        .read(|r| Ok((blocks::mutes(r, &me, pid)?, blocks::blocks(r, &me, pid)?)));
    let (muted, blocked) = state.unwrap_or_default();
    let person = json!({"id": pid, "objectType": "person"});
    let mute = match muted {
        true => cards::verb_button(ctx, "unmute", &person, "Unmute", "link unmute"),
        false => cards::verb_button(ctx, "mute", &person, "Mute", "link mute"),
    };
    let block = match blocked {
        true => cards::verb_button(ctx, "unblock", &person, "Unblock", "link unblock"),
        false => cards::verb_button(ctx, "block", &person, "Block", "link block"),
    };
    let note = match (blocked, muted) {
        (true, _) => "<p class=\"muted\">You block this person: you see nothing of theirs, and they cannot follow you, reply to you or send you anything.</p>",
        (false, true) => "<p class=\"muted\">You mute this person: their posts stay out of your inbox and notifications.</p>",
        _ => "",
    };
    format!("<div class=\"hide-buttons\">{mute}{block}</div>{note}")
}

/// The activities of `items` whose actor the reader neither blocks nor mutes.
pub fn without_hidden(ctx: &Ctx, items: Vec<Value>) -> Vec<Value> {
    let hidden = hidden(ctx);
    if hidden.is_empty() {
        return items;
    }
    let actor = |a: &Value| {
        a.pointer("/actor/id")
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    items
        .into_iter()
        .filter(|a| actor(a).is_none_or(|id| !hidden.contains(&id)))
        .collect()
}

fn hidden(ctx: &Ctx) -> HashSet<String> {
    let Some(me) = ctx.me.as_deref() else {
        return HashSet::new();
    };
    ctx.app
        .store
        .read(|r| blocks::hidden_by(r, me))
        .unwrap_or_default()
}

/// The account page's lists of blocked and muted people, each with its undoing.
pub fn lists(ctx: &Ctx, me: &str) -> Result<String> {
    let mut out = String::new();
    for (kind, title, undo, label, empty) in [
        (
            blocks::BLOCK,
            "Blocked",
            "unblock",
            "Unblock",
            "You block nobody.",
        ),
        (
            blocks::MUTE,
            "Muted",
            "unmute",
            "Unmute",
            "You mute nobody.",
        ),
    ] {
        let ids = ctx.app.store.read(|r| {
            let list = blocks::stream(me, kind);
            let n = r.stream_count(&list)? as usize;
            let mut people = Vec::new();
            for id in r.stream_newest(&list, None, 0, n)? {
                let p = objects::get(r, &id)?.map(|o| o.doc);
                people.push((id, p));
            }
            Ok(people)
        })?;
        let id = title.to_lowercase();
        out.push_str(&format!(
            "<h2>{title}</h2><ul class=\"people\" id=\"{id}\">"
        ));
        for (pid, p) in &ids {
            let p = p.clone().unwrap_or_else(|| json!({"id": pid}));
            let name = cards::name(&p);
            let page = match urls::nick_of_person_id(&ctx.app.cfg, pid) {
                Some(nick) => format!("/{nick}"),
                None => super::remote_person::person_page(pid),
            };
            let person = json!({"id": pid, "objectType": "person"});
            out.push_str(&format!(
                "<li><a href=\"{}\">{}</a> {}</li>",
                html(&page),
                html(&name),
                cards::verb_button(ctx, undo, &person, label, &format!("link {undo}"))
            ));
        }
        if ids.is_empty() {
            out.push_str(&format!("<li class=\"muted\">{empty}</li>"));
        }
        out.push_str("</ul>");
    }
    Ok(out)
}
