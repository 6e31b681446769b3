//! `POST /oauth2/token` (api.md §8.4, RFC 6749 §4.1.3, §4.4): a code, or a client's own
//! credentials, for a bearer token. The client proves itself with its secret in the form or
//! in HTTP Basic; a public client sends no secret and proves the code with PKCE instead.
use crate::app::App;
use crate::error::Result;
use crate::http::{Req, Resp};
use crate::social::clients::{self, Client};
use crate::social::oauth2::{self, ClientAuth, Refusal};
use base64::Engine;
use serde_json::json;

fn refusal(status: u16, error: &str, description: &str) -> Resp {
    Resp::json_status(
        status,
        &json!({"error": error, "error_description": description}),
    )
    .with("cache-control", "no-store")
}

/// The client id and secret from HTTP Basic (RFC 6749 §2.3.1), if sent.
fn basic(req: &Req) -> Option<(String, String)> {
    let h = req.header("authorization")?;
    let b64 = h
        .strip_prefix("Basic ")
        .or_else(|| h.strip_prefix("basic "))?;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (id, secret) = text.split_once(':')?;
    let dec = |s: &str| {
        crate::util::enc::form_pairs(&format!("v={s}"))
            .pop()
            .map(|(_, v)| v)
    };
    Some((dec(id)?, dec(secret)?))
}

pub async fn token(app: &App, req: &Req) -> Result<Resp> {
    let pairs = req.form_pairs();
    let mut seen = std::collections::HashSet::new();
    if let Some((k, _)) = pairs.iter().find(|(k, _)| !seen.insert(k.as_str())) {
        return Ok(refusal(
            400,
            "invalid_request",
            &format!("'{k}' is given more than once"),
        ));
    }
    let field = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())
    };
    let (id, secret) = match basic(req) {
        Some((id, secret)) => (Some(id), Some(secret)),
        None => (field("client_id"), field("client_secret")),
    };
    let Some(id) = id else {
        return Ok(refusal(400, "invalid_request", "client_id is required"));
    };
    let client = clients::find(&app.cfg, &app.store, &id)?;
    let (client, auth) = match (client, secret) {
        (Some(c), Some(s)) if crate::util::same(&c.secret, &s) => (c, ClientAuth::Secret),
        // Only a native app may go without its secret (it cannot keep one).
        (Some(c), None) if c.app_type.as_deref() == Some("native") => (c, ClientAuth::Public),
        _ => {
            return Ok(
                refusal(401, "invalid_client", "Unknown client or wrong secret")
                    .with("www-authenticate", "Basic realm=\"oauth2\""),
            )
        }
    };
    let granted = match field("grant_type").as_deref() {
        Some("authorization_code") => code_grant(app, client, auth, field).await?,
        Some("client_credentials") => match auth {
            ClientAuth::Secret => {
                let c = client.clone();
                Ok(app
                    .store
                    .write(move |w| oauth2::client_token(w, &c))
                    .await?)
            }
            ClientAuth::Public => Err(Refusal {
                error: "invalid_client",
                description: "client_credentials needs the client's secret".into(),
            }),
        },
        Some(_) => Err(Refusal {
            error: "unsupported_grant_type",
            description: "grant_type must be authorization_code or client_credentials".into(),
        }),
        None => Err(Refusal {
            error: "invalid_request",
            description: "grant_type is required".into(),
        }),
    };
    Ok(match granted {
        Ok(t) => Resp::json(&json!({
            "access_token": t.token,
            "token_type": "Bearer",
            "scope": t.scope.unwrap_or_else(|| "read".into()),
        }))
        .with("cache-control", "no-store")
        .with("pragma", "no-cache"),
        Err(r) => {
            let status = if r.error == "invalid_client" {
                401
            } else {
                400
            };
            refusal(status, r.error, &r.description)
        }
    })
}

async fn code_grant(
    app: &App,
    client: Client,
    auth: ClientAuth,
    field: impl Fn(&str) -> Option<String>,
) -> Result<std::result::Result<crate::records::BearerToken, Refusal>> {
    let (Some(code), Some(uri)) = (field("code"), field("redirect_uri")) else {
        return Ok(Err(Refusal {
            error: "invalid_request",
            description: "code and redirect_uri are required".into(),
        }));
    };
    let verifier = field("code_verifier");
    app.store
        .write(move |w| oauth2::exchange_code(w, &client, auth, &code, &uri, verifier.as_deref()))
        .await
}
