//! `POST /main/act`: every button and form of the pages (post, reply, like, share, delete,
//! follow, lists) as one form endpoint, so that all of it works without JavaScript. Each form
//! becomes the activity the original's client would have posted (web-ui.md §4), posted through
//! the same pipeline as the API, as the session's user.
use super::layout::Ctx;
use crate::core::posting::post_activity;
use crate::error::{Error, Result};
use crate::http::Resp;
use crate::social::clients::Client;
use crate::social::outbox::Feed;
use crate::social::urls;
use crate::util::enc::html;
use serde_json::{json, Value};

/// The web UI as the `generator` of what it posts.
pub fn web_client(ctx: &Ctx) -> Result<Client> {
    serde_json::from_value(json!({
        "consumer_key": "pump-web-ui",
        "secret": "",
        "title": format!("{} Web", ctx.app.cfg.site),
        "type": "web",
    }))
    .map_err(Error::internal)
}

/// Words the form gave to warn of what a post holds: the object's `summary`, and `sensitive`
/// (ActivityPub's content warning), which hide the post until the reader opens it.
pub fn warning(given: Option<&str>) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    if let Some(w) = given.map(str::trim).filter(|w| !w.is_empty()) {
        m.insert("summary".into(), Value::String(html(w)));
        m.insert("sensitive".into(), Value::Bool(true));
    }
    m
}

/// Where to go back to: a local path only.
fn back(ctx: &Ctx, field: Option<&str>) -> String {
    let from_referer = ctx.req.header("referer").and_then(|r| {
        let base = ctx.app.cfg.base();
        r.strip_prefix(&base).map(str::to_string)
    });
    super::local_path(field.map(str::to_string).or(from_referer).as_deref())
}

pub async fn handle(ctx: &Ctx<'_>, me: &str) -> Result<Resp> {
    let form = ctx.req.form_pairs();
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    if !super::csrf::valid(ctx.app, ctx.req, get(super::csrf::FIELD)) {
        return Err(Error::Forbidden(
            "This form has expired; reload the page and try again.".into(),
        ));
    }
    let verb = get("verb").unwrap_or_default();
    let object = || -> Result<Value> {
        let id = get("object")
            .filter(|s| !s.is_empty())
            .ok_or_else(|| Error::bad("No object"))?;
        Ok(json!({"id": id, "objectType": get("objectType").unwrap_or("note")}))
    };
    let text = get("content").map(str::trim).filter(|c| !c.is_empty());
    let written = matches!(verb, "post" | "reply" | "update");
    let composed = match (text, written) {
        (Some(t), true) => Some(super::compose::compose(ctx, t).await),
        (None, true) => return Err(Error::bad("Write something first")),
        _ => None,
    };
    let content = || {
        composed
            .as_ref()
            .map(|c| c.html.clone())
            .unwrap_or_default()
    };
    let (body, feed) = match verb {
        "post" => {
            let (to, mut cc) =
                super::audience::addressing(ctx, me, get("to"), get("people")).await?;
            let mentioned = composed.as_ref().map(|c| c.mentioned.as_slice());
            super::audience::add_mentioned(&to, &mut cc, mentioned.unwrap_or_default());
            let mut note = json!({"objectType": "note", "content": content()});
            if let Some(m) = note.as_object_mut() {
                m.extend(warning(get("summary")));
            }
            (
                json!({"verb": "post", "object": note, "to": to, "cc": cc}),
                Feed::Major,
            )
        }
        "reply" => (
            json!({"verb": "post", "object": {"objectType": "comment", "content": content(), "inReplyTo": object()?}}),
            Feed::Minor,
        ),
        "update" => {
            let mut obj = object()?;
            obj["content"] = Value::String(content());
            (json!({"verb": "update", "object": obj}), Feed::All)
        }
        "favorite" | "unfavorite" | "unshare" => {
            (json!({"verb": verb, "object": object()?}), Feed::Minor)
        }
        "share" => (json!({"verb": verb, "object": object()?}), Feed::Major),
        "delete" | "follow" | "stop-following" | "block" | "unblock" | "mute" | "unmute" => {
            (json!({"verb": verb, "object": object()?}), Feed::All)
        }
        "create-list" => {
            let name = get("name").map(str::trim).filter(|n| !n.is_empty());
            let name = name.ok_or_else(|| Error::bad("A list needs a name"))?;
            (
                json!({"verb": "create", "object": {"objectType": "collection", "objectTypes": ["person"],
                    "displayName": name, "content": html(get("description").unwrap_or(""))}}),
                Feed::Minor,
            )
        }
        "add" | "remove" => {
            let list = get("target").ok_or_else(|| Error::bad("No list"))?;
            let person = get("person").map(str::trim).filter(|p| !p.is_empty());
            let person = person.ok_or_else(|| Error::bad("No person"))?;
            let person = resolve_person(ctx, person);
            (
                json!({"verb": verb, "object": {"objectType": "person", "id": person},
                    "target": {"objectType": "collection", "id": list}}),
                Feed::Minor,
            )
        }
        _ => return Err(Error::bad(format!("Unknown action: {verb}"))),
    };
    let client = web_client(ctx)?;
    let id = post_activity(ctx.app, me, body, &client, feed).await?;
    // A new list is shown next; everything else goes back where it came from.
    if verb == "create-list" {
        let url = ctx.app.store.read(|r| {
            let act = crate::social::activity::get(r, &id)?;
            let obj =
                crate::social::objects::stored_for(r, act.as_ref().and_then(|a| a.get("object")))?;
            Ok(obj.and_then(|o| o.get("url").and_then(Value::as_str).map(str::to_string)))
        })?;
        if let Some(u) = url.and_then(|u| u.strip_prefix(&ctx.app.cfg.base()).map(str::to_string)) {
            return Ok(ctx.see_other(&u));
        }
    }
    // After a post the home page shows it, with its form closed again.
    if verb == "post" {
        return Ok(ctx.see_other("/"));
    }
    Ok(ctx.see_other(&back(ctx, get("back"))))
}

/// A member named by nickname (a local user), or by id.
fn resolve_person(ctx: &Ctx, who: &str) -> String {
    if who.contains(':') {
        who.to_string()
    } else {
        urls::person_id(&ctx.app.cfg, who.trim_start_matches('@'))
    }
}
