//! People on other servers: following someone by their address (`user@host`), and the page
//! of a remote person, with what this server knows of them.
use super::layout::Ctx;
use crate::core::posting::post_activity;
use crate::error::{Error, Result};
use crate::http::Resp;
use crate::social::objects::{self, type_of};
use crate::social::outbox::Feed;
use crate::social::relations;
use crate::social::urls;
use crate::util::enc::{html, pct};
use serde_json::{json, Value};

/// The form on the home page.
pub fn follow_form(ctx: &Ctx) -> String {
    format!(
        "<details class=\"card compose\"><summary>Follow someone on another server…</summary>\
         <form id=\"follow-remote\" method=\"post\" action=\"/main/follow-remote\">{}\
         <label for=\"follow-address\">Their address</label><div class=\"inline\">\
         <input type=\"text\" id=\"follow-address\" name=\"webfinger\" placeholder=\"user@host\" required>\
         <button type=\"submit\">Follow</button></div></form></details>\n",
        ctx.hidden()
    )
}

pub fn person_page(id: &str) -> String {
    format!("/main/person?id={}", pct(id))
}

/// The person behind the address a form gave (`webfinger`: `user@host`), fetched from their
/// server; the form's CSRF token is checked first.
async fn resolve(ctx: &Ctx<'_>) -> Result<String> {
    let form = ctx.req.form_pairs();
    let get = |k: &str| {
        form.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
    };
    if !super::csrf::valid(ctx.app, ctx.req, get(super::csrf::FIELD).as_deref()) {
        return Err(Error::Forbidden(
            "This form has expired; reload the page and try again.".into(),
        ));
    }
    let address = get("webfinger").unwrap_or_default();
    let address = address.trim_start_matches('@').trim_start_matches("acct:");
    if !is_address(address) {
        return Err(Error::bad("Give the address as user@host"));
    }
    let id = crate::federation::fetch::person(ctx.app, address)
        .await
        .map_err(|e| Error::bad(format!("Cannot find {address}: {e}")))?;
    if objects::is_local_id(&ctx.app.cfg, &id) {
        return Err(Error::bad(format!("{address} is on this server")));
    }
    Ok(id)
}

/// `user@host`, with a host name (and port) a URL may carry.
pub fn is_address(a: &str) -> bool {
    a.rsplit_once('@')
        .is_some_and(|(u, h)| !u.is_empty() && !u.contains('@') && urls::is_authority(h))
}

/// `POST /main/lookup`: finds the person at an address and shows them, with a Follow button.
pub async fn lookup(ctx: &Ctx<'_>) -> Result<Resp> {
    let id = resolve(ctx).await?;
    Ok(ctx.see_other(&person_page(&id)))
}

/// `POST /main/follow-remote`: looks the address up, follows the person found, and shows them.
pub async fn follow(ctx: &Ctx<'_>, me: &str) -> Result<Resp> {
    let id = resolve(ctx).await?;
    let following = ctx.app.store.read(|r| {
        relations::exists(
            r,
            relations::FOLLOW,
            &urls::person_id(&ctx.app.cfg, me),
            &id,
        )
    })?;
    if !following {
        let body = json!({"verb": "follow", "object": {"objectType": "person", "id": id}});
        let client = super::act::web_client(ctx)?;
        post_activity(ctx.app, me, body, &client, Feed::All).await?;
    }
    Ok(ctx.see_other(&person_page(&id)))
}

/// `GET /main/person?id=…`: a remote person as this server knows them.
pub fn page(ctx: &Ctx) -> Result<Resp> {
    let id = ctx
        .req
        .query_param("id")
        .ok_or_else(|| Error::bad("'id' required"))?;
    let person = ctx
        .app
        .store
        .read(|r| objects::get(r, &id))?
        .filter(|p| type_of(p) == "person" && !objects::is_local_id(&ctx.app.cfg, &id))
        .ok_or_else(|| Error::NotFound("We know of nobody by that id.".into()))?;
    let text = |k: &str| person.get(k).and_then(Value::as_str).unwrap_or("");
    let name = match text("displayName") {
        "" => id.as_str(),
        n => n,
    };
    let home = match text("url") {
        "" => String::new(),
        u if u.starts_with("http") => format!(
            "<p><a class=\"alone\" href=\"{}\" rel=\"nofollow\">Their page on their own server</a></p>",
            html(u)
        ),
        _ => String::new(),
    };
    let follow = match &ctx.me {
        Some(me) => {
            let me_id = urls::person_id(&ctx.app.cfg, me);
            let following = ctx
                .app
                .store
                .read(|r| relations::exists(r, relations::FOLLOW, &me_id, &id))?;
            let (verb, label, class) = match following {
                true => ("stop-following", "Stop following", "unfollow"),
                false => ("follow", "Follow", "follow"),
            };
            format!(
                "<form method=\"post\" action=\"/main/act\">{}<input type=\"hidden\" name=\"verb\" value=\"{verb}\">\
                 <input type=\"hidden\" name=\"object\" value=\"{}\"><input type=\"hidden\" name=\"objectType\" value=\"person\">\
                 <button type=\"submit\" class=\"{class}\">{label}</button></form>",
                ctx.hidden(),
                html(&id)
            )
        }
        None => String::new(),
    };
    let body = format!(
        "<div class=\"h-card\" id=\"remote-person\"><h1 class=\"p-name\">{}</h1><p class=\"p-nickname\">{}</p>\
         <div class=\"p-note\">{}</div>{home}{follow}{}</div>",
        html(name),
        html(&id),
        crate::social::sanitize::html(text("summary")),
        super::blocking::buttons(ctx, &person.doc),
    );
    Ok(ctx.page(200, name, &body, false))
}
