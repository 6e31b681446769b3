//! A data dir written by an earlier release opens with this binary and answers as before
//! (tests/fixtures/datadir-0.1.0.tar.gz, made by `make_fixture` below with that release's
//! binary: `PUMP_BIN=<old pump> cargo test --test blackbox make_fixture -- --ignored`).
use crate::common::{Client, Server};
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Ids in the fixture name `http://127.0.0.1` (urlPort 80), whatever port the test listens on.
const BASE: &str = "http://127.0.0.1";
const PASSWORD: &str = "correct7horse";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/datadir-0.1.0.tar.gz")
}

fn config() -> Value {
    json!({"urlPort": 80, "redirectToCanonical": false})
}

fn path(id: &str) -> String {
    id.strip_prefix(BASE).unwrap_or(id).to_string()
}

/// A local person by the id the server gives it (`acct:`, as urlPort is 80).
fn person(nick: &str) -> Value {
    json!({"objectType": "person", "id": format!("acct:{nick}@127.0.0.1")})
}

/// The reads whose answers must not change, as (reader, path).
fn reads(list: &str, note: &str) -> Vec<(&'static str, String)> {
    vec![
        ("anonymous", "/api/user/alice/feed".into()),
        ("bob", "/api/user/alice/feed".into()),
        ("bob", "/api/user/bob/inbox".into()),
        ("carol", "/api/user/carol/inbox".into()),
        ("alice", format!("{}/members", path(list))),
        ("anonymous", "/api/user/alice/profile".into()),
        ("bob", path(note)),
        ("bob", "/api/user/bob/favorites".into()),
        ("alice", "/api/user/alice/favorites".into()),
    ]
}

fn reader(s: &Server, users: &Map<String, Value>, who: &str) -> Client {
    match users.get(who) {
        Some(t) => s
            .client()
            .with_token(t[0].as_str().unwrap(), t[1].as_str().unwrap()),
        None => s.client(),
    }
}

/// Where `a` and `b` first differ, as a JSON pointer with both values.
fn difference(a: &Value, b: &Value, at: String) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => x.keys().chain(y.keys()).find_map(|k| {
            difference(
                &x.get(k).cloned().unwrap_or(Value::Null),
                &y.get(k).cloned().unwrap_or(Value::Null),
                format!("{at}/{k}"),
            )
        }),
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (p, q))| difference(p, q, format!("{at}/{i}"))),
        _ if a == b => None,
        _ => Some(format!("{at}: {a} before, {b} now")),
    }
}

#[test]
#[ignore = "makes the fixture with an earlier release's binary (PUMP_BIN)"]
fn make_fixture() {
    let mut s = Server::with(config());
    let mut users = Map::new();
    for nick in ["alice", "bob", "carol"] {
        let (u, _) = s.register(nick, PASSWORD);
        users.insert(nick.into(), json!([u["token"], u["secret"]]));
    }
    let c = |n: &str| reader(&s, &users, n);
    let public =
        json!([{"objectType": "collection", "id": "http://activityschema.org/collection/public"}]);
    s.act(
        &c("bob"),
        "bob",
        json!({"verb": "follow", "object": person("alice")}),
    );
    s.act(
        &c("carol"),
        "carol",
        json!({"verb": "follow", "object": person("alice")}),
    );
    let note = s.act(
        &c("alice"),
        "alice",
        json!({"object": {"objectType": "note", "content": "hello world"}, "to": public}),
    );
    s.act(
        &c("alice"),
        "alice",
        json!({"object": {"objectType": "note", "content": "for followers"}}),
    );
    s.act(
        &c("alice"),
        "alice",
        json!({"object": {"objectType": "note", "content": "for bob"}, "to": [person("bob")]}),
    );
    let list = s.act(&c("alice"), "alice", json!({"verb": "create", "object": {"objectType": "collection", "displayName": "Close", "objectTypes": ["person"]}}))["object"].clone();
    s.act(&c("alice"), "alice", json!({"verb": "add", "object": person("bob"), "target": {"id": list["id"], "objectType": "collection"}}));
    s.act(&c("alice"), "alice", json!({"object": {"objectType": "note", "content": "for the list"}, "to": [{"objectType": "collection", "id": list["id"]}]}));
    let nid = note["object"]["id"].as_str().unwrap().to_string();
    let bare = json!({"objectType": "note", "id": nid});
    s.act(
        &c("bob"),
        "bob",
        json!({"verb": "favorite", "object": bare}),
    );
    s.act(
        &c("bob"),
        "bob",
        json!({"object": {"objectType": "comment", "content": "hi alice", "inReplyTo": bare}}),
    );
    s.act(
        &c("carol"),
        "carol",
        json!({"verb": "share", "object": bare}),
    );
    // A foreign object with an author, known only from the activity that brought it.
    let far = json!({"objectType": "note", "id": "http://elsewhere.example/n/1", "content": "liked far away",
        "author": {"objectType": "person", "id": "acct:x@elsewhere.example"}});
    s.act(
        &c("alice"),
        "alice",
        json!({"verb": "favorite", "object": far}),
    );
    let lid = list["id"].as_str().unwrap().to_string();
    let mut answers = Vec::new();
    for (who, p) in reads(&lid, &nid) {
        answers.push(json!([who, p, s.read(&c(who), &p, 200)]));
    }
    assert!(s.signal_and_wait("TERM").success());
    let meta = json!({"users": users, "list": lid, "note": nid, "answers": answers});
    std::fs::write(
        s.dir.join("fixture.json"),
        serde_json::to_vec_pretty(&meta).unwrap(),
    )
    .unwrap();
    std::fs::create_dir_all(fixture().parent().unwrap()).unwrap();
    let tarred = Command::new("tar")
        .arg("-czf")
        .arg(fixture())
        .arg("-C")
        .arg(&s.dir)
        .args(["db", "fixture.json"])
        .status()
        .unwrap();
    assert!(tarred.success());
}

