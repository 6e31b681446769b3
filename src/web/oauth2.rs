//! The browser side of OAuth 2 (api.md §8.4, web-ui.md): `/oauth2/authz`, where a logged-in
//! user allows or denies a client, and `/oauth2/authc`, the login page on the way there.
use super::layout::Ctx;
use super::session;
use crate::error::{Error, Result};
use crate::http::Resp;
use crate::social::clients::{self, Client};
use crate::social::oauth2::{self, Allowed};
use crate::util::enc::{html, pct};

/// The parameters of an authorization request, from the query (GET) or the form (POST).
struct Ask {
    response_type: String,
    client_id: String,
    redirect_uri: String,
    state: Option<String>,
    scope: Option<String>,
    challenge: Option<String>,
    method: Option<String>,
}

const KEYS: [&str; 7] = [
    "response_type",
    "client_id",
    "redirect_uri",
    "state",
    "scope",
    "code_challenge",
    "code_challenge_method",
];

fn ask(ctx: &Ctx) -> Ask {
    let pairs = if ctx.req.method == "POST" {
        ctx.req.form_pairs()
    } else {
        ctx.req.query_pairs()
    };
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())
    };
    Ask {
        response_type: get("response_type").unwrap_or_default(),
        client_id: get("client_id").unwrap_or_default(),
        redirect_uri: get("redirect_uri").unwrap_or_default(),
        state: get("state"),
        scope: get("scope"),
        challenge: get("code_challenge"),
        method: get("code_challenge_method"),
    }
}

impl Ask {
    fn values(&self) -> [Option<&str>; 7] {
        [
            Some(self.response_type.as_str()),
            Some(self.client_id.as_str()),
            Some(self.redirect_uri.as_str()),
            self.state.as_deref(),
            self.scope.as_deref(),
            self.challenge.as_deref(),
            self.method.as_deref(),
        ]
    }

