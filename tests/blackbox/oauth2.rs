//! OAuth 2 (api.md §8.4) against the real binary, as a browser and a client do it: the login
//! and consent pages, the code, the token, bearer reads, Deny, wrong redirect URIs, a reused
//! code, PKCE for public clients, client credentials and revocation from the account page.
use crate::common::http::Response;
use crate::common::Server;
use serde_json::{json, Value};

const PASSWORD: &str = "correct7horse";
const CALLBACK: &str = "http://127.0.0.1:9/callback";

/// A browser's cookies (CSRF and session), kept across requests.
#[derive(Default)]
struct Jar(Vec<String>);

impl Jar {
    fn header(&self) -> String {
        self.0.join("; ")
    }

    fn keep(&mut self, r: &Response) {
        for c in r.cookies() {
            let name = c.split('=').next().unwrap_or_default().to_string();
            self.0.retain(|o| !o.starts_with(&format!("{name}=")));
            self.0.push(c);
        }
    }

    fn get(&mut self, s: &Server, path: &str) -> Response {
        let r = s.req("GET", path, &[("Cookie", &self.header())], b"");
        self.keep(&r);
        r
    }

    fn post(&mut self, s: &Server, path: &str, fields: &[(&str, &str)]) -> Response {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let r = s.req(
            "POST",
            path,
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Cookie", &self.header()),
            ],
            body.as_bytes(),
        );
        self.keep(&r);
        r
    }
}

/// The hidden fields of the form `id` on a page, with their values.
fn form_fields(page: &str, id: &str) -> Vec<(String, String)> {
    let start = page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no form#{id} in {page}"));
    let form = &page[start
        ..page[start..]
            .find("</form>")
            .map_or(page.len(), |e| start + e)];
    let mut out = Vec::new();
    for input in form.split("<input").skip(1) {
        if !input.contains("type=\"hidden\"") {
            continue;
        }
        let attr = |a: &str| {
            input
                .split(&format!("{a}=\""))
                .nth(1)
                .and_then(|v| v.split('"').next())
                .map(|v| v.replace("&amp;", "&").replace("&quot;", "\""))
        };
        if let (Some(n), Some(v)) = (attr("name"), attr("value")) {
            out.push((n, v));
        }
    }
    out
}

