//! Dynamic client registration (api.md §7).
use crate::common::Server;
use serde_json::{json, Value};

fn register(s: &Server, body: &Value) -> crate::common::Response {
    s.req(
        "POST",
        "/api/client/register",
        &[("Content-Type", "application/json")],
        &serde_json::to_vec(body).unwrap(),
    )
}

#[test]
fn associate_json_and_form() {
    let s = Server::start();
    let r = register(
        &s,
        &json!({"type": "client_associate", "application_name": "Pumpa", "application_type": "native",
        "contacts": "a@example.com b@example.org", "logo_url": "http://example.com/logo.png",
        "redirect_uris": "http://example.com/cb https://example.com/cb2"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let j = r.json();
    assert_eq!(j["client_id"].as_str().unwrap().len(), 22);
    assert_eq!(j["client_secret"].as_str().unwrap().len(), 43);
    assert_eq!(j["expires_at"], 0);
    let r = s.req(
        "POST",
        "/api/client/register",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        b"type=client_associate&application_name=Form+client",
    );
    assert_eq!(r.status, 200, "{}", r.text());
    // The new client can sign two-legged requests.
    let c = crate::common::Client::new(
        j["client_id"].as_str().unwrap(),
        j["client_secret"].as_str().unwrap(),
    );
    assert_eq!(s.signed(&c, "GET", "/api/users", None).status, 200);
}

#[test]
fn associate_errors() {
    let s = Server::start();
    let cases = [
        (json!({}), "No registration type provided"),
        (
            json!({"type": "client_associate", "client_id": "x"}),
            "Only set client_id for update.",
        ),
        (
            json!({"type": "client_associate", "access_token": "x"}),
            "access_token not needed for registration.",
        ),
        (
            json!({"type": "client_associate", "client_secret": "x"}),
            "Only set client_secret for update.",
        ),
        (
            json!({"type": "client_associate", "contacts": ["a@example.com"]}),
            "contacts must be a string of space-separated email addresses.",
        ),
        (
            json!({"type": "client_associate", "contacts": "a@example.com,b@example.com"}),
            "contacts must be space-separate email addresses.",
        ),
        (
            json!({"type": "client_associate", "contacts": "http://example.com/"}),
            "contacts must be space-separate email addresses.",
        ),
        (
            json!({"type": "client_associate", "application_type": "desktop"}),
            "Unknown application_type.",
        ),
        (
            json!({"type": "client_associate", "logo_url": "BAD URL"}),
            "Invalid logo_url.",
        ),
        (
            json!({"type": "client_associate", "logo_url": "http://a.example/x http://b.example/y"}),
            "Invalid logo_url.",
        ),
        (
            json!({"type": "client_associate", "redirect_uris": "validate"}),
            "redirect_uris must be space-separated URLs.",
        ),
        (
            json!({"type": "client_associate", "redirect_uris": "http://a.example/,http://b.example/"}),
            "redirect_uris must be space-separated URLs.",
        ),
        (
            json!({"type": "client_frobnicate"}),
            "Invalid registration type",
        ),
    ];
    for (body, msg) in cases {
        let r = register(&s, &body);
        assert_eq!(r.status, 400, "{body}");
        assert_eq!(r.json()["error"], msg, "{body}");
    }
    let r = s.req(
        "POST",
        "/api/client/register",
        &[("Content-Type", "application/json")],
        b"{bad json",
    );
    assert_eq!(r.status, 400);
    // A form key given twice is an array, refused as in the original; once is fine.
    let form = |body: &str| {
        s.req(
            "POST",
            "/api/client/register",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            body.as_bytes(),
        )
    };
    let twice = form("type=client_associate&contacts=a%40example.com&contacts=b%40example.com");
    assert_eq!(twice.status, 400);
    assert_eq!(
        twice.json()["error"],
        "contacts must be a string of space-separated email addresses."
    );
    let name_twice = form("type=client_associate&application_name=a&application_name=b");
    assert_eq!(name_twice.status, 400);
    assert_eq!(
        name_twice.json()["error"],
        "application_name must be a string."
    );
    assert_eq!(
        form("type=client_associate&contacts=a%40example.com").status,
        200
    );
}

#[test]
fn non_dialback_authorization_is_401() {
    let s = Server::start();
    let r = s.req(
        "POST",
        "/api/client/register",
        &[
            ("Content-Type", "application/json"),
            ("Authorization", "OAuth oauth_consumer_key=\"x\""),
        ],
        br#"{"type":"client_associate"}"#,
    );
    assert_eq!(r.status, 401);
    assert!(r.header("content-type").unwrap().starts_with("text/plain"));
}

#[test]
fn update_keeps_credentials_and_checks_the_secret() {
    let s = Server::start();
    let j = register(
        &s,
        &json!({"type": "client_associate", "application_name": "Old"}),
    )
    .json();
    let (id, secret) = (
        j["client_id"].as_str().unwrap(),
        j["client_secret"].as_str().unwrap(),
    );
    let r = register(
        &s,
        &json!({"type": "client_update", "client_id": id, "client_secret": "wrong"}),
    );
    assert_eq!(r.status, 403);
    let r = register(
        &s,
        &json!({"type": "client_update", "client_id": "nosuchclient", "client_secret": "x"}),
    );
    assert_eq!(r.status, 404);
    let r = register(
        &s,
        &json!({"type": "client_update", "client_id": id, "client_secret": secret, "application_name": "New", "application_type": "web"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["client_id"], id);
    assert_eq!(r.json()["client_secret"], secret);
    let c = crate::common::Client::new(id, secret);
    assert_eq!(s.signed(&c, "GET", "/api/users", None).status, 200);
}
