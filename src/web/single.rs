//! One activity (`/<nick>/activity/<uuid>`) or one object (`/<nick>/<type>/<uuid>`) on its own
//! page, with likes, shares, every reply and the comment form (web-ui.md §2). Visibility is the
//! API's: anonymous readers are sent to log in, others who may not see it get 403.
use super::cards;
use super::layout::Ctx;
use crate::error::{Error, Result};
use crate::http::Resp;
use crate::social::render::{self, Viewer, FULL};
use crate::social::verbs::replies_stream;
use crate::social::{addressing, objects, outbox, urls};
use crate::store::Read;
use crate::util::enc::pct;
use serde_json::Value;

/// Anonymous → the login page, coming back here after; anyone else → 403.
fn refused(ctx: &Ctx) -> Result<Resp> {
    if ctx.me.is_none() {
        let back = format!(
            "{}{}",
            ctx.req.path,
            if ctx.req.query.is_empty() {
                String::new()
            } else {
                format!("?{}", ctx.req.query)
            }
        );
        return Ok(ctx.see_other(&format!("/main/login?continue={}", pct(&back))));
    }
    Err(Error::Forbidden(
        "Only the author and recipients can view this.".into(),
    ))
}

pub fn activity(ctx: &Ctx, nick: &str, uuid: &str) -> Result<Resp> {
    let me_id = ctx.me_id();
    let viewer = Viewer {
        id: me_id.as_deref(),
    };
    let actor = urls::person_id(&ctx.app.cfg, nick);
    let shown = ctx.app.store.read(|r| {
        let act = outbox::by_uuid(r, uuid)?
            .filter(|a| a.get("actor").and_then(objects::id_of) == Some(actor.as_str()))
            .ok_or_else(|| Error::NotFound("No such activity".into()))?;
        if !addressing::may_see(r, &act, viewer.id)? {
            return Ok(None);
        }
        Ok(Some(render::activity(r, viewer, &act, FULL)?))
    })?;
    let Some(act) = shown else {
        return refused(ctx);
    };
    let major = matches!(
        act.get("verb").and_then(Value::as_str),
        Some("post" | "share")
    ) && act.pointer("/object/objectType").and_then(Value::as_str) != Some("comment");
    let card = if major {
        cards::major(ctx, &act)
    } else {
        format!("<ul class=\"people\">{}</ul>", cards::minor(&act))
    };
    let title = act
        .get("content")
        .and_then(Value::as_str)
        .map(crate::util::html_text::to_text)
        .unwrap_or_else(|| "Activity".into());
    Ok(ctx.page(200, &title, &card, false))
}

pub fn object(ctx: &Ctx, nick: &str, kind: &str, uuid: &str) -> Result<Resp> {
    let me_id = ctx.me_id();
    let viewer = Viewer {
        id: me_id.as_deref(),
    };
    let author = urls::person_id(&ctx.app.cfg, nick);
    let shown = ctx.app.store.read(|r| {
        let obj = objects::by_uuid(r, kind, uuid)?
            .filter(|o| o.get("author").and_then(objects::id_of) == Some(author.as_str()))
            .filter(|o| !objects::is_deleted(o))
            .ok_or_else(|| Error::NotFound(format!("No such {kind}")))?;
        if !addressing::object_visible(r, &obj, viewer.id)? {
            return Ok(None);
        }
        let id = objects::id_of(&obj).unwrap_or_default().to_string();
        let mut replies = Vec::new();
        for rid in r.stream_newest(&replies_stream(&id), None, 0, 500)? {
            if let Some(reply) = objects::get(r, &rid)? {
                if !objects::is_deleted(&reply) && addressing::object_visible(r, &reply, viewer.id)?
                {
                    replies.push(render::object(r, viewer, &reply, FULL)?);
                }
            }
        }
        Ok(Some((render::object(r, viewer, &obj, FULL)?, replies)))
    })?;
    let Some((obj, replies)) = shown else {
        return refused(ctx);
    };
    let author_p = obj.get("author").cloned().unwrap_or(Value::Null);
    let title = obj
        .get("displayName")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| format!("{kind} by {}", cards::name(&author_p)));
    let body = format!(
        "<article class=\"card major\" data-object=\"{}\"><header><img class=\"avatar\" src=\"{}\" alt=\"\"><div class=\"meta\">{} at {}</div></header>\n{}</article>",
        crate::util::enc::html(obj.get("id").and_then(Value::as_str).unwrap_or("")),
        cards::href(&super::layout::avatar_url(&author_p)),
        cards::person_link(&author_p),
        cards::time(obj.get("published").and_then(Value::as_str).unwrap_or("")),
        cards::object_body(ctx, &obj, Some(&replies))
    );
    Ok(ctx.page(200, &title, &body, false))
}
