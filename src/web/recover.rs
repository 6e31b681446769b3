//! E-mail flows (web-ui.md §2, api.md §21), when `smtpserver` is set: password recovery by a
//! mailed link, and confirming the address given at registration (`requireEmail`).
use super::layout::Ctx;
use super::session;
use crate::error::{Error, Result};
use crate::http::Resp;
use crate::social::codes::{self, CONFIRM, RECOVER};
use crate::social::{passwords, users};
use crate::util::enc::html;
use serde_json::Value;

fn field(ctx: &Ctx, k: &str) -> Option<String> {
    super::settings::field(ctx, k)
}

fn note(ctx: &Ctx, status: u16, title: &str, text: &str) -> Resp {
    let body = format!(
        "<h1>{}</h1><p role=\"status\">{}</p>",
        html(title),
        html(text)
    );
    ctx.page(status, title, &body, false)
}

pub fn recover_page(ctx: &Ctx, status: u16, error: Option<&str>, force: bool) -> Resp {
    let err = super::alert(error);
    let force = if force {
        "<p><label><input type=\"checkbox\" name=\"force\" value=\"1\"> Send a new link anyway</label></p>"
    } else {
        ""
    };
    let body = format!(
        "<h1>Recover your password</h1>{err}<form id=\"recover\" method=\"post\" action=\"/main/recover\">{}\
         <label for=\"nickname\">Nickname</label><input type=\"text\" id=\"nickname\" name=\"nickname\" required>{force}\
         <p><button type=\"submit\">Send me a link</button></p></form>",
        ctx.hidden()
    );
    ctx.page(status, "Recover password", &body, false)
}

pub async fn recover(ctx: &Ctx<'_>) -> Result<Resp> {
    super::settings::checked(ctx)?;
    let nick = field(ctx, "nickname")
        .unwrap_or_default()
        .trim()
        .to_string();
    let force = field(ctx, "force").is_some();
    let (user, existing) = ctx.app.store.read(|r| {
        Ok((
            users::user_record(r, &nick)?,
            codes::outstanding(r, RECOVER, &nick)?,
        ))
    })?;
    let Some(user) = user else {
        return Ok(recover_page(
            ctx,
            400,
            Some("There is no user with that nickname."),
            false,
        ));
    };
    let Some(email) = user
        .get("email")
        .and_then(Value::as_str)
        .map(str::to_string)
    else {
        return Ok(recover_page(
            ctx,
            400,
            Some("That account has no e-mail address; ask the server's owner."),
            false,
        ));
    };
    if existing.is_some() && !force {
        return Ok(recover_page(
            ctx,
            409,
            Some("A link was already sent and is still valid."),
            true,
        ));
    }
    let cfg = &ctx.app.cfg;
    let issued = codes::issue_recovery(&ctx.app.store, cfg, &nick, |code| {
        crate::mail::messages::recovery(cfg, &nick, &email, code)
    })
    .await;
    match issued {
        Ok(()) => Ok(ctx.see_other("/main/recover-sent")),
        Err(e @ Error::Conflict(_)) => Ok(recover_page(ctx, 409, Some(e.message()), false)),
        Err(e) => Err(e),
    }
}

pub fn sent(ctx: &Ctx) -> Resp {
    note(ctx, 200, "Check your e-mail", "If the account has an e-mail address, a link to choose a new password is on its way. It works for a day.")
}

fn valid(ctx: &Ctx, code: &str, kind: &str) -> Result<Option<String>> {
    ctx.app
        .store
        .read(|r| Ok(codes::valid(r, code, kind)?.map(|c| c.nick)))
}

fn expired(ctx: &Ctx) -> Resp {
    note(
        ctx,
        400,
        "Error",
        "This link has expired or was already used.",
    )
}

pub fn new_password_page(ctx: &Ctx, code: &str, status: u16, error: Option<&str>) -> Result<Resp> {
    let Some(nick) = valid(ctx, code, RECOVER)? else {
        return Ok(expired(ctx));
    };
    let err = super::alert(error);
    let body = format!(
        "<h1>Choose a new password</h1>{err}<form id=\"account\" method=\"post\">{}\
         <label for=\"nickname\">Nickname</label><input type=\"text\" id=\"nickname\" value=\"{}\" readonly>\
         <label for=\"password\">New password</label><input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"new-password\" minlength=\"8\" required>\
         <label for=\"repeat\">Repeat new password</label><input type=\"password\" id=\"repeat\" name=\"repeat\" autocomplete=\"new-password\" minlength=\"8\" required>\
         <p><button type=\"submit\">Save</button></p></form>",
        ctx.hidden(),
        html(&nick)
    );
    Ok(ctx.page(status, "New password", &body, false))
}

pub async fn set_password(ctx: &Ctx<'_>, code: &str) -> Result<Resp> {
    super::settings::checked(ctx)?;
    let Some(nick) = valid(ctx, code, RECOVER)? else {
        return Ok(expired(ctx));
    };
    let pw = field(ctx, "password").unwrap_or_default();
    if field(ctx, "repeat").as_deref() != Some(pw.as_str()) {
        return new_password_page(ctx, code, 400, Some("The passwords do not match."));
    }
    if let Err(e) = passwords::check_password(&pw) {
        return new_password_page(ctx, code, 400, Some(e.message()));
    }
    let hash = passwords::hash(pw).await?;
    users::recover_password(&ctx.app.store, &ctx.app.cfg, &nick, hash, code).await?;
    session::log_in(ctx.app, ctx.see_other("/"), &nick).await
}

/// `GET /main/confirm/<code>`.
pub async fn confirm(ctx: &Ctx<'_>, code: &str) -> Result<Resp> {
    let rec = ctx.app.store.read(|r| {
        let rec = codes::record(r, code)?;
        Ok(rec.filter(|c| c.kind == CONFIRM))
    })?;
    let Some(rec) = rec else {
        return Err(Error::NotFound("Invalid state for confirmation.".into()));
    };
    let nick = rec.nick;
    if rec.used {
        return Err(Error::bad("Already confirmed."));
    }
    if ctx.me.as_deref().is_some_and(|me| me != nick) {
        return Err(Error::bad("This is someone else's confirmation."));
    }
    if ctx
        .app
        .store
        .read(|r| codes::valid(r, code, CONFIRM))?
        .is_none()
    {
        return Err(Error::bad("This link has expired; register again."));
    }
    users::confirm_address(&ctx.app.store, &nick, code).await?;
    // The page already shows the reader logged in.
    let now = Ctx::with(ctx.app, ctx.req, Some(nick.clone()), ctx.csrf.clone());
    let resp = note(
        &now,
        200,
        "Email address confirmed",
        "Thank you: your account is ready.",
    );
    session::log_in(ctx.app, resp, &nick).await
}
