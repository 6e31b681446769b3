//! Federation over the pump.io protocol between real pump servers on distinct loopback
//! addresses (federation.md): discovery, Dialback, registration and delivery both ways.
use crate::common::{eventually, ids, server::free_port, Client, Server};
use serde_json::{json, Value};

/// A server at `ip` that may reach other loopback servers, retrying fast.
pub fn peer(ip: &str) -> Server {
    Server::with(json!({
        "hostname": ip,
        "address": ip,
        "port": free_port(),
        "federationAllowPrivate": true, "federationProtocol": "pumpio",
        "federationTimeout": 5000,
        "jobRetryDelay": 1,
    }))
}

pub fn person(s: &Server, nick: &str) -> String {
    s.url(&format!("/api/user/{nick}/profile"))
}

/// The ids in `path` as `c` reads it at `s`.
pub fn listed(s: &Server, c: &Client, path: &str) -> Vec<String> {
    let r = s.signed(c, "GET", path, None);
    if r.status != 200 {
        return Vec::new();
    }
    ids(&r.json())
}

/// Waits until `id` is (or, with `present` false, is not) in the feed at `path`.
pub fn until_listed(s: &Server, c: &Client, path: &str, id: &str, present: bool) {
    let held = eventually(30, || listed(s, c, path).iter().any(|x| x == id) == present);
    assert!(
        held,
        "{id} {} {path} at {}: {:?}\nlog:\n{}",
        if present {
            "never reached"
        } else {
            "stayed in"
        },
        s.base,
        listed(s, c, path),
        s.log()
    );
}

pub fn public() -> Value {
    json!([{"objectType": "collection", "id": "http://activityschema.org/collection/public"}])
}

#[test]
fn follow_post_comment_like_and_unfollow_travel_both_ways() {
    let (a, b) = (peer("127.0.0.2"), peer("127.0.0.3"));
    let (_, alice) = a.register("alice", "correct7horse");
    let (_, bob) = b.register("bob", "correct7horse");
    let (alice_id, bob_id) = (person(&a, "alice"), person(&b, "bob"));

    a.act(
        &alice,
        "alice",
        json!({"verb": "follow", "object": {"objectType": "person", "id": bob_id}}),
    );
    until_listed(&b, &bob, "/api/user/bob/followers", &alice_id, true);
    // b looked alice up: her feeds and links point at her own server.
    let fetched = eventually(30, || {
        let f = b.read(&bob, "/api/user/bob/followers", 200);
        let me = &f["items"][0];
        ["followers", "following", "favorites", "lists"]
            .iter()
            .all(|k| {
                me[*k]["url"]
                    .as_str()
                    .is_some_and(|u| u.starts_with(&a.base))
            })
            && ["self", "activity-inbox", "activity-outbox"]
                .iter()
                .all(|k| {
                    me["links"][*k]["href"]
                        .as_str()
                        .is_some_and(|u| u.starts_with(&a.base))
                })
    });
    assert!(fetched, "{}", b.read(&bob, "/api/user/bob/followers", 200));

    let note = b.act(
        &bob,
        "bob",
        json!({"verb": "post", "to": public(),
               "object": {"objectType": "note", "content": "Hello from b"}}),
    );
    let note_id = note["object"]["id"].as_str().unwrap().to_string();
    until_listed(
        &a,
        &alice,
        "/api/user/alice/inbox",
        note["id"].as_str().unwrap(),
        true,
    );

    // alice's client reads the note's replies at b through a (api.md §16).
    let inbox = a.read(&alice, "/api/user/alice/inbox", 200);
    let item = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == note["id"])
        .unwrap();
    let proxy = item["object"]["replies"]["pump_io"]["proxyURL"]
        .as_str()
        .unwrap_or_else(|| panic!("{item}"));
    let through = a.read(&alice, &a.path_of(proxy), 200);
    assert!(
        through["url"].as_str().unwrap().starts_with(&b.base),
        "{through}"
    );
    let forged = format!("{}x", a.path_of(proxy));
    let r = a.signed(&alice, "GET", &forged, None);
    assert_eq!(
        (r.status, r.json()["error"].as_str()),
        (404, Some("No such proxy"))
    );

    // A comment and a like from a land in the note's feeds at b.
    let comment = a.act(
        &alice,
        "alice",
        json!({"verb": "post", "object": {"objectType": "comment", "content": "Hi bob",
               "inReplyTo": {"id": note_id, "objectType": "note"}}}),
    );
    let uuid = note_id.rsplit('/').next().unwrap();
    until_listed(
        &b,
        &bob,
        &format!("/api/note/{uuid}/replies"),
        comment["object"]["id"].as_str().unwrap(),
        true,
    );
    a.act(
        &alice,
        "alice",
        json!({"verb": "favorite", "object": {"id": note_id, "objectType": "note"}}),
    );
    until_listed(
        &b,
        &bob,
        &format!("/api/note/{uuid}/likes"),
        &alice_id,
        true,
    );

    a.act(
        &alice,
        "alice",
        json!({"verb": "stop-following", "object": {"objectType": "person", "id": bob_id}}),
    );
    until_listed(&b, &bob, "/api/user/bob/followers", &alice_id, false);
}

