//! Opening an account through a client, for the API (`POST /api/users`) and the web
//! session's JSON endpoints (`/main/register`, `/main/login`, `/main/redeem-code`): each
//! answers with the user object and the client's access token for that user (api.md §9.2,
//! §21).
use crate::app::App;
use crate::error::{Error, Result};
use crate::social::clients::{self, AccessToken, Client};
use crate::social::codes;
use crate::social::users::{self, NewUser, User};
use crate::util::time::now_secs;
use serde_json::{json, Map, Value};

/// What a client gets for a user: the user as that user sees it, with `token` and `secret`.
fn answer(app: &App, user: &User, token: Option<AccessToken>) -> Result<Value> {
    let nick = user.nick().to_string();
    let mut out = app
        .store
        .read(|r| users::show(r, &app.cfg, user, Some(&nick)))?;
    if let Some(t) = token {
        out["token"] = json!(t.token);
        out["secret"] = json!(t.secret);
    }
    Ok(out)
}

/// Registers the account `body` describes through `client` (api.md §9.2). With `requireEmail`
/// and mail, the account waits for its confirmation link; `confirming` says so.
pub async fn register(
    app: &App,
    client: Client,
    mut body: Map<String, Value>,
) -> Result<(Value, bool)> {
    if app.cfg.disable_registration {
        return Err(Error::Forbidden("No registration allowed.".into()));
    }
    let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or("").to_string();
    let nick = text(body.get("nickname"));
    let password = text(body.get("password"));
    if app.cfg.require_email {
        let email = text(body.get("email"));
        if email.is_empty() {
            return Err(Error::bad("No email address"));
        }
        if !crate::social::passwords::valid_email(&email) {
            return Err(Error::bad("Invalid email address provided"));
        }
    }
    body.remove("password");
    // With mail set up, a required address is confirmed by a mailed link before the account
    // may use the API.
    let email = body.get("email").and_then(Value::as_str);
    let confirm = users::confirmation(&app.cfg, &nick, email);
    let confirming = confirm.is_some();
    let (user, token) = users::create(
        &app.store,
        &app.cfg,
        NewUser {
            nick,
            password,
            extra: body,
            client: Some(client),
            activities: true,
            confirm,
        },
    )
    .await?;
    Ok((answer(app, &user, token)?, confirming))
}

/// A password login through `client` from `address`, throttled like every login.
pub async fn log_in(
    app: &App,
    client: &Client,
    nick: &str,
    password: &str,
    address: &str,
) -> Result<Value> {
    check_login(app, nick, password, address).await?;
    let (consumer, who) = (client.consumer_key.clone(), nick.to_string());
    let token = app
        .store
        .write(move |w| clients::issue_access_token(w, &consumer, &who))
        .await?;
    let user = app
        .store
        .read(|r| users::user_record(r, nick))?
        .ok_or_else(|| users::no_such_user(nick))?;
    answer(app, &user, Some(token))
}

/// Whether `nick` may log in with `password` from `address`: logins are throttled per account
/// and per address, and an account waiting for its confirmation link may not log in yet.
pub async fn check_login(app: &App, nick: &str, password: &str, address: &str) -> Result<()> {
    if !app.throttle.borrow_mut().attempt(nick, address, now_secs()) {
        return Err(Error::TooMany(
            "Too many failed logins; wait a quarter of an hour and try again.".into(),
        ));
    }
    let ok = !nick.is_empty()
        && users::check_password(&app.store, nick, password)
            .await
            .unwrap_or(false);
    if !ok {
        return Err(Error::Unauthorized("Incorrect username or password".into()));
    }
    app.throttle.borrow_mut().succeeded(nick, address);
    if users::unconfirmed(&app.store, nick)? {
        return Err(Error::Forbidden(
            "Confirm your e-mail address first: the link is in the mail we sent.".into(),
        ));
    }
    Ok(())
}

/// Redeems a password-recovery code through `client`: the code is used up and the client
/// gets the user's token, in one transaction; the caller then lets the user set a password.
pub async fn redeem(app: &App, client: &Client, code: &str) -> Result<Value> {
    let (consumer, c) = (client.consumer_key.clone(), code.to_string());
    // Checked and used up in one transaction: two redemptions at once cannot both succeed.
    let token = app
        .store
        .write(move |w| {
            let rec = codes::valid(w, &c, codes::RECOVER)?
                .ok_or_else(|| Error::bad("Invalid, used or expired recovery code."))?;
            codes::use_up(w, &c)?;
            clients::issue_access_token(w, &consumer, &rec.nick)
        })
        .await?;
    let user = app
        .store
        .read(|r| users::user_record(r, &token.nick))?
        .ok_or_else(|| users::no_such_user(&token.nick))?;
    answer(app, &user, Some(token))
}

/// The user of an access token, for a session opened with it (`/main/renew`).
pub fn show(app: &App, nick: &str) -> Result<Value> {
    let user = app
        .store
        .read(|r| users::user_record(r, nick))?
        .ok_or_else(|| users::no_such_user(nick))?;
    answer(app, &user, None)
}
