//! Two and three pump servers federating over ActivityPub (`federationProtocol:
//! activitypub`): the same travels as the pump.io protocol's test in federation.rs.
use super::activitypub::ap_peer;
use super::federation::{listed, public, until_listed};
use crate::common::{eventually, Client, Server};
use serde_json::{json, Value};

/// `nick` at `s` as `user@host:port`.
fn address(s: &Server, nick: &str) -> String {
    format!("acct:{nick}@{}", s.addr)
}

/// `who` (at `from`) follows `nick` at `to` by address; returns the actor id followed.
fn follows(from: &Server, who: &Client, me: &str, to: &Server, nick: &str) -> String {
    let f = from.act(
        who,
        me,
        json!({"verb": "follow", "object": {"objectType": "person", "id": address(to, nick)}}),
    );
    let actor = to.url(&format!("/{nick}"));
    assert_eq!(f["object"]["id"], actor, "{f}");
    actor
}

/// The first activity about `oid` in `nick`'s inbox at `s`.
fn item(s: &Server, c: &Client, nick: &str, oid: &str) -> Value {
    let feed = s.read(c, &format!("/api/user/{nick}/inbox"), 200);
    feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["object"]["id"] == oid)
        .cloned()
        .unwrap_or(Value::Null)
}

/// `nick`'s copy of the object `oid` at `s`.
fn copy(s: &Server, c: &Client, nick: &str, oid: &str) -> Value {
    item(s, c, nick, oid)["object"].clone()
}