/// bob at `b` follows alice at `a`, and `a` has heard of it.
fn bob_follows_alice(a: &Server, b: &Server) -> (Client, Client) {
    let (_, alice) = a.register("alice", "correct7horse");
    let (_, bob) = b.register("bob", "correct7horse");
    b.act(
        &bob,
        "bob",
        json!({"verb": "follow", "object": {"objectType": "person", "id": person(a, "alice")}}),
    );
    until_listed(
        a,
        &alice,
        "/api/user/alice/followers",
        &person(b, "bob"),
        true,
    );
    (alice, bob)
}

fn note(a: &Server, alice: &Client, text: &str) -> String {
    let act = a.act(
        alice,
        "alice",
        json!({"verb": "post", "to": public(), "object": {"objectType": "note", "content": text}}),
    );
    act["id"].as_str().unwrap().to_string()
}

/// The activities by `actor` in bob's inbox at `b`, once `n` of them are there.
fn arrived(b: &Server, bob: &Client, actor: &str, n: usize) -> Vec<String> {
    let by_actor = || {
        let feed = b.read(bob, "/api/user/bob/inbox?count=200", 200);
        feed["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["actor"]["id"] == actor)
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let held = eventually(60, || by_actor().len() >= n);
    assert!(
        held,
        "{} of {n} arrived\nlog:\n{}",
        by_actor().len(),
        b.log()
    );
    by_actor()
}

#[test]
fn a_receiver_killed_during_a_burst_gets_every_activity_once() {
    let (a, mut b) = (peer("127.0.0.2"), peer("127.0.0.3"));
    let (alice, bob) = bob_follows_alice(&a, &b);
    let mut sent = Vec::new();
    for i in 0..30 {
        if i == 10 {
            b.kill9();
        }
        sent.push(note(&a, &alice, &format!("note {i}")));
    }
    b.restart();
    let got = arrived(&b, &bob, &person(&a, "alice"), 30);
    let mut unique = got.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), got.len(), "duplicates: {got:?}");
    sent.sort();
    assert_eq!(unique, sent);
}

#[test]
fn a_sender_killed_with_pending_deliveries_sends_them_after_restart() {
    let (mut a, mut b) = (peer("127.0.0.2"), peer("127.0.0.3"));
    let (alice, bob) = bob_follows_alice(&a, &b);
    b.kill9();
    let sent: Vec<String> = (0..5)
        .map(|i| note(&a, &alice, &format!("pending {i}")))
        .collect();
    let table = crate::blackbox::federation_hostile::federation(&a);
    assert!(table.contains(&b.addr), "{table}");
    a.kill9();
    b.restart();
    a.restart();
    let mut got = arrived(&b, &bob, &person(&a, "alice"), 5);
    got.sort();
    let mut sent = sent;
    sent.sort();
    assert_eq!(got, sent);
}