#[test]
fn a_data_dir_of_the_previous_release_opens_and_answers_the_same() {
    let s = Server::prepared(config(), |dir| {
        let untarred = Command::new("tar")
            .arg("-xzf")
            .arg(fixture())
            .arg("-C")
            .arg(dir)
            .status()
            .expect("tar");
        assert!(untarred.success());
    });
    let meta: Value =
        serde_json::from_slice(&std::fs::read(s.dir.join("fixture.json")).unwrap()).unwrap();
    let users = meta["users"].as_object().unwrap().clone();
    let (list, note) = (
        meta["list"].as_str().unwrap(),
        meta["note"].as_str().unwrap(),
    );
    for a in meta["answers"].as_array().unwrap() {
        let (who, p) = (a[0].as_str().unwrap(), a[1].as_str().unwrap());
        let now = s.read(&reader(&s, &users, who), p, 200);
        let diff = difference(&a[2], &now, String::new());
        assert!(diff.is_none(), "{who} reads {p} differently: {diff:?}");
    }
    assert_eq!(
        reads(list, note).len(),
        meta["answers"].as_array().unwrap().len()
    );
    // The tables this release added work on the old store: sessions, reserved nicknames.
    assert!(s.can_log_in("alice", PASSWORD));
    let carol = reader(&s, &users, "carol");
    assert_eq!(
        s.signed(&carol, "DELETE", "/api/user/carol", None).status,
        200
    );
    let again = s.signed(
        &s.client(),
        "POST",
        "/api/users",
        Some(&json!({"nickname": "carol", "password": PASSWORD})),
    );
    assert_eq!(again.status, 409, "{}", again.text());
    // A member added by the other form of its id (the profile URL) is still a member.
    let (alice, bob) = (reader(&s, &users, "alice"), reader(&s, &users, "bob"));
    let target = json!({"id": list, "objectType": "collection"});
    let by_url = json!({"objectType": "person", "id": format!("{BASE}/api/user/bob/profile")});
    s.act(
        &alice,
        "alice",
        json!({"verb": "remove", "object": person("bob"), "target": target}),
    );
    s.act(
        &alice,
        "alice",
        json!({"verb": "add", "object": by_url, "target": target}),
    );
    let post = s.act(
        &alice,
        "alice",
        json!({"object": {"objectType": "note", "content": "after the upgrade"},
        "to": [{"objectType": "collection", "id": list}]}),
    );
    let seen = s.read(&bob, &path(post["object"]["id"].as_str().unwrap()), 200);
    assert_eq!(seen["content"], "after the upgrade");
}