#[test]
fn follow_post_reply_like_share_update_delete_travel_over_activitypub() {
    let (a, b) = (ap_peer("127.0.0.2"), ap_peer("127.0.0.3"));
    let (_, alice) = a.register("alice", "correct7horse");
    let (_, bob) = b.register("bob", "correct7horse");
    let alice_actor = a.url("/alice");
    let bob_actor = follows(&a, &alice, "alice", &b, "bob");
    until_listed(&b, &bob, "/api/user/bob/followers", &alice_actor, true);

    let note = b.act(
        &bob,
        "bob",
        json!({"verb": "post", "to": public(),
               "object": {"objectType": "note", "content": "Hello over ActivityPub"}}),
    );
    let (aid, oid) = (
        note["id"].as_str().unwrap(),
        note["object"]["id"].as_str().unwrap(),
    );
    until_listed(&a, &alice, "/api/user/alice/inbox", aid, true);
    let seen = item(&a, &alice, "alice", oid);
    assert_eq!(seen["object"]["content"], "Hello over ActivityPub");
    assert_eq!(seen["actor"]["id"], bob_actor, "{seen}");

    // alice's reply, like and share land in the note's feeds at b.
    let uuid = oid.rsplit('/').next().unwrap();
    let reply = a.act(
        &alice,
        "alice",
        json!({"verb": "post", "object": {"objectType": "comment", "content": "Hi bob",
               "inReplyTo": {"id": oid, "objectType": "note"}}}),
    );
    let rid = reply["object"]["id"].as_str().unwrap();
    until_listed(&b, &bob, &format!("/api/note/{uuid}/replies"), rid, true);
    a.act(
        &alice,
        "alice",
        json!({"verb": "favorite", "object": {"id": oid, "objectType": "note"}}),
    );
    until_listed(
        &b,
        &bob,
        &format!("/api/note/{uuid}/likes"),
        &alice_actor,
        true,
    );
    a.act(
        &alice,
        "alice",
        json!({"verb": "share", "object": {"id": oid, "objectType": "note"}}),
    );
    until_listed(
        &b,
        &bob,
        &format!("/api/note/{uuid}/shares"),
        &alice_actor,
        true,
    );
    a.act(
        &alice,
        "alice",
        json!({"verb": "unfavorite", "object": {"id": oid, "objectType": "note"}}),
    );
    until_listed(
        &b,
        &bob,
        &format!("/api/note/{uuid}/likes"),
        &alice_actor,
        false,
    );

    // bob's update and delete reach alice's copy.
    let upd = b.act(
        &bob,
        "bob",
        json!({"verb": "update", "object": {"objectType": "note", "id": oid, "content": "Edited"}}),
    );
    until_listed(
        &a,
        &alice,
        "/api/user/alice/inbox",
        upd["id"].as_str().unwrap(),
        true,
    );
    assert_eq!(copy(&a, &alice, "alice", oid)["content"], "Edited");
    let del = b.act(
        &bob,
        "bob",
        json!({"verb": "delete", "object": {"objectType": "note", "id": oid}}),
    );
    until_listed(
        &a,
        &alice,
        "/api/user/alice/inbox",
        del["id"].as_str().unwrap(),
        true,
    );
    let gone = copy(&a, &alice, "alice", oid);
    assert!(gone["deleted"].is_string(), "{gone}");

    // bob renames himself: alice's server fetches his actor again.
    let r = b.signed(
        &bob,
        "PUT",
        "/api/user/bob/profile",
        Some(&json!({"displayName": "Robert"})),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let renamed = eventually(30, || {
        let f = a.read(&alice, "/api/user/alice/following", 200);
        f["items"][0]["displayName"] == "Robert"
    });
    assert!(
        renamed,
        "{}\n{}",
        a.read(&alice, "/api/user/alice/following", 200),
        a.log()
    );

    a.act(
        &alice,
        "alice",
        json!({"verb": "stop-following", "object": {"objectType": "person", "id": bob_actor}}),
    );
    until_listed(&b, &bob, "/api/user/bob/followers", &alice_actor, false);
}

#[test]
fn a_direct_note_over_activitypub_reaches_only_its_recipient() {
    let (a, b) = (ap_peer("127.0.0.2"), ap_peer("127.0.0.3"));
    let (_, alice) = a.register("alice", "correct7horse");
    let (_, bob) = b.register("bob", "correct7horse");
    let (_, carol) = b.register("carol", "correct7horse");
    // bob and carol, on one server, both follow alice.
    let alice_actor = follows(&b, &bob, "bob", &a, "alice");
    follows(&b, &carol, "carol", &a, "alice");
    for nick in ["bob", "carol"] {
        until_listed(
            &a,
            &alice,
            "/api/user/alice/followers",
            &b.url(&format!("/{nick}")),
            true,
        );
    }
    let direct = a.act(
        &alice,
        "alice",
        json!({"verb": "post", "to": [{"objectType": "person", "id": b.url("/bob")}],
               "object": {"objectType": "note", "content": "just for bob"}}),
    );
    let did = direct["id"].as_str().unwrap();
    until_listed(&b, &bob, "/api/user/bob/inbox/direct", did, true);
    // A public note after it reaches both; the direct one stayed with bob.
    let public_note = a.act(
        &alice,
        "alice",
        json!({"verb": "post", "to": public(),
               "object": {"objectType": "note", "content": "for everyone"}}),
    );
    let pid = public_note["id"].as_str().unwrap();
    until_listed(&b, &carol, "/api/user/carol/inbox", pid, true);
    until_listed(&b, &bob, "/api/user/bob/inbox", pid, true);
    assert!(!listed(&b, &carol, "/api/user/carol/inbox")
        .iter()
        .any(|x| x == did));
    assert!(!listed(&b, &carol, "/api/user/carol/inbox/direct")
        .iter()
        .any(|x| x == did));
    assert_eq!(
        item(&b, &bob, "bob", direct["object"]["id"].as_str().unwrap())["actor"]["id"],
        alice_actor
    );
}

#[test]
fn a_share_of_a_third_servers_note_shows_the_note() {
    let (a, b, c) = (
        ap_peer("127.0.0.2"),
        ap_peer("127.0.0.3"),
        ap_peer("127.0.0.4"),
    );
    let (_, alice) = a.register("alice", "correct7horse");
    let (_, bob) = b.register("bob", "correct7horse");
    let (_, carol) = c.register("carol", "correct7horse");
    follows(&a, &alice, "alice", &b, "bob");
    follows(&b, &bob, "bob", &c, "carol");
    until_listed(&b, &bob, "/api/user/bob/followers", &a.url("/alice"), true);
    until_listed(
        &c,
        &carol,
        "/api/user/carol/followers",
        &b.url("/bob"),
        true,
    );
    let note = c.act(
        &carol,
        "carol",
        json!({"verb": "post", "to": public(),
               "object": {"objectType": "note", "content": "Worth sharing"}}),
    );
    let oid = note["object"]["id"].as_str().unwrap();
    until_listed(
        &b,
        &bob,
        "/api/user/bob/inbox",
        note["id"].as_str().unwrap(),
        true,
    );
    let share = b.act(
        &bob,
        "bob",
        json!({"verb": "share", "object": {"objectType": "note", "id": oid}}),
    );
    until_listed(
        &a,
        &alice,
        "/api/user/alice/inbox",
        share["id"].as_str().unwrap(),
        true,
    );
    // a fetched the note from c: the share shows it, with carol as its author.
    let shared = item(&a, &alice, "alice", oid);
    assert_eq!(shared["verb"], "share", "{shared}");
    assert_eq!(shared["object"]["content"], "Worth sharing", "{shared}");
}
