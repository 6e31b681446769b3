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
        "federationAllowPrivate": true,
        "federationTimeout": 5000,
        "jobRetryDelay": 1,
    }))
}

pub fn person(s: &Server, nick: &str) -> String {
    s.url(&format!("/api/user/{nick}/profile"))
}

/// The ids in `path` as `c` reads it at `s`.
fn listed(s: &Server, c: &Client, path: &str) -> Vec<String> {
    let r = s.signed(c, "GET", path, None);
    if r.status != 200 {
        return Vec::new();
    }
    ids(&r.json())
}

/// Waits until `id` is (or, with `present` false, is not) in the feed at `path`.
fn until_listed(s: &Server, c: &Client, path: &str, id: &str, present: bool) {
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

fn public() -> Value {
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
