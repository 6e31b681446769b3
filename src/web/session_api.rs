//! The web session's JSON endpoints that the original's single-page client used (api.md §21):
//! a client signs the request in its `Authorization` header (two-legged, or three-legged for
//! `renew`), and the answer logs the browser's session in as well. The HTML forms on the same paths are in `auth.rs`.
use super::session;
use crate::app::App;
use crate::core::accounts;
use crate::error::{Error, Result};
use crate::http::{Req, Resp};
use crate::principal;
use serde_json::Value;

fn text(m: &serde_json::Map<String, Value>, k: &str) -> String {
    m.get(k)
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim()
        .to_string()
}

/// Opens the session for the user that `answer` describes, and answers with it.
async fn logged_in(app: &App, answer: Value) -> Result<Resp> {
    let nick = answer
        .get("nickname")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    session::log_in(app, Resp::json(&answer), &nick).await
}

/// `POST /main/login` with `{"nickname", "password"}`.
pub async fn login(app: &App, req: &Req) -> Result<Resp> {
    let client = principal::client_write_header(app, req)?;
    let m = req.fields()?;
    let address = req.peer.map(|a| a.to_string()).unwrap_or_default();
    let answer = accounts::log_in(
        app,
        &client,
        &text(&m, "nickname"),
        &text(&m, "password"),
        &address,
    )
    .await?;
    logged_in(app, answer).await
}

/// `POST /main/register`: as `POST /api/users`, and the session is logged in (unless the
/// account waits for its confirmation link).
pub async fn register(app: &App, req: &Req) -> Result<Resp> {
    let client = principal::client_write_header(app, req)?;
    let (answer, confirming) = accounts::register(app, client, req.fields()?).await?;
    if confirming {
        return Ok(Resp::json(&answer));
    }
    logged_in(app, answer).await
}

/// `POST /main/renew`: the session again for the user of a three-legged request.
pub async fn renew(app: &App, req: &Req) -> Result<Resp> {
    let (nick, _) = principal::user_write_header(app, req)?;
    logged_in(app, accounts::show(app, &nick)?).await
}

/// `POST /main/redeem-code` with `{"code"}` (password recovery): the user, the client's token,
/// and a session, so that the page can set a new password.
pub async fn redeem_code(app: &App, req: &Req) -> Result<Resp> {
    let client = principal::client_write_header(app, req)?;
    let code = text(&req.fields()?, "code");
    if code.is_empty() {
        return Err(Error::bad("No code"));
    }
    logged_in(app, accounts::redeem(app, &client, &code).await?).await
}
