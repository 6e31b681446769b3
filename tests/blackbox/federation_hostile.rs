//! Hostile and broken peers (federation.md, issue "Federation, part 1"): each is refused or
//! bounded, said once in the log and in `pump federation`, and the server stays responsive.
use crate::common::peer::{Answer, Peer, Seen};
use crate::common::{eventually, server::free_port, Client, Server};
use serde_json::json;
use std::time::{Duration, Instant};

fn server(allow_private: bool) -> Server {
    Server::with(json!({
        "hostname": "127.0.0.2",
        "address": "127.0.0.2",
        "port": free_port(),
        "federationAllowPrivate": allow_private, "federationProtocol": "pumpio",
        "federationTimeout": 1500,
        "jobRetryDelay": 1,
    }))
}

/// `pump federation`'s table for `s`.
pub fn federation(s: &Server) -> String {
    let out = s.cli(&["federation", "-c", &s.config.to_string_lossy()], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Waits until `pump federation` has a line for `host` that says `needle`.
fn until_reported(s: &Server, host: &str, needle: &str) -> String {
    let mut last = String::new();
    let held = eventually(30, || {
        last = federation(s);
        last.lines()
            .any(|l| l.starts_with(host) && l.contains(needle))
    });
    assert!(
        held,
        "no {needle:?} for {host} in:\n{last}\nlog:\n{}",
        s.log()
    );
    last
}

/// alice follows `bob@<peer>`: a delivery to the peer is queued.
fn follow(s: &Server, alice: &Client, peer: &Peer) {
    let id = format!("acct:bob@{}", peer.addr);
    s.act(
        alice,
        "alice",
        json!({"verb": "follow", "object": {"objectType": "person", "id": id}}),
    );
}

/// A quick read still gets a quick answer.
fn responsive(s: &Server, c: &Client) {
    let t = Instant::now();
    s.read(c, "/api/user/alice", 200);
    assert!(
        t.elapsed() < Duration::from_secs(1),
        "took {:?}",
        t.elapsed()
    );
}

#[test]
fn huge_silent_and_looping_peers_are_bounded_and_reported_once() {
    let s = server(true);
    let (_, alice) = s.register("alice", "correct7horse");
    let huge = Peer::start("127.0.0.4", |_| Answer::Endless(100 << 20));
    let silent = Peer::start("127.0.0.4", |_| Answer::Hang);
    let looping = Peer::start("127.0.0.4", |r: &Seen| Answer::Redirect(r.path.clone()));
    for p in [&huge, &silent, &looping] {
        follow(&s, &alice, p);
    }
    responsive(&s, &alice);
    until_reported(&s, &huge.addr, "larger than 1048576 bytes");
    until_reported(&s, &silent.addr, "no answer within 1500 ms");
    until_reported(&s, &looping.addr, "more than 5 redirects");
    responsive(&s, &alice);
    assert!(looping.hits("/.well-known/host-meta.json") <= 6 * 2);
    // The silent host is retried, yet said to fail once.
    let retried = eventually(30, || silent.seen.lock().unwrap().len() >= 2);
    assert!(retried, "{}", federation(&s));
    let log = s.log();
    let said = log
        .lines()
        .filter(|l| l.contains(&format!("deliveries to {} fail", silent.addr)))
        .count();
    assert_eq!(said, 1, "{log}");
}

#[test]
fn a_peer_on_a_private_address_is_not_contacted_without_the_key() {
    let s = server(false);
    let (_, alice) = s.register("alice", "correct7horse");
    let peer = Peer::start("127.0.0.4", |_| {
        Answer::Body(404, "text/plain", b"no".to_vec())
    });
    follow(&s, &alice, &peer);
    until_reported(&s, &peer.addr, "private address");
    until_reported(&s, &peer.addr, "federationAllowPrivate");
    // Refused for good: given up at once (the look-up of bob's recent posts, a courtesy, is
    // never tried again), nothing sent.
    until_reported(&s, &peer.addr, &format!("{}\t0\t", peer.addr));
    assert!(peer.seen.lock().unwrap().is_empty());
}

/// A peer whose host-meta names its dialback endpoint, which confirms any token but `bad`.
fn dialback_peer() -> Peer {
    Peer::start("127.0.0.4", move |r: &Seen| {
        let host = r.header("host").unwrap_or_default().to_string();
        match r.path.as_str() {
            "/.well-known/host-meta.json" => {
                let doc = json!({"links": [{"rel": "dialback", "href": format!("http://{host}/dialback")}]});
                Answer::Body(200, "application/json", doc.to_string().into_bytes())
            }
            "/dialback" if String::from_utf8_lossy(&r.body).contains("token=bad") => {
                Answer::Body(400, "text/plain", b"Not my token".to_vec())
            }
            "/dialback" => Answer::Body(200, "text/plain", b"OK".to_vec()),
            _ => Answer::Body(404, "text/plain", b"no".to_vec()),
        }
    })
}

fn register(s: &Server, auth: &str, date: &str) -> crate::common::Response {
    s.req(
        "POST",
        "/api/client/register",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Authorization", auth),
            ("Date", date),
        ],
        b"type=client_associate&application_type=web",
    )
}

#[test]
fn dialback_registrations_are_checked_and_never_replayed() {
    let s = server(true);
    let peer = dialback_peer();
    let now = crate::common::ap::http_date(crate::common::ap::now());
    let auth = format!("Dialback host=\"{}\", token=\"good1\"", peer.addr);
    let ok = register(&s, &auth, &now);
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert!(ok.json()["client_id"].is_string());
    // The same request again is a replay.
    let again = register(&s, &auth, &now);
    assert_eq!(again.status, 401);
    assert_eq!(again.text(), "We've already seen this request.");
    assert_eq!(again.header("www-authenticate"), Some("Dialback"));
    // A token the peer did not send; a stale date; no token; another scheme.
    let bad = register(
        &s,
        &format!("Dialback host=\"{}\", token=\"bad\"", peer.addr),
        &now,
    );
    assert_eq!(
        (bad.status, bad.text().as_str()),
        (401, "Error 400: Not my token")
    );
    let old = crate::common::ap::http_date(crate::common::ap::now() - 600);
    let stale = register(
        &s,
        &format!("Dialback host=\"{}\", token=\"good2\"", peer.addr),
        &old,
    );
    assert_eq!(stale.text(), "'Date' header is outside our 5-minute window");
    let tokenless = register(&s, &format!("Dialback host=\"{}\"", peer.addr), &now);
    assert_eq!(
        tokenless.text(),
        "Authorization header has no 'token' field"
    );
    let other = register(&s, "Basic Zm9vOmJhcg==", &now);
    assert_eq!(other.text(), "Authorization scheme is not 'Dialback'");
    // An identity that a URL parser would read as another host is refused before any call.
    for forged in ["evil.com\\\\@127.0.0.2", "evil.com/@127.0.0.2", "a@b"] {
        let r = register(
            &s,
            &format!("Dialback host=\"{forged}\", token=\"t{forged}\""),
            &now,
        );
        assert_eq!(
            (r.status, r.text().as_str()),
            (401, "Invalid identity or token"),
            "{forged}"
        );
    }
    let nobody = register(&s, "Dialback token=\"good3\"", &now);
    assert_eq!(
        nobody.text(),
        "Authorization header has neither 'host' nor 'webfinger' fields"
    );
    // The peer was asked once per request that got that far, with the URL we saw.
    let asks: Vec<Seen> = peer
        .seen
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r.path == "/dialback")
        .cloned()
        .collect();
    assert_eq!(asks.len(), 2, "{asks:?}");
    let form = String::from_utf8_lossy(&asks[0].body).into_owned();
    assert!(
        form.contains(&crate::common::oauth::enc(&s.url("/api/client/register"))),
        "{form}"
    );
}

