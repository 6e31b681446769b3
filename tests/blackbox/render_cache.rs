//! Feed pages from kept renderings (`renderCacheSize`) say what pages rendered afresh say:
//! after likes, shares, replies, edits, deletes, follows and private posts, every reader's
//! outbox and inbox pages equal those of the same data dir with the render cache off.
use crate::common::{Client, Server};
use serde_json::{json, Value};

const PUBLIC: &str = "http://activityschema.org/collection/public";

struct People {
    alice: Client,
    bob: Client,
    carol: Client,
}

/// Every feed page each reader can read, by name.
fn pages(s: &Server, p: &People) -> Vec<(String, Value)> {
    let anon = s.client();
    let readers = [
        ("anon", &anon),
        ("alice", &p.alice),
        ("bob", &p.bob),
        ("carol", &p.carol),
    ];
    let mut out = Vec::new();
    for (who, c) in readers {
        for owner in ["alice", "bob", "carol"] {
            for feed in ["feed", "feed/major", "feed/minor"] {
                let path = format!("/api/user/{owner}/{feed}");
                out.push((format!("{who} {path}"), s.read(c, &path, 200)));
            }
        }
        if who != "anon" {
            for feed in ["inbox", "inbox/major", "inbox/minor", "inbox/direct"] {
                let path = format!("/api/user/{who}/{feed}");
                out.push((format!("{who} {path}"), s.read(c, &path, 200)));
            }
        }
    }
    out
}

fn note(s: &Server, c: &Client, nick: &str, text: &str, to: Value) -> String {
    let a = s.act(
        c,
        nick,
        json!({"verb": "post", "to": to,
        "object": {"objectType": "note", "content": text}}),
    );
    a["object"]["id"].as_str().unwrap().to_string()
}

fn run(change_log: u64) {
    let mut s = Server::with(json!({"responseCacheSize": 0, "changeLogSize": change_log}));
    let (_, alice) = s.register("alice", "correct7horse");
    let (_, bob) = s.register("bob", "correct7horse");
    let (_, carol) = s.register("carol", "correct7horse");
    let p = People { alice, bob, carol };
    let alice_id = s.url("/api/user/alice/profile");
    let carol_id = s.url("/api/user/carol/profile");
    s.act(
        &p.bob,
        "bob",
        json!({"verb": "follow", "object": {"objectType": "person", "id": alice_id}}),
    );
    let public = note(
        &s,
        &p.alice,
        "alice",
        "for all",
        json!([{"objectType": "collection", "id": PUBLIC}]),
    );
    let followers = s.url("/api/user/alice/followers");
    let private = note(
        &s,
        &p.alice,
        "alice",
        "for followers",
        json!([{"objectType": "collection", "id": followers}]),
    );
    s.act(
        &p.alice,
        "alice",
        json!({"verb": "post", "bto": [{"objectType": "person", "id": carol_id}],
        "object": {"objectType": "note", "content": "only carol"}}),
    );
    let doomed = note(
        &s,
        &p.alice,
        "alice",
        "soon gone",
        json!([{"objectType": "collection", "id": PUBLIC}]),
    );
    // Renderings of all of it are kept now.
    let before = pages(&s, &p);
    let on = |v: &str, id: &str| json!({"verb": v, "object": {"objectType": "note", "id": id}});
    s.act(&p.bob, "bob", on("favorite", &public));
    s.act(&p.bob, "bob", on("share", &public));
    s.act(&p.bob, "bob", on("favorite", &private));
    s.act(&p.carol, "carol", json!({"verb": "post", "to": [{"objectType": "collection", "id": PUBLIC}],
        "object": {"objectType": "comment", "content": "a reply", "inReplyTo": {"objectType": "note", "id": public}}}));
    s.act(&p.alice, "alice", json!({"verb": "update", "object": {"objectType": "note", "id": public, "content": "for all, edited"}}));
    s.act(&p.alice, "alice", on("delete", &doomed));
    s.act(&p.alice, "alice", json!({"verb": "update", "object": {"objectType": "person", "id": alice_id, "displayName": "Alice A."}}));
    s.act(
        &p.carol,
        "carol",
        json!({"verb": "follow", "object": {"objectType": "person", "id": alice_id}}),
    );
    s.act(&p.bob, "bob", on("unfavorite", &public));
    let kept = pages(&s, &p);
    assert_ne!(before, kept, "the changes show in the pages");
    // The same data dir with every rendering made afresh.
    let mut cfg: Value = serde_json::from_slice(&std::fs::read(&s.config).unwrap()).unwrap();
    cfg["renderCacheSize"] = json!(0);
    std::fs::write(&s.config, serde_json::to_vec(&cfg).unwrap()).unwrap();
    s.restart();
    let fresh = pages(&s, &p);
    assert_eq!(kept.len(), fresh.len());
    for ((name, k), (_, f)) in kept.iter().zip(&fresh) {
        assert_eq!(k, f, "{name} differs with kept renderings");
    }
    // The likes, the edit and the new name reached pages that had been kept before them.
    let liked = |who: &str| {
        let (_, page) = kept
            .iter()
            .find(|(n, _)| n == &format!("{who} /api/user/alice/feed"))
            .unwrap();
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["object"]["liked"] == json!(true))
    };
    assert!(liked("bob") && !liked("carol"));
}

#[test]
fn kept_renderings_equal_fresh_ones() {
    run(32_768);
}

#[test]
fn kept_renderings_stay_right_when_the_change_log_forgets() {
    run(8);
}
