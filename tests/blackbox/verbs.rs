//! Each verb's side effects (activities.md §5.1) and the object shortcuts (§5.4).
use crate::common::ids;
use crate::common::{Client, Server};
use serde_json::{json, Value};

const PUBLIC: &str = "http://activityschema.org/collection/public";

fn person(s: &Server, nick: &str) -> Value {
    json!({"objectType": "person", "id": s.url(&format!("/api/user/{nick}/profile"))})
}

fn note(s: &Server, who: &Client, nick: &str, public: bool) -> Value {
    let mut a =
        json!({"verb": "post", "object": {"objectType": "note", "content": format!("by {nick}")}});
    if public {
        a["to"] = json!([{"objectType": "collection", "id": PUBLIC}]);
    }
    s.act(who, nick, a)["object"].clone()
}

#[test]
fn follow_and_stop_following() {
    let s = Server::start();
    let (_, alice) = s.register("alice", "correct7horse");
    let (_, bob) = s.register("bob", "correct7horse");
    let a = s.act(
        &bob,
        "bob",
        json!({"verb": "follow", "object": person(&s, "alice")}),
    );
    // Default addressing of a person object: to them, cc followers.
    assert_eq!(a["to"][0]["id"], s.url("/api/user/alice/profile"));
    assert_eq!(a["cc"][0]["id"], s.url("/api/user/bob/followers"));
    let followers = s.read(&alice, "/api/user/alice/followers", 200);
    assert_eq!(followers["totalItems"], 1);
    assert_eq!(followers["displayName"], "Followers for alice");
    assert_eq!(followers["items"][0]["id"], s.url("/api/user/bob/profile"));
    assert_eq!(followers["items"][0]["pump_io"]["followed"], false);
    let following = s.read(&bob, "/api/user/bob/following", 200);
    assert_eq!(ids(&following), [s.url("/api/user/alice/profile")]);
    assert_eq!(following["items"][0]["pump_io"]["followed"], true);
    assert_eq!(
        s.read(&bob, "/api/user/alice", 200)["profile"]["pump_io"]["followed"],
        true
    );
    assert_eq!(
        s.read(&bob, "/api/user/alice/profile", 200)["followers"]["totalItems"],
        1
    );
    // The follow landed in alice's direct inbox as a notification (minor).
    assert_eq!(
        s.read(&alice, "/api/user/alice/inbox/direct/minor", 200)["items"][0]["verb"],
        "follow"
    );
    // Following twice is refused.
    assert_eq!(
        s.post(
            &bob,
            "bob",
            &json!({"verb": "follow", "object": person(&s, "alice")})
        )
        .status,
        400
    );
    s.act(
        &bob,
        "bob",
        json!({"verb": "stop-following", "object": person(&s, "alice")}),
    );
    assert_eq!(
        s.read(&alice, "/api/user/alice/followers", 200)["totalItems"],
        0
    );
    assert_eq!(
        s.read(&bob, "/api/user/bob/following", 200)["totalItems"],
        0
    );
    assert_eq!(
        s.post(
            &bob,
            "bob",
            &json!({"verb": "stop-following", "object": person(&s, "alice")})
        )
        .status,
        400
    );
    // POST /following is the same as a follow; it answers with the person.
    let r = s.signed(
        &bob,
        "POST",
        "/api/user/bob/following",
        Some(&person(&s, "alice")),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["id"], s.url("/api/user/alice/profile"));
    assert_eq!(
        s.read(&alice, "/api/user/alice/followers", 200)["totalItems"],
        1
    );
    assert_eq!(
        s.signed(
            &alice,
            "POST",
            "/api/user/bob/following",
            Some(&person(&s, "alice"))
        )
        .status,
        401
    );
    // Following someone remote works without discovery.
    s.act(&bob, "bob", json!({"verb": "follow", "object": {"objectType": "person", "id": "acct:carol@elsewhere.example"}}));
    assert_eq!(
        s.read(&bob, "/api/user/bob/following", 200)["totalItems"],
        2
    );
}

