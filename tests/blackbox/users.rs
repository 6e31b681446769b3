//! Accounts: registration, the users list, user and profile reads and writes, whoami (api.md §9).
use crate::common::{Client, Server};
use serde_json::json;

#[test]
fn registration_creates_a_complete_user() {
    let s = Server::start();
    let c = s.client();
    let r = s.signed(
        &c,
        "POST",
        "/api/users",
        Some(&json!({"nickname": "alice", "password": "correct7horse",
        "email": "alice@mail.example", "langs": 6000000})),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    let u = r.json();
    assert_eq!(u["nickname"], "alice");
    assert_eq!(u["email"], "alice@mail.example");
    assert_eq!(u["langs"], 6000000);
    assert_eq!(u["token"].as_str().unwrap().len(), 22);
    assert_eq!(u["secret"].as_str().unwrap().len(), 43);
    assert!(u.get("password").is_none() && u.get("_passwordHash").is_none());
    assert!(u["published"].as_str().unwrap().ends_with('Z'));
    let p = &u["profile"];
    // Not port 80/443: the id is the profile URL (activities.md §2.4).
    assert_eq!(p["id"], s.url("/api/user/alice/profile"));
    assert_eq!(p["objectType"], "person");
    assert_eq!(p["preferredUsername"], "alice");
    assert_eq!(p["displayName"], "alice");
    assert_eq!(p["url"], s.url("/alice"));
    assert_eq!(p["links"]["self"]["href"], s.url("/api/user/alice/profile"));
    assert_eq!(
        p["links"]["activity-inbox"]["href"],
        s.url("/api/user/alice/inbox")
    );
    assert_eq!(
        p["links"]["activity-outbox"]["href"],
        s.url("/api/user/alice/feed")
    );
    assert_eq!(
        p["followers"],
        json!({"url": s.url("/api/user/alice/followers"), "totalItems": 0})
    );
    assert_eq!(p["following"]["totalItems"], 0);
    assert_eq!(p["favorites"]["totalItems"], 0);
    assert_eq!(
        p["lists"],
        json!({"url": s.url("/api/user/alice/lists/person"), "totalItems": 4})
    );
    assert!(p.get("likes").is_none() && p.get("_user").is_none());
}

#[test]
fn registration_errors() {
    let s = Server::start();
    let c = s.client();
    s.register("taken", "correct7horse");
    let cases = [
        (
            json!({"nickname": "bad nick", "password": "correct7horse"}),
            400,
            "Bad nickname: 'bad nick'",
        ),
        (
            json!({"nickname": "api", "password": "correct7horse"}),
            400,
            "Bad nickname: 'api'",
        ),
        (
            json!({"nickname": "x".repeat(65), "password": "correct7horse"}),
            400,
            "",
        ),
        (
            json!({"nickname": "bob", "password": "short1"}),
            400,
            "Bad password",
        ),
        (
            json!({"nickname": "bob", "password": "onlyletters"}),
            400,
            "Bad password",
        ),
        (
            json!({"nickname": "bob", "password": "12345678901"}),
            400,
            "Bad password",
        ),
        (
            json!({"nickname": "bob", "password": "rush2112"}),
            400,
            "Bad password",
        ),
        (
            json!({"nickname": "taken", "password": "correct7horse"}),
            409,
            "Already have a(n) 'user' with id 'taken'",
        ),
    ];
    for (body, status, msg) in cases {
        let r = s.signed(&c, "POST", "/api/users", Some(&body));
        assert_eq!(r.status, status, "{body}: {}", r.text());
        if !msg.is_empty() {
            assert_eq!(r.json()["error"], msg);
        }
    }
    // No credentials: 400; empty or unknown consumer key: 401.
    let body =
        serde_json::to_vec(&json!({"nickname": "bob", "password": "correct7horse"})).unwrap();
    let r = s.req(
        "POST",
        "/api/users",
        &[("Content-Type", "application/json")],
        &body,
    );
    assert_eq!(r.status, 400);
    for key in ["", "nosuchconsumer"] {
        assert_eq!(
            s.signed(
                &Client::new(key, ""),
                "POST",
                "/api/users",
                Some(&json!({"nickname": "bob", "password": "correct7horse"}))
            )
            .status,
            401
        );
    }
    // Nothing was created by the failures.
    let list = s.signed(&c, "GET", "/api/users", None).json();
    assert_eq!(list["totalItems"], 1);
}

#[test]
fn registration_disabled() {
    let s = Server::with(json!({"disableRegistration": true}));
    let r = s.signed(
        &s.client(),
        "POST",
        "/api/users",
        Some(&json!({"nickname": "bob", "password": "correct7horse"})),
    );
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["error"], "No registration allowed.");
}

