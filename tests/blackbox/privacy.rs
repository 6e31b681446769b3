//! The side doors of privacy (issue 11, items 1-9): objects referenced by id, shares of
//! non-public posts, replies carrying their private parent, list members, deleted nicknames,
//! sessions, login throttling on the authorize page, redirects and reserved nicknames.
use crate::common::{Client, Response, Server};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::time::{Duration, Instant};

const PUBLIC: &str = "http://activityschema.org/collection/public";
const SECRET: &str = "SECRET-7f3a9c";

fn person(s: &Server, nick: &str) -> Value {
    json!({"objectType": "person", "id": s.url(&format!("/api/user/{nick}/profile"))})
}

fn public() -> Value {
    json!([{"objectType": "collection", "id": PUBLIC}])
}

/// A GET signed by `c`, asking for `accept`.
fn get_as(s: &Server, c: &Client, path: &str, accept: &str) -> Response {
    let auth = c.header("GET", &s.url(path), &[]);
    s.req(
        "GET",
        path,
        &[("Authorization", &auth), ("Accept", accept)],
        b"",
    )
}

/// A browser: its cookies (CSRF and, once logged in, the session) and its form token.
struct Web<'s> {
    s: &'s Server,
    cookie: String,
    token: String,
}

impl<'s> Web<'s> {
    fn new(s: &'s Server) -> Web<'s> {
        let cookie = "pump.csrf=abcdefghijklmnopqrstuvwxyz012345".to_string();
        let page = s.req("GET", "/main/login", &[("Cookie", &cookie)], b"");
        let text = page.text();
        let pattern = "name=\"_csrf\" value=\"";
        let at = text.find(pattern).expect("token field") + pattern.len();
        let token = text[at..].split('"').next().unwrap_or_default().to_string();
        Web { s, cookie, token }
    }

    /// A browser logged in as `nick` through the login form.
    fn login(s: &'s Server, nick: &str, password: &str) -> Web<'s> {
        let mut w = Web::new(s);
        let r = w.post("/main/login", &[("nickname", nick), ("password", password)]);
        assert_eq!(r.status, 303, "login {nick}: {}", r.text());
        let session = r
            .cookies()
            .into_iter()
            .find(|c| c.starts_with("pump.session="))
            .expect("session cookie");
        w.cookie = format!("{}; {session}", w.cookie);
        w
    }

    fn get(&self, path: &str) -> Response {
        let headers = [("Cookie", self.cookie.as_str()), ("Accept", "text/html")];
        self.s.req("GET", path, &headers, b"")
    }

    fn post(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("_csrf", &self.token)
            .extend_pairs(fields)
            .finish();
        let headers = [
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", self.cookie.as_str()),
        ];
        self.s.req("POST", path, &headers, body.as_bytes())
    }

    /// Whether the server still takes this browser's session (the account page opens).
    fn logged_in(&self) -> bool {
        self.get("/main/account").status == 200
    }
}

/// The live stream of a logged-in browser, read as it comes.
struct Live(std::net::TcpStream, String);

impl Live {
    fn open(s: &Server, w: &Web) -> Live {
        let mut c = std::net::TcpStream::connect(&s.addr).unwrap();
        c.set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let head = format!(
            "GET /main/events HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\nAccept: text/event-stream\r\n\r\n",
            s.addr, w.cookie
        );
        c.write_all(head.as_bytes()).unwrap();
        let mut live = Live(c, String::new());
        // The stream notes where the inbox is before it sends its first line.
        live.until("retry:", 10);
        live
    }

    /// Whether the server ends the stream (its last chunk, or the connection) within `secs`.
    fn ends(&mut self, secs: u64) -> bool {
        let deadline = Instant::now() + Duration::from_secs(secs);
        let mut buf = [0u8; 8192];
        while Instant::now() < deadline {
            match self.0.read(&mut buf) {
                Ok(0) => return true,
                Ok(n) => {
                    self.1.push_str(&String::from_utf8_lossy(&buf[..n]));
                    if self.1.ends_with("\r\n0\r\n\r\n") {
                        return true;
                    }
                }
                Err(_) => {}
            }
        }
        false
    }

    /// Reads until `needle` arrived; everything read so far.
    fn until(&mut self, needle: &str, secs: u64) -> String {
        let deadline = Instant::now() + Duration::from_secs(secs);
        let mut buf = [0u8; 8192];
        while !self.1.contains(needle) {
            assert!(
                Instant::now() < deadline,
                "live stream never sent {needle}: {}",
                self.1
            );
            if let Ok(n) = self.0.read(&mut buf) {
                assert!(n > 0, "live stream closed: {}", self.1);
                self.1.push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        }
        self.1.clone()
    }
}

#[test]
fn objects_a_reader_may_not_see_are_neither_referenced_nor_shown() {
    let s = Server::start();
    let (_, alice) = s.register("alice", "correct7horse");
    let (_, bob) = s.register("bob", "correct7horse");
    let (_, carol) = s.register("carol", "correct7horse");
    let anon = s.client();
    // bob follows carol: her public activities reach his inbox and live stream.
    s.act(
        &bob,
        "bob",
        json!({"verb": "follow", "object": person(&s, "carol")}),
    );
    let note = s.act(
        &alice,
        "alice",
        json!({"object": {"objectType": "note", "content": SECRET}, "to": [person(&s, "carol")]}),
    );
    let nid = note["object"]["id"].as_str().unwrap().to_string();
    let bare = json!({"objectType": "note", "id": nid});
    let before = s.read(&bob, "/api/user/bob/feed", 200)["totalItems"].clone();
    // bob may not see it: no activity of his may name it, as object, target or parent.
    let mut refused: Vec<Value> = [
        "favorite",
        "like",
        "unfavorite",
        "unlike",
        "share",
        "unshare",
        "post",
        "create",
        "update",
        "delete",
        "save",
        "tag",
        "read",
        "watch",
        "listen",
        "play",
        "follow",
        "stop-following",
        "join",
        "leave",
        "add",
        "remove",
        "checkin",
        "rsvp-yes",
    ]
    .iter()
    .map(|v| json!({"verb": v, "object": bare}))
    .collect();
    refused.push(json!({"verb": "favorite", "object": {"id": nid}}));
    refused.push(json!({"verb": "tag", "object": person(&s, "carol"), "target": bare}));
    refused.push(json!({"verb": "post", "object": {"objectType": "comment", "content": "hi", "inReplyTo": bare}}));
    for act in &refused {
        let r = s.post(&bob, "bob", act);
        assert_eq!(r.status, 403, "{act}: {}", r.text());
        assert!(
            r.json()["error"].as_str().unwrap().contains(&nid),
            "{}",
            r.text()
        );
        assert!(!r.text().contains(SECRET));
    }
    assert_eq!(
        s.read(&bob, "/api/user/bob/feed", 200)["totalItems"],
        before
    );
    let seen = s.read(&alice, &s.path_of(&nid), 200);
    assert_eq!(
        (
            seen["likes"]["totalItems"].clone(),
            seen["replies"]["totalItems"].clone()
        ),
        (json!(0), json!(0))
    );

    // carol may see it, and makes public activities about it: bob and strangers see only
    // its id and type, wherever those activities show.
    let bob_web = Web::login(&s, "bob", "correct7horse");
    let mut live = Live::open(&s, &bob_web);
    let mut made = Vec::new();
    for verb in ["favorite", "save", "read", "post"] {
        made.push(s.act(
            &carol,
            "carol",
            json!({"verb": verb, "object": bare, "to": public()}),
        ));
    }
    made.push(s.act(
        &carol,
        "carol",
        json!({"verb": "tag", "object": person(&s, "bob"), "target": bare, "to": public()}),
    ));
    let reply = s.act(&carol, "carol", json!({"verb": "post", "to": public(), "object": {"objectType": "comment", "content": "public reply", "inReplyTo": bare}}));
    made.push(reply.clone());
    let rid = reply["object"]["id"].as_str().unwrap().to_string();
    // carol herself still sees what she may.
    let own = s.read(&carol, &s.path_of(made[0]["id"].as_str().unwrap()), 200);
    assert_eq!(own["object"]["content"], SECRET);
    assert_eq!(made[0]["object"]["content"], SECRET);
    let last = made.last().unwrap()["id"].as_str().unwrap().to_string();
    let streamed = live.until(&last, 20);
    assert!(!streamed.contains(SECRET), "live stream leaks: {streamed}");

    let mut paths: Vec<String> = made
        .iter()
        .map(|a| s.path_of(a["id"].as_str().unwrap()))
        .collect();
    paths.extend([
        "/api/user/carol/feed".into(),
        "/api/user/bob/inbox".into(),
        s.path_of(&rid),
    ]);
    for (who, c) in [("bob", &bob), ("anonymous", &anon)] {
        for path in &paths {
            if who == "anonymous" && path.contains("/inbox") {
                continue;
            }
            for accept in ["application/json", "application/activity+json"] {
                let r = get_as(&s, c, path, accept);
                assert_eq!(r.status, 200, "{who} {path}: {}", r.text());
                assert!(
                    !r.text().contains(SECRET),
                    "{who} {path} {accept} leaks: {}",
                    r.text()
                );
                assert!(r.text().contains(&nid), "{who} {path}: the reference stays");
            }
        }
    }
    let fav = s.read(&bob, &paths[0], 200);
    assert_eq!(fav["object"], json!({"id": nid, "objectType": "note"}));
    let shown = s.read(&anon, &s.path_of(&rid), 200);
    assert_eq!(shown["inReplyTo"], json!({"id": nid, "objectType": "note"}));
    // Web pages: carol's profile for a stranger, bob's home page, the activity's own page.
    let act_page = format!("/carol/activity/{}", paths[0].rsplit('/').next().unwrap());
    let stranger = Web::new(&s);
    for (name, page) in [
        ("/carol", stranger.get("/carol")),
        ("bob's /", bob_web.get("/")),
        ("bob's /carol", bob_web.get("/carol")),
        ("activity page", stranger.get(&act_page)),
    ] {
        assert_eq!(page.status, 200, "{name}: {}", page.text());
        assert!(!page.text().contains(SECRET), "web page leaks");
    }
    let reply_page = stranger.get(&format!(
        "/carol/comment/{}",
        rid.rsplit('/').next().unwrap()
    ));
    assert_eq!(reply_page.status, 200, "{}", reply_page.text());
    assert!(reply_page.text().contains("public reply") && !reply_page.text().contains(SECRET));
    // The export of bob's activities: he likes carol's reply, whose parent he may not see.
    s.act(
        &bob,
        "bob",
        json!({"verb": "favorite", "object": {"id": rid, "objectType": "comment"}}),
    );
    let out = s.cli(
        &["export-user", "-c", &s.config.to_string_lossy(), "bob"],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let export = String::from_utf8_lossy(&out.stdout);
    assert!(
        export.contains("public reply") && export.contains(&nid),
        "{export}"
    );
    assert!(!export.contains(SECRET), "export leaks: {export}");
}

#[test]
fn only_public_posts_can_be_shared() {
    let s = Server::start();
    let (_, alice) = s.register("alice", "correct7horse");
    let (_, bob) = s.register("bob", "correct7horse");
    s.act(
        &bob,
        "bob",
        json!({"verb": "follow", "object": person(&s, "alice")}),
    );
    let followers = json!([{"objectType": "collection", "id": s.url("/api/user/alice/followers")}]);
    let private = s.act(
        &alice,
        "alice",
        json!({"object": {"objectType": "note", "content": "for followers"}, "to": followers}),
    );
    let open = s.act(
        &alice,
        "alice",
        json!({"object": {"objectType": "note", "content": "for all"}, "to": public()}),
    );
    let (pid, oid) = (
        private["object"]["id"].as_str().unwrap(),
        open["object"]["id"].as_str().unwrap(),
    );
    // The web UI offers Share only where the server would take it.
    let web = Web::login(&s, "bob", "correct7horse");
    let home = web.get("/").text();
    let card = |id: &str| {
        let at = home.find(&format!("data-object=\"{id}\"")).expect("card");
        let rest = &home[at..];
        rest[..rest.find("</article>").unwrap_or(rest.len())].to_string()
    };
    assert!(card(oid).contains("link share"), "{}", card(oid));
    assert!(!card(pid).contains("link share"), "{}", card(pid));
    let r = s.post(
        &bob,
        "bob",
        &json!({"verb": "share", "object": {"id": pid, "objectType": "note"}}),
    );
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(
        r.json()["error"].as_str().unwrap().contains("only public"),
        "{}",
        r.text()
    );
    assert_eq!(
        s.read(&alice, &format!("{}/shares", s.path_of(pid)), 200)["totalItems"],
        0
    );
    let ok = s.post(
        &bob,
        "bob",
        &json!({"verb": "share", "object": {"id": oid, "objectType": "note"}}),
    );
    assert_eq!(ok.status, 200, "{}", ok.text());
}

#[test]
fn lists_hold_no_ghosts_and_their_changes_stay_private() {
    let s = Server::start();
    let (_, alice) = s.register("alice", "correct7horse");
    let (_, bob) = s.register("bob", "correct7horse");
    let (_, carol) = s.register("carol", "correct7horse");
    s.act(
        &carol,
        "carol",
        json!({"verb": "follow", "object": person(&s, "alice")}),
    );
    let list = s.act(&alice, "alice", json!({"verb": "create", "object": {"objectType": "collection", "displayName": "Close", "objectTypes": ["person"]}}))["object"].clone();
    let target = json!({"id": list["id"], "objectType": "collection"});
    for ghost in [
        person(&s, "ghost"),
        json!({"objectType": "person", "id": "acct:ghost@127.0.0.1"}),
    ] {
        let r = s.post(
            &alice,
            "alice",
            &json!({"verb": "add", "object": ghost, "target": target}),
        );
        assert_eq!(r.status, 400, "{}", r.text());
        assert!(
            r.json()["error"]
                .as_str()
                .unwrap()
                .contains("no such person"),
            "{}",
            r.text()
        );
    }
    let members = format!("{}/members", s.path_of(list["id"].as_str().unwrap()));
    assert_eq!(s.read(&alice, &members, 200)["totalItems"], 0);
    let added = s.act(
        &alice,
        "alice",
        json!({"verb": "add", "object": person(&s, "bob"), "target": target}),
    );
    let aid = added["id"].as_str().unwrap().to_string();
    assert!(
        added.get("to").is_none() && added.get("cc").is_none(),
        "{added}"
    );
    for (c, nick) in [(&bob, "bob"), (&carol, "carol")] {
        let inbox = s.read(c, &format!("/api/user/{nick}/inbox"), 200);
        assert!(
            !inbox.to_string().contains(&aid),
            "{nick} was told: {inbox}"
        );
        assert_eq!(s.signed(c, "GET", &s.path_of(&aid), None).status, 403);
    }
    let removed = s.act(
        &alice,
        "alice",
        json!({"verb": "remove", "object": person(&s, "bob"), "target": target}),
    );
    assert!(!s
        .read(&bob, "/api/user/bob/inbox", 200)
        .to_string()
        .contains(removed["id"].as_str().unwrap()));
    assert!(s
        .read(&alice, "/api/user/alice/feed", 200)
        .to_string()
        .contains(&aid));
}

#[test]
fn deleted_accounts_keep_their_nickname_and_lose_their_sessions() {
    let s = Server::start();
    let (_, alice) = s.register("alice", "correct7horse");
    let web = Web::login(&s, "alice", "correct7horse");
    assert!(web.logged_in());
    let r = s.signed(&alice, "DELETE", "/api/user/alice", None);
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(
        !web.logged_in(),
        "the deleted account's session still works"
    );
    let again = s.signed(
        &s.client(),
        "POST",
        "/api/users",
        Some(&json!({"nickname": "alice", "password": "battery9staple"})),
    );
    assert_eq!(again.status, 409, "{}", again.text());
    let form = Web::new(&s).post(
        "/main/register",
        &[
            ("nickname", "alice"),
            ("password", "battery9staple"),
            ("repeat", "battery9staple"),
        ],
    );
    assert!(
        form.status >= 400
            && !form
                .cookies()
                .iter()
                .any(|c| c.starts_with("pump.session=") && c.len() > 13),
        "{}",
        form.text()
    );
    assert_eq!(
        s.signed(&s.client(), "GET", "/api/user/alice", None).status,
        404
    );
}

#[test]
fn sessions_end_on_logout_and_password_change_and_tokens_can_be_revoked() {
    let s = Server::start();
    let (_, erin) = s.register("erin", "correct7horse");
    let (a, b, c) = (
        Web::login(&s, "erin", "correct7horse"),
        Web::login(&s, "erin", "correct7horse"),
        Web::login(&s, "erin", "correct7horse"),
    );
    assert!(a.logged_in() && b.logged_in() && c.logged_in());
    // Logging out ends that session on the server: a copy of the cookie is worthless.
    assert_eq!(a.post("/main/logout", &[]).status, 303);
    assert!(!a.logged_in(), "a copied cookie outlives its logout");
    assert!(b.logged_in());
    // A live stream of a session ends with it.
    let mut live = Live::open(&s, &c);
    // The password form wants the current password; a change logs out every other browser.
    let change = |current: &str| {
        b.post(
            "/main/account",
            &[
                ("current", current),
                ("password", "battery9staple"),
                ("repeat", "battery9staple"),
            ],
        )
    };
    assert_eq!(change("wrong-password").status, 403);
    assert!(s.can_log_in("erin", "correct7horse"));
    let r = change("correct7horse");
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(b.logged_in(), "the browser that changed it stays in");
    assert!(
        !c.logged_in(),
        "another browser stays in after a password change"
    );
    assert!(
        live.ends(10),
        "the live stream outlived its session: {}",
        live.1
    );
    // The account page lists the applications holding a token; revoking one takes effect at once.
    let page = b.get("/main/account").text();
    assert!(
        page.contains("Test client") && page.contains("/main/revoke"),
        "{page}"
    );
    assert_eq!(
        s.signed(&erin, "GET", "/api/user/erin/inbox", None).status,
        200
    );
    let r = b.post(
        "/main/revoke",
        &[("client", crate::common::server::CLIENT_KEY)],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    // Refused at once, with the spec's answer to an unknown token (api.md §2.1).
    let gone = s.signed(&erin, "GET", "/api/user/erin/inbox", None);
    assert_eq!(
        (gone.status, gone.text().as_str()),
        (400, "Invalid / expired Token")
    );
    assert!(!b.get("/main/account").text().contains("Test client"));
}

/// A login on the authorize page; its status.
fn authorize_login(s: &Server, nick: &str, password: &str) -> u16 {
    s.authorize_login(nick, password).status
}

#[test]
fn the_authorize_page_counts_failed_logins_with_the_login_form() {
    let s = Server::start();
    s.register("hana", "correct7horse");
    let web = Web::new(&s);
    for i in 0..10 {
        if i % 2 == 0 {
            assert_eq!(authorize_login(&s, "hana", "wrong-guess"), 400);
        } else {
            assert_eq!(
                web.post(
                    "/main/login",
                    &[("nickname", "hana"), ("password", "wrong-guess")]
                )
                .status,
                401
            );
        }
    }
    // Ten failures in all, five on each page: both pages now refuse even the right password.
    assert_eq!(authorize_login(&s, "hana", "correct7horse"), 429);
    let r = web.post(
        "/main/login",
        &[("nickname", "hana"), ("password", "correct7horse")],
    );
    assert_eq!(r.status, 429);
}

#[test]
fn redirects_after_login_stay_on_this_site() {
    let s = Server::start();
    s.register("ivan", "correct7horse");
    let web = Web::new(&s);
    for evil in [
        "/\t/evil.example",
        "//evil.example",
        "/\\evil.example",
        "http://evil.example/",
        "/\n/evil.example",
        "javascript:alert(1)",
        "\\/evil.example",
    ] {
        let r = web.post(
            "/main/login",
            &[
                ("nickname", "ivan"),
                ("password", "correct7horse"),
                ("continue", evil),
            ],
        );
        assert_eq!(
            (r.status, r.header("location")),
            (303, Some("/")),
            "{evil:?}"
        );
    }
    let r = web.post(
        "/main/login",
        &[
            ("nickname", "ivan"),
            ("password", "correct7horse"),
            ("continue", "/ivan/favorites"),
        ],
    );
    assert_eq!(r.header("location"), Some("/ivan/favorites"));
}

#[test]
fn routed_paths_are_not_nicknames() {
    let s = Server::start();
    for nick in [
        "main",
        "uploads",
        "assets",
        "shared",
        "oauth2",
        ".well-known",
        "api",
        "MAIN",
        "inbox",
        "favicon.ico",
    ] {
        let r = s.signed(
            &s.client(),
            "POST",
            "/api/users",
            Some(&json!({"nickname": nick, "password": "correct7horse"})),
        );
        assert_eq!(r.status, 400, "{nick}: {}", r.text());
        assert_eq!(r.json()["error"], format!("Bad nickname: '{nick}'"));
    }
}

#[test]
fn posting_a_stored_object_claims_nothing() {
    let s = Server::start();
    let (_, alice) = s.register("alice", "correct7horse");
    let (_, bob) = s.register("bob", "correct7horse");
    // The site's service object has no author; posting it does not make bob its author.
    let inbox = s.read(&bob, "/api/user/bob/inbox", 200);
    let service = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["actor"]["objectType"] == "service")
        .expect("welcome note")["actor"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let bare = json!({"id": service, "objectType": "service"});
    s.act(&bob, "bob", json!({"verb": "post", "object": bare}));
    let r = s.post(&bob, "bob", &json!({"verb": "update", "object": {"id": service, "objectType": "service", "displayName": "Phish"}}));
    assert_eq!(r.status, 400, "bob took the service over: {}", r.text());
    // Nor does it make alice's note a reply to something else.
    let note = s.act(
        &alice,
        "alice",
        json!({"object": {"objectType": "note", "content": "mine"}, "to": public()}),
    );
    let nid = note["object"]["id"].as_str().unwrap();
    let other = s.act(
        &bob,
        "bob",
        json!({"object": {"objectType": "note", "content": "bait"}, "to": public()}),
    );
    let r = s.post(&bob, "bob", &json!({"verb": "post", "object": {"id": nid, "objectType": "note", "inReplyTo": {"id": other["object"]["id"], "objectType": "note"}}}));
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(s
        .read(&alice, &s.path_of(nid), 200)
        .get("inReplyTo")
        .is_none());
}

#[test]
fn generated_text_names_only_what_the_reader_may_see() {
    let s = Server::start();
    let (_, alice) = s.register("alice", "correct7horse");
    let (_, mallory) = s.register("mallory", "correct7horse");
    let (_, dave) = s.register("dave", "correct7horse");
    s.act(
        &dave,
        "dave",
        json!({"verb": "follow", "object": person(&s, "mallory")}),
    );
    let group = s.act(&alice, "alice", json!({"verb": "create", "object": {"objectType": "group", "displayName": "Secret Group"}, "to": [person(&s, "mallory")]}))["object"].clone();
    let joined = s.act(&mallory, "mallory", json!({"verb": "join", "object": {"id": group["id"], "objectType": "group"}, "to": public()}));
    assert!(joined["content"].as_str().unwrap().contains("Secret Group"));
    let seen = s.read(&dave, &s.path_of(joined["id"].as_str().unwrap()), 200);
    assert!(!seen.to_string().contains("Secret Group"), "{seen}");
    assert!(
        seen["content"].as_str().unwrap().contains("a group"),
        "{seen}"
    );
}

#[test]
fn objects_from_remote_activities_show_to_their_readers_and_ghosts_get_nothing() {
    let s = Server::with(json!({"clients": [
        {"client_id": crate::common::server::CLIENT_KEY, "client_secret": crate::common::server::CLIENT_SECRET},
        {"client_id": "WFCLIENT", "client_secret": "WFSECRET", "webfinger": "zed@social.localhost"}
    ]}));
    let (_, alice) = s.register("alice", "correct7horse");
    let zed = Client::new("WFCLIENT", "WFSECRET");
    // A remote share of a remote note, with its author: alice, to whom it came, sees the note.
    let share = json!({"id": "http://social.localhost/api/activity/s1", "verb": "share",
        "actor": {"objectType": "person", "id": "acct:zed@social.localhost"},
        "object": {"objectType": "note", "id": "http://social.localhost/api/note/n9", "content": "worth reading",
            "author": {"objectType": "person", "id": "acct:yan@social.localhost"}},
        "to": [{"objectType": "collection", "id": PUBLIC}]});
    let r = s.signed(&zed, "POST", "/api/user/alice/inbox", Some(&share));
    assert_eq!(r.status, 200, "{}", r.text());
    let inbox = s.read(&alice, "/api/user/alice/inbox", 200);
    assert!(inbox.to_string().contains("worth reading"), "{inbox}");
    // alice likes a foreign object with its author: her favorites still show it.
    s.act(&alice, "alice", json!({"verb": "favorite", "object": {"objectType": "note", "id": "http://elsewhere.example/n/1",
        "content": "liked far away", "author": {"objectType": "person", "id": "acct:x@elsewhere.example"}}}));
    assert!(s
        .read(&alice, "/api/user/alice/favorites", 200)
        .to_string()
        .contains("liked far away"));
    // An address naming a local account that does not exist is refused.
    let r = s.post(
        &alice,
        "alice",
        &json!({"object": {"objectType": "note", "content": "hi"}, "to": [person(&s, "nobody")]}),
    );
    assert_eq!(r.status, 400, "{}", r.text());
    // alice may reply to the note that came in the share.
    let reply = json!({"verb": "post", "object": {"objectType": "comment", "content": "indeed",
        "inReplyTo": {"id": "http://social.localhost/api/note/n9", "objectType": "note"}}});
    assert_eq!(s.post(&alice, "alice", &reply).status, 200);
    // A note first known as a bare reference, then posted privately by its author: its
    // content is for the post's readers only, not for whoever saw the bare reference.
    let (_, bob) = s.register("bob", "correct7horse");
    let n5 = json!({"objectType": "note", "id": "http://social.localhost/api/note/n5"});
    let like = json!({"id": "http://social.localhost/api/activity/l5", "verb": "favorite",
        "actor": {"objectType": "person", "id": "acct:zed@social.localhost"}, "object": n5,
        "to": [{"objectType": "collection", "id": PUBLIC}]});
    assert_eq!(
        s.signed(&zed, "POST", "/api/user/alice/inbox", Some(&like))
            .status,
        200
    );
    let mut full = n5.clone();
    full["content"] = json!("for alice alone");
    let post = json!({"id": "http://social.localhost/api/activity/p5", "verb": "post",
        "actor": {"objectType": "person", "id": "acct:zed@social.localhost"}, "object": full,
        "to": [person(&s, "alice")]});
    assert_eq!(
        s.signed(&zed, "POST", "/api/user/alice/inbox", Some(&post))
            .status,
        200
    );
    assert_eq!(
        s.read(
            &alice,
            "/api/note?id=http%3A%2F%2Fsocial.localhost%2Fapi%2Fnote%2Fn5",
            200
        )["content"],
        "for alice alone"
    );
    let r = s.post(&bob, "bob", &json!({"verb": "favorite", "object": n5}));
    assert_eq!(r.status, 403, "{}", r.text());
    let liked = s.read(
        &bob,
        &s.path_of(s.url("/api/user/alice/feed").as_str()),
        200,
    );
    assert!(!liked.to_string().contains("for alice alone"));
}
