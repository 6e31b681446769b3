//! OAuth 1.0a: signature checks, replay protection, and the three-legged dance (api.md §2, §8).
use crate::common::{Client, Response, Server};
use html_bits::*;

/// Tiny helpers to read the HTML pages without a parser dependency.
mod html_bits {
    /// The `value` attribute of the input with `id`.
    pub fn input_value(html: &str, id: &str) -> Option<String> {
        let at = html.find(&format!("id=\"{id}\""))?;
        let tag_start = html[..at].rfind('<')?;
        let tag_end = at + html[at..].find('>')?;
        let tag = &html[tag_start..tag_end];
        let v = tag.split("value=\"").nth(1)?.split('"').next()?;
        Some(v.replace("&amp;", "&"))
    }

    /// The text of the element with `id`.
    pub fn element_text(html: &str, id: &str) -> Option<String> {
        let at = html.find(&format!("id=\"{id}\""))?;
        let start = at + html[at..].find('>')? + 1;
        let end = start + html[start..].find('<')?;
        Some(html[start..end].to_string())
    }
}

fn form(s: &Server, path: &str, fields: &[(&str, &str)]) -> Response {
    form_with_cookie(s, path, fields, "")
}

fn form_with_cookie(s: &Server, path: &str, fields: &[(&str, &str)], cookie: &str) -> Response {
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let mut headers = vec![("Content-Type", "application/x-www-form-urlencoded")];
    if !cookie.is_empty() {
        headers.push(("Cookie", cookie));
    }
    s.req("POST", path, &headers, body.as_bytes())
}

/// The session cookie a login response set, as `name=value`.
fn session_cookie(r: &Response) -> String {
    let raw = r
        .headers
        .iter()
        .find(|(k, v)| k == "set-cookie" && v.starts_with("pump.session="))
        .map(|(_, v)| v.clone())
        .expect("session cookie");
    assert!(
        raw.contains("HttpOnly") && raw.contains("SameSite=Lax"),
        "{raw}"
    );
    raw.split(';').next().unwrap().to_string()
}

fn request_token(s: &Server, c: &Client, callback: &str) -> Response {
    let url = s.url("/oauth/request_token");
    let auth = c.header("POST", &url, &[("oauth_callback", callback)]);
    s.req(
        "POST",
        "/oauth/request_token",
        &[("Authorization", &auth)],
        b"",
    )
}

fn access_token(s: &Server, c: &Client, verifier: &str) -> Response {
    let url = s.url("/oauth/access_token");
    let auth = c.header("POST", &url, &[("oauth_verifier", verifier)]);
    s.req(
        "POST",
        "/oauth/access_token",
        &[("Authorization", &auth)],
        b"",
    )
}

/// Logs in on the authorize page and accepts; returns (token, verifier) from the finished page.
fn authorize(s: &Server, token: &str, nick: &str, password: &str) -> (String, String) {
    let page = s.get(&format!("/oauth/authorize?oauth_token={token}"));
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("id=\"oauth-authentication\""));
    assert!(
        html.contains("id=\"username\"")
            && html.contains("id=\"password\"")
            && html.contains("id=\"authenticate\"")
    );
    let consent = form(
        s,
        "/oauth/authorize",
        &[
            ("oauth_token", token),
            ("username", nick),
            ("password", password),
        ],
    );
    assert_eq!(consent.status, 200, "{}", consent.text());
    let html = consent.text();
    assert!(html.contains("id=\"authorize\""));
    assert!(html.contains(nick));
    let t = input_value(&html, "oauth_token").expect("hidden oauth_token");
    let v = input_value(&html, "verifier").expect("hidden verifier");
    let cookie = session_cookie(&consent);
    // Consent from another browser (no session cookie) is refused, even with the verifier.
    let stranger = form(
        s,
        "/oauth/authorize",
        &[("oauth_token", &t), ("verifier", &v)],
    );
    assert_eq!(stranger.status, 400);
    let done = form_with_cookie(
        s,
        "/oauth/authorize",
        &[("oauth_token", &t), ("verifier", &v)],
        &cookie,
    );
    assert_eq!(done.status, 200, "{}", done.text());
    let html = done.text();
    (
        element_text(&html, "token").unwrap(),
        element_text(&html, "verifier").unwrap(),
    )
}