pub fn register_client(s: &Server, extra: Value) -> (String, String) {
    let mut body = json!({"type": "client_associate", "application_name": "Tootle"});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let r = s.req(
        "POST",
        "/api/client/register",
        &[("Content-Type", "application/json")],
        body.to_string().as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let j = r.json();
    (
        j["client_id"].as_str().unwrap().into(),
        j["client_secret"].as_str().unwrap().into(),
    )
}

pub fn authz_query(client: &str, extra: &str) -> String {
    format!(
        "response_type=code&client_id={client}&redirect_uri={}&state=xyz&scope=read{extra}",
        crate::common::oauth::enc(CALLBACK)
    )
}

/// The value of `k` in the query of a redirect's Location.
fn location_param(r: &Response, k: &str) -> Option<String> {
    let loc = r
        .header("location")
        .unwrap_or_else(|| panic!("no Location: {}", r.status));
    let query = loc.split_once('?')?.1;
    form_urlencoded::parse(query.as_bytes())
        .find(|(n, _)| n == k)
        .map(|(_, v)| v.into_owned())
}

/// Logs the browser in through `/oauth2/authc` and comes back to the consent page.
fn log_in_and_consent(s: &Server, jar: &mut Jar, query: &str) -> Vec<(String, String)> {
    let first = jar.get(s, &format!("/oauth2/authz?{query}"));
    assert_eq!(first.status, 302, "{}", first.text());
    let to_login = first.header("location").unwrap().to_string();
    assert!(to_login.starts_with("/oauth2/authc?"), "{to_login}");
    let login = jar.get(s, &to_login);
    assert_eq!(login.status, 200);
    let page = login.text();
    assert!(page.contains("name=\"nickname\"") && page.contains("name=\"cancel\""));
    let mut fields = form_fields(&page, "oauth2-authentication");
    assert!(
        fields.iter().any(|(k, v)| k == "state" && v == "xyz"),
        "{fields:?}"
    );
    let wrong = {
        let mut f = fields.clone();
        f.extend([
            ("nickname".into(), "alice".into()),
            ("password".into(), "nope".into()),
            ("login".into(), "1".into()),
        ]);
        let f: Vec<(&str, &str)> = f.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        jar.post(s, "/oauth2/authc", &f)
    };
    assert_eq!(wrong.status, 401);
    assert!(wrong.text().contains("Incorrect username or password"));
    fields.extend([
        ("nickname".into(), "alice".into()),
        ("password".into(), PASSWORD.into()),
        ("login".into(), "Log in".into()),
    ]);
    let f: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let logged = jar.post(s, "/oauth2/authc", &f);
    assert_eq!(logged.status, 303, "{}", logged.text());
    let consent = jar.get(s, logged.header("location").unwrap());
    assert_eq!(consent.status, 200);
    let text = consent.text();
    assert!(
        text.contains("Tootle")
            && text.contains("name=\"allow\"")
            && text.contains("name=\"deny\"")
    );
    form_fields(&text, "oauth2-authorization")
}

fn decide(s: &Server, jar: &mut Jar, fields: &[(String, String)], button: &str) -> Response {
    let mut f: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    f.push((button, button));
    jar.post(s, "/oauth2/authz", &f)
}

fn token(s: &Server, fields: &[(&str, &str)]) -> Response {
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    s.req(
        "POST",
        "/oauth2/token",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        body.as_bytes(),
    )
}

fn bearer_get(s: &Server, path: &str, t: &str) -> Response {
    s.req(
        "GET",
        path,
        &[("Authorization", &format!("Bearer {t}"))],
        b"",
    )
}

#[test]
fn the_code_flow_with_consent_deny_and_a_reused_code() {
    let s = Server::start();
    s.register("alice", PASSWORD);
    let (id, secret) = register_client(&s, json!({}));
    let mut jar = Jar::default();
    let q = authz_query(&id, "");
    let fields = log_in_and_consent(&s, &mut jar, &q);

    // Deny sends the refusal back, with the state.
    let denied = decide(&s, &mut jar, &fields, "deny");
    assert_eq!(denied.status, 302);
    assert!(denied.header("location").unwrap().starts_with(CALLBACK));
    assert_eq!(
        location_param(&denied, "error").as_deref(),
        Some("access_denied")
    );
    assert_eq!(location_param(&denied, "state").as_deref(), Some("xyz"));
    assert_eq!(location_param(&denied, "code"), None);

    // A forged form (no CSRF token) does nothing.
    let forged: Vec<(String, String)> = fields
        .iter()
        .filter(|(k, _)| k != "_csrf")
        .cloned()
        .collect();
    assert_eq!(decide(&s, &mut jar, &forged, "allow").status, 403);

    let allowed = decide(&s, &mut jar, &fields, "allow");
    assert_eq!(allowed.status, 303);
    assert_eq!(location_param(&allowed, "state").as_deref(), Some("xyz"));
    let code = location_param(&allowed, "code").expect("a code");

    let exchange = |code: &str, uri: &str, secret: &str| {
        token(
            &s,
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", uri),
                ("client_id", &id),
                ("client_secret", secret),
            ],
        )
    };
    let wrong_secret = exchange(&code, CALLBACK, "not-it");
    assert_eq!(wrong_secret.status, 401);
    assert_eq!(wrong_secret.json()["error"], "invalid_client");
    let wrong_uri = exchange(&code, "http://127.0.0.1:9/elsewhere", &secret);
    assert_eq!(wrong_uri.status, 400);
    assert_eq!(wrong_uri.json()["error"], "invalid_grant");
    // Another client, with its own good secret, cannot use this client's code.
    let (other, other_secret) = register_client(&s, json!({}));
    let stolen = token(
        &s,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("client_id", &other),
            ("client_secret", &other_secret),
        ],
    );
    assert_eq!(stolen.status, 400);
    assert_eq!(stolen.json()["error"], "invalid_grant");

    let ok = exchange(&code, CALLBACK, &secret);
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert_eq!(ok.header("cache-control"), Some("no-store"));
    let t = ok.json()["access_token"].as_str().unwrap().to_string();
    assert_eq!(ok.json()["token_type"], "Bearer");
    assert_eq!(ok.json()["scope"], "read");

    // The token reads as alice; writes stay OAuth 1 only.
    let me = bearer_get(&s, "/api/whoami", &t);
    assert_eq!(me.status, 302, "{}", me.text());
    assert!(me
        .header("location")
        .unwrap()
        .ends_with("/api/user/alice/profile"));
    assert_eq!(bearer_get(&s, "/api/user/alice/inbox", &t).status, 200);
    let write = s.req(
        "POST",
        "/api/user/alice/feed",
        &[
            ("Authorization", &format!("Bearer {t}")),
            ("Content-Type", "application/json"),
        ],
        br#"{"verb":"post","object":{"objectType":"note","content":"hi"}}"#,
    );
    assert_eq!(write.status, 400);
    assert_eq!(bearer_get(&s, "/api/whoami", "no-such-token").status, 401);

    // The code was used: presenting it again fails and takes the token back.
    let again = exchange(&code, CALLBACK, &secret);
    assert_eq!(again.status, 400);
    assert_eq!(again.json()["error"], "invalid_grant");
    assert_eq!(bearer_get(&s, "/api/user/alice/inbox", &t).status, 401);
}