#[test]
fn favorite_and_unfavorite() {
    let s = Server::start();
    let (_, alice) = s.register("alice", "correct7horse");
    let (_, bob) = s.register("bob", "correct7horse");
    let n = note(&s, &alice, "alice", true);
    let nid = n["id"].as_str().unwrap();
    let a = s.act(
        &bob,
        "bob",
        json!({"verb": "favorite", "object": {"id": nid, "objectType": "note"}}),
    );
    // A like copies the liked post's audience.
    assert_eq!(a["to"][0]["id"], PUBLIC);
    let likes = s.read(&bob, &format!("{}/likes", s.path_of(nid)), 200);
    assert_eq!(ids(&likes), [s.url("/api/user/bob/profile")]);
    assert_eq!(
        likes["displayName"],
        "People who like by alice".replace("by alice", nid)
    );
    let got = s.read(&bob, &s.path_of(nid), 200);
    assert_eq!(got["liked"], true);
    assert_eq!(got["likes"]["totalItems"], 1);
    assert_eq!(
        got["likes"]["items"][0]["id"],
        s.url("/api/user/bob/profile")
    );
    assert_eq!(s.read(&alice, &s.path_of(nid), 200)["liked"], false);
    let favs = s.read(&alice, "/api/user/bob/favorites", 200);
    assert_eq!(ids(&favs), [nid]);
    assert_eq!(favs["displayName"], "Things that bob has favorited");
    assert_eq!(
        s.post(
            &bob,
            "bob",
            &json!({"verb": "like", "object": {"id": nid, "objectType": "note"}})
        )
        .status,
        400
    );
    s.act(
        &bob,
        "bob",
        json!({"verb": "unfavorite", "object": {"id": nid, "objectType": "note"}}),
    );
    assert_eq!(s.read(&bob, &s.path_of(nid), 200)["likes"]["totalItems"], 0);
    assert_eq!(
        s.read(&bob, "/api/user/bob/favorites", 200)["totalItems"],
        0
    );
    assert_eq!(
        s.post(
            &bob,
            "bob",
            &json!({"verb": "unlike", "object": {"id": nid, "objectType": "note"}})
        )
        .status,
        400
    );
    // POST /favorites answers with the object.
    let r = s.signed(
        &bob,
        "POST",
        "/api/user/bob/favorites",
        Some(&json!({"id": nid, "objectType": "note"})),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        (r.json()["id"].as_str(), r.json()["liked"].as_bool()),
        (Some(nid), Some(true))
    );
}

#[test]
fn liking_remote_objects_merges_richer_copies_but_not_local_ones() {
    let s = Server::start();
    let (_, alice) = s.register("alice", "correct7horse");
    let (_, bob) = s.register("bob", "correct7horse");
    let remote = "http://elsewhere.example/api/note/abc";
    s.act(
        &alice,
        "alice",
        json!({"verb": "favorite", "object": {"id": remote, "objectType": "note"}}),
    );
    s.act(&bob, "bob", json!({"verb": "favorite", "object": {"id": remote, "objectType": "note", "content": "Hello, world!"}}));
    let stored = s.read(&bob, "/api/user/bob/favorites", 200);
    assert_eq!(stored["items"][0]["content"], "Hello, world!");
    // The content came with bob's like, to bob's followers: alice, who liked the bare
    // reference first, is shown the reference (the original showed her bob's copy).
    let hers = s.read(&alice, "/api/user/alice/favorites", 200);
    assert_eq!(
        hers["items"][0],
        json!({"id": remote, "objectType": "note"})
    );
    // A remote stub has no creating activity: others may not read it.
    assert_eq!(
        s.read(
            &alice,
            &format!("/api/note?id={}", crate::common::oauth::enc(remote)),
            403
        )["error"],
        "No authorization for this object."
    );
    let n = note(&s, &alice, "alice", true);
    s.act(&bob, "bob", json!({"verb": "favorite", "object": {"id": n["id"], "objectType": "note", "content": "forged"}}));
    assert_eq!(
        s.read(&bob, &s.path_of(n["id"].as_str().unwrap()), 200)["content"],
        "by alice"
    );
}

#[test]
fn share_and_unshare() {
    let s = Server::start();
    let (_, alice) = s.register("alice", "correct7horse");
    let (_, bob) = s.register("bob", "correct7horse");
    let n = note(&s, &alice, "alice", true);
    let nid = n["id"].as_str().unwrap();
    let a = s.act(
        &bob,
        "bob",
        json!({"verb": "share", "object": {"id": nid, "objectType": "note"}}),
    );
    assert_eq!(a["cc"][0]["id"], s.url("/api/user/bob/followers"));
    assert_eq!(
        ids(&s.read(&bob, "/api/user/bob/feed/major", 200))[0],
        a["id"].as_str().unwrap()
    );
    let got = s.read(&bob, &s.path_of(nid), 200);
    assert_eq!(got["shares"]["totalItems"], 1);
    assert_eq!(got["pump_io"]["shared"], true);
    assert_eq!(
        got["shares"]["items"][0]["id"],
        s.url("/api/user/bob/profile")
    );
    let shares = s.read(&alice, &format!("{}/shares", s.path_of(nid)), 200);
    assert_eq!(ids(&shares), [s.url("/api/user/bob/profile")]);
    s.act(
        &bob,
        "bob",
        json!({"verb": "unshare", "object": {"id": nid, "objectType": "note"}}),
    );
    assert_eq!(
        s.read(&bob, &s.path_of(nid), 200)["shares"]["totalItems"],
        0
    );
    assert_eq!(
        s.post(
            &bob,
            "bob",
            &json!({"verb": "unshare", "object": {"id": nid, "objectType": "note"}})
        )
        .status,
        400
    );
}

