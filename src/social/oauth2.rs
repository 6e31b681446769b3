//! OAuth 2.0 (api.md §8.4): authorization codes, their exchange for bearer tokens (with PKCE,
//! RFC 7636, S256 only) and client-credentials tokens. The pages that ask the user are in
//! `web/oauth2.rs`, the token endpoint in `oauth/token2.rs`; this is what both rest on.
use crate::error::Result;
use crate::records::{AuthCode, BearerToken, Client};
use crate::store::{tokens, W};
use crate::util::{rand, time::now_secs};
use base64::Engine;

/// The scopes a client may ask for; `read` when it names none.
pub const SCOPES: &[&str] = &["read", "writeown", "writeall"];

/// `scope` as stored (the known names, space-separated), or None when it names another.
pub fn scope(asked: Option<&str>) -> Option<String> {
    let names: Vec<&str> = asked.unwrap_or("").split_whitespace().collect();
    if names.is_empty() {
        return Some("read".into());
    }
    names
        .iter()
        .all(|n| SCOPES.contains(n))
        .then(|| names.join(" "))
}

/// What a token request is refused with (RFC 6749 §5.2): the error code and a description.
#[derive(Debug, PartialEq)]
pub struct Refusal {
    pub error: &'static str,
    pub description: String,
}

fn refuse(error: &'static str, description: impl Into<String>) -> Refusal {
    Refusal {
        error,
        description: description.into(),
    }
}

/// Whether `uri` is one of the redirect URIs the client registered.
pub fn registered_redirect(client: &Client, uri: &str) -> bool {
    client
        .redirect_uris
        .as_deref()
        .is_some_and(|r| r.split_whitespace().any(|u| u == uri))
}

/// A redirect URI a code may be sent to: one the client registered, or, when it registered
/// none, any absolute http(s) URL (the original accepted every URI; a code sent elsewhere is
/// useless without the client's secret, and public clients need a registered one).
pub fn acceptable_redirect(client: &Client, uri: &str) -> bool {
    if client
        .redirect_uris
        .as_deref()
        .is_some_and(|r| !r.trim().is_empty())
    {
        return registered_redirect(client, uri);
    }
    let rest = uri
        .strip_prefix("https://")
        .or_else(|| uri.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/'))
        && !uri.contains(char::is_whitespace)
        && !uri.contains('#')
}

/// The S256 challenge of a PKCE verifier.
pub fn challenge_of(verifier: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest.as_ref())
}

/// A verifier as RFC 7636 §4.1 allows: 43 to 128 unreserved characters.
fn well_formed_verifier(v: &str) -> bool {
    (43..=128).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

/// What the user allowed, as a new code for the client; expired codes go at the same time.
pub struct Allowed<'a> {
    pub client: &'a str,
    pub nick: &'a str,
    pub redirect_uri: &'a str,
    pub scope: &'a str,
    pub challenge: Option<&'a str>,
}

pub fn issue_code(w: &W, a: &Allowed, lifetime_secs: i64) -> Result<String> {
    let now = now_secs();
    tokens::sweep_codes(w, now)?;
    let code = AuthCode {
        code: rand::token(32),
        consumer_key: a.client.to_string(),
        nick: a.nick.to_string(),
        redirect_uri: a.redirect_uri.to_string(),
        scope: a.scope.to_string(),
        challenge: a.challenge.map(String::from),
        expires: now + lifetime_secs,
        exchanged: None,
    };
    tokens::put_code(w, &code)?;
    Ok(code.code)
}

/// How a token request's client proved who it is.
#[derive(Clone, Copy)]
pub enum ClientAuth {
    /// With its secret.
    Secret,
    /// With nothing but its id: a public client, which must use PKCE.
    Public,
}

/// Exchanges a code for a bearer token (one per client and user: a second exchange gives the
/// same token, with the scope of the newer code). A code is used once: presenting it again
/// revokes the token it gave, as RFC 6749 §4.1.2 asks.
pub fn exchange_code(
    w: &W,
    client: &Client,
    auth: ClientAuth,
    code: &str,
    redirect_uri: &str,
    verifier: Option<&str>,
) -> Result<std::result::Result<BearerToken, Refusal>> {
    let now = now_secs();
    let Some(mut c) = tokens::code(w, code)?.filter(|c| c.consumer_key == client.consumer_key)
    else {
        return Ok(Err(refuse("invalid_grant", "Unknown authorization code")));
    };
    if let Some(token) = &c.exchanged {
        tokens::delete_bearer_token(w, token)?;
        return Ok(Err(refuse(
            "invalid_grant",
            "Authorization code already used",
        )));
    }
    if c.expires < now {
        tokens::delete_code(w, code)?;
        return Ok(Err(refuse("invalid_grant", "Authorization code expired")));
    }
    if c.redirect_uri != redirect_uri {
        return Ok(Err(refuse(
            "invalid_grant",
            "redirect_uri differs from the authorization request's",
        )));
    }
    if let Some(refusal) = pkce(&c, client, &auth, verifier) {
        return Ok(Err(refusal));
    }
    let token = bearer_for(w, &client.consumer_key, Some(&c.nick), &c.scope)?;
    c.exchanged = Some(token.token.clone());
    tokens::put_code(w, &c)?;
    Ok(Ok(token))
}

/// The PKCE check of an exchange, and the rule that a public client must pass one.
fn pkce(
    c: &AuthCode,
    client: &Client,
    auth: &ClientAuth,
    verifier: Option<&str>,
) -> Option<Refusal> {
    match (&c.challenge, verifier) {
        (Some(ch), Some(v))
            if well_formed_verifier(v) && crate::util::same(ch, &challenge_of(v)) =>
        {
            None
        }
        (Some(_), _) => Some(refuse("invalid_grant", "code_verifier does not match")),
        (None, Some(_)) => Some(refuse(
            "invalid_request",
            "code_verifier sent, but the authorization request had no code_challenge",
        )),
        (None, None) => match auth {
            ClientAuth::Secret => None,
            ClientAuth::Public => Some(refuse(
                "invalid_client",
                "client_secret is required without PKCE",
            )),
        },
    }
    .or_else(|| match auth {
        ClientAuth::Public if !registered_redirect(client, &c.redirect_uri) => Some(refuse(
            "invalid_client",
            "a client without its secret must have registered this redirect_uri",
        )),
        _ => None,
    })
}

/// The client's own token (client credentials grant), made on first request.
pub fn client_token(w: &W, client: &Client) -> Result<BearerToken> {
    bearer_for(w, &client.consumer_key, None, "read")
}

fn bearer_for(w: &W, consumer: &str, nick: Option<&str>, scope: &str) -> Result<BearerToken> {
    let token = match tokens::bearer_of(w, consumer, nick)? {
        Some(mut b) => {
            b.scope = Some(scope.to_string());
            b
        }
        None => BearerToken {
            token: rand::token(32),
            consumer_key: consumer.to_string(),
            nick: nick.map(String::from),
            scope: Some(scope.to_string()),
            created: now_secs(),
        },
    };
    tokens::put_bearer_token(w, &token)?;
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_and_challenges() {
        assert_eq!(scope(None).as_deref(), Some("read"));
        assert_eq!(
            scope(Some("read writeall")).as_deref(),
            Some("read writeall")
        );
        assert_eq!(scope(Some("0")), None);
        // RFC 7636 appendix B.
        assert_eq!(
            challenge_of("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert!(!well_formed_verifier("short"));
    }
}