#[test]
fn bad_requests_never_reach_a_stranger() {
    let s = Server::start();
    s.register("alice", PASSWORD);
    let (id, secret) = register_client(&s, json!({"redirect_uris": CALLBACK}));
    let mut jar = Jar::default();
    // No client, unknown client, an unregistered redirect: an error page, no redirect.
    for q in [
        "response_type=code&redirect_uri=http%3A%2F%2Fevil.example%2F".to_string(),
        "response_type=code&client_id=nobody&redirect_uri=http%3A%2F%2Fevil.example%2F".into(),
        format!("response_type=code&client_id={id}&redirect_uri=http%3A%2F%2Fevil.example%2F"),
    ] {
        let r = jar.get(&s, &format!("/oauth2/authz?{q}"));
        assert_eq!(r.status, 400, "{q}");
        assert!(r.header("location").is_none());
    }
    let unsupported = jar.get(
        &s,
        &format!(
            "/oauth2/authz?{}",
            authz_query(&id, "").replace("response_type=code", "response_type=token")
        ),
    );
    assert_eq!(unsupported.status, 302);
    assert!(unsupported
        .header("location")
        .unwrap()
        .starts_with(CALLBACK));
    assert_eq!(
        location_param(&unsupported, "error").as_deref(),
        Some("unsupported_response_type")
    );
    let scope = jar.get(
        &s,
        &format!(
            "/oauth2/authz?{}",
            authz_query(&id, "").replace("scope=read", "scope=0")
        ),
    );
    assert_eq!(
        location_param(&scope, "error").as_deref(),
        Some("invalid_scope")
    );
    assert_eq!(location_param(&scope, "state").as_deref(), Some("xyz"));
    assert!(scope.header("location").unwrap().starts_with(CALLBACK));
    // Cancel on the login page goes back as a denial, without logging in.
    let to_login = jar.get(&s, &format!("/oauth2/authz?{}", authz_query(&id, "")));
    let login = jar.get(&s, to_login.header("location").unwrap());
    let mut fields = form_fields(&login.text(), "oauth2-authentication");
    fields.push(("cancel".into(), "cancel".into()));
    let f: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let cancelled = jar.post(&s, "/oauth2/authc", &f);
    assert_eq!(cancelled.status, 302);
    assert!(cancelled.header("location").unwrap().starts_with(CALLBACK));
    assert_eq!(
        location_param(&cancelled, "error").as_deref(),
        Some("access_denied")
    );
    assert!(!jar.header().contains("pump.session="));
    let plain = jar.get(
        &s,
        &format!(
            "/oauth2/authz?{}",
            authz_query(&id, "&code_challenge=abc&code_challenge_method=plain")
        ),
    );
    assert_eq!(
        location_param(&plain, "error").as_deref(),
        Some("invalid_request")
    );
    // Every scope the spec names is accepted.
    let all = jar.get(
        &s,
        &format!(
            "/oauth2/authz?{}",
            authz_query(&id, "").replace("scope=read", "scope=read%20writeown%20writeall")
        ),
    );
    assert_eq!(all.status, 302);
    assert!(all
        .header("location")
        .unwrap()
        .starts_with("/oauth2/authc?"));
    // Token requests that are not one.
    let none = token(
        &s,
        &[
            ("grant_type", "password"),
            ("client_id", &id),
            ("client_secret", &secret),
        ],
    );
    assert_eq!(none.json()["error"], "unsupported_grant_type");
    let unknown = token(
        &s,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "nobody"),
            ("client_secret", "x"),
        ],
    );
    assert_eq!(unknown.status, 401);
    let twice = token(
        &s,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &id),
            ("client_id", &id),
        ],
    );
    assert_eq!(twice.status, 400);
}