#[test]
fn replies() {
    let s = Server::start();
    let (_, alice) = s.register("alice", "correct7horse");
    let (_, bob) = s.register("bob", "correct7horse");
    let (_, carol) = s.register("carol", "correct7horse");
    s.act(
        &bob,
        "bob",
        json!({"verb": "follow", "object": person(&s, "alice")}),
    );
    // henrietta/xtheowl of the spec: a note to bob, cc alice's followers.
    let a = s.act(&alice, "alice", json!({"verb": "post", "object": {"objectType": "note", "content": "parent"},
        "to": [person(&s, "bob")], "cc": [{"objectType": "collection", "id": s.url("/api/user/alice/followers")}]}));
    let nid = a["object"]["id"].as_str().unwrap();
    let r = s.act(
        &bob,
        "bob",
        json!({"verb": "post", "object": {"objectType": "comment", "content": "reply",
        "inReplyTo": {"id": nid, "objectType": "note"}}}),
    );
    // The reply goes to the parent's audience minus the replier, plus the parent's author.
    let to: Vec<&str> = r["to"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    assert_eq!(to, [s.url("/api/user/alice/profile")]);
    assert_eq!(r["cc"][0]["id"], s.url("/api/user/alice/followers"));
    let rid = r["object"]["id"].as_str().unwrap();
    let replies = s.read(&alice, &format!("{}/replies", s.path_of(nid)), 200);
    assert_eq!(ids(&replies), [rid]);
    assert!(replies["items"][0].get("inReplyTo").is_none());
    assert_eq!(replies["displayName"], format!("Replies to {nid}"));
    let parent = s.read(&alice, &s.path_of(nid), 200);
    assert_eq!(parent["replies"]["totalItems"], 1);
    assert_eq!(parent["replies"]["items"][0]["id"], rid);
    assert_eq!(s.read(&alice, &s.path_of(rid), 200)["inReplyTo"]["id"], nid);
    // A comment post is minor and direct to alice.
    assert_eq!(
        ids(&s.read(&alice, "/api/user/alice/inbox/direct/minor", 200))[0],
        r["id"].as_str().unwrap()
    );
    // carol is neither addressed nor a follower: she sees neither the note nor its replies.
    assert_eq!(
        s.read(&carol, &format!("{}/replies", s.path_of(nid)), 403)["error"],
        "Only the author and recipients can view this object."
    );
    // Deleting the reply removes it from the parent's replies.
    let del = s.signed(&bob, "DELETE", &s.path_of(rid), None);
    assert_eq!(del.status, 200);
    assert_eq!(
        s.read(&alice, &format!("{}/replies", s.path_of(nid)), 200)["totalItems"],
        0
    );
}

#[test]
fn lists_create_add_remove_delete() {
    let s = Server::start();
    let (_, alice) = s.register("alice", "correct7horse");
    let (_, bob) = s.register("bob", "correct7horse");
    let a = s.act(&alice, "alice", json!({"verb": "create", "object": {"objectType": "collection", "displayName": "Bands", "objectTypes": ["person"]}}));
    let list = a["object"].clone();
    let lid = list["id"].as_str().unwrap();
    assert!(lid.starts_with(&s.url("/api/collection/")));
    assert_eq!(list["members"]["url"], format!("{lid}/members"));
    assert_eq!(
        list["url"],
        s.url(&format!("/alice/list/{}", lid.rsplit('/').next().unwrap()))
    );
    assert_eq!(
        s.read(&alice, "/api/user/alice/lists/person", 200)["totalItems"],
        5
    );
    let dup = s.post(&alice, "alice", &json!({"verb": "create", "object": {"objectType": "collection", "displayName": "Bands", "objectTypes": ["person"]}}));
    assert_eq!(
        (dup.status, dup.json()["error"].as_str().unwrap()),
        (400, "A folder for 'person' named 'Bands' already exists.")
    );
    let target = json!({"id": lid, "objectType": "collection"});
    s.act(
        &alice,
        "alice",
        json!({"verb": "add", "object": person(&s, "bob"), "target": target}),
    );
    let members_path = format!("{}/members", s.path_of(lid));
    let m = s.read(&alice, &members_path, 200);
    assert_eq!(ids(&m), [s.url("/api/user/bob/profile")]);
    assert_eq!(m["displayName"], "Members of Bands by alice");
    assert_eq!(m["author"]["id"], s.url("/api/user/alice/profile"));
    assert_eq!(
        s.read(&alice, &s.path_of(lid), 200)["members"]["totalItems"],
        1
    );
    // Wrong type, not the author.
    let r = s.post(&alice, "alice", &json!({"verb": "add", "object": {"objectType": "note", "id": "urn:uuid:1"}, "target": target}));
    assert_eq!(
        (r.status, r.json()["error"].as_str().unwrap()),
        (400, format!("Can't add to {lid}: incorrect type.").as_str())
    );
    let r = s.post(
        &bob,
        "bob",
        &json!({"verb": "add", "object": person(&s, "alice"), "target": target}),
    );
    // bob may not even see alice's list (it went to her followers): 403, nothing changes.
    assert_eq!(
        (r.status, r.json()["error"].as_str().unwrap()),
        (
            403,
            format!("You may not see {lid}, so no activity of yours can refer to it.").as_str()
        )
    );
    // POST members is an add; answers with the object.
    let carol = json!({"objectType": "person", "id": "acct:carol@elsewhere.example"});
    let r = s.signed(&alice, "POST", &members_path, Some(&carol));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["id"], "acct:carol@elsewhere.example");
    assert_eq!(
        s.signed(&bob, "POST", &members_path, Some(&carol)).status,
        403
    );
    assert_eq!(s.read(&alice, &members_path, 200)["totalItems"], 2);
    s.act(
        &alice,
        "alice",
        json!({"verb": "remove", "object": person(&s, "bob"), "target": target}),
    );
    assert_eq!(s.read(&alice, &members_path, 200)["totalItems"], 1);
    assert_eq!(
        s.post(
            &alice,
            "alice",
            &json!({"verb": "remove", "object": person(&s, "bob"), "target": target})
        )
        .status,
        400
    );
    // Deleting the list takes it out of the lists feed.
    assert_eq!(
        s.signed(&alice, "DELETE", &s.path_of(lid), None).status,
        200
    );
    assert_eq!(
        s.read(&alice, "/api/user/alice/lists/person", 200)["totalItems"],
        4
    );
    assert_eq!(s.read(&alice, &members_path, 410)["error"], "Deleted");
}