fn to(id: &str, kind: &str) -> Value {
    json!([{"objectType": kind, "id": id}])
}

#[test]
fn direct_notes_lists_groups_updates_and_deletes_reach_whom_they_address() {
    let (a, b, c) = (peer("127.0.0.2"), peer("127.0.0.3"), peer("127.0.0.4"));
    let (_, alice) = a.register("alice", "correct7horse");
    let (_, bob) = b.register("bob", "correct7horse");
    let (_, carol) = c.register("carol", "correct7horse");
    let (alice_id, bob_id, carol_id) =
        (person(&a, "alice"), person(&b, "bob"), person(&c, "carol"));
    // carol follows alice; bob does not.
    c.act(
        &carol,
        "carol",
        json!({"verb": "follow", "object": {"objectType": "person", "id": alice_id}}),
    );
    until_listed(&a, &alice, "/api/user/alice/followers", &carol_id, true);

    // A direct note to bob reaches bob, not alice's follower carol.
    let direct = a.act(
        &alice,
        "alice",
        json!({"verb": "post", "to": to(&bob_id, "person"),
        "object": {"objectType": "note", "content": "just for bob"}}),
    );
    let direct_id = direct["id"].as_str().unwrap();
    until_listed(&b, &bob, "/api/user/bob/inbox/direct", direct_id, true);

    // A list with carol as its only member.
    let list = a.act(
        &alice,
        "alice",
        json!({"verb": "create", "object":
        {"objectType": "collection", "displayName": "Pen pals", "objectTypes": ["person"]}}),
    );
    let list_id = list["object"]["id"].as_str().unwrap().to_string();
    a.act(
        &alice,
        "alice",
        json!({"verb": "add", "object": {"objectType": "person", "id": carol_id},
        "target": {"objectType": "collection", "id": list_id}}),
    );
    let listed_note = a.act(
        &alice,
        "alice",
        json!({"verb": "post", "to": to(&list_id, "collection"),
        "object": {"objectType": "note", "content": "for my friends"}}),
    );
    let listed_id = listed_note["id"].as_str().unwrap();
    until_listed(&c, &carol, "/api/user/carol/inbox", listed_id, true);

    // A group at b: carol joins it from c, and alice's post to it reaches carol through b.
    let group = b.act(
        &bob,
        "bob",
        json!({"verb": "create", "to": public(), "object":
        {"objectType": "group", "displayName": "Gardeners"}}),
    );
    let group_id = group["object"]["id"].as_str().unwrap().to_string();
    let members = format!(
        "/api/group/{}/members",
        group_id.rsplit('/').next().unwrap()
    );
    c.act(
        &carol,
        "carol",
        json!({"verb": "join", "object": {"objectType": "group", "id": group_id}}),
    );
    until_listed(&b, &bob, &members, &carol_id, true);
    let to_group = a.act(
        &alice,
        "alice",
        json!({"verb": "post", "to": to(&group_id, "group"),
        "object": {"objectType": "note", "content": "hello gardeners"}}),
    );
    until_listed(
        &c,
        &carol,
        "/api/user/carol/inbox",
        to_group["id"].as_str().unwrap(),
        true,
    );

    // The direct note and the group post stayed where they were sent.
    let carol_sees = listed(&c, &carol, "/api/user/carol/inbox");
    assert!(!carol_sees.iter().any(|x| x == direct_id), "{carol_sees:?}");
    let bob_sees = listed(&b, &bob, "/api/user/bob/inbox");
    assert!(!bob_sees.iter().any(|x| x == listed_id), "{bob_sees:?}");

    // An update and a delete of the list's note reach carol, whose copy follows them.
    let obj = listed_note["object"].clone();
    let upd = a.act(
        &alice,
        "alice",
        json!({"verb": "update",
        "object": {"objectType": "note", "id": obj["id"], "content": "for my dear friends"}}),
    );
    until_listed(
        &c,
        &carol,
        "/api/user/carol/inbox",
        upd["id"].as_str().unwrap(),
        true,
    );
    let copy = |c: &Server| {
        let feed = c.read(&carol, "/api/user/carol/inbox", 200);
        feed["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["object"]["id"] == obj["id"])
            .map(|i| i["object"].clone())
            .unwrap()
    };
    assert_eq!(copy(&c)["content"], "for my dear friends");
    let del = a.act(
        &alice,
        "alice",
        json!({"verb": "delete", "object": {"objectType": "note", "id": obj["id"]}}),
    );
    until_listed(
        &c,
        &carol,
        "/api/user/carol/inbox",
        del["id"].as_str().unwrap(),
        true,
    );
    assert!(copy(&c)["deleted"].is_string(), "{}", copy(&c));
}

fn input(html: &str, name: &str) -> String {
    let pat = format!("name=\"{name}\" value=\"");
    let at = html
        .find(&pat)
        .unwrap_or_else(|| panic!("no {name} in {html}"))
        + pat.len();
    html[at..].split('"').next().unwrap().to_string()
}

fn post_form(
    s: &Server,
    path: &str,
    fields: &[(&str, &str)],
    cookie: &str,
) -> crate::common::Response {
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    s.req(
        "POST",
        path,
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", cookie),
        ],
        body.as_bytes(),
    )
}