#[test]
fn deliveries_with_a_forged_actor_or_our_own_ids_are_refused() {
    let s = Server::with(json!({"clients": [
        {"client_id": crate::common::server::CLIENT_KEY, "client_secret": crate::common::server::CLIENT_SECRET},
        {"client_id": "HOSTCLIENT", "client_secret": "HOSTSECRET", "host": "social.example"}
    ]}));
    let (_, alice) = s.register("alice", "correct7horse");
    let host = Client::new("HOSTCLIENT", "HOSTSECRET");
    let post =
        |act: serde_json::Value| s.signed(&host, "POST", "/api/user/alice/inbox", Some(&act));
    let note = |id: &str, actor: &str| {
        json!({"id": id, "verb": "post", "actor": {"objectType": "person", "id": actor},
               "to": [{"objectType": "person", "id": s.url("/api/user/alice/profile")}],
               "object": {"objectType": "note", "id": format!("{id}/note"), "content": "hi"}})
    };
    let forged = post(note(
        "http://social.example/a/1",
        "acct:mallory@other.example",
    ));
    assert_eq!(forged.status, 400);
    assert!(
        forged.text().contains("is not http://social.example/"),
        "{}",
        forged.text()
    );
    let ours = post(note(&s.url("/api/activity/x1"), "acct:bob@social.example"));
    assert_eq!(ours.status, 400);
    assert!(
        ours.text().contains("claims to be from this server"),
        "{}",
        ours.text()
    );
    let elsewhere = post(note("http://other.example/a/2", "acct:bob@social.example"));
    assert_eq!(elsewhere.status, 400);
    assert!(
        elsewhere.text().contains("not on the host of"),
        "{}",
        elsewhere.text()
    );
    let fine = post(note("http://social.example/a/3", "acct:bob@social.example"));
    assert_eq!(fine.status, 200, "{}", fine.text());
    // What a peer says of another host's object is not taken: only which object it means.
    let mut like = json!({"id": "http://social.example/a/4", "verb": "favorite",
        "actor": {"objectType": "person", "id": "acct:bob@social.example"},
        "to": [{"objectType": "person", "id": s.url("/api/user/alice/profile")}],
        "object": {"objectType": "note", "id": "http://victim.example/note/1",
                   "content": "words put in the victim's mouth",
                   "author": {"objectType": "person", "id": "acct:ceo@victim.example"}}});
    let r = post(like.clone());
    assert_eq!(r.status, 200, "{}", r.text());
    let feed = s.read(&alice, "/api/user/alice/inbox", 200);
    let hit = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "http://social.example/a/4");
    let hit = hit.unwrap_or_else(|| panic!("the like reached alice: {feed}"));
    assert!(hit["object"].get("content").is_none(), "{hit}");
    assert!(hit["object"].get("author").is_none(), "{hit}");
    // A group's server relays to its members what was posted to the group, and nothing else.
    let group = json!({"objectType": "group", "id": "http://social.example/api/group/g1"});
    s.act(&alice, "alice", json!({"verb": "join", "object": group}));
    let relayed = |id: &str, verb: &str| {
        json!({"id": id, "verb": verb, "actor": {"objectType": "person", "id": "acct:carol@third.example"},
               "to": [group], "object": {"objectType": "note", "id": "http://third.example/note/7", "content": "hi all"}})
    };
    let posted = post(relayed("http://third.example/a/1", "post"));
    assert_eq!(posted.status, 200, "{}", posted.text());
    let updated = post(relayed("http://third.example/a/2", "update"));
    assert_eq!(updated.status, 400, "{}", updated.text());
    assert!(
        updated.text().contains("is not http://social.example/"),
        "{}",
        updated.text()
    );
    // An object claimed to be on our host must be one we have.
    like["id"] = json!("http://social.example/a/5");
    like["object"] = json!({"objectType": "note", "id": s.url("/api/note/nosuchnote")});
    let r = post(like);
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(
        r.text().contains("No such object on this server"),
        "{}",
        r.text()
    );
}

