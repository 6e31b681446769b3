//! `/oauth/authorize`: the login page, the consent page and the finished page (api.md §8.2).
use super::{page, session};
use crate::app::App;
use crate::error::{Error, Result};
use crate::http::{Req, Resp};
use crate::social::clients::{self, RequestToken};
use crate::social::users;
use crate::util::enc::{html, pct};

fn login_page(app: &App, status: u16, token: &str, error: Option<&str>) -> Resp {
    let err = super::alert(error);
    let body = format!(
        "<h1>Log in to authorize</h1>\n{err}<form id=\"oauth-authentication\" method=\"post\" action=\"/oauth/authorize\">\n\
         <input type=\"hidden\" name=\"oauth_token\" value=\"{}\">\n\
         <label for=\"username\">Nickname</label> <input type=\"text\" id=\"username\" name=\"username\" autocomplete=\"username\" required>\n\
         <label for=\"password\">Password</label> <input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required>\n\
         <input type=\"submit\" id=\"authenticate\" value=\"Login\">\n</form>",
        html(token)
    );
    Resp::html(status, page(app, "Login", &body))
}

fn consent_page(app: &App, rt: &RequestToken, nick: &str, title: &str) -> Resp {
    let body = format!(
        "<section class=\"card consent\"><h1>Authorize {title}</h1>\n<p>You are logged in as <strong class=\"nickname\" id=\"username\">{nick}</strong>.</p>\
         <p>Do you want to authorize <em class=\"client\">{title}</em> to access your account? It could:</p>\
         <ul><li>post activities as you (notes, pictures, likes, follows)</li><li>read what you can read, and your social graph</li>\
         <li>change your profile</li></ul>\n<form id=\"authorize\" method=\"post\" action=\"/oauth/authorize\">\n\
         <input type=\"hidden\" id=\"oauth_token\" name=\"oauth_token\" value=\"{}\">\n\
         <input type=\"hidden\" id=\"verifier\" name=\"verifier\" value=\"{}\">\n\
         <p class=\"actions\"><button type=\"submit\" id=\"authorize\" name=\"decision\" value=\"allow\">Authorize</button> \
         <button type=\"submit\" class=\"link\" id=\"deny\" name=\"decision\" value=\"deny\">Deny</button></p>\n</form></section>",
        html(&rt.token),
        html(&rt.verifier),
        title = html(title),
        nick = html(nick),
    );
    Resp::html(200, page(app, "Authorize", &body))
}

/// Redirects to the callback, or shows the token and verifier for the user to copy (`oob`).
fn finished(app: &App, rt: &RequestToken, status: u16) -> Resp {
    if rt.callback != "oob" {
        let sep = if rt.callback.contains('?') { '&' } else { '?' };
        let loc = format!(
            "{}{sep}oauth_token={}&oauth_verifier={}",
            rt.callback,
            pct(&rt.token),
            pct(&rt.verifier)
        );
        return Resp::redirect(status, &loc);
    }
    let body = format!(
        "<h1>Authorization complete</h1>\n<p>Copy this verifier into the application.</p>\n\
         <dl><dt>Token</dt><dd id=\"token\">{}</dd><dt>Verifier</dt><dd id=\"verifier\">{}</dd></dl>",
        html(&rt.token),
        html(&rt.verifier)
    );
    Resp::html(200, page(app, "Authorization complete", &body))
}

fn find_token(app: &App, token: &str) -> Result<Option<(RequestToken, String)>> {
    let Some(rt): Option<RequestToken> = app.store.read(|r| clients::request_token(r, token))?
    else {
        return Ok(None);
    };
    let Some(client) = clients::find(&app.cfg, &app.store, &rt.consumer_key)? else {
        return Ok(None);
    };
    let title = client.title.unwrap_or_else(|| "(Unknown)".into());
    Ok(Some((rt, title)))
}