#[test]
fn groups_join_leave_and_documents() {
    let s = Server::start();
    let (_, alice) = s.register("alice", "correct7horse");
    let (_, bob) = s.register("bob", "correct7horse");
    let (_, carol) = s.register("carol", "correct7horse");
    let a = s.act(
        &alice,
        "alice",
        json!({"verb": "create", "object": {"objectType": "group", "displayName": "Knitters"},
        "to": [person(&s, "bob")]}),
    );
    let g = a["object"].clone();
    let gid = g["id"].as_str().unwrap();
    assert_eq!(
        g["members"],
        json!({"url": format!("{gid}/members"), "totalItems": 0})
    );
    assert_eq!(g["documents"]["totalItems"], 0);
    assert_eq!(g["links"]["activity-inbox"]["href"], format!("{gid}/inbox"));
    let gpath = s.path_of(gid);
    for feed in ["members", "documents", "inbox"] {
        assert_eq!(
            s.read(&alice, &format!("{gpath}/{feed}"), 200)["totalItems"],
            0,
            "{feed}"
        );
    }
    let gref = json!({"id": gid, "objectType": "group"});
    // carol was not addressed: she may not join, nor read the members.
    assert!(
        s.post(&carol, "carol", &json!({"verb": "join", "object": gref}))
            .status
            >= 400
    );
    assert_eq!(
        s.read(&carol, &format!("{gpath}/members"), 403)["error"],
        "Only the author and recipients can view this object."
    );
    let j = s.act(&bob, "bob", json!({"verb": "join", "object": gref}));
    assert_eq!(j["to"][0]["id"], gid);
    let members = s.read(&alice, &format!("{gpath}/members"), 200);
    assert_eq!(ids(&members), [s.url("/api/user/bob/profile")]);
    assert_eq!(members["displayName"], "Members of Knitters");
    assert_eq!(
        s.post(&bob, "bob", &json!({"verb": "join", "object": gref}))
            .status,
        400
    );
    // A post to the group lands in its inbox and documents, and in the members' inboxes.
    let p = s.act(&bob, "bob", json!({"verb": "post", "object": {"objectType": "note", "content": "pattern"}, "target": gref}));
    assert_eq!(p["to"][0]["id"], gid);
    assert_eq!(
        ids(&s.read(&bob, &format!("{gpath}/inbox"), 200))[0],
        p["id"].as_str().unwrap()
    );
    assert_eq!(
        ids(&s.read(&bob, &format!("{gpath}/documents"), 200)),
        [p["object"]["id"].as_str().unwrap()]
    );
    let dup = s.post(&bob, "bob", &json!({"verb": "add", "object": {"id": p["object"]["id"], "objectType": "note"}, "target": gref}));
    assert_eq!(
        (dup.status, dup.json()["error"].as_str().unwrap()),
        (400, "Group already contains object.")
    );
    let nonmember = s.post(
        &alice,
        "alice",
        &json!({"verb": "post", "object": {"objectType": "note"}, "target": gref}),
    );
    assert_eq!(
        (
            nonmember.status,
            nonmember.json()["error"].as_str().unwrap()
        ),
        (400, "Actor is not a member of the group.")
    );
    s.act(&bob, "bob", json!({"verb": "leave", "object": gref}));
    assert_eq!(
        s.read(&alice, &format!("{gpath}/members"), 200)["totalItems"],
        0
    );
    assert_eq!(
        s.post(&bob, "bob", &json!({"verb": "leave", "object": gref}))
            .status,
        400
    );
    // Joining a remote group just records the membership.
    s.act(
        &carol,
        "carol",
        json!({"verb": "join", "object": {"objectType": "group", "id": "urn:uuid:remote-group"}}),
    );
}