/// Kilobytes of the server's resident memory, now and at its peak.
fn rss_kib(s: &Server) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{}/status", s.pid())).unwrap();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// A server with alice, followed by `n` people of a server at a closed port (`DEAD`), whose
/// client is bound to that host; `extra` config keys on top.
fn followed_by_the_dead(n: usize, extra: serde_json::Value) -> (Server, Client) {
    let mut cfg = json!({
        "hostname": "127.0.0.2", "address": "127.0.0.2", "port": free_port(),
        "federationAllowPrivate": true, "federationProtocol": "pumpio",
        "clients": [
            {"client_id": crate::common::server::CLIENT_KEY, "client_secret": crate::common::server::CLIENT_SECRET},
            {"client_id": "DEAD", "client_secret": "DEADSECRET", "host": DEAD}
        ]
    });
    for (k, v) in extra.as_object().unwrap() {
        cfg[k] = v.clone();
    }
    let s = Server::with(cfg);
    let (_, alice) = s.register("alice", "correct7horse");
    let host = Client::new("DEAD", "DEADSECRET");
    for i in 0..n {
        let follow = json!({"id": format!("http://{DEAD}/a/{i}"), "verb": "follow",
            "actor": {"objectType": "person", "id": format!("acct:u{i}@{DEAD}")},
            "object": {"objectType": "person", "id": s.url("/api/user/alice/profile")}});
        let r = s.signed(&host, "POST", "/api/user/alice/inbox", Some(&follow));
        assert_eq!(r.status, 200, "{}", r.text());
    }
    (s, alice)
}

