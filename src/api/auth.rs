//! The access policies of api.md §2.3: who is asking, and may they.
use crate::app::App;
use crate::error::{Error, Result};
use crate::http::Req;
use crate::oauth::verify;
use crate::social::clients::{BearerToken, Client};

/// The authenticated party of a request.
pub struct Who {
    /// The local user acting, if any.
    pub nick: Option<String>,
}

fn not_logged_in() -> Error {
    Error::Unauthorized("Not logged in.".into())
}

fn bearer(app: &App, req: &Req) -> Option<Result<BearerToken>> {
    let h = req.header("authorization")?;
    let t = h
        .strip_prefix("Bearer ")
        .or_else(|| h.strip_prefix("bearer "))?
        .trim()
        .to_string();
    Some(
        app.store
            .read(|r| crate::social::clients::bearer_token(r, &t))
            .and_then(|b| b.ok_or_else(not_logged_in)),
    )
}

fn oauth_header(req: &Req) -> Option<&str> {
    req.header("authorization")
        .filter(|h| h.trim_start().len() >= 5 && h.trim_start()[..5].eq_ignore_ascii_case("oauth"))
}

/// The user of a verified access token must still exist, and have confirmed their e-mail
/// address when the server asks for one (config.md `requireEmail`).
fn live_user(app: &App, nick: &str) -> Result<()> {
    let user = app
        .store
        .read(|r| crate::social::users::user_record(r, nick))?;
    match user {
        None => Err(Error::OAuth(400, "Invalid / expired Token")),
        Some(u) if u.unconfirmed => Err(Error::Forbidden(
            "Confirm your e-mail address first: the link is in the mail we sent.".into(),
        )),
        Some(_) => Ok(()),
    }
}

/// any-read: a bearer token, or OAuth 1 in the Authorization header (two- or three-legged).
pub fn any_read(app: &App, req: &Req) -> Result<Who> {
    if let Some(b) = bearer(app, req) {
        let b = b?;
        return Ok(Who { nick: b.nick });
    }
    let Some(h) = oauth_header(req) else {
        return Err(not_logged_in());
    };
    let three_legged = h.contains("oauth_token");
    let s = verify::check(app, req, three_legged)?;
    let nick = s.token.map(|t| t.nick);
    if let Some(n) = &nick {
        live_user(app, n)?;
    }
    Ok(Who { nick })
}

/// user-read: a bearer token naming a user, or three-legged OAuth 1 in the header.
pub fn user_read(app: &App, req: &Req) -> Result<String> {
    if let Some(b) = bearer(app, req) {
        return b?.nick.ok_or_else(not_logged_in);
    }
    if oauth_header(req).is_none() {
        return Err(not_logged_in());
    }
    let s = verify::check(app, req, true)?;
    let nick = s.token.map(|t| t.nick).ok_or_else(not_logged_in)?;
    live_user(app, &nick)?;
    Ok(nick)
}

/// user-write: three-legged OAuth 1 from the header, query or form body.
pub fn user_write(app: &App, req: &Req) -> Result<(String, Client)> {
    // A file body's sender was checked before the body was read (routes/uploads.rs).
    let admitted = req
        .admitted
        .as_ref()
        .and_then(|a| a.downcast_ref::<verify::Signed>());
    let s = match admitted {
        Some(s) => s.clone(),
        None => verify::check(app, req, true)?,
    };
    let nick = s
        .token
        .map(|t| t.nick)
        .ok_or(Error::OAuth(400, "Missing required parameter"))?;
    live_user(app, &nick)?;
    Ok((nick, s.client))
}

/// client-write: two-legged OAuth 1.
pub fn client_write(app: &App, req: &Req) -> Result<Client> {
    Ok(verify::check(app, req, false)?.client)
}

/// same-user: the principal must be `<nick>` (401 otherwise, as the original).
pub fn same_user(principal: &str, nick: &str) -> Result<()> {
    if principal == nick {
        Ok(())
    } else {
        Err(Error::Unauthorized("Not authorized".into()))
    }
}