#[test]
fn registration_requiring_email() {
    let s = Server::with(json!({"requireEmail": true, "smtpserver": "127.0.0.1"}));
    let c = s.client();
    let r = s.signed(
        &c,
        "POST",
        "/api/users",
        Some(&json!({"nickname": "bob", "password": "correct7horse"})),
    );
    assert_eq!(
        (r.status, r.json()["error"].as_str().unwrap()),
        (400, "No email address")
    );
    let r = s.signed(
        &c,
        "POST",
        "/api/users",
        Some(&json!({"nickname": "bob", "password": "correct7horse", "email": "not-an-address"})),
    );
    assert_eq!(
        (r.status, r.json()["error"].as_str().unwrap()),
        (400, "Invalid email address provided")
    );
}

#[test]
fn users_list_pages_by_nickname() {
    let s = Server::start();
    let c = s.client();
    let empty = s.signed(&c, "GET", "/api/users", None).json();
    assert_eq!(empty["totalItems"], 0);
    assert_eq!(empty["items"], json!([]));
    assert!(empty["links"].get("prev").is_none() && empty["links"].get("next").is_none());
    let nicks: Vec<String> = (0..25).map(|i| format!("user{i:02}")).collect();
    for n in &nicks {
        let r = s.signed(
            &c,
            "POST",
            "/api/users",
            Some(&json!({"nickname": n, "password": "correct7horse"})),
        );
        assert_eq!(r.status, 200);
    }
    let newest_first: Vec<String> = nicks.iter().rev().cloned().collect();
    let all = s.signed(&c, "GET", "/api/users?count=50", None).json();
    assert_eq!(all["displayName"], "Users of this service");
    assert_eq!(all["id"], s.url("/api/users"));
    assert_eq!(all["objectTypes"], json!(["user"]));
    assert_eq!(all["totalItems"], 25);
    let got: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["nickname"].as_str().unwrap())
        .collect();
    assert_eq!(got, newest_first);
    // Another client sees no email or settings, and the users carry their profiles.
    assert!(all["items"][0]["profile"]["id"].is_string());
    // offset/count slices.
    let slice = s
        .signed(&c, "GET", "/api/users?offset=10&count=5", None)
        .json();
    let got: Vec<&str> = slice["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["nickname"].as_str().unwrap())
        .collect();
    assert_eq!(got, &newest_first[10..15]);
    // Walking `next` from the default page collects everyone exactly once.
    let mut seen = Vec::new();
    let mut page = s.signed(&c, "GET", "/api/users", None).json();
    assert!(page["links"]["prev"]["href"]
        .as_str()
        .unwrap()
        .contains("since=user24"));
    loop {
        for u in page["items"].as_array().unwrap() {
            seen.push(u["nickname"].as_str().unwrap().to_string());
        }
        let Some(next) = page["links"]["next"]["href"].as_str() else {
            break;
        };
        let path = next.strip_prefix(&s.base).unwrap().to_string();
        page = s.signed(&c, "GET", &path, None).json();
    }
    assert_eq!(seen, newest_first);
    // since = the items just newer than X, closest first.
    let since = s
        .signed(&c, "GET", "/api/users?since=user05&count=3", None)
        .json();
    let got: Vec<&str> = since["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["nickname"].as_str().unwrap())
        .collect();
    assert_eq!(got, ["user08", "user07", "user06"]);
    let before = s
        .signed(&c, "GET", "/api/users?before=user05&count=3", None)
        .json();
    let got: Vec<&str> = before["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["nickname"].as_str().unwrap())
        .collect();
    assert_eq!(got, ["user04", "user03", "user02"]);
    assert_eq!(
        s.signed(&c, "GET", "/api/users?count=0", None).json()["items"],
        json!([])
    );
}

#[test]
fn pagination_errors() {
    let s = Server::start();
    let c = s.client();
    s.register("alice", "correct7horse");
    for (q, msg) in [
        ("count=-30", "Count must be between 0 and 200"),
        ("count=foo", "Count must be between 0 and 200"),
        ("count=1000", "Count must be between 0 and 200"),
        (
            "offset=-1",
            "Offset must be an integer greater than or equal to zero",
        ),
        (
            "before=alice&since=alice",
            "Can't have both 'before' and 'since' parameters",
        ),
        (
            "before=alice&offset=1",
            "Can't have both 'before' and 'offset' parameters",
        ),
        (
            "since=alice&offset=1",
            "Can't have both 'since' and 'offset' parameters",
        ),
        (
            "before=nobody",
            "id 'nobody' not found in stream 'user:all'",
        ),
        ("since=nobody", "id 'nobody' not found in stream 'user:all'"),
        ("before=", "before is null"),
    ] {
        let r = s.signed(&c, "GET", &format!("/api/users?{q}"), None);
        assert_eq!(r.status, 400, "{q}");
        assert_eq!(r.json()["error"], msg, "{q}");
    }
    assert_eq!(
        s.signed(&c, "GET", "/api/users?count=150", None).status,
        200
    );
}

#[test]
fn get_user_shows_private_fields_only_to_the_user() {
    let s = Server::start();
    let c = s.client();
    let r = s.signed(
        &c,
        "POST",
        "/api/users",
        Some(&json!({"nickname": "alice", "password": "correct7horse",
        "email": "alice@mail.example", "settings": {"pump.io": {"x": 42}}})),
    );
    let alice = c.with_token(
        r.json()["token"].as_str().unwrap(),
        r.json()["secret"].as_str().unwrap(),
    );
    let (_, bob) = s.register("bob", "correct7horse");
    let own = s.signed(&alice, "GET", "/api/user/alice", None).json();
    assert_eq!(own["email"], "alice@mail.example");
    assert_eq!(own["settings"]["pump.io"]["x"], 42);
    assert_eq!(own["profile"]["pump_io"]["followed"], false);
    let other = s.signed(&bob, "GET", "/api/user/alice", None).json();
    assert!(other.get("email").is_none() && other.get("settings").is_none());
    assert_eq!(other["profile"]["pump_io"]["followed"], false);
    let anon = s.signed(&c, "GET", "/api/user/alice", None).json();
    assert!(anon["profile"].get("pump_io").is_none());
    assert!(anon["profile"].get("liked").is_none());
    let r = s.signed(&c, "GET", "/api/user/nobody", None);
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["error"], "No such 'user' with id 'nobody'");
    assert_eq!(s.get("/api/user/alice").status, 401);
}

#[test]
fn put_user_changes_password_and_data() {
    let s = Server::start();
    let (u, alice) = s.register("alice", "correct7horse");
    let (_, bob) = s.register("bob", "correct7horse");
    let body = json!({"nickname": "alice", "password": "new-pass-99", "langs": ["en"], "published": u["published"]});
    let r = s.signed(&alice, "PUT", "/api/user/alice", Some(&body));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["langs"], json!(["en"]));
    // The new password works on the authorize page; the old one does not.
    assert!(!s.can_log_in("alice", "correct7horse"));
    assert!(s.can_log_in("alice", "new-pass-99"));
    // Rules of §9.4.
    for bad in [
        json!({"password": "new-pass-99"}),
        json!({"nickname": "alice2", "password": "new-pass-99"}),
        json!({"nickname": "alice"}),
        json!({"nickname": "alice", "password": "weak"}),
        json!({"nickname": "alice", "password": "new-pass-99", "published": "2001-01-01T00:00:00Z"}),
    ] {
        assert_eq!(
            s.signed(&alice, "PUT", "/api/user/alice", Some(&bad))
                .status,
            400,
            "{bad}"
        );
    }
    // The profile is changed through its own endpoint; sending it back unchanged is fine.
    let mut other = body.clone();
    other["profile"] = json!({"objectType": "person", "id": "acct:bob@127.0.0.1"});
    let r = s.signed(&alice, "PUT", "/api/user/alice", Some(&other));
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"], "'profile' is immutable");
    let mut same = body.clone();
    same["profile"] = u["profile"].clone();
    let r = s.signed(&alice, "PUT", "/api/user/alice", Some(&same));
    assert_eq!(r.status, 200, "{}", r.text());
    // Someone else, or a client alone, may not.
    assert_eq!(
        s.signed(&bob, "PUT", "/api/user/alice", Some(&body)).status,
        401
    );
    assert!(
        s.signed(&s.client(), "PUT", "/api/user/alice", Some(&body))
            .status
            >= 400
    );
}