pub async fn show(app: &App, req: &Req) -> Result<Resp> {
    let Some(token) = req.query_param("oauth_token").filter(|t| !t.is_empty()) else {
        return Err(Error::bad("Must provide an oauth_token"));
    };
    let Some((rt, title)) = find_token(app, &token)?.filter(|(rt, _)| rt.access_token.is_none())
    else {
        return Err(Error::bad("Invalid / expired token"));
    };
    // A browser that is already logged in goes straight on, as after a login.
    if let Some(nick) = session::user(app, req) {
        if rt.nick.as_deref().is_some_and(|n| n != nick) {
            return Err(Error::bad("This token belongs to another user"));
        }
        return logged_in(app, &rt, &title, nick).await;
    }
    Ok(login_page(app, 200, &token, None))
}

pub async fn submit(app: &App, req: &Req) -> Result<Resp> {
    let m = req.fields()?;
    let get = |k: &str| m.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
    let token = get("oauth_token");
    let Some((rt, title)) = find_token(app, &token)?.filter(|(rt, _)| rt.access_token.is_none())
    else {
        return Ok(login_page(
            app,
            400,
            &token,
            Some("Invalid or expired request token"),
        ));
    };
    if m.contains_key("verifier") {
        // Consent: the verifier proves the form came from our page, and the session cookie that
        // this browser is the one that logged in.
        let verified = crate::util::same(&rt.verifier, &get("verifier"));
        let same_browser = rt.nick.is_some() && session::user(app, req) == rt.nick;
        let Some(nick) = rt.nick.clone().filter(|_| verified && same_browser) else {
            return Ok(login_page(
                app,
                400,
                &token,
                Some("Please log in again to authorize"),
            ));
        };
        if get("decision") == "deny" {
            return deny(app, &token).await;
        }
        let rt = bind(app, &token, nick, true).await?;
        return Ok(finished(app, &rt, 303));
    }
    let (nick, password) = (get("username"), get("password"));
    // The same counters as the web UI's login: guessing here is guessing there.
    let address = req.peer.map(|a| a.to_string()).unwrap_or_default();
    let now = crate::util::time::now_secs();
    if !app.throttle.borrow_mut().attempt(&nick, &address, now) {
        return Ok(login_page(
            app,
            429,
            &token,
            Some("Too many failed logins; wait a quarter of an hour and try again."),
        ));
    }
    if !users::check_password(&app.store, &nick, &password).await? {
        return Ok(login_page(
            app,
            400,
            &token,
            Some("Incorrect username or password"),
        ));
    }
    app.throttle.borrow_mut().succeeded(&nick, &address);
    if rt.nick.as_deref().is_some_and(|n| n != nick) {
        return Ok(login_page(
            app,
            400,
            &token,
            Some("This token belongs to another user"),
        ));
    }
    let resp = logged_in(app, &rt, &title, nick.clone()).await?;
    session::log_in(app, resp, &nick).await
}

/// The user said no: the request token is dropped, and the application gets nothing.
async fn deny(app: &App, token: &str) -> Result<Resp> {
    let token = token.to_string();
    app.store
        .write(move |w| clients::deny_request_token(w, &token).map(|_| ()))
        .await?;
    let body = "<section class=\"card\"><h1>Access denied</h1><p>The application was not given access to your account. You can close this page.</p>\
                <p><a href=\"/\">Home</a></p></section>";
    Ok(Resp::html(200, page(app, "Access denied", body)))
}

/// After a login: skip consent when the user already trusts this client, else ask.
async fn logged_in(app: &App, rt: &RequestToken, title: &str, nick: String) -> Result<Resp> {
    if clients::has_access_token(&app.store, &rt.consumer_key, &nick)? {
        let rt = bind(app, &rt.token, nick, true).await?;
        return Ok(finished(app, &rt, 302));
    }
    let rt = bind(app, &rt.token, nick.clone(), false).await?;
    Ok(consent_page(app, &rt, &nick, title))
}

/// Binds the token to the user who logged in and, with `authorized`, marks it authorized by
/// them, so that it can be exchanged.
async fn bind(app: &App, token: &str, nick: String, authorized: bool) -> Result<RequestToken> {
    let token = token.to_string();
    app.store
        .write(move |w| {
            let mut rt = clients::request_token(w, &token)?
                .ok_or_else(|| Error::bad("Invalid or expired request token"))?;
            rt.nick = Some(nick.clone());
            rt.authorized |= authorized;
            clients::put_request_token(w, &rt)?;
            Ok(rt)
        })
        .await
}
