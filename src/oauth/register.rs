//! Dynamic client registration: `POST /api/client/register` (api.md §7).
use crate::app::App;
use crate::error::{Error, Result};
use crate::federation::dialback::Identity;
use crate::http::{Req, Resp};
use crate::social::clients::Client;
use crate::util::{rand, time::now_iso};
use serde_json::{json, Map, Value};

fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let ok = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c);
    !local.is_empty()
        && local.chars().all(ok)
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
}

fn is_url(s: &str) -> bool {
    let rest = s
        .strip_prefix("http://")
        .or_else(|| s.strip_prefix("https://"));
    rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/'))
        && !s.contains(char::is_whitespace)
        && s.matches("http:").count() + s.matches("https:").count() == 1
}

fn field(m: &Map<String, Value>, k: &str) -> Result<Option<String>> {
    match m.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) if k == "contacts" => Err(Error::bad(
            "contacts must be a string of space-separated email addresses.",
        )),
        Some(_) => Err(Error::bad(format!("{k} must be a string."))),
    }
}

/// Checks the fields a registration or an update may set, and returns them.
fn validated(m: &Map<String, Value>) -> Result<Client> {
    let contacts = field(m, "contacts")?;
    if let Some(c) = &contacts {
        if !c.split_whitespace().all(is_email) {
            return Err(Error::bad(
                "contacts must be space-separate email addresses.",
            ));
        }
    }
    let app_type = field(m, "application_type")?;
    if let Some(t) = &app_type {
        if t != "web" && t != "native" {
            return Err(Error::bad("Unknown application_type."));
        }
    }
    let logo_url = field(m, "logo_url")?;
    if let Some(u) = &logo_url {
        if !is_url(u) {
            return Err(Error::bad("Invalid logo_url."));
        }
    }
    let redirect_uris = field(m, "redirect_uris")?;
    if let Some(r) = &redirect_uris {
        if !r.split_whitespace().all(is_url) {
            return Err(Error::bad("redirect_uris must be space-separated URLs."));
        }
    }
    Ok(Client {
        consumer_key: String::new(),
        secret: String::new(),
        title: field(m, "application_name")?,
        description: field(m, "application_description")?,
        app_type,
        contacts,
        logo_url,
        redirect_uris,
        host: None,
        webfinger: None,
        created: String::new(),
        updated: String::new(),
    })
}

/// The identity a Dialback header proves, if the request has one (federation.md §3.2); a
/// header that does not hold is answered 401 with the reason.
async fn dialback(app: &App, req: &Req) -> Result<Result<Option<Identity>, Resp>> {
    let Some(h) = req.header("authorization") else {
        return Ok(Ok(None));
    };
    let url = match req.query.as_str() {
        "" => app.url(&req.path),
        q => app.url(&format!("{}?{q}", req.path)),
    };
    match crate::federation::dialback::verify(app, &url, Some(h), req.header("date")).await {
        Ok(who) => Ok(Ok(Some(who))),
        Err(msg) => {
            log::info!("dialback refused for {url}: {msg}");
            Ok(Err(Resp::text(401, &msg)
                .with("www-authenticate", "Dialback")
                .with("www-authentication", "Dialback")))
        }
    }
}

pub async fn handle(app: &App, req: &Req) -> Result<Resp> {
    let who = match dialback(app, req).await? {
        Ok(who) => who,
        Err(refusal) => return Ok(refusal),
    };
    let m = req.fields()?;
    let kind = field(&m, "type")?.ok_or_else(|| Error::bad("No registration type provided"))?;
    if m.contains_key("access_token") {
        return Err(Error::bad("access_token not needed for registration."));
    }
    let mut client = match kind.as_str() {
        "client_associate" => {
            if m.contains_key("client_id") {
                return Err(Error::bad("Only set client_id for update."));
            }
            if m.contains_key("client_secret") {
                return Err(Error::bad("Only set client_secret for update."));
            }
            validated(&m)?
        }
        "client_update" => {
            let id = field(&m, "client_id")?
                .ok_or_else(|| Error::bad("client_update needs client_id"))?;
            let secret = field(&m, "client_secret")?.unwrap_or_default();
            let old: Client = app
                .store
                .read(|r| crate::social::clients::registered(r, &id))?
                .ok_or_else(|| Error::NotFound(format!("No such client: '{id}'")))?;
            if !crate::util::same(&old.secret, &secret) {
                return Err(Error::Forbidden("Unauthorized".into()));
            }
            let mut c = validated(&m)?;
            c.consumer_key = old.consumer_key;
            c.secret = old.secret;
            c.created = old.created;
            (c.host, c.webfinger) = (old.host, old.webfinger);
            c
        }
        _ => return Err(Error::bad("Invalid registration type")),
    };
    let now = now_iso();
    if client.consumer_key.is_empty() {
        client.consumer_key = rand::token(16);
        client.secret = rand::token(32);
        client.created = now.clone();
    }
    client.updated = now;
    match who {
        Some(Identity::Host(h)) => client.host = Some(h),
        Some(Identity::Webfinger(w)) => client.webfinger = Some(w),
        None => {}
    }
    let answer =
        json!({"client_id": client.consumer_key, "client_secret": client.secret, "expires_at": 0});
    app.store
        .write(move |w| crate::social::clients::put_registered(w, &client))
        .await?;
    Ok(Resp::json(&answer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contact_and_url_rules() {
        assert!(is_email("a@x.com"));
        assert!(!is_email("a@x.com,b@y.com"));
        assert!(!is_email("http://x.com/"));
        assert!(is_url("http://example.com/cb"));
        assert!(!is_url("BAD URL"));
        assert!(!is_url("http://a.com/,http://b.com/"));
        assert!(!is_url("validate"));
    }
}
