//! Feed pages from kept renderings (`renderCacheSize`) say what pages rendered afresh say:
//! after likes, shares, replies, edits, deletes, follows, lists and private posts, every
//! reader's outbox and inbox pages equal those of the same data dir with the render cache off
//! (where every activity is rendered by `render::activity`, as before kept renderings).
use crate::common::{Client, Server};
use serde_json::{json, Value};

const PUBLIC: &str = "http://activityschema.org/collection/public";

struct People {
    alice: Client,
    bob: Client,
    carol: Client,
}

/// A page as parsed, and how often the members a reader's decorations write occur in its
/// bytes (a doubled member would vanish in the parse).
type Page = (Value, usize, usize);

fn read(s: &Server, c: &Client, path: &str) -> Page {
    let r = s.signed(c, "GET", path, None);
    assert_eq!(r.status, 200, "GET {path}: {}", r.text());
    let text = r.text();
    let count = |m: &str| text.matches(m).count();
    (r.json(), count("\"liked\":"), count("\"pump_io\":"))
}

/// Every feed page each reader can read, by name.
fn pages(s: &Server, p: &People) -> Vec<(String, Page)> {
    let anon = s.client();
    let readers = [
        ("anon", &anon),
        ("alice", &p.alice),
        ("bob", &p.bob),
        ("carol", &p.carol),
    ];
    let feeds = [
        "feed",
        "feed/major",
        "feed/minor",
        "feed?count=3",
        "feed?offset=2&count=4",
    ];
    let mut out = Vec::new();
    for (who, c) in readers {
        for owner in ["alice", "bob", "carol"] {
            for feed in feeds {
                let path = format!("/api/user/{owner}/{feed}");
                out.push((format!("{who} {path}"), read(s, c, &path)));
            }
        }
        if who != "anon" {
            for feed in ["inbox", "inbox/major", "inbox/minor", "inbox/direct"] {
                let path = format!("/api/user/{who}/{feed}");
                out.push((format!("{who} {path}"), read(s, c, &path)));
            }
        }
    }
    out
}

fn to(id: &str) -> Value {
    json!([{"objectType": "collection", "id": id}])
}

fn post(s: &Server, c: &Client, nick: &str, to: Value, object: Value) -> Value {
    s.act(c, nick, json!({"verb": "post", "to": to, "object": object}))
}

fn note(s: &Server, c: &Client, nick: &str, text: &str, to: Value) -> String {
    let object = json!({"objectType": "note", "content": text});
    let a = post(s, c, nick, to, object);
    a["object"]["id"].as_str().unwrap().to_string()
}

/// What is there before the first reads: public, followers-only and bto posts, posts whose
/// objects carry members the decorations also write, a list with a member.
fn seed(s: &Server, p: &People) -> (String, String, String, Value) {
    let alice_id = s.url("/api/user/alice/profile");
    let follow = json!({"verb": "follow", "object": {"objectType": "person", "id": alice_id}});
    s.act(&p.bob, "bob", follow);
    let public = note(s, &p.alice, "alice", "for all", to(PUBLIC));
    let followers = to(&s.url("/api/user/alice/followers"));
    let private = note(s, &p.alice, "alice", "for followers", followers);
    let carol = json!([{"objectType": "person", "id": s.url("/api/user/carol/profile")}]);
    let secret = json!({"objectType": "note", "content": "only carol"});
    s.act(
        &p.alice,
        "alice",
        json!({"verb": "post", "bto": carol, "object": secret}),
    );
    let doomed = note(s, &p.alice, "alice", "soon gone", to(PUBLIC));
    for extra in [
        json!({"pump_io": {"followed": true, "x": 1}}),
        json!({"pump_io": "odd"}),
        json!({"liked": true}),
    ] {
        let mut object = json!({"objectType": "note", "content": "with extras"});
        let members = extra.as_object().unwrap().clone();
        object.as_object_mut().unwrap().extend(members);
        post(s, &p.alice, "alice", to(PUBLIC), object);
    }
    let list = json!({"objectType": "collection", "objectTypes": ["person"], "displayName": "Pi"});
    let list =
        s.act(&p.alice, "alice", json!({"verb": "create", "object": list}))["object"].clone();
    let bob = json!({"objectType": "person", "id": s.url("/api/user/bob/profile")});
    s.act(
        &p.alice,
        "alice",
        json!({"verb": "add", "object": bob, "target": list}),
    );
    (public, private, doomed, list)
}

/// Changes to what the first reads rendered.
fn change(s: &Server, p: &People, public: &str, private: &str, doomed: &str, list: &Value) {
    let on = |v: &str, id: &str| json!({"verb": v, "object": {"objectType": "note", "id": id}});
    s.act(&p.bob, "bob", on("favorite", public));
    s.act(&p.bob, "bob", on("share", public));
    s.act(&p.bob, "bob", on("favorite", private));
    let parent = json!({"objectType": "note", "id": public});
    let reply = json!({"objectType": "comment", "content": "a reply", "inReplyTo": parent});
    post(s, &p.carol, "carol", to(PUBLIC), reply);
    let edit = json!({"objectType": "note", "id": public, "content": "for all, edited"});
    s.act(&p.alice, "alice", json!({"verb": "update", "object": edit}));
    s.act(&p.alice, "alice", on("delete", doomed));
    let alice_id = s.url("/api/user/alice/profile");
    let name = json!({"objectType": "person", "id": alice_id, "displayName": "Alice A."});
    s.act(&p.alice, "alice", json!({"verb": "update", "object": name}));
    let follow = json!({"verb": "follow", "object": {"objectType": "person", "id": alice_id}});
    s.act(&p.carol, "carol", follow);
    s.act(&p.bob, "bob", on("unfavorite", public));
    // A reply only bob's followers (nobody) may see, under a public note: hidden in previews.
    let quiet = json!({"objectType": "comment", "content": "quiet", "inReplyTo": parent});
    post(
        s,
        &p.bob,
        "bob",
        to(&s.url("/api/user/bob/followers")),
        quiet,
    );
    let listed = json!({"verb": "post", "to": to(PUBLIC), "cc": [list],
        "object": {"objectType": "note", "content": "to my list"}});
    s.act(&p.alice, "alice", listed);
}

fn run(cache: Value) {
    let mut s = Server::with(cache);
    let (_, alice) = s.register("alice", "correct7horse");
    let (_, bob) = s.register("bob", "correct7horse");
    let (_, carol) = s.register("carol", "correct7horse");
    let p = People { alice, bob, carol };
    let (public, private, doomed, list) = seed(&s, &p);
    // Renderings of all of it are kept now.
    let before = pages(&s, &p);
    change(&s, &p, &public, &private, &doomed, &list);
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
    // Bob's like reached a page that had been kept before it; carol sees no like of hers.
    let liked = |who: &str| {
        let path = format!("{who} /api/user/alice/feed");
        let (_, (page, _, _)) = kept.iter().find(|(n, _)| n == &path).unwrap();
        let items = page["items"].as_array().unwrap();
        items.iter().any(|a| a["object"]["liked"] == json!(true))
    };
    assert!(liked("bob") && !liked("carol"));
}

#[test]
fn kept_renderings_equal_fresh_ones() {
    run(json!({"responseCacheSize": 0}));
}

#[test]
fn kept_renderings_stay_right_when_the_change_log_forgets() {
    run(json!({"responseCacheSize": 0, "changeLogSize": 8}));
}

#[test]
fn kept_renderings_stay_right_when_evicted_and_with_the_response_cache() {
    run(json!({"renderCacheSize": 20_000}));
}