#[test]
fn a_remote_account_logs_in_on_the_web_and_posts_through_its_home_server() {
    let (a, b) = (peer("127.0.0.2"), peer("127.0.0.3"));
    let (_, alice) = a.register("alice", "correct7horse");
    // At b: the remote login form, then its POST sends the browser to a.
    let page = b.get("/main/remote");
    let csrf_cookie = page
        .cookies()
        .into_iter()
        .find(|c| c.starts_with("pump.csrf="))
        .unwrap();
    let token = input(&page.text(), "_csrf");
    let wf = format!("alice@{}", a.addr);
    let go = post_form(
        &b,
        "/main/remote",
        &[("_csrf", &token), ("webfinger", &wf)],
        &csrf_cookie,
    );
    assert_eq!(go.status, 303, "{}\n{}", go.text(), b.log());
    let to_a = go.header("location").unwrap().to_string();
    assert!(
        to_a.starts_with(&a.url("/oauth/authorize?oauth_token=")),
        "{to_a}"
    );
    let rt = to_a.split("oauth_token=").nth(1).unwrap().to_string();
    // At a: alice logs in and allows b.
    let consent = post_form(
        &a,
        "/oauth/authorize",
        &[
            ("oauth_token", &rt),
            ("username", "alice"),
            ("password", "correct7horse"),
        ],
        "",
    );
    assert_eq!(consent.status, 200, "{}", consent.text());
    let session_a = consent
        .cookies()
        .into_iter()
        .find(|c| c.starts_with("pump.session="))
        .unwrap();
    let v = input(&consent.text(), "verifier");
    let done = post_form(
        &a,
        "/oauth/authorize",
        &[("oauth_token", &rt), ("verifier", &v)],
        &session_a,
    );
    assert_eq!(done.status, 303, "{}", done.text());
    let back = done.header("location").unwrap().to_string();
    assert!(
        back.starts_with(&b.url(&format!("/main/authorized/{}", a.addr))),
        "{back}"
    );
    // Back at b: logged in as alice of a.
    let landed = b.get(&b.path_of(&back));
    assert_eq!(landed.status, 303, "{}\n{}", landed.text(), b.log());
    let session_b = landed
        .cookies()
        .into_iter()
        .find(|c| c.starts_with("pump.session="))
        .unwrap();
    let cookies = format!("{session_b}; {csrf_cookie}");
    let home = b.req("GET", "/", &[("Cookie", &cookies)], b"");
    assert!(
        home.text().contains("id=\"remote-user\""),
        "{}",
        home.text()
    );
    // A note from b's page goes out through a, as alice's.
    let ctoken = input(&home.text(), "_csrf");
    let sent = post_form(
        &b,
        "/main/proxy",
        &[("_csrf", &ctoken), ("content", "posted from b")],
        &cookies,
    );
    assert_eq!(sent.status, 303, "{}\n{}", sent.text(), b.log());
    let outbox = a.read(&alice, "/api/user/alice/feed", 200);
    assert_eq!(
        outbox["items"][0]["object"]["content"], "posted from b",
        "{outbox}"
    );
    // The session reads as nobody's on b's API-only pages, and logs out.
    let out = post_form(&b, "/main/logout", &[("_csrf", &ctoken)], &cookies);
    assert!(out.status == 303 || out.status == 200, "{}", out.status);
    let after = b.req("GET", "/", &[("Cookie", &session_b)], b"");
    assert!(!after.text().contains("id=\"remote-user\""));
}

