//! Register, log in and log out (web-ui.md §2, §4) as plain forms: they work without
//! JavaScript, carry a CSRF token, and logins are throttled per account and per address.
use super::cards::href;
use super::layout::Ctx;
use super::session;
use crate::error::{Error, Result};
use crate::http::Resp;
use crate::social::users::{self, NewUser};
use crate::util::enc::html;

fn field<'f>(form: &'f [(String, String)], k: &str) -> Option<&'f str> {
    form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
}

pub fn login_page(ctx: &Ctx, status: u16, error: Option<&str>, nick: &str) -> Resp {
    let next = super::local_path(ctx.req.query_param("continue").as_deref());
    let err = super::alert(error);
    let forgot = if ctx.app.cfg.mail.is_some() {
        "<a href=\"/main/recover\">Forgot your password?</a> "
    } else {
        ""
    };
    let register = if ctx.app.cfg.disable_registration {
        String::new()
    } else {
        "<a href=\"/main/register\">New user?</a> ".into()
    };
    let body = format!(
        "<div id=\"loginpage\"><h1>Login</h1>{err}<form id=\"login\" method=\"post\" action=\"/main/login\">{}\
         <input type=\"hidden\" name=\"continue\" value=\"{}\">\
         <label for=\"nickname\">Nickname</label><input type=\"text\" id=\"nickname\" name=\"nickname\" value=\"{}\" autocomplete=\"username\" required>\
         <label for=\"password\">Password</label><input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required>\
         <p><button type=\"submit\">Login</button></p></form>\
         <p>{forgot}{register}<a href=\"/main/remote\">Account on another server?</a></p></div>",
        ctx.hidden(),
        href(&next),
        html(nick)
    );
    ctx.page(status, "Login", &body, false)
}

pub async fn login(ctx: &Ctx<'_>) -> Result<Resp> {
    let form = ctx.req.form_pairs();
    if !super::csrf::valid(ctx.app, ctx.req, field(&form, super::csrf::FIELD)) {
        return Ok(login_page(
            ctx,
            403,
            Some("This form has expired; please try again."),
            "",
        ));
    }
    let nick = field(&form, "nickname").unwrap_or("").trim().to_string();
    let password = field(&form, "password").unwrap_or("");
    let address = ctx.req.peer.map(|a| a.to_string()).unwrap_or_default();
    match crate::core::accounts::check_login(ctx.app, &nick, password, &address).await {
        Ok(()) => {}
        Err(e @ (Error::TooMany(_) | Error::Unauthorized(_) | Error::Forbidden(_))) => {
            return Ok(login_page(ctx, e.status(), Some(e.message()), &nick));
        }
        Err(e) => return Err(e),
    }
    let to = super::local_path(field(&form, "continue"));
    session::log_in(ctx.app, ctx.see_other(&to), &nick).await
}

pub fn register_page(ctx: &Ctx, status: u16, error: Option<&str>, nick: &str) -> Resp {
    if ctx.app.cfg.disable_registration {
        return ctx.page(
            403,
            "Error",
            "<h1>Error</h1><p class=\"error\">Registration is closed on this server.</p>",
            false,
        );
    }
    let err = super::alert(error);
    let email = if ctx.app.cfg.require_email {
        "<label for=\"email\">E-mail</label><input type=\"email\" id=\"email\" name=\"email\" required>"
    } else {
        ""
    };
    let body = format!(
        "<div id=\"registerpage\"><h1>Register</h1>{err}<form id=\"registration\" method=\"post\" action=\"/main/register\">{}\
         <label for=\"nickname\">Nickname</label><input type=\"text\" id=\"nickname\" name=\"nickname\" value=\"{}\" autocomplete=\"username\" required>\
         {email}<label for=\"password\">Password</label><input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"new-password\" minlength=\"8\" required>\
         <label for=\"repeat\">Repeat password</label><input type=\"password\" id=\"repeat\" name=\"repeat\" autocomplete=\"new-password\" minlength=\"8\" required>\
         <p><button type=\"submit\">Register</button></p></form>\
         <p><a href=\"/main/login\">Already have an account?</a> <a href=\"/main/remote\">Account on another server?</a></p></div>",
        ctx.hidden(),
        html(nick)
    );
    ctx.page(status, "Register", &body, false)
}