    /// The request again as a query string, for the way between the two pages.
    fn query(&self) -> String {
        KEYS.iter()
            .zip(self.values())
            .filter_map(|(k, v)| {
                v.filter(|v| !v.is_empty())
                    .map(|v| format!("{k}={}", pct(v)))
            })
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The request as the hidden fields of a form.
    fn hidden(&self) -> String {
        KEYS.iter()
            .zip(self.values())
            .map(|(k, v)| {
                format!(
                    "<input type=\"hidden\" name=\"{k}\" value=\"{}\">",
                    html(v.unwrap_or(""))
                )
            })
            .collect()
    }

    /// 302 back to the client with `params` and the request's `state`.
    fn back(&self, params: &[(&str, &str)]) -> Resp {
        let mut to = self.redirect_uri.clone();
        to.push(if to.contains('?') { '&' } else { '?' });
        let mut all: Vec<(&str, &str)> = params.to_vec();
        if let Some(s) = &self.state {
            all.push(("state", s));
        }
        let q: Vec<String> = all.iter().map(|(k, v)| format!("{k}={}", pct(v))).collect();
        to.push_str(&q.join("&"));
        Resp::redirect(302, &to)
    }
}

/// What the request comes to before anyone is asked.
enum Checked {
    /// The client and the scope to ask for.
    Ask(Client, String),
    /// No client or no acceptable redirect URI: an error page, nothing is sent anywhere.
    Page(Resp),
    /// A refusal sent back to the client.
    Back(Resp),
}

fn check(ctx: &Ctx, a: &Ask) -> Result<Checked> {
    let error_page = |msg: &str| {
        let body = format!(
            "<h1>Error</h1><p class=\"error\" role=\"alert\">{}</p>",
            html(msg)
        );
        Checked::Page(ctx.page(400, "Error", &body, false))
    };
    if a.client_id.is_empty() || a.redirect_uri.is_empty() {
        return Ok(error_page("client_id and redirect_uri are required."));
    }
    let Some(client) = clients::find(&ctx.app.cfg, &ctx.app.store, &a.client_id)? else {
        return Ok(error_page("No such client."));
    };
    if !oauth2::acceptable_redirect(&client, &a.redirect_uri) {
        return Ok(error_page(
            "This redirect_uri is not one the client registered.",
        ));
    }
    if a.response_type != "code" {
        return Ok(Checked::Back(
            a.back(&[("error", "unsupported_response_type")]),
        ));
    }
    let Some(scope) = oauth2::scope(a.scope.as_deref()) else {
        return Ok(Checked::Back(a.back(&[("error", "invalid_scope")])));
    };
    let pkce_ok = match (&a.challenge, a.method.as_deref()) {
        (None, None) => true,
        (Some(c), Some("S256")) => c.len() == 43,
        _ => false,
    };
    if !pkce_ok {
        return Ok(Checked::Back(a.back(&[
            ("error", "invalid_request"),
            ("error_description", "code_challenge_method must be S256"),
        ])));
    }
    Ok(Checked::Ask(client, scope))
}

fn scope_items(scope: &str) -> String {
    let mut items = vec!["<li>know who you are on this server</li>"];
    items.push("<li>read what you can read</li>");
    if scope.split(' ').any(|s| s == "writeall") {
        items.push("<li>post, like, follow and change anything for you</li>");
    } else if scope.split(' ').any(|s| s == "writeown") {
        items.push("<li>post and change your own things</li>");
    }
    items.concat()
}

fn consent_page(ctx: &Ctx, a: &Ask, client: &Client, scope: &str, me: &str) -> Resp {
    let title = client.title.as_deref().unwrap_or("An application");
    let body = format!(
        "<div id=\"oauth2-consent\"><h1>Allow {t}?</h1><p>Logged in as <strong class=\"nickname\">{me}</strong>. \
         <strong class=\"client\">{t}</strong> asks to:</p><ul class=\"scopes\">{items}</ul>\
         <form id=\"oauth2-authorization\" method=\"post\" action=\"/oauth2/authz\">{csrf}{hidden}\
         <p><button type=\"submit\" name=\"allow\" value=\"allow\">Allow</button> \
         <button type=\"submit\" name=\"deny\" value=\"deny\" class=\"secondary\">Deny</button></p></form></div>",
        t = html(title),
        me = html(me),
        items = scope_items(scope),
        csrf = ctx.hidden(),
        hidden = a.hidden(),
    );
    ctx.page(200, "Allow access", &body, false)
}

fn login_page(ctx: &Ctx, a: &Ask, client: &Client, status: u16, error: Option<&str>) -> Resp {
    let title = client.title.as_deref().unwrap_or("the app");
    let body = format!(
        "<div id=\"oauth2-login\"><h1>Log in</h1><p>Log into {site} to give {t} access to your account.</p>{err}\
         <form id=\"oauth2-authentication\" method=\"post\" action=\"/oauth2/authc\">{csrf}{hidden}\
         <label for=\"nickname\">Nickname</label><input type=\"text\" id=\"nickname\" name=\"nickname\" autocomplete=\"username\" required>\
         <label for=\"password\">Password</label><input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required>\
         <p><button type=\"submit\" name=\"login\" value=\"login\">Log in</button> \
         <button type=\"submit\" name=\"cancel\" value=\"cancel\" class=\"secondary\" formnovalidate>Cancel</button></p></form></div>",
        site = html(&ctx.app.cfg.site),
        t = html(title),
        err = super::alert(error),
        csrf = ctx.hidden(),
        hidden = a.hidden(),
    );
    ctx.page(status, "Log in", &body, false)
}

fn form_has(ctx: &Ctx, k: &str) -> bool {
    super::settings::field(ctx, k).is_some()
}

fn field(ctx: &Ctx, k: &str) -> String {
    super::settings::field(ctx, k).unwrap_or_default()
}

fn expired_form(ctx: &Ctx) -> Resp {
    let body = "<h1>Error</h1><p class=\"error\" role=\"alert\">This form has expired; go back to the application and try again.</p>";
    ctx.page(403, "Error", body, false)
}

/// `GET /oauth2/authz`: the consent page, or the login page first.
pub fn authz_page(ctx: &Ctx) -> Result<Resp> {
    let a = ask(ctx);
    let (client, scope) = match check(ctx, &a)? {
        Checked::Ask(c, s) => (c, s),
        Checked::Page(r) | Checked::Back(r) => return Ok(r),
    };
    match &ctx.me {
        None => Ok(ctx.finish(Resp::redirect(302, &format!("/oauth2/authc?{}", a.query())))),
        Some(me) => Ok(consent_page(ctx, &a, &client, &scope, me)),
    }
}

/// `POST /oauth2/authz`: Allow sends a code back to the client, Deny a refusal.
pub async fn authz(ctx: &Ctx<'_>) -> Result<Resp> {
    if !super::csrf::valid(ctx.app, ctx.req, Some(&field(ctx, super::csrf::FIELD))) {
        return Ok(expired_form(ctx));
    }
    let a = ask(ctx);
    let (client, scope) = match check(ctx, &a)? {
        Checked::Ask(c, s) => (c, s),
        Checked::Page(r) | Checked::Back(r) => return Ok(r),
    };
    let Some(me) = ctx.me.clone() else {
        return Ok(ctx.finish(Resp::redirect(302, &format!("/oauth2/authc?{}", a.query()))));
    };
    // The original's page posted `deny` but looked for `denied`: both refuse.
    if form_has(ctx, "deny") || form_has(ctx, "denied") || !form_has(ctx, "allow") {
        return Ok(a.back(&[("error", "access_denied")]));
    }
    let lifetime = ctx.app.cfg.oauth2_code_secs;
    let (cid, uri, ch) = (
        client.consumer_key.clone(),
        a.redirect_uri.clone(),
        a.challenge.clone(),
    );
    let code = ctx
        .app
        .store
        .write(move |w| {
            let allowed = Allowed {
                client: &cid,
                nick: &me,
                redirect_uri: &uri,
                scope: &scope,
                challenge: ch.as_deref(),
            };
            oauth2::issue_code(w, &allowed, lifetime)
        })
        .await?;
    let mut resp = a.back(&[("code", &code)]);
    resp.status = 303;
    Ok(resp)
}

/// `GET /oauth2/authc`: the login page, or on to consent when the browser is logged in.
pub fn authc_page(ctx: &Ctx) -> Result<Resp> {
    let a = ask(ctx);
    let client = match check(ctx, &a)? {
        Checked::Ask(c, _) => c,
        Checked::Page(r) | Checked::Back(r) => return Ok(r),
    };
    if ctx.me.is_some() {
        return Ok(ctx.finish(Resp::redirect(302, &format!("/oauth2/authz?{}", a.query()))));
    }
    Ok(login_page(ctx, &a, &client, 200, None))
}

/// `POST /oauth2/authc`: logs the browser in (throttled like every login) and goes on to
/// consent; Cancel goes back to the client as a denial.
pub async fn authc(ctx: &Ctx<'_>) -> Result<Resp> {
    if !super::csrf::valid(ctx.app, ctx.req, Some(&field(ctx, super::csrf::FIELD))) {
        return Ok(expired_form(ctx));
    }
    let a = ask(ctx);
    let client = match check(ctx, &a)? {
        Checked::Ask(c, _) => c,
        Checked::Page(r) | Checked::Back(r) => return Ok(r),
    };
    if form_has(ctx, "cancel") {
        return Ok(a.back(&[("error", "access_denied")]));
    }
    let consent = format!("/oauth2/authz?{}", a.query());
    if ctx.me.is_some() {
        return Ok(ctx.see_other(&consent));
    }
    let nick = field(ctx, "nickname").trim().to_string();
    let password = field(ctx, "password");
    let address = ctx.req.peer.map(|p| p.to_string()).unwrap_or_default();
    match crate::core::accounts::check_login(ctx.app, &nick, &password, &address).await {
        Ok(()) => {}
        Err(e @ (Error::TooMany(_) | Error::Unauthorized(_) | Error::Forbidden(_))) => {
            return Ok(login_page(ctx, &a, &client, e.status(), Some(e.message())));
        }
        Err(e) => return Err(e),
    }
    session::log_in(ctx.app, ctx.see_other(&consent), &nick).await
}