#[test]
fn a_public_client_proves_its_code_with_pkce() {
    let s = Server::start();
    s.register("alice", PASSWORD);
    let (id, _) = register_client(
        &s,
        json!({"redirect_uris": CALLBACK, "application_type": "native"}),
    );
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    let mut jar = Jar::default();
    let q = authz_query(
        &id,
        &format!("&code_challenge={challenge}&code_challenge_method=S256"),
    );
    let fields = log_in_and_consent(&s, &mut jar, &q);
    let code_of =
        |jar: &mut Jar| location_param(&decide(&s, jar, &fields, "allow"), "code").unwrap();
    let exchange = |code: &str, verifier: &str| {
        token(
            &s,
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", CALLBACK),
                ("client_id", &id),
                ("code_verifier", verifier),
            ],
        )
    };
    let code = code_of(&mut jar);
    let wrong = exchange(&code, "wrong-verifier-wrong-verifier-wrong-verifier-x");
    assert_eq!(wrong.status, 400);
    assert_eq!(wrong.json()["error"], "invalid_grant");
    let ok = exchange(&code_of(&mut jar), verifier);
    assert_eq!(ok.status, 200, "{}", ok.text());
    let t = ok.json()["access_token"].as_str().unwrap().to_string();
    assert_eq!(bearer_get(&s, "/api/user/alice/inbox", &t).status, 200);

    // Without PKCE a client must send its secret.
    let consent = jar.get(&s, &format!("/oauth2/authz?{}", authz_query(&id, "")));
    assert_eq!(consent.status, 200, "the browser is still logged in");
    let plain = form_fields(&consent.text(), "oauth2-authorization");
    let code = location_param(&decide(&s, &mut jar, &plain, "allow"), "code").unwrap();
    let bare = token(
        &s,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("client_id", &id),
        ],
    );
    assert_eq!(bare.status, 401);
    assert_eq!(bare.json()["error"], "invalid_client");

    // A web client keeps its secret: without it, PKCE is not enough.
    let (web, _) = register_client(
        &s,
        json!({"redirect_uris": CALLBACK, "application_type": "web"}),
    );
    let q = authz_query(
        &web,
        &format!("&code_challenge={challenge}&code_challenge_method=S256"),
    );
    let consent = jar.get(&s, &format!("/oauth2/authz?{q}"));
    let fields = form_fields(&consent.text(), "oauth2-authorization");
    let code = location_param(&decide(&s, &mut jar, &fields, "allow"), "code").unwrap();
    let secretless = token(
        &s,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("client_id", &web),
            ("code_verifier", verifier),
        ],
    );
    assert_eq!(secretless.status, 401);
    assert_eq!(secretless.json()["error"], "invalid_client");
}

#[test]
fn client_credentials_and_revocation_from_the_account_page() {
    let s = Server::start();
    s.register("alice", PASSWORD);
    let (id, secret) = register_client(&s, json!({}));
    let cc = token(
        &s,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &id),
            ("client_secret", &secret),
        ],
    );
    assert_eq!(cc.status, 200, "{}", cc.text());
    let ct = cc.json()["access_token"].as_str().unwrap().to_string();
    // A client's own token reads what anyone may (any-read), not a user's inbox (user-read).
    assert_eq!(bearer_get(&s, "/api/user/alice/feed", &ct).status, 200);
    assert_eq!(bearer_get(&s, "/api/user/alice/inbox", &ct).status, 401);
    let public = token(
        &s,
        &[("grant_type", "client_credentials"), ("client_id", &id)],
    );
    assert_eq!(public.status, 401);

    let mut jar = Jar::default();
    let fields = log_in_and_consent(&s, &mut jar, &authz_query(&id, ""));
    let code = location_param(&decide(&s, &mut jar, &fields, "allow"), "code").unwrap();
    let t = token(
        &s,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("client_id", &id),
            ("client_secret", &secret),
        ],
    )
    .json()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(bearer_get(&s, "/api/user/alice/inbox", &t).status, 200);

    let account = jar.get(&s, "/main/account");
    assert_eq!(account.status, 200);
    let page = account.text();
    assert!(page.contains("Tootle"), "the application is listed");
    let csrf = form_fields(&page, "applications")
        .into_iter()
        .find(|(k, _)| k == "_csrf")
        .map(|(_, v)| v)
        .unwrap_or_default();
    let revoked = jar.post(&s, "/main/revoke", &[("_csrf", &csrf), ("client", &id)]);
    assert_eq!(revoked.status, 200, "{}", revoked.text());
    assert_eq!(bearer_get(&s, "/api/user/alice/inbox", &t).status, 401);
}
