//! ActivityPub against third-party software: fediverse-pasture's `verify_actor` report, its
//! sender, and its one-actor peer following and followed (tests/common/pasture.rs).
use super::federation::public;
use crate::common::pasture::Peer;
use crate::common::server::free_port;
use crate::common::{ids, Server};
use serde_json::json;

/// A pump server on `ip` that reaches new contacts by ActivityPub.
pub fn ap_peer(ip: &str) -> Server {
    Server::with(json!({
        "hostname": ip,
        "address": ip,
        "port": free_port(),
        "federationAllowPrivate": true,
        "federationTimeout": 5000,
        "federationProtocol": "activitypub",
        "jobRetryDelay": 1,
    }))
}

#[test]
fn verify_actor_reports_all_green() {
    let Some(py) = crate::common::pasture::python("verify_actor_reports_all_green") else {
        return;
    };
    let s = ap_peer("127.0.0.2");
    s.register("alice", "correct7horse");
    let v = Peer::verify_actor(&py, "127.0.0.6");
    let report = v.verify(&s.url("/alice"));
    let r = &report["result"];
    // alice and dean do not sign their posts: pump must refuse them.
    for (who, post) in [
        ("alice", false),
        ("bob", true),
        ("claire", true),
        ("dean", false),
        ("emily", true),
        ("frank", true),
    ] {
        assert_eq!(r[who]["get_actor"], true, "{who}: {report}");
        assert_eq!(r[who]["post_inbox"], post, "{who}: {report}");
    }
    assert_eq!(r["webfinger"], true, "{report}");
}

#[test]
fn a_note_from_the_pasture_sender_reaches_the_inbox() {
    let Some(py) = crate::common::pasture::python("a_note_from_the_pasture_sender") else {
        return;
    };
    let s = ap_peer("127.0.0.2");
    let (_, alice) = s.register("alice", "correct7horse");
    let peer = Peer::one_actor(&py, "127.0.0.7");
    let out = peer.send("Hello from the pasture", &s.url("/alice"));
    assert!(out.status.success(), "{out:?}\n{}", s.log());
    let inbox = s.read(&alice, "/api/user/alice/inbox", 200);
    let item = &inbox["items"][0];
    assert_eq!(item["verb"], "post", "{inbox}");
    assert_eq!(item["object"]["content"], "Hello from the pasture");
    assert_eq!(item["actor"]["id"], format!("{}/actor", peer.base()));
    // The sender's actor is kept as a remote person with its inbox.
    assert_eq!(item["actor"]["preferredUsername"], "actor", "{item}");
}

#[test]
fn following_the_one_actor_sends_a_signed_follow_then_public_notes() {
    let Some(py) = crate::common::pasture::python("following_the_one_actor") else {
        return;
    };
    let s = ap_peer("127.0.0.2");
    let (_, alice) = s.register("alice", "correct7horse");
    let peer = Peer::one_actor(&py, "127.0.0.7");
    let actor = format!("{}/actor", peer.base());
    let address = format!("acct:actor@{}:{}", peer.ip, peer.port);
    let follow = s.act(
        &alice,
        "alice",
        json!({"verb": "follow", "object": {"objectType": "person", "id": address}}),
    );
    // The follow names the actor as its server knows it.
    assert_eq!(follow["object"]["id"], actor, "{follow}");
    let following = s.read(&alice, "/api/user/alice/following", 200);
    assert_eq!(ids(&following), vec![actor.clone()]);

    let me = s.url("/alice");
    let got = peer.received(30, |g| !g.is_empty());
    // The peer checks signatures: it keeps only what alice's key signed.
    assert_eq!(got.len(), 1, "{got:?}\n{}\n{}", s.log(), peer.log());
    assert_eq!(got[0]["type"], "Follow", "{got:?}");
    assert_eq!(
        (&got[0]["actor"], &got[0]["object"]),
        (&json!(me), &json!(actor))
    );

    // The one actor cannot follow by itself: the test signs its Follow with its key.
    let follow_back = json!({"@context": "https://www.w3.org/ns/activitystreams", "type": "Follow",
        "id": format!("{}/follows/1", peer.base()), "actor": actor, "object": me});
    let r = peer.key().post(
        &s.addr,
        "/api/user/alice/inbox",
        follow_back.to_string().as_bytes(),
        Default::default(),
    );
    assert_eq!(r.status, 202, "{}\n{}", r.text(), s.log());
    let followers = s.read(&alice, "/api/user/alice/followers", 200);
    assert_eq!(ids(&followers), vec![actor.clone()]);

    let note = s.act(
        &alice,
        "alice",
        json!({"verb": "post", "to": public(),
               "object": {"objectType": "note", "content": "Hello, pasture"}}),
    );
    let got = peer.received(30, |g| g.len() >= 2);
    assert_eq!(got.len(), 2, "{got:?}\n{}\n{}", s.log(), peer.log());
    assert_eq!(got[0]["type"], "Accept", "{got:?}");
    assert_eq!(got[0]["object"]["id"], follow_back["id"]);
    assert_eq!(got[1]["type"], "Create");
    assert_eq!(got[1]["id"], note["id"]);
    assert_eq!(got[1]["object"]["content"], "Hello, pasture");
    assert_eq!(got[1]["object"]["attributedTo"], me, "{}", got[1]);
    let to = got[1]["to"].as_array().unwrap();
    assert!(
        to.contains(&json!("https://www.w3.org/ns/activitystreams#Public")),
        "{to:?}"
    );
}