#[test]
fn following_someone_elsewhere_by_address_from_the_web_ui() {
    let (a, b) = (peer("127.0.0.2"), peer("127.0.0.3"));
    a.register("alice", "correct7horse");
    let (_, bob) = b.register("bob", "correct7horse");
    b.act(
        &bob,
        "bob",
        json!({"verb": "update", "object": {"objectType": "person",
        "id": person(&b, "bob"), "displayName": "Bob Gardener", "summary": "I grow <b>beans</b>"}}),
    );
    let session = a.log_in("alice", "correct7horse").unwrap();
    let home = a.req("GET", "/", &[("Cookie", &session)], b"");
    let csrf = home
        .cookies()
        .into_iter()
        .find(|c| c.starts_with("pump.csrf="))
        .unwrap();
    let token = input(&home.text(), "_csrf");
    assert!(home.text().contains("id=\"follow-remote\""));
    let cookies = format!("{session}; {csrf}");
    let address = format!("bob@{}", b.addr);
    let done = post_form(
        &a,
        "/main/follow-remote",
        &[("_csrf", &token), ("webfinger", &address)],
        &cookies,
    );
    assert_eq!(done.status, 303, "{}\n{}", done.text(), a.log());
    let page = a.req(
        "GET",
        done.header("location").unwrap(),
        &[("Cookie", &cookies)],
        b"",
    );
    assert_eq!(page.status, 200, "{}", page.text());
    let html = page.text();
    assert!(
        html.contains("Bob Gardener") && html.contains("<b>beans</b>"),
        "{html}"
    );
    assert!(html.contains("Stop following"), "{html}");
    until_listed(
        &b,
        &bob,
        "/api/user/bob/followers",
        &person(&a, "alice"),
        true,
    );
    // Nonsense and unknown addresses get a clear refusal.
    let bad = post_form(
        &a,
        "/main/follow-remote",
        &[("_csrf", &token), ("webfinger", "not an address")],
        &cookies,
    );
    assert_eq!(bad.status, 400);
    let nobody = format!("nobody@{}", b.addr);
    let unknown = post_form(
        &a,
        "/main/follow-remote",
        &[("_csrf", &token), ("webfinger", &nobody)],
        &cookies,
    );
    assert_eq!(unknown.status, 400, "{}", unknown.text());
    assert!(unknown.text().contains("Cannot find"), "{}", unknown.text());
}

