//! Deliveries from other servers: `POST /api/user/<nick>/inbox` and the group inbox
//! (api.md §10.4, federation.md §6.2-6.3), with clients bound to a remote host or account.
use crate::common::{Client, Server};
use serde_json::json;

fn server() -> Server {
    Server::with(json!({"clients": [
        {"client_id": crate::common::server::CLIENT_KEY, "client_secret": crate::common::server::CLIENT_SECRET},
        {"client_id": "HOSTCLIENT", "client_secret": "HOSTSECRET", "host": "social.localhost"},
        {"client_id": "WFCLIENT", "client_secret": "WFSECRET", "webfinger": "user0@social.localhost"}
    ]}))
}

#[test]
fn remote_activities_are_checked_stored_once_and_placed() {
    let s = server();
    let (_, alice) = s.register("alice", "correct7horse");
    let host = Client::new("HOSTCLIENT", "HOSTSECRET");
    let wf = Client::new("WFCLIENT", "WFSECRET");
    let note = s.act(
        &alice,
        "alice",
        json!({"object": {"objectType": "image", "displayName": "pic"},
        "to": [{"objectType": "collection", "id": "http://activityschema.org/collection/public"}]}),
    )["object"]
        .clone();
    // No credentials; a client not bound to anyone.
    assert_eq!(
        s.req(
            "POST",
            "/api/user/alice/inbox",
            &[("Content-Type", "application/json")],
            b"{}"
        )
        .status,
        400
    );
    let unbound = s.signed(
        &s.client(),
        "POST",
        "/api/user/alice/inbox",
        Some(&json!({})),
    );
    assert_eq!(
        (unbound.status, unbound.json()["error"].as_str().unwrap()),
        (401, "Authentication required")
    );
    // A host-bound client speaking as its server.
    let by_host = json!({"id": "http://social.localhost/api/activity/h1", "verb": "post",
        "actor": {"objectType": "service", "id": "http://social.localhost/"},
        "object": {"objectType": "note", "id": "http://social.localhost/api/note/n1", "content": "from afar"},
        "to": [{"objectType": "person", "id": s.url("/api/user/alice/profile")}]});
    let r = s.signed(&host, "POST", "/api/user/alice/inbox", Some(&by_host));
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.json().get("received").is_some());
    // A webfinger-bound client speaking for someone else.
    let forged = json!({"id": "http://social.localhost/api/activity/f1", "verb": "post",
        "actor": {"objectType": "person", "id": "acct:user2@social.localhost"}, "object": {"objectType": "note", "content": "x"}});
    let r = s.signed(&wf, "POST", "/api/user/alice/inbox", Some(&forged));
    assert_eq!(
        (r.status, r.json()["error"].as_str().unwrap()),
        (
            400,
            "Actor is invalid since acct:user2@social.localhost is not acct:user0@social.localhost"
        )
    );
    // The right one: a remote like and a remote comment on alice's image, and a follow.
    let actor = json!({"objectType": "person", "id": "acct:user0@social.localhost", "displayName": "User Zero"});
    let like = json!({"id": "http://social.localhost/api/activity/l1", "verb": "favorite", "actor": actor, "object": {"id": note["id"], "objectType": "image"}});
    assert_eq!(
        s.signed(&wf, "POST", "/api/user/alice/inbox", Some(&like))
            .status,
        200
    );
    // Delivered twice: stored and applied once.
    assert_eq!(
        s.signed(&wf, "POST", "/api/user/alice/inbox", Some(&like))
            .status,
        200
    );
    let comment = json!({"id": "http://social.localhost/api/activity/c1", "verb": "post", "actor": actor,
        "object": {"objectType": "comment", "id": "http://social.localhost/api/comment/c1", "content": "nice",
                   "inReplyTo": {"id": note["id"], "objectType": "image"}}});
    assert_eq!(
        s.signed(&wf, "POST", "/api/user/alice/inbox", Some(&comment))
            .status,
        200
    );
    let follow = json!({"id": "http://social.localhost/api/activity/fo1", "verb": "follow", "actor": actor,
        "object": {"objectType": "person", "id": s.url("/api/user/alice/profile")}});
    assert_eq!(
        s.signed(&wf, "POST", "/api/user/alice/inbox", Some(&follow))
            .status,
        200
    );
    let img = s.read(&alice, &s.path_of(note["id"].as_str().unwrap()), 200);
    assert_eq!(img["likes"]["totalItems"], 1);
    assert_eq!(img["likes"]["items"][0]["displayName"], "User Zero");
    assert_eq!(img["replies"]["totalItems"], 1);
    assert_eq!(img["replies"]["items"][0]["content"], "nice");
    let followers = s.read(&alice, "/api/user/alice/followers", 200);
    assert_eq!(followers["items"][0]["id"], "acct:user0@social.localhost");
    let inbox = s.read(&alice, "/api/user/alice/inbox", 200);
    let got: Vec<&str> = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .take(4)
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        got,
        [
            "http://social.localhost/api/activity/fo1",
            "http://social.localhost/api/activity/c1",
            "http://social.localhost/api/activity/l1",
            "http://social.localhost/api/activity/h1"
        ]
    );
    // An activity claiming an id on this server is refused.
    let local = json!({"id": s.url("/api/activity/spoof"), "verb": "post", "actor": actor, "object": {"objectType": "note", "content": "x"}});
    assert_eq!(
        s.signed(&wf, "POST", "/api/user/alice/inbox", Some(&local))
            .status,
        400
    );
    assert_eq!(
        s.signed(&wf, "POST", "/api/user/nobody/inbox", Some(&like))
            .status,
        404
    );
}

#[test]
fn group_inbox_needs_the_group_among_the_recipients() {
    let s = server();
    let (_, alice) = s.register("alice", "correct7horse");
    let (_, bob) = s.register("bob", "correct7horse");
    let wf = Client::new("WFCLIENT", "WFSECRET");
    let group = s.act(
        &alice,
        "alice",
        json!({"verb": "create", "object": {"objectType": "group", "displayName": "G"},
        "to": [{"objectType": "person", "id": s.url("/api/user/bob/profile")}]}),
    )["object"]
        .clone();
    s.act(
        &bob,
        "bob",
        json!({"verb": "join", "object": {"id": group["id"], "objectType": "group"}}),
    );
    let gpath = s.path_of(group["id"].as_str().unwrap());
    let actor = json!({"objectType": "person", "id": "acct:user0@social.localhost"});
    let not_to_group = json!({"id": "http://social.localhost/api/activity/g0", "verb": "post", "actor": actor, "object": {"objectType": "note", "content": "x"}});
    let r = s.signed(&wf, "POST", &format!("{gpath}/inbox"), Some(&not_to_group));
    assert_eq!(r.status, 400);
    assert!(r.json()["error"]
        .as_str()
        .unwrap()
        .contains("is not a recipient of activity"));
    let to_group = json!({"id": "http://social.localhost/api/activity/g1", "verb": "post", "actor": actor,
        "object": {"objectType": "note", "content": "hello group"}, "to": [{"id": group["id"], "objectType": "group"}]});
    assert_eq!(
        s.signed(&wf, "POST", &format!("{gpath}/inbox"), Some(&to_group))
            .status,
        200
    );
    let inbox = s.read(&bob, &format!("{gpath}/inbox"), 200);
    assert_eq!(
        inbox["items"][0]["id"],
        "http://social.localhost/api/activity/g1"
    );
    let bob_inbox = s.read(&bob, "/api/user/bob/inbox", 200);
    assert_eq!(
        bob_inbox["items"][0]["id"],
        "http://social.localhost/api/activity/g1"
    );
}