pub async fn register(ctx: &Ctx<'_>) -> Result<Resp> {
    let form = ctx.req.form_pairs();
    let nick = field(&form, "nickname").unwrap_or("").trim().to_string();
    if !super::csrf::valid(ctx.app, ctx.req, field(&form, super::csrf::FIELD)) {
        return Ok(register_page(
            ctx,
            403,
            Some("This form has expired; please try again."),
            &nick,
        ));
    }
    if ctx.app.cfg.disable_registration {
        return Ok(register_page(ctx, 403, None, ""));
    }
    let password = field(&form, "password").unwrap_or("").to_string();
    if field(&form, "repeat") != Some(password.as_str()) {
        return Ok(register_page(
            ctx,
            400,
            Some("The passwords do not match."),
            &nick,
        ));
    }
    let mut extra = serde_json::Map::new();
    if ctx.app.cfg.require_email {
        let email = field(&form, "email").unwrap_or("").trim();
        if !crate::social::passwords::valid_email(email) {
            return Ok(register_page(
                ctx,
                400,
                Some("Invalid email address provided"),
                &nick,
            ));
        }
        extra.insert("email".into(), email.into());
    }
    let client = super::act::web_client(ctx)?;
    let email = extra.get("email").and_then(serde_json::Value::as_str);
    let confirm = users::confirmation(&ctx.app.cfg, &nick, email);
    let confirming = confirm.is_some();
    let made = users::create(
        &ctx.app.store,
        &ctx.app.cfg,
        NewUser {
            nick: nick.clone(),
            password,
            extra,
            client: Some(client),
            activities: true,
            confirm,
        },
    )
    .await;
    match made {
        // The mail was queued with the account; it goes out after the commit.
        Ok(_) if confirming => {
            let body = "<h1>Check your e-mail</h1><p role=\"status\">We are sending you a link: open it to confirm your address and start.</p>";
            Ok(ctx.page(200, "Check your e-mail", body, false))
        }
        Ok(_) => session::log_in(ctx.app, ctx.see_other("/"), &nick).await,
        Err(e @ (Error::BadRequest(_) | Error::Conflict(_))) => {
            Ok(register_page(ctx, e.status(), Some(e.message()), &nick))
        }
        Err(e) => Err(e),
    }
}

pub fn logout_page(ctx: &Ctx) -> Resp {
    let body = format!(
        "<h1>Log out</h1><form method=\"post\" action=\"/main/logout\">{}<button type=\"submit\" id=\"logout-button\">Log out</button></form>",
        ctx.hidden()
    );
    ctx.page(200, "Log out", &body, false)
}

pub async fn logout(ctx: &Ctx<'_>) -> Result<Resp> {
    let form = ctx.req.form_pairs();
    if !super::csrf::valid(ctx.app, ctx.req, field(&form, super::csrf::FIELD)) {
        return Ok(logout_page(ctx));
    }
    session::log_out(ctx.app, ctx.req, ctx.see_other("/")).await
}

/// `/main/remote` (web-ui.md §2): the form; `web/remote.rs` logs in with it.
pub fn remote_page(ctx: &Ctx, status: u16, error: Option<&str>) -> Resp {
    let err = super::alert(error);
    let body = format!(
        "<h1>Account on another server</h1>{err}<form id=\"remote\" method=\"post\" action=\"/main/remote\">{}\
         <label for=\"webfinger\">Your address (user@host)</label><input type=\"text\" id=\"webfinger\" name=\"webfinger\" required>\
         <p><button type=\"submit\">Log in</button></p></form>",
        ctx.hidden()
    );
    ctx.page(status, "Remote login", &body, false)
}