/// A server at a closed port.
const DEAD: &str = "127.0.0.9:9";

#[test]
fn a_thousand_deliveries_to_a_dead_host_keep_memory_bounded() {
    let (s, alice) = followed_by_the_dead(1000, json!({"jobRetryDelay": 1}));
    let dead = DEAD;
    let before = rss_kib(&s);
    s.act(
        &alice,
        "alice",
        json!({"verb": "post", "to": [{"objectType": "collection",
        "id": "http://activityschema.org/collection/public"}],
        "object": {"objectType": "note", "content": "anyone there?"}}),
    );
    let table = until_reported(&s, dead, "cannot connect");
    let waiting: usize = table
        .lines()
        .find(|l| l.starts_with(dead))
        .and_then(|l| l.split('\t').nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(waiting >= 1000, "{table}");
    responsive(&s, &alice);
    let after = rss_kib(&s);
    let _ = writeln_figure(&format!(
        "RSS with {waiting} jobs waiting for a dead host: {} KiB (peak {} KiB; {} KiB before the post)",
        after.0, after.1, before.0
    ));
    assert!(after.1 < 64 * 1024, "peak RSS {} KiB", after.1);
}

/// Prints a measured figure past the test harness's capture.
fn writeln_figure(line: &str) -> std::io::Result<()> {
    use std::io::Write;
    writeln!(std::io::stderr(), "FIGURE {line}")
}

#[test]
fn the_firehose_gets_public_posts_and_the_spam_service_judges_every_post() {
    let firehose = Peer::start("127.0.0.4", |r: &Seen| match r.method.as_str() {
        "OPTIONS" => Answer::Headers(200, vec!["Allow: OPTIONS, POST".into()]),
        _ => Answer::Body(200, "application/json", b"{}".to_vec()),
    });
    let spam = Peer::start("127.0.0.4", |r: &Seen| {
        let verdict = String::from_utf8_lossy(&r.body).contains("buy pills");
        let body = json!({"isSpam": verdict, "probability": if verdict { 0.99 } else { 0.01 }});
        Answer::Body(200, "application/json", body.to_string().into_bytes())
    });
    let s = Server::with(json!({
        "hostname": "127.0.0.2", "address": "127.0.0.2", "port": free_port(),
        "federationAllowPrivate": true, "federationProtocol": "pumpio",
        "firehose": firehose.addr,
        "spamhost": spam.url(""), "spamclientid": "SPAMID", "spamclientsecret": "SPAMSECRET",
    }));
    let (_, alice) = s.register("alice", "correct7horse");
    let public =
        json!([{"objectType": "collection", "id": "http://activityschema.org/collection/public"}]);
    let note = |text: &str, to: &serde_json::Value| {
        s.post(
            &alice,
            "alice",
            &json!({"verb": "post", "to": to,
            "object": {"objectType": "note", "content": text}}),
        )
    };
    let refused = note("buy pills here", &public);
    assert_eq!(refused.status, 400);
    assert!(
        refused.text().contains("Looks like spam"),
        "{}",
        refused.text()
    );
    let quiet = note(
        "just for me",
        &json!([{"objectType": "person", "id": s.url("/api/user/alice/profile")}]),
    );
    assert_eq!(quiet.status, 200, "{}", quiet.text());
    let fine = note("a fine day", &public);
    assert_eq!(fine.status, 200, "{}", fine.text());
    let pinged = eventually(30, || firehose.hits("/ping") >= 2);
    assert!(pinged, "{}", s.log());
    let seen = firehose.seen.lock().unwrap().clone();
    let posts: Vec<&Seen> = seen.iter().filter(|r| r.method == "POST").collect();
    assert!(posts
        .iter()
        .any(|r| String::from_utf8_lossy(&r.body).contains("a fine day")));
    assert!(!posts
        .iter()
        .any(|r| String::from_utf8_lossy(&r.body).contains("just for me")));
    // Each check was signed with the spam service's client.
    let checks = spam.seen.lock().unwrap().clone();
    assert!(checks.len() >= 3, "{checks:?}");
    assert!(checks.iter().all(|r| r
        .header("authorization")
        .is_some_and(|a| a.contains("oauth_consumer_key=\"SPAMID\""))));
}

/// A scripted pump.io peer: its metadata, LRDD, registration, and an inbox that answers
/// `inbox(n)` to its n-th delivery (counting from 1).
fn scripted_peer(inbox: impl Fn(usize) -> u16 + Send + Sync + 'static) -> Peer {
    let deliveries = std::sync::atomic::AtomicUsize::new(0);
    Peer::start("127.0.0.4", move |r: &Seen| {
        let host = r.header("host").unwrap_or_default().to_string();
        let u = |p: &str| format!("http://{host}{p}");
        let json = |v: serde_json::Value| {
            Answer::Body(200, "application/json", v.to_string().into_bytes())
        };
        match r.path.split('?').next().unwrap_or("") {
            "/.well-known/host-meta.json" => json(json!({"links": [
                {"rel": "lrdd", "type": "application/json", "template": u("/lrdd?uri={uri}")},
                {"rel": "registration_endpoint", "href": u("/register")},
                {"rel": "http://apinamespace.org/oauth/request_token", "href": u("/rt")},
                {"rel": "http://apinamespace.org/oauth/authorize", "href": u("/authorize")},
                {"rel": "http://apinamespace.org/oauth/access_token", "href": u("/at")},
                {"rel": "http://apinamespace.org/activitypub/whoami", "href": u("/whoami")},
                {"rel": "dialback", "href": u("/dialback")}]})),
            "/lrdd" => json(json!({"links": [{"rel": "activity-inbox", "href": u("/inbox")}]})),
            "/register" => json(json!({"client_id": "C", "client_secret": "S", "expires_at": 0})),
            "/inbox" => {
                let n = deliveries.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                Answer::Body(
                    inbox(n),
                    "application/json",
                    b"{\"error\":\"scripted\"}".to_vec(),
                )
            }
            _ => Answer::Body(404, "text/plain", b"no".to_vec()),
        }
    })
}

#[test]
fn five_hundreds_are_retried_refusals_are_final_and_a_dead_host_holds_back_no_other() {
    let s = server(true);
    let (_, alice) = s.register("alice", "correct7horse");
    let flaky = scripted_peer(|n| if n <= 2 { 503 } else { 200 });
    let refusing = scripted_peer(|_| 400);
    let silent = Peer::start("127.0.0.4", |_| Answer::Hang);
    // Ten people on the silent host, then one on each scripted one.
    for i in 0..10 {
        let id = format!("acct:p{i}@{}", silent.addr);
        s.act(
            &alice,
            "alice",
            json!({"verb": "follow", "object": {"objectType": "person", "id": id}}),
        );
    }
    follow(&s, &alice, &flaky);
    follow(&s, &alice, &refusing);
    let arrived = eventually(30, || flaky.hits("/inbox") >= 3);
    assert!(arrived, "{}\n{}", federation(&s), s.log());
    let table = until_reported(&s, &refusing.addr, "status 400");
    assert!(
        table
            .lines()
            .any(|l| l.starts_with(&refusing.addr) && l.contains("\t0\t1\t")),
        "given up at once:\n{table}"
    );
    assert_eq!(refusing.hits("/inbox"), 1);
    // Delivered after two 503s: nothing waits for the flaky host any more.
    let settled = eventually(30, || {
        !federation(&s)
            .lines()
            .any(|l| l.starts_with(&flaky.addr) && !l.contains("\t0\t"))
    });
    assert!(settled, "{}", federation(&s));
    responsive(&s, &alice);
}

#[test]
fn a_dead_host_may_fill_only_a_quarter_of_the_queue() {
    let (s, alice) = followed_by_the_dead(15, json!({"maxJobs": 40}));
    let dead = DEAD;
    let r = s.post(
        &alice,
        "alice",
        &json!({"verb": "post", "to": [{"objectType": "collection",
        "id": "http://activityschema.org/collection/public"}],
        "object": {"objectType": "note", "content": "anyone?"}}),
    );
    assert_eq!(r.status, 200, "the post itself goes through: {}", r.text());
    let table = federation(&s);
    let row: Vec<&str> = table
        .lines()
        .find(|l| l.starts_with(dead))
        .unwrap()
        .split('\t')
        .collect();
    let (waiting, given_up): (usize, usize) = (row[1].parse().unwrap(), row[2].parse().unwrap());
    assert_eq!(waiting, 10, "{table}");
    assert!(given_up >= 5, "{table}");
    assert!(s
        .cli_table("jobs")
        .contains("deliveries already wait for 127.0.0.9:9"));
    // Other work still has room: mail, live updates, other hosts.
    let other = s.post(
        &alice,
        "alice",
        &json!({"verb": "post", "object": {"objectType": "note", "content": "me"}}),
    );
    assert_eq!(other.status, 200);
}