#[test]
fn delete_user() {
    let s = Server::start();
    let (_, alice) = s.register("alice", "correct7horse");
    let (_, bob) = s.register("bob", "correct7horse");
    assert_eq!(
        s.signed(&bob, "DELETE", "/api/user/alice", None).status,
        401
    );
    let r = s.signed(&alice, "DELETE", "/api/user/alice", None);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json(), json!("Deleted."));
    assert_eq!(s.signed(&bob, "GET", "/api/user/alice", None).status, 404);
    assert_eq!(
        s.signed(&bob, "GET", "/api/users", None).json()["totalItems"],
        1
    );
    // The deleted user's token no longer works, and the nickname stays reserved (unlike the
    // original, where a newcomer got the old person id and what was addressed to it).
    assert!(s.signed(&alice, "GET", "/api/whoami", None).status >= 400);
    let again = s.signed(
        &s.client(),
        "POST",
        "/api/users",
        Some(&json!({"nickname": "alice", "password": "correct7horse"})),
    );
    assert_eq!(again.status, 409, "{}", again.text());
}

#[test]
fn profile_read_and_update() {
    let s = Server::start();
    let (_, alice) = s.register("alice", "correct7horse");
    let (_, bob) = s.register("bob", "correct7horse");
    let r = s.signed(
        &alice,
        "PUT",
        "/api/user/alice/profile",
        Some(&json!({"displayName": "James Bond", "summary": "007",
        "id": "acct:evil@elsewhere", "_user": "bob"})),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let p = r.json();
    assert_eq!(p["displayName"], "James Bond");
    assert_eq!(p["summary"], "007");
    assert_eq!(p["id"], s.url("/api/user/alice/profile"));
    let read = s
        .signed(&bob, "GET", "/api/user/alice/profile", None)
        .json();
    assert_eq!(read["displayName"], "James Bond");
    assert_eq!(read["summary"], "007");
    assert_eq!(read["liked"], false);
    assert_eq!(read["pump_io"]["followed"], false);
    assert_eq!(read["pump_io"]["shared"], false);
    assert_eq!(read["lists"]["totalItems"], 4);
    assert_eq!(
        s.signed(
            &bob,
            "PUT",
            "/api/user/alice/profile",
            Some(&json!({"displayName": "x"}))
        )
        .status,
        401
    );
    assert_eq!(
        s.signed(&bob, "GET", "/api/user/nobody/profile", None)
            .status,
        404
    );
    assert_eq!(
        s.signed(
            &alice,
            "PUT",
            "/api/user/alice/profile",
            Some(&json!({"displayName": 7}))
        )
        .status,
        400
    );
    // A bearer-less, OAuth-less read is refused.
    assert_eq!(s.get("/api/user/alice/profile").status, 401);
}

#[test]
fn whoami() {
    let s = Server::start();
    let (_, alice) = s.register("alice", "correct7horse");
    let r = s.signed(&alice, "GET", "/api/whoami", None);
    assert_eq!(r.status, 302);
    assert_eq!(
        r.header("location"),
        Some(s.url("/api/user/alice/profile").as_str())
    );
    assert_eq!(s.get("/api/whoami").status, 401);
    // Two-legged OAuth in the header is a 400 (a user is required).
    assert_eq!(
        s.signed(&s.client(), "GET", "/api/whoami", None).status,
        400
    );
}