/// Two servers on port 80 (so ids are `acct:` and deliveries are signed by account, with
/// Dialback by WebFinger), in a private network namespace of their own: run as root.
#[test]
fn accounts_on_port_80_federate_in_a_private_network() {
    let root = std::fs::read_to_string("/proc/self/status")
        .map(|s| {
            s.lines()
                .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false);
    let has = |cmd: &str| std::process::Command::new(cmd).arg("-V").output().is_ok();
    if !root || !has("unshare") || !has("ip") {
        crate::common::skipped(
            "accounts_on_port_80",
            "needs root, unshare and ip for port 80",
        );
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let script = format!(
        "ip link set lo up && exec '{}' blackbox::federation::port_80_inside --exact --ignored --nocapture",
        exe.display()
    );
    let status = std::process::Command::new("unshare")
        .args(["-n", "sh", "-c", &script])
        .env("PUMP_NETNS", "1")
        .status()
        .unwrap();
    assert!(
        status.success(),
        "the test inside the namespace failed (its output is above)"
    );
}

#[test]
#[ignore = "runs inside accounts_on_port_80_federate_in_a_private_network's namespace"]
fn port_80_inside() {
    if std::env::var_os("PUMP_NETNS").is_none() {
        return;
    }
    let at = |ip: &str| {
        Server::with(json!({"hostname": ip, "address": ip, "port": 80,
            "federationAllowPrivate": true, "federationProtocol": "pumpio", "jobRetryDelay": 1}))
    };
    let (a, b) = (at("127.0.0.2"), at("127.0.0.3"));
    let (_, alice) = a.register("alice", "correct7horse");
    let (_, bob) = b.register("bob", "correct7horse");
    a.act(
        &alice,
        "alice",
        json!({"verb": "follow",
        "object": {"objectType": "person", "id": "acct:bob@127.0.0.3"}}),
    );
    until_listed(
        &b,
        &bob,
        "/api/user/bob/followers",
        "acct:alice@127.0.0.2",
        true,
    );
    let note = b.act(
        &bob,
        "bob",
        json!({"verb": "post", "to": public(),
        "object": {"objectType": "note", "content": "hello on port 80"}}),
    );
    until_listed(
        &a,
        &alice,
        "/api/user/alice/inbox",
        note["id"].as_str().unwrap(),
        true,
    );
    // a registered at b as alice's account, proven by Dialback through WebFinger.
    assert!(
        b.log().contains("POST /api/client/register 200"),
        "{}",
        b.log()
    );
}

#[test]
fn credentials_a_peer_no_longer_knows_are_registered_again_once() {
    let (a, mut b) = (peer("127.0.0.2"), peer("127.0.0.3"));
    let (alice, old_bob) = bob_follows_alice(&a, &b);
    note(&a, &alice, "first");
    arrived(&b, &old_bob, &person(&a, "alice"), 1);
    // b starts over on a fresh store at the same address: a's client there is gone.
    b.kill9();
    let mut fresh = b.successor(|_, _| {});
    let (_, bob) = fresh.register("bob", "correct7horse");
    let second = note(&a, &alice, "second");
    let got = arrived(&fresh, &bob, &person(&a, "alice"), 1);
    assert_eq!(got, vec![second]);
    let registrations = fresh.log().matches("POST /api/client/register 200").count();
    assert_eq!(registrations, 1, "{}", fresh.log());
    fresh.kill9();
}

#[test]
fn a_share_reaches_the_remote_objects_shares_and_replies_go_both_ways() {
    let (a, b) = (peer("127.0.0.2"), peer("127.0.0.3"));
    let (alice, bob) = bob_follows_alice(&a, &b);
    let posted = a.act(
        &alice,
        "alice",
        json!({"verb": "post", "to": public(),
        "object": {"objectType": "note", "content": "share me"}}),
    );
    let note_id = posted["object"]["id"].as_str().unwrap().to_string();
    until_listed(
        &b,
        &bob,
        "/api/user/bob/inbox",
        posted["id"].as_str().unwrap(),
        true,
    );
    b.act(
        &bob,
        "bob",
        json!({"verb": "share", "object": {"objectType": "note", "id": note_id}}),
    );
    let uuid = note_id.rsplit('/').next().unwrap();
    until_listed(
        &a,
        &alice,
        &format!("/api/note/{uuid}/shares"),
        &person(&b, "bob"),
        true,
    );
    // bob replies from b; the reply lands in the note's replies at a.
    let reply = b.act(
        &bob,
        "bob",
        json!({"verb": "post", "object": {"objectType": "comment",
        "content": "nice", "inReplyTo": {"objectType": "note", "id": note_id}}}),
    );
    until_listed(
        &a,
        &alice,
        &format!("/api/note/{uuid}/replies"),
        reply["object"]["id"].as_str().unwrap(),
        true,
    );
}
