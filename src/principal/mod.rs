//! Who is asking: the one place that turns a request's credentials into a `Principal` (a
//! bearer token, an OAuth 1.0a signature, a browser session), and the access policies of
//! api.md §2.3 written over it. Adapters ask for a policy; none of them reads credentials.
mod policies;
pub mod session;

pub use policies::*;

use crate::app::App;
use crate::error::{Error, Result};
use crate::http::Req;
use crate::oauth::verify::{self, Signed};
use crate::social::clients::{BearerToken, Client};

/// The party behind a request.
pub enum Principal {
    /// No credentials.
    Nobody,
    /// A client signing for no user (two-legged OAuth 1.0a).
    Client(Client),
    /// Another server or an account there, through the client that Dialback bound to it
    /// (federation.md §4.2): `acct:user@host` or `http://host/`.
    Remote { id: String, client: Client },
    /// A local user through a client (three-legged OAuth 1.0a).
    User { nick: String, client: Client },
    /// An OAuth 2 bearer token, for a user or for its client alone.
    Bearer(BearerToken),
    /// A browser logged in to the web UI: its user and session.
    Session { nick: String, sid: String },
    /// A browser logged in with an account on another server (federation.md §8): that
    /// person's id and the session.
    RemoteSession { person: String, sid: String },
}

impl Principal {
    /// The local user acting, if any.
    pub fn nick(&self) -> Option<&str> {
        match self {
            Principal::User { nick, .. } | Principal::Session { nick, .. } => Some(nick),
            Principal::Bearer(b) => b.nick.as_deref(),
            Principal::Nobody
            | Principal::Client(_)
            | Principal::Remote { .. }
            | Principal::RemoteSession { .. } => None,
        }
    }
}

/// Where credentials may come from, tried in the order given.
#[derive(Clone, Copy)]
pub enum Via {
    /// `Authorization: Bearer …` (OAuth 2).
    Bearer,
    /// OAuth 1.0a in the `Authorization` header only: three-legged when `user`, else
    /// two-legged or three-legged as the header says.
    OAuthHeader { user: bool },
    /// OAuth 1.0a from the header, the query or a form body; `user` demands a token. Always
    /// tried when reached: a request without a signature is refused (400) rather than Nobody.
    OAuth { user: bool },
    /// The web UI's session cookie.
    Session,
}

pub(crate) fn not_logged_in() -> Error {
    Error::Unauthorized("Not logged in.".into())
}

/// The principal of `req` by the first source in `via` that it carries credentials for;
/// Nobody when it carries none. Credentials that do not hold are an error, not Nobody.
pub fn identify(app: &App, req: &Req, via: &[Via]) -> Result<Principal> {
    for v in via {
        if let Some(p) = by(app, req, *v)? {
            return Ok(p);
        }
    }
    Ok(Principal::Nobody)
}

fn by(app: &App, req: &Req, via: Via) -> Result<Option<Principal>> {
    match via {
        Via::Bearer => {
            let Some(token) = bearer_token(req) else {
                return Ok(None);
            };
            let found = app
                .store
                .read(|r| crate::social::clients::bearer_token(r, &token))?;
            found
                .map(|b| Some(Principal::Bearer(b)))
                .ok_or_else(not_logged_in)
        }
        Via::OAuthHeader { user } => match oauth_header(req) {
            Some(h) => {
                let user = user || h.contains("oauth_token");
                signed(app, verify::check(app, req, user)?, user).map(Some)
            }
            None => Ok(None),
        },
        Via::OAuth { user } => {
            // A file body's sender was checked before the body was read (routes/uploads.rs).
            let admitted = req
                .admitted
                .as_ref()
                .and_then(|a| a.downcast_ref::<Signed>());
            let s = match admitted {
                Some(s) => s.clone(),
                None => verify::check(app, req, user)?,
            };
            signed(app, s, user).map(Some)
        }
        // A local nickname never holds a `:`; a remote person's id always does.
        Via::Session => Ok(
            session::open(app, req).map(|(nick, sid)| match nick.contains(':') {
                true => Principal::RemoteSession { person: nick, sid },
                false => Principal::Session { nick, sid },
            }),
        ),
    }
}

fn bearer_token(req: &Req) -> Option<String> {
    let h = req.header("authorization")?;
    let t = h
        .strip_prefix("Bearer ")
        .or_else(|| h.strip_prefix("bearer "))?;
    Some(t.trim().to_string())
}

fn oauth_header(req: &Req) -> Option<&str> {
    req.header("authorization")
        .filter(|h| h.trim_start().len() >= 5 && h.trim_start()[..5].eq_ignore_ascii_case("oauth"))
}

/// A verified signature as a principal: the user of its token when `user`, else its client.
fn signed(app: &App, s: Signed, user: bool) -> Result<Principal> {
    match (s.token, user) {
        (Some(t), true) => {
            live_user(app, &t.nick)?;
            Ok(Principal::User {
                nick: t.nick,
                client: s.client,
            })
        }
        (None, true) => Err(Error::OAuth(400, "Missing required parameter")),
        (_, false) => Ok(match remote_identity(&s.client) {
            Some(id) => Principal::Remote {
                id,
                client: s.client,
            },
            None => Principal::Client(s.client),
        }),
    }
}

/// The identity Dialback bound a client to, if any.
fn remote_identity(c: &Client) -> Option<String> {
    match (&c.webfinger, &c.host) {
        (Some(wf), _) => Some(format!("acct:{wf}")),
        (None, Some(h)) => Some(format!("http://{h}/")),
        _ => None,
    }
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
