//! The access policies of api.md §2.3, each a choice of sources and a check of the principal.
use super::{identify, not_logged_in, Principal, Via};
use crate::app::App;
use crate::error::{Error, Result};
use crate::http::Req;
use crate::social::clients::Client;

/// The authenticated party of a read.
pub struct Who {
    /// The local user acting, if any.
    pub nick: Option<String>,
}

/// any-read: a bearer token, or OAuth 1 in the Authorization header (two- or three-legged).
pub fn any_read(app: &App, req: &Req) -> Result<Who> {
    req.asked.set(Some("any-read"));
    match identify(app, req, &[Via::Bearer, Via::OAuthHeader { user: false }])? {
        Principal::Nobody => Err(not_logged_in()),
        p => Ok(Who {
            nick: p.nick().map(String::from),
        }),
    }
}

/// user-read: a bearer token naming a user, or three-legged OAuth 1 in the header.
pub fn user_read(app: &App, req: &Req) -> Result<String> {
    req.asked.set(Some("user-read"));
    match identify(app, req, &[Via::Bearer, Via::OAuthHeader { user: true }])? {
        p @ (Principal::Bearer(_) | Principal::User { .. }) => {
            p.nick().map(String::from).ok_or_else(not_logged_in)
        }
        _ => Err(not_logged_in()),
    }
}

/// user-write: three-legged OAuth 1 from the header, query or form body.
pub fn user_write(app: &App, req: &Req) -> Result<(String, Client)> {
    req.asked.set(Some("user-write"));
    match identify(app, req, &[Via::OAuth { user: true }])? {
        Principal::User { nick, client } => Ok((nick, client)),
        _ => Err(Error::OAuth(400, "Missing required parameter")),
    }
}

/// client-write: two-legged OAuth 1 (a token, if sent, is not needed).
pub fn client_write(app: &App, req: &Req) -> Result<Client> {
    req.asked.set(Some("client-write"));
    match identify(app, req, &[Via::OAuth { user: false }])? {
        Principal::Client(c) | Principal::Remote { client: c, .. } => Ok(c),
        _ => Err(Error::OAuth(400, "Missing required parameter")),
    }
}

/// client-write with the signature in the `Authorization` header only: for the web session's
/// JSON endpoints, which log the browser in, so that no cross-site form (which cannot set a
/// header) logs a visitor into someone else's account.
pub fn client_write_header(app: &App, req: &Req) -> Result<Client> {
    req.asked.set(Some("client-write"));
    match identify(app, req, &[Via::OAuthHeader { user: false }])? {
        Principal::Client(c) | Principal::Remote { client: c, .. } => Ok(c),
        _ => Err(Error::OAuth(400, "Missing required parameter")),
    }
}

/// user-write with the signature in the `Authorization` header only (as above).
pub fn user_write_header(app: &App, req: &Req) -> Result<(String, Client)> {
    req.asked.set(Some("user-write"));
    match identify(app, req, &[Via::OAuthHeader { user: true }])? {
        Principal::User { nick, client } => Ok((nick, client)),
        _ => Err(Error::OAuth(400, "Missing required parameter")),
    }
}

/// remote-write: a client that Dialback bound to a remote server or account; returns that
/// remote identity.
pub fn remote_write(app: &App, req: &Req) -> Result<String> {
    req.asked.set(Some("remote-write"));
    match identify(app, req, &[Via::OAuth { user: false }])? {
        Principal::Remote { id, .. } => Ok(id),
        _ => Err(Error::Unauthorized("Authentication required".into())),
    }
}

/// Optional OAuth 1 in the header, else the web session (uploaded files, api.md §18): the
/// user, if any; Nobody is fine.
pub fn optional_user(app: &App, req: &Req) -> Result<Option<String>> {
    req.asked.set(Some("optional"));
    let via: &[Via] = if app.cfg.noweb {
        &[Via::OAuthHeader { user: false }]
    } else {
        &[Via::OAuthHeader { user: false }, Via::Session]
    };
    Ok(identify(app, req, via)?.nick().map(String::from))
}

/// The web UI's user: a browser whose session is open.
pub fn session_user(app: &App, req: &Req) -> Option<String> {
    session(app, req).map(|(nick, _)| nick)
}

/// The open session of the web UI's user, as (nickname, session id).
pub fn session(app: &App, req: &Req) -> Option<(String, String)> {
    match identify(app, req, &[Via::Session]) {
        Ok(Principal::Session { nick, sid }) => Some((nick, sid)),
        _ => None,
    }
}

/// The open session of a person logged in with their account on another server, as (their
/// id, session id).
pub fn remote_session(app: &App, req: &Req) -> Option<(String, String)> {
    match identify(app, req, &[Via::Session]) {
        Ok(Principal::RemoteSession { person, sid }) => Some((person, sid)),
        _ => None,
    }
}

/// same-user: the principal must be `<nick>` (401 otherwise, as the original).
pub fn same_user(principal: &str, nick: &str) -> Result<()> {
    if principal == nick {
        Ok(())
    } else {
        Err(Error::Unauthorized("Not authorized".into()))
    }
}

/// remote-write for ActivityPub: the actor whose HTTP Signature checks out.
pub async fn remote_actor(app: &App, req: &Req) -> Result<String> {
    req.asked.set(Some("remote-write"));
    crate::federation::ap_verify::signer(app, req).await
}

/// An ActivityPub read (any-read): anyone, or with `authorizedFetch` only a signed request;
/// the signing actor, if any.
pub async fn ap_reader(app: &App, req: &Req) -> Result<Option<String>> {
    req.asked.set(Some("any-read"));
    if crate::federation::ap_verify::is_signed(req) {
        return crate::federation::ap_verify::signer(app, req)
            .await
            .map(Some);
    }
    if app.cfg.federation.authorized_fetch {
        return Err(Error::Unauthorized(
            "This server requires signed fetches (authorizedFetch)".into(),
        ));
    }
    Ok(None)
}

/// Whether the request carries OAuth credentials (an API client's), in the header or query.
pub fn carries_oauth(req: &Req) -> bool {
    req.header("authorization")
        .is_some_and(|h| h.starts_with("OAuth") || h.starts_with("Bearer"))
        || req.query.contains("oauth_")
}
