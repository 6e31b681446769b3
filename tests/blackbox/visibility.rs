//! The visibility matrix (activities.md §6): addressing × reader × endpoint. Every cell is
//! checked, and no bto/bcc address reaches anyone but the actor.
use crate::common::{Client, Server};
use serde_json::{json, Value};

const PUBLIC: &str = "http://activityschema.org/collection/public";

fn id(s: &Server, nick: &str) -> String {
    s.url(&format!("/api/user/{nick}/profile"))
}

fn person(s: &Server, nick: &str) -> Value {
    json!({"objectType": "person", "id": id(s, nick)})
}

/// Whether `v` (any JSON) mentions bto or bcc anywhere.
fn has_blind(v: &Value) -> bool {
    match v {
        Value::Object(m) => {
            m.contains_key("bto") || m.contains_key("bcc") || m.values().any(has_blind)
        }
        Value::Array(a) => a.iter().any(has_blind),
        _ => false,
    }
}

/// Item ids of a feed; unless `actor` reads it, the feed must not show bto/bcc.
fn feed_ids(s: &Server, c: &Client, path: &str, actor: bool) -> Vec<String> {
    let f = s.read(c, &format!("{path}?count=200"), 200);
    assert!(actor || !has_blind(&f), "{path} leaks bto/bcc: {f}");
    f["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn addressing_by_reader_by_endpoint() {
    let s = Server::with(json!({"driver": "memory"}));
    let (_, alice) = s.register("alice", "correct7horse");
    let (_, bob) = s.register("bob", "correct7horse");
    let (_, carol) = s.register("carol", "correct7horse");
    let (_, dave) = s.register("dave", "correct7horse");
    let anon = s.client();
    // bob follows alice, is in alice's list "Close", and is in alice's group.
    s.act(
        &bob,
        "bob",
        json!({"verb": "follow", "object": person(&s, "alice")}),
    );
    let list = s.act(&alice, "alice", json!({"verb": "create", "object": {"objectType": "collection", "displayName": "Close", "objectTypes": ["person"]}}))["object"].clone();
    s.act(&alice, "alice", json!({"verb": "add", "object": person(&s, "bob"), "target": {"id": list["id"], "objectType": "collection"}}));
    let group = s.act(&alice, "alice", json!({"verb": "create", "object": {"objectType": "group", "displayName": "G"}, "to": [person(&s, "bob")]}))["object"].clone();
    s.act(
        &bob,
        "bob",
        json!({"verb": "join", "object": {"id": group["id"], "objectType": "group"}}),
    );

    let addressings: Vec<(&str, Value)> = vec![
        (
            "public",
            json!({"to": [{"objectType": "collection", "id": PUBLIC}]}),
        ),
        (
            "followers",
            json!({"to": [{"objectType": "collection", "id": s.url("/api/user/alice/followers")}]}),
        ),
        (
            "list",
            json!({"to": [{"objectType": "collection", "id": list["id"]}]}),
        ),
        ("to carol", json!({"to": [person(&s, "carol")]})),
        (
            "bto carol",
            json!({"bto": [person(&s, "carol")], "bcc": [person(&s, "dave")]}),
        ),
        (
            "group",
            json!({"to": [{"objectType": "group", "id": group["id"]}]}),
        ),
    ];
    // Who may see each: (alice, bob, carol, dave, anonymous). dave is bcc'd in "bto carol".
    let expected = [
        ("public", [true, true, true, true, true]),
        ("followers", [true, true, false, false, false]),
        ("list", [true, true, false, false, false]),
        ("to carol", [true, false, true, false, false]),
        ("bto carol", [true, false, true, true, false]),
        ("group", [true, true, false, false, false]),
    ];
    // Whose inbox it reaches (besides alice's own).
    let delivered = [
        ("public", [true, true, false, false]),
        ("followers", [true, true, false, false]),
        ("list", [true, true, false, false]),
        ("to carol", [true, false, true, false]),
        ("bto carol", [true, false, true, true]),
        ("group", [true, true, false, false]),
    ];
    let readers: [(&str, &Client, Option<&str>); 5] = [
        ("alice", &alice, Some("alice")),
        ("bob", &bob, Some("bob")),
        ("carol", &carol, Some("carol")),
        ("dave", &dave, Some("dave")),
        ("anonymous", &anon, None),
    ];
    for ((name, addressing), ((_, may), (_, inbox))) in addressings
        .iter()
        .zip(expected.iter().zip(delivered.iter()))
    {
        let mut a = addressing.clone();
        a["verb"] = json!("post");
        a["object"] = json!({"objectType": "note", "content": format!("for {name}")});
        let posted = s.act(&alice, "alice", a);
        assert!(
            posted.get("bto").is_some() == (*name == "bto carol"),
            "the actor sees bto: {posted}"
        );
        let aid = posted["id"].as_str().unwrap().to_string();
        let oid = posted["object"]["id"].as_str().unwrap().to_string();
        for (i, (reader, client, nick)) in readers.iter().enumerate() {
            let cell = format!("{name} × {reader}");
            let status = if may[i] { 200 } else { 403 };
            let act = s.read(client, &s.path_of(&aid), status);
            let obj = s.read(client, &s.path_of(&oid), status);
            let replies = s.read(client, &format!("{}/replies", s.path_of(&oid)), status);
            let likes = s.read(client, &format!("{}/likes", s.path_of(&oid)), status);
            if i != 0 {
                for v in [&act, &obj, &replies, &likes] {
                    assert!(!has_blind(v), "{cell}: bto/bcc leaked: {v}");
                }
            }
            let outbox = feed_ids(&s, client, "/api/user/alice/feed", i == 0);
            assert_eq!(outbox.contains(&aid), may[i], "{cell}: author's outbox");
            let major = feed_ids(&s, client, "/api/user/alice/feed/major", i == 0);
            assert_eq!(
                major.contains(&aid),
                may[i],
                "{cell}: author's major outbox"
            );
            if let (Some(n), true) = (nick, i < 4) {
                let mine = feed_ids(&s, client, &format!("/api/user/{n}/inbox"), i == 0);
                assert_eq!(mine.contains(&aid), inbox[i], "{cell}: reader's inbox");
                let direct = feed_ids(&s, client, &format!("/api/user/{n}/inbox/direct"), i == 0);
                let is_direct = *n == "carol" && (*name == "to carol" || *name == "bto carol");
                assert_eq!(
                    direct.contains(&aid),
                    is_direct,
                    "{cell}: reader's direct inbox"
                );
            }
        }
        // A public reply by alice shows its parent only to whom may see the parent.
        let reply = s.act(&alice, "alice", json!({"to": [{"objectType": "collection", "id": PUBLIC}],
            "object": {"objectType": "comment", "content": "re", "inReplyTo": {"id": oid, "objectType": "note"}}}));
        let rpath = s.path_of(reply["object"]["id"].as_str().unwrap());
        for (i, (reader, client, _)) in readers.iter().enumerate() {
            let parent = &s.read(client, &rpath, 200)["inReplyTo"];
            assert_eq!(
                parent.get("content").is_some(),
                may[i],
                "{name} × {reader}: reply's parent {parent}"
            );
        }
        // Only public posts can be shared; bob may not even name what he may not see.
        let share = s.post(
            &bob,
            "bob",
            &json!({"verb": "share", "object": {"id": oid, "objectType": "note"}}),
        );
        let want = match (*name, may[1]) {
            ("public", _) => 200,
            (_, true) => 400,
            (_, false) => 403,
        };
        assert_eq!(share.status, want, "{name}: bob shares: {}", share.text());
        if want == 200 {
            let shared = s.read(&bob, "/api/user/bob/feed", 200);
            assert!(shared.to_string().contains(&oid), "{shared}");
        }
        // The group's inbox holds group posts only; its members may read it.
        let gin = feed_ids(
            &s,
            &bob,
            &format!("{}/inbox", s.path_of(group["id"].as_str().unwrap())),
            false,
        );
        assert_eq!(gin.contains(&aid), *name == "group", "{name}: group inbox");
    }
    // A list's members are for whom may see the list (alice's followers: bob).
    let members = format!("{}/members", s.path_of(list["id"].as_str().unwrap()));
    for ((reader, client, _), may) in readers.iter().zip([true, true, false, false, false]) {
        let status = if may { 200 } else { 403 };
        let m = s.read(client, &members, status);
        assert_eq!(
            m.to_string().contains("/api/user/bob/profile"),
            may,
            "list members × {reader}: {m}"
        );
    }
    // totalItems counts hidden items too (api.md §3.2).
    let for_anon = s.read(&anon, "/api/user/alice/feed", 200);
    let for_alice = s.read(&alice, "/api/user/alice/feed", 200);
    assert_eq!(for_anon["totalItems"], for_alice["totalItems"]);
    assert!(
        for_anon["items"].as_array().unwrap().len() < for_alice["items"].as_array().unwrap().len()
    );
}

#[test]
fn favorites_hide_private_objects_from_others() {
    let s = Server::with(json!({"driver": "memory"}));
    let (_, alice) = s.register("alice", "correct7horse");
    let (_, bob) = s.register("bob", "correct7horse");
    let private = s.act(
        &alice,
        "alice",
        json!({"object": {"objectType": "note", "content": "secret"}, "to": [person(&s, "bob")]}),
    );
    let public = s.act(&alice, "alice", json!({"object": {"objectType": "note", "content": "open"}, "to": [{"objectType": "collection", "id": PUBLIC}]}));
    for a in [&private, &public] {
        s.act(
            &bob,
            "bob",
            json!({"verb": "favorite", "object": {"id": a["object"]["id"], "objectType": "note"}}),
        );
    }
    let own = s.read(&bob, "/api/user/bob/favorites", 200);
    assert_eq!(own["items"].as_array().unwrap().len(), 2);
    let anon = s.read(&s.client(), "/api/user/bob/favorites", 200);
    assert_eq!(anon["totalItems"], 2);
    let shown: Vec<&str> = anon["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["content"].as_str().unwrap())
        .collect();
    assert_eq!(shown, ["open"]);
}

#[test]
fn replies_do_not_inherit_blind_copies() {
    let s = Server::with(json!({"driver": "memory"}));
    let (_, alice) = s.register("alice", "correct7horse");
    let (_, bob) = s.register("bob", "correct7horse");
    let (_, dave) = s.register("dave", "correct7horse");
    let parent = s.act(
        &alice,
        "alice",
        json!({"object": {"objectType": "note", "content": "p"},
        "to": [person(&s, "bob")], "bcc": [person(&s, "dave")]}),
    );
    let reply = s.act(&bob, "bob", json!({"object": {"objectType": "comment", "content": "r", "inReplyTo": {"id": parent["object"]["id"], "objectType": "note"}}}));
    // bob, the replier, sees his own activity's addresses: dave is not among them.
    assert!(
        !reply.to_string().contains("/api/user/dave/profile"),
        "{reply}"
    );
    assert!(!feed_ids(&s, &dave, "/api/user/dave/inbox", false)
        .contains(&reply["id"].as_str().unwrap().to_string()));
}