#[test]
fn update_of_ones_own_person() {
    let s = Server::start();
    let (_, alice) = s.register("alice", "correct7horse");
    let (_, bob) = s.register("bob", "correct7horse");
    let a = s.act(&alice, "alice", json!({"verb": "update", "object": {"objectType": "person", "id": s.url("/api/user/alice/profile"), "displayName": "Alice A."}}));
    assert_eq!(a["object"]["displayName"], "Alice A.");
    assert_eq!(
        s.read(&bob, "/api/user/alice/profile", 200)["displayName"],
        "Alice A."
    );
    let r = s.post(&bob, "bob", &json!({"verb": "update", "object": {"objectType": "person", "id": s.url("/api/user/alice/profile"), "displayName": "x"}}));
    assert_eq!(
        (r.status, r.json()["error"].as_str().unwrap()),
        (
            400,
            format!(
                "Can't update {}: not you.",
                s.url("/api/user/alice/profile")
            )
            .as_str()
        )
    );
    let n = note(&s, &alice, "alice", true);
    let r = s.post(
        &bob,
        "bob",
        &json!({"verb": "update", "object": {"objectType": "note", "id": n["id"], "content": "x"}}),
    );
    assert_eq!(r.status, 400);
    assert!(r.json()["error"].as_str().unwrap().ends_with("not author."));
    let r = s.post(
        &bob,
        "bob",
        &json!({"verb": "delete", "object": {"objectType": "note", "id": n["id"]}}),
    );
    assert!(r.json()["error"].as_str().unwrap().ends_with("not author."));
    // Feed titles use the display name.
    assert_eq!(
        s.read(&bob, "/api/user/alice/feed", 200)["displayName"],
        "Activities by Alice A."
    );
}

#[test]
fn verbs_without_side_effects_are_stored_and_classified() {
    let s = Server::start();
    let (_, alice) = s.register("alice", "correct7horse");
    let place = json!({"objectType": "place", "displayName": "Café"});
    let c = s.act(&alice, "alice", json!({"verb": "checkin", "object": place}));
    assert_eq!(c["object"]["displayName"], "Café");
    assert!(c["content"].as_str().unwrap().contains("checked into"));
    let major = ids(&s.read(&alice, "/api/user/alice/feed/major", 200));
    assert_eq!(major, [c["id"].as_str().unwrap()]);
    for verb in ["rsvp-yes", "watch", "read", "tag"] {
        let a = s.act(&alice, "alice", json!({"verb": verb, "object": {"objectType": "video", "id": format!("urn:uuid:{verb}")}}));
        assert_eq!(a["verb"], verb);
        assert_eq!(
            ids(&s.read(&alice, "/api/user/alice/feed/minor", 200))[0],
            a["id"].as_str().unwrap()
        );
    }
    let r = s.act(
        &alice,
        "alice",
        json!({"verb": "rsvp-yes", "object": {"objectType": "event", "displayName": "Party"}}),
    );
    assert!(r["content"].as_str().unwrap().contains("will attend"));
}
