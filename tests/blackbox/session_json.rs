//! The web session's JSON endpoints of the original's single-page client (api.md §21): signed
//! by a client, answered with the user and a token, and logging the browser's session in.
use crate::common::smtp::{link, Sink};
use crate::common::Server;
use serde_json::json;

fn session_cookie(r: &crate::common::Response) -> Option<String> {
    r.cookies()
        .into_iter()
        .find(|c| c.starts_with("pump.session="))
}

#[test]
fn login_register_and_renew_answer_json_and_open_a_session() {
    let s = Server::start();
    let c = s.client();
    let (_, alice) = s.register("alice", "correct7horse");

    let ok = s.signed(
        &c,
        "POST",
        "/main/login",
        Some(&json!({"nickname": "alice", "password": "correct7horse"})),
    );
    assert_eq!(ok.status, 200, "{}", ok.text());
    let u = ok.json();
    assert_eq!(u["nickname"], "alice");
    assert_eq!(u["profile"]["preferredUsername"], "alice");
    let cookie = session_cookie(&ok).expect("a session");
    // The token is the client's for alice: it reads her inbox, and the session opens her pages.
    let token = c.with_token(u["token"].as_str().unwrap(), u["secret"].as_str().unwrap());
    assert_eq!(
        s.signed(&token, "GET", "/api/user/alice/inbox", None)
            .status,
        200
    );
    assert_eq!(
        s.req("GET", "/main/account", &[("Cookie", &cookie)], b"")
            .status,
        200
    );

    let wrong = s.req(
        "POST",
        "/main/login",
        &[
            (
                "Authorization",
                &c.header("POST", &s.url("/main/login"), &[]),
            ),
            ("Content-Type", "application/json"),
            ("X-Requested-With", "XMLHttpRequest"),
        ],
        br#"{"nickname": "alice", "password": "not-hers-at-all"}"#,
    );
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.json()["error"], "Incorrect username or password");
    assert!(session_cookie(&wrong).is_none());
    // Signed in the query instead of the header (what a cross-site form could send): refused,
    // so no other site can log a visitor in as someone else.
    let header = c.header("POST", &s.url("/main/login"), &[]);
    let query: Vec<String> = header
        .trim_start_matches("OAuth ")
        .split(", ")
        .map(|kv| kv.replacen("=\"", "=", 1).trim_end_matches('"').to_string())
        .collect();
    let forged = s.req(
        "POST",
        &format!("/main/login?{}", query.join("&")),
        &[("Content-Type", "text/plain")],
        br#"{"nickname": "alice", "password": "correct7horse"}"#,
    );
    assert_eq!(forged.status, 400, "{}", forged.text());
    assert!(session_cookie(&forged).is_none());
    // Unsigned, no login.
    let unsigned = s.req(
        "POST",
        "/main/login",
        &[("Content-Type", "application/json")],
        br#"{"nickname": "alice", "password": "correct7horse"}"#,
    );
    assert_eq!(unsigned.status, 400);

    let reg = s.signed(
        &c,
        "POST",
        "/main/register",
        Some(&json!({"nickname": "bob", "password": "correct7horse"})),
    );
    assert_eq!(reg.status, 200, "{}", reg.text());
    assert_eq!(reg.json()["nickname"], "bob");
    assert!(reg.json()["token"].is_string() && reg.json()["secret"].is_string());
    let bobs = session_cookie(&reg).expect("bob's session");
    let page = s.req("GET", "/main/account", &[("Cookie", &bobs)], b"");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("bob"), "the session is bob's");
    assert_eq!(
        s.signed(
            &c,
            "POST",
            "/main/register",
            Some(&json!({"nickname": "bob", "password": "correct7horse"}))
        )
        .status,
        409
    );

    let renewed = s.signed(&alice, "POST", "/main/renew", None);
    assert_eq!(renewed.status, 200, "{}", renewed.text());
    assert_eq!(renewed.json()["nickname"], "alice");
    assert!(renewed.json().get("token").is_none());
    assert!(session_cookie(&renewed).is_some());
    assert_eq!(
        s.signed(&c, "POST", "/main/renew", None).status,
        400,
        "two-legged is not a user"
    );
}

#[test]
fn a_recovery_code_is_redeemed_once() {
    let sink = Sink::start();
    let s = Server::with(
        json!({"smtpserver": "127.0.0.1", "smtpport": sink.port, "smtpfrom": "pump@example.org"}),
    );
    let c = s.client();
    let body =
        json!({"nickname": "erin", "password": "correct7horse", "email": "erin@example.org"});
    assert_eq!(s.signed(&c, "POST", "/api/users", Some(&body)).status, 200);
    // The recovery form, as a browser sends it.
    let page = s.get("/main/recover");
    let cookie = page
        .cookies()
        .into_iter()
        .find(|c| c.starts_with("pump.csrf="))
        .unwrap();
    let text = page.text();
    let field = "name=\"_csrf\" value=\"";
    let at = text.find(field).unwrap() + field.len();
    let token = text[at..].split('"').next().unwrap();
    let asked = s.req(
        "POST",
        "/main/recover",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", &cookie),
        ],
        format!("_csrf={token}&nickname=erin").as_bytes(),
    );
    assert!(asked.status < 400, "{}", asked.text());
    let url = link(&sink.message(1), "/main/recover/");
    let code = url.rsplit('/').next().unwrap().to_string();
    let redeem = |code: &str| {
        s.signed(
            &c,
            "POST",
            "/main/redeem-code",
            Some(&json!({ "code": code })),
        )
    };
    assert_eq!(redeem("not-a-code").status, 400);
    let ok = redeem(&code);
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert_eq!(ok.json()["nickname"], "erin");
    assert!(ok.json()["token"].is_string());
    assert!(session_cookie(&ok).is_some());
    let again = redeem(&code);
    assert_eq!(again.status, 400, "used up");
}
