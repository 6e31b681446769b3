//! The logged-in user's own pages: profile settings (name, hometown, bio, avatar), account
//! (password) and messages (the direct inbox), web-ui.md §2 and §4.
use super::layout::Ctx;
use crate::core::posting::post_activity;
use crate::error::{Error, Result};
use crate::http::Resp;
use crate::media::prepare::Purpose;
use crate::social::clients;
use crate::social::outbox::Feed;
use crate::social::{passwords, person, urls, users};
use crate::util::enc::html;
use serde_json::{json, Value};

/// A form field, from a urlencoded body or the fields of a multipart one.
pub fn field(ctx: &Ctx, k: &str) -> Option<String> {
    if let Some(u) = &ctx.req.upload {
        return u
            .fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone());
    }
    ctx.req
        .form_pairs()
        .into_iter()
        .find(|(n, _)| n == k)
        .map(|(_, v)| v)
}

pub fn checked(ctx: &Ctx) -> Result<()> {
    if super::csrf::valid(ctx.app, ctx.req, field(ctx, super::csrf::FIELD).as_deref()) {
        Ok(())
    } else {
        Err(Error::Forbidden(
            "This form has expired; reload the page and try again.".into(),
        ))
    }
}

pub fn settings_page(ctx: &Ctx, me: &str, note: Option<&str>) -> Result<Resp> {
    let p = ctx
        .app
        .store
        .read(|r| person::show(r, &ctx.app.cfg, me, Some(me)))?
        .unwrap_or(Value::Null);
    let s = |k: &str| {
        p.pointer(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let avatar = if ctx.app.cfg.uploads.is_some() {
        "<label for=\"avatar\">Avatar</label><input type=\"file\" id=\"avatar\" name=\"qqfile\" accept=\"image/jpeg,image/png,image/gif,image/webp\">"
    } else {
        ""
    };
    let note = note
        .map(|n| format!("<p role=\"status\">{}</p>", html(n)))
        .unwrap_or_default();
    let body = format!(
        "<h1>Profile</h1>{note}<form id=\"settings\" method=\"post\" action=\"/main/settings\" enctype=\"multipart/form-data\">{}\
         <label for=\"realname\">Real name</label><input type=\"text\" id=\"realname\" name=\"realname\" value=\"{}\">\
         <label for=\"location\">Hometown</label><input type=\"text\" id=\"location\" name=\"location\" value=\"{}\">\
         <label for=\"bio\">Bio</label><textarea id=\"bio\" name=\"bio\">{}</textarea>{avatar}\
         <p><button type=\"submit\" id=\"save-settings\">Save changes</button></p></form>",
        ctx.hidden(),
        html(&s("/displayName")),
        html(&s("/location/displayName")),
        html(&s("/summary")),
    );
    Ok(ctx.page(200, "Profile", &body, false))
}

/// Saves the profile; a new avatar is uploaded, posted publicly, then set (as the original).
pub async fn save_settings(ctx: &Ctx<'_>, me: &str) -> Result<Resp> {
    checked(ctx)?;
    let client = super::act::web_client(ctx)?;
    let mut changes = json!({
        "id": urls::person_id(&ctx.app.cfg, me),
        "objectType": "person",
        "displayName": field(ctx, "realname").unwrap_or_default().trim(),
        "summary": html(field(ctx, "bio").unwrap_or_default().trim()),
    });
    let location = field(ctx, "location").unwrap_or_default();
    if !location.trim().is_empty() {
        changes["location"] = json!({"objectType": "place", "displayName": location.trim()});
    }
    if ctx
        .req
        .upload
        .as_ref()
        .and_then(|u| u.files.first())
        .is_some_and(|f| f.file.size > 0)
    {
        let img = super::upload::create(ctx.app, ctx.req, me, Purpose::Avatar, Default::default())
            .await?;
        let public = json!([{"objectType": "collection", "id": urls::PUBLIC}]);
        let post = json!({"verb": "post", "cc": public, "object": {"id": img["id"], "objectType": "image"}});
        post_activity(ctx.app, me, post, &client, Feed::Major).await?;
        changes["image"] = img["image"].clone();
        changes["pump_io"] = json!({"fullImage": img["fullImage"]});
    }
    post_activity(
        ctx.app,
        me,
        json!({"verb": "update", "object": changes}),
        &client,
        Feed::All,
    )
    .await?;
    Ok(ctx.see_other(&format!("/{me}")))
}

pub fn account_page(ctx: &Ctx, me: &str, status: u16, note: Option<&str>) -> Resp {
    let note = note
        .map(|n| format!("<p role=\"status\">{}</p>", html(n)))
        .unwrap_or_default();
    let body = format!(
        "<h1>Account</h1>{note}<form id=\"account\" method=\"post\" action=\"/main/account\">{}\
         <label for=\"nickname\">Nickname</label><input type=\"text\" id=\"nickname\" value=\"{}\" readonly>\
         <label for=\"current\">Current password</label><input type=\"password\" id=\"current\" name=\"current\" autocomplete=\"current-password\" required>\
         <label for=\"password\">New password</label><input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"new-password\" minlength=\"8\" required>\
         <label for=\"repeat\">Repeat new password</label><input type=\"password\" id=\"repeat\" name=\"repeat\" autocomplete=\"new-password\" minlength=\"8\" required>\
         <p><button type=\"submit\">Save changes</button></p></form>{}{}",
        ctx.hidden(),
        html(me),
        applications(ctx, me),
        super::blocking::lists(ctx, me).unwrap_or_default()
    );
    ctx.page(status, "Account", &body, false)
}

/// The OAuth applications holding a token for the account, each with a button taking it back.
fn applications(ctx: &Ctx, me: &str) -> String {
    let keys = ctx
        .app
        .store
        .read(|r| clients::authorized(r, me))
        .unwrap_or_default();
    let mut rows = String::new();
    for key in keys {
        let title = clients::find(&ctx.app.cfg, &ctx.app.store, &key)
            .ok()
            .flatten()
            .and_then(|c| c.title)
            .unwrap_or_else(|| key.clone());
        rows.push_str(&format!(
            "<li><span class=\"app\">{}</span> <form class=\"inline\" method=\"post\" action=\"/main/revoke\">{}\
             <input type=\"hidden\" name=\"client\" value=\"{}\"><button type=\"submit\" class=\"link revoke\">Revoke</button></form></li>",
            html(&title),
            ctx.hidden(),
            html(&key)
        ));
    }
    if rows.is_empty() {
        return "<h2>Applications</h2><p class=\"muted\">No application can act for you.</p>"
            .into();
    }
    format!("<h2>Applications</h2><p>These applications can act for you:</p><ul id=\"applications\">{rows}</ul>")
}

/// `POST /main/revoke`: the application's token stops working at once.
pub async fn revoke(ctx: &Ctx<'_>, me: &str) -> Result<Resp> {
    checked(ctx)?;
    let client = field(ctx, "client").unwrap_or_default();
    let nick = me.to_string();
    let gone = ctx
        .app
        .store
        .write(move |w| clients::revoke(w, &client, &nick))
        .await?;
    let note = if gone {
        "The application can no longer act for you."
    } else {
        "That application held no access."
    };
    Ok(account_page(ctx, me, 200, Some(note)))
}

pub async fn save_account(ctx: &Ctx<'_>, me: &str) -> Result<Resp> {
    checked(ctx)?;
    let current = field(ctx, "current").unwrap_or_default();
    // Throttled per session (and address): a stolen session is no way to guess the password,
    // and someone guessing at the login page does not lock the owner out of this form.
    let address = ctx.req.peer.map(|a| a.to_string()).unwrap_or_default();
    let now = crate::util::time::now_secs();
    let sid = crate::principal::session(ctx.app, ctx.req)
        .map(|(_, sid)| sid)
        .unwrap_or_default();
    let account = format!("{me}\nsession {sid}");
    if !ctx
        .app
        .throttle
        .borrow_mut()
        .attempt(&account, &address, now)
    {
        return Ok(account_page(
            ctx,
            me,
            429,
            Some("Too many wrong passwords; wait a quarter of an hour and try again."),
        ));
    }
    if !users::check_password(&ctx.app.store, me, &current).await? {
        return Ok(account_page(
            ctx,
            me,
            403,
            Some("The current password is not right."),
        ));
    }
    ctx.app.throttle.borrow_mut().succeeded(&account, &address);
    let pw = field(ctx, "password").unwrap_or_default();
    if field(ctx, "repeat").as_deref() != Some(pw.as_str()) {
        return Ok(account_page(
            ctx,
            me,
            400,
            Some("The passwords do not match."),
        ));
    }
    if let Err(e) = passwords::check_password(&pw) {
        return Ok(account_page(ctx, me, 400, Some(e.message())));
    }
    let hash = passwords::hash(pw).await?;
    // Every other browser logged in as this account is logged out; this one stays.
    let ends = match crate::principal::session(ctx.app, ctx.req) {
        Some((_, sid)) => users::Ends::OthersThan(sid),
        None => users::Ends::All,
    };
    users::set_password_hash(&ctx.app.store, &ctx.app.cfg, me, hash, ends).await?;
    Ok(account_page(
        ctx,
        me,
        200,
        Some("Your password was changed."),
    ))
}