#[test]
fn three_legged_dance_like_a_desktop_client() {
    let s = Server::start();
    s.register("alice", "correct7horse");
    let c = s.new_client();
    let rt = request_token(&s, &c, "oob");
    assert_eq!(rt.status, 200, "{}", rt.text());
    assert_eq!(
        rt.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(rt.form_value("oauth_callback_confirmed"), "true");
    let (token, secret) = (
        rt.form_value("oauth_token"),
        rt.form_value("oauth_token_secret"),
    );
    let (shown_token, verifier) = authorize(&s, &token, "alice", "correct7horse");
    assert_eq!(shown_token, token);
    let with_rt = c.with_token(&token, &secret);
    let at = access_token(&s, &with_rt, &verifier);
    assert_eq!(at.status, 200, "{}", at.text());
    let user = c.with_token(
        &at.form_value("oauth_token"),
        &at.form_value("oauth_token_secret"),
    );
    let who = s.signed(&user, "GET", "/api/whoami", None);
    assert_eq!(who.status, 302);
    assert_eq!(
        who.header("location"),
        Some(s.url("/api/user/alice/profile").as_str())
    );
    let me = s.signed(&user, "GET", "/api/user/alice", None);
    assert_eq!(me.json()["nickname"], "alice");
    // The same request token cannot be exchanged twice.
    assert_eq!(access_token(&s, &with_rt, &verifier).status, 401);
}

/// Deny on the consent page drops the request token: nothing to exchange, nothing to
/// authorize later.
#[test]
fn denying_an_application_leaves_it_nothing() {
    let s = Server::start();
    s.register("alice", "correct7horse");
    let c = s.new_client();
    let rt = request_token(&s, &c, "oob");
    let (token, secret) = (
        rt.form_value("oauth_token"),
        rt.form_value("oauth_token_secret"),
    );
    let login = [
        ("oauth_token", token.as_str()),
        ("username", "alice"),
        ("password", "correct7horse"),
    ];
    let consent = form(&s, "/oauth/authorize", &login);
    let html = consent.text();
    assert!(html.contains("id=\"deny\""), "{html}");
    let v = input_value(&html, "verifier").expect("hidden verifier");
    let cookie = session_cookie(&consent);
    let said_no = [
        ("oauth_token", token.as_str()),
        ("verifier", v.as_str()),
        ("decision", "deny"),
    ];
    let denied = form_with_cookie(&s, "/oauth/authorize", &said_no, &cookie);
    assert_eq!(denied.status, 200);
    assert!(denied.text().contains("Access denied"));
    let with_rt = c.with_token(&token, &secret);
    let exchanged = access_token(&s, &with_rt, &v);
    assert!(
        matches!(exchanged.status, 400 | 401) && !exchanged.text().contains("oauth_token="),
        "{} {}",
        exchanged.status,
        exchanged.text()
    );
    let again = [("oauth_token", token.as_str()), ("verifier", v.as_str())];
    let late = form_with_cookie(&s, "/oauth/authorize", &again, &cookie);
    assert_eq!(late.status, 400, "{}", late.text());
}

#[test]
fn callback_url_gets_a_redirect_and_known_users_skip_consent() {
    let s = Server::start();
    s.register("alice", "correct7horse");
    let c = s.new_client();
    let rt = request_token(&s, &c, "http://127.0.0.1:9/callback?state=1");
    let token = rt.form_value("oauth_token");
    let consent = form(
        &s,
        "/oauth/authorize",
        &[
            ("oauth_token", &token),
            ("username", "alice"),
            ("password", "correct7horse"),
        ],
    );
    let v = input_value(&consent.text(), "verifier").unwrap();
    let cookie = session_cookie(&consent);
    let done = form_with_cookie(
        &s,
        "/oauth/authorize",
        &[("oauth_token", &token), ("verifier", &v)],
        &cookie,
    );
    assert_eq!(done.status, 303);
    let loc = done.header("location").unwrap();
    assert!(
        loc.starts_with("http://127.0.0.1:9/callback?state=1&oauth_token="),
        "{loc}"
    );
    assert!(loc.contains(&format!("oauth_verifier={v}")));
    let at = access_token(
        &s,
        &c.with_token(&token, &rt.form_value("oauth_token_secret")),
        &v,
    );
    assert_eq!(at.status, 200);
    // A second authorization for the same client and user needs no consent page.
    let rt2 = request_token(&s, &c, "http://127.0.0.1:9/cb");
    let t2 = rt2.form_value("oauth_token");
    let r = form(
        &s,
        "/oauth/authorize",
        &[
            ("oauth_token", &t2),
            ("username", "alice"),
            ("password", "correct7horse"),
        ],
    );
    assert_eq!(r.status, 302);
    let loc = r.header("location").unwrap();
    let v2 = loc.split("oauth_verifier=").nth(1).unwrap();
    let at2 = access_token(
        &s,
        &c.with_token(&t2, &rt2.form_value("oauth_token_secret")),
        v2,
    );
    assert_eq!(at2.status, 200);
    // One access token per client and user.
    assert_eq!(at2.form_value("oauth_token"), at.form_value("oauth_token"));
    // A browser with a session skips the login form altogether.
    let rt3 = request_token(&s, &c, "http://127.0.0.1:9/cb");
    let t3 = rt3.form_value("oauth_token");
    let r = s.req(
        "GET",
        &format!("/oauth/authorize?oauth_token={t3}"),
        &[("Cookie", &cookie)],
        b"",
    );
    assert_eq!(r.status, 302, "{}", r.text());
    assert!(r
        .header("location")
        .unwrap()
        .contains(&format!("oauth_token={t3}")));
    // A forged or tampered cookie is no session.
    let forged = cookie.replacen("alice", "bob", 1);
    let rt4 = request_token(&s, &c, "oob");
    let r = s.req(
        "GET",
        &format!(
            "/oauth/authorize?oauth_token={}",
            rt4.form_value("oauth_token")
        ),
        &[("Cookie", &forged)],
        b"",
    );
    assert_eq!(r.status, 200);
    assert!(r.text().contains("id=\"oauth-authentication\""));
}

#[test]
fn authorize_page_errors() {
    let s = Server::start();
    s.register("alice", "correct7horse");
    let r = s.req("GET", "/oauth/authorize", &[("Accept", "text/html")], b"");
    assert_eq!(r.status, 400);
    assert!(r.text().contains("Must provide an oauth_token"));
    assert_eq!(
        s.get("/oauth/authorize?oauth_token=nosuchtoken").status,
        400
    );
    let c = s.new_client();
    let token = request_token(&s, &c, "oob").form_value("oauth_token");
    let bad = form(
        &s,
        "/oauth/authorize",
        &[
            ("oauth_token", &token),
            ("username", "alice"),
            ("password", "wrong-pass1"),
        ],
    );
    assert_eq!(bad.status, 400);
    assert!(bad.text().contains("id=\"oauth-authentication\""));
    assert!(bad.text().contains("Incorrect username or password"));
    let bad = form(
        &s,
        "/oauth/authorize",
        &[("oauth_token", &token), ("verifier", "guess")],
    );
    assert_eq!(bad.status, 400);
}

#[test]
fn access_token_errors() {
    let s = Server::start();
    s.register("alice", "correct7horse");
    let c = s.new_client();
    let rt = request_token(&s, &c, "oob");
    let (token, secret) = (
        rt.form_value("oauth_token"),
        rt.form_value("oauth_token_secret"),
    );
    let with_rt = c.with_token(&token, &secret);
    // Not yet authorized.
    assert_eq!(access_token(&s, &with_rt, "anything").status, 401);
    let (_, verifier) = authorize(&s, &token, "alice", "correct7horse");
    // Wrong verifier (the original never checked it).
    assert_eq!(access_token(&s, &with_rt, "wrong-verifier").status, 401);
    // Bad signature: wrong token secret.
    assert_eq!(
        access_token(&s, &c.with_token(&token, "not-the-secret"), &verifier).status,
        401
    );
    // Unknown consumer, unknown token, missing verifier.
    let stranger = Client::new("nosuchconsumer", "x").with_token(&token, &secret);
    let r = access_token(&s, &stranger, &verifier);
    assert_eq!(r.status, 400);
    assert_eq!(r.text(), "Invalid Consumer Key");
    assert_eq!(
        access_token(&s, &c.with_token("nosuchtoken", "x"), &verifier).status,
        400
    );
    let url = s.url("/oauth/access_token");
    let auth = with_rt.header("POST", &url, &[]);
    let r = s.req(
        "POST",
        "/oauth/access_token",
        &[("Authorization", &auth)],
        b"",
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.text(), "Missing required parameter");
    // And the right one still works afterwards.
    assert_eq!(access_token(&s, &with_rt, &verifier).status, 200);
}

#[test]
fn request_token_errors() {
    let s = Server::start();
    let c = s.new_client();
    let r = s.req("POST", "/oauth/request_token", &[], b"");
    assert_eq!(
        (r.status, r.text().as_str()),
        (400, "Missing required parameter")
    );
    let url = s.url("/oauth/request_token");
    let auth = c.header("POST", &url, &[]);
    assert_eq!(
        s.req(
            "POST",
            "/oauth/request_token",
            &[("Authorization", &auth)],
            b""
        )
        .status,
        400
    );
    let r = request_token(&s, &Client::new("nosuchconsumer", "x"), "oob");
    assert_eq!((r.status, r.text().as_str()), (400, "Invalid Consumer Key"));
    let r = request_token(&s, &Client::new(&c.key, "wrong-secret"), "oob");
    assert_eq!((r.status, r.text().as_str()), (401, "Invalid signature"));
    let mut rsa = c.clone();
    rsa.method = "RSA-SHA1".into();
    let r = request_token(&s, &rsa, "oob");
    assert_eq!(
        (r.status, r.text().as_str()),
        (400, "Invalid Signature Method")
    );
    assert_eq!(request_token(&s, &c, "not a url").status, 400);
    // PLAINTEXT only over HTTPS (tests/blackbox/nonce.rs).
    let mut plain = c.clone();
    plain.method = "PLAINTEXT".into();
    assert_eq!(request_token(&s, &plain, "oob").status, 400);
}

#[test]
fn protected_resource_checks() {
    let s = Server::start();
    let (_, alice) = s.register("alice", "correct7horse");
    let path = "/api/user/alice";
    // No credentials at all.
    assert_eq!(s.get(path).status, 401);
    // Missing parameters in an OAuth header.
    let r = s.req(
        "GET",
        path,
        &[("Authorization", "OAuth oauth_consumer_key=\"x\"")],
        b"",
    );
    assert_eq!(
        (r.status, r.text().as_str()),
        (400, "Missing required parameter")
    );
    assert!(r.header("www-authenticate").unwrap().starts_with("OAuth"));
    // Unknown consumer: 401 (as the original).
    assert_eq!(
        s.signed(&Client::new("nosuchconsumer", "x"), "GET", path, None)
            .status,
        401
    );
    // Bad signature.
    let r = s.signed(&Client::new(&alice.key, "wrong"), "GET", path, None);
    assert_eq!((r.status, r.text().as_str()), (400, "Invalid signature"));
    let forged = alice.with_token(&alice.token.clone().unwrap().0, "wrong-token-secret");
    assert_eq!(s.signed(&forged, "GET", path, None).status, 400);
    // Unknown token.
    let r = s.signed(&alice.with_token("nosuchtoken", "x"), "GET", path, None);
    assert_eq!(
        (r.status, r.text().as_str()),
        (400, "Invalid / expired Token")
    );
    // Stale and future timestamps.
    for skew in [-1000i64, 1000] {
        let mut stale = alice.clone();
        stale.timestamp = Some(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs() as i64
                + skew,
        );
        assert_eq!(
            s.signed(&stale, "GET", path, None).status,
            401,
            "skew {skew}"
        );
    }
    // Replayed nonce: the exact same signed request twice.
    let mut fixed = alice.clone();
    fixed.nonce = Some("same-nonce".into());
    fixed.timestamp = Some(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64,
    );
    let auth = fixed.header("GET", &s.url(path), &[]);
    assert_eq!(
        s.req("GET", path, &[("Authorization", &auth)], b"").status,
        200
    );
    let again = s.req("GET", path, &[("Authorization", &auth)], b"");
    assert_eq!(
        (again.status, again.text().as_str()),
        (401, "Invalid / used nonce")
    );
    // PLAINTEXT signatures only over HTTPS (tests/blackbox/nonce.rs).
    let mut plain = alice.clone();
    plain.method = "PLAINTEXT".into();
    assert_eq!(s.signed(&plain, "GET", path, None).status, 400);
}

#[test]
fn oauth_parameters_in_a_form_body() {
    let s = Server::start();
    let (_, alice) = s.register("alice", "correct7horse");
    // A PUT of the profile with the OAuth parameters in the form body instead of a header.
    let url = s.url("/api/user/alice/profile");
    let header = alice.header("PUT", &url, &[("displayName", "Alice A.")]);
    let mut fields: Vec<(String, String)> = Vec::new();
    for part in header.trim_start_matches("OAuth ").split(", ") {
        let (k, v) = part.split_once('=').unwrap();
        // Header values are percent-encoded without '+', so form decoding undoes them exactly.
        let decoded = form_urlencoded::parse(format!("v={}", v.trim_matches('"')).as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap();
        fields.push((k.to_string(), decoded));
    }
    fields.push(("displayName".into(), "Alice A.".into()));
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&fields)
        .finish();
    let r = s.req(
        "PUT",
        "/api/user/alice/profile",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        body.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["displayName"], "Alice A.");
}

#[test]
fn pending_request_tokens_are_bounded() {
    let s = Server::with(serde_json::json!({"maxRequestTokens": 2}));
    let c = s.new_client();
    assert_eq!(request_token(&s, &c, "oob").status, 200);
    assert_eq!(request_token(&s, &c, "oob").status, 200);
    let r = request_token(&s, &c, "oob");
    assert_eq!(r.status, 503);
    assert!(r.header("retry-after").is_some());
}

#[test]
fn oauth_parameters_in_the_query_string() {
    let s = Server::start();
    let (_, alice) = s.register("alice", "correct7horse");
    let url = s.url("/api/user/alice/profile");
    let header = alice.header("PUT", &url, &[]);
    let query: String = header
        .trim_start_matches("OAuth ")
        .split(", ")
        .map(|p| p.replacen("=\"", "=", 1).trim_end_matches('"').to_string())
        .collect::<Vec<_>>()
        .join("&");
    let body = serde_json::to_vec(&serde_json::json!({"displayName": "Query Alice"})).unwrap();
    let r = s.req(
        "PUT",
        &format!("/api/user/alice/profile?{query}"),
        &[("Content-Type", "application/json")],
        &body,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["displayName"], "Query Alice");
    // any-read endpoints only look at the header, as the original (api.md §2.3).
    let header = alice.header("GET", &url, &[]);
    let query: String = header
        .trim_start_matches("OAuth ")
        .split(", ")
        .map(|p| p.replacen("=\"", "=", 1).trim_end_matches('"').to_string())
        .collect::<Vec<_>>()
        .join("&");
    assert_eq!(
        s.get(&format!("/api/user/alice/profile?{query}")).status,
        401
    );
}
