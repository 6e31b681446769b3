//! Blocking and muting (issue 17, item 6), in the web UI and the API: a muted person's posts
//! and notifications stay out of sight; a blocked one no longer follows, and cannot follow,
//! reply or send anything; both are listed on the account page and undone there.
use super::web::log_in;
use super::web_social::{browser, look};
use crate::common::{Client, Server};
use serde_json::{json, Value};

const PUBLIC: &str = "http://activityschema.org/collection/public";

fn public_note(s: &Server, c: &Client, nick: &str, text: &str) -> Value {
    s.act(
        c,
        nick,
        json!({"verb": "post", "object": {"objectType": "note", "content": text},
        "to": [{"objectType": "collection", "id": PUBLIC}]}),
    )
}

fn inbox(s: &Server, c: &Client, nick: &str) -> String {
    s.read(c, &format!("/api/user/{nick}/inbox"), 200)
        .to_string()
}

fn walk(javascript: bool, size: (u32, u32)) -> Vec<String> {
    let mut found = Vec::new();
    let s = Server::with(json!({"site": "Test"}));
    let (kim_user, kim) = s.register("kim", "correct7horse");
    let (lee_user, lee) = s.register("lee", "correct7horse");
    let kim_person = json!({"objectType": "person", "id": kim_user["profile"]["id"]});
    let lee_person = json!({"objectType": "person", "id": lee_user["profile"]["id"]});
    s.act(&kim, "kim", json!({"verb": "follow", "object": lee_person}));
    s.act(&lee, "lee", json!({"verb": "follow", "object": kim_person}));
    let kims = public_note(&s, &kim, "kim", "Kim's quiet garden");
    let kims_note = json!({"objectType": "note", "id": kims["object"]["id"]});
    public_note(&s, &lee, "lee", "Lee's loud opinion");

    let b = browser(javascript, size);
    log_in(&b, &s, "kim");
    b.wait_text("#major-stream", "Lee's loud opinion", 10);

    // Mute: what lee posted before and after is out of kim's home and notifications.
    b.goto(&s.url("/lee"));
    b.click("button.mute");
    b.wait("button.unmute", 10);
    look(&b, "muted-profile", javascript, size, &mut found);
    public_note(&s, &lee, "lee", "Lee shouts again");
    s.act(
        &lee,
        "lee",
        json!({"verb": "favorite", "object": kims_note}),
    );
    b.goto(&s.url("/"));
    let home = b.text("main");
    assert!(!home.contains("Lee's loud opinion") && !home.contains("Lee shouts again"));
    assert!(!inbox(&s, &kim, "kim").contains("Lee shouts again"));
    assert_eq!(b.text("#notifications-count"), "0");
    // Muting is no block: lee still follows kim and reads her.
    assert!(inbox(&s, &lee, "lee").contains("Kim's quiet garden"));

    // Unmute on the account page: lee's posts are back.
    b.goto(&s.url("/main/account"));
    assert!(b.text("#muted").contains("lee"));
    assert!(b.text("#blocked").contains("You block nobody"));
    b.click("#muted button.unmute");
    b.wait_text("#muted", "You mute nobody", 10);
    b.goto(&s.url("/"));
    b.wait_text("#major-stream", "Lee's loud opinion", 10);

    // Block: lee no longer follows kim, and cannot follow, reply or write to her.
    b.goto(&s.url("/lee"));
    b.click("button.block");
    b.wait("button.unblock", 10);
    let followers = s.read(&kim, "/api/user/kim/followers", 200).to_string();
    assert!(
        !followers.contains("/lee"),
        "lee still follows kim: {followers}"
    );
    let follow = s.post(
        &lee,
        "lee",
        &json!({"verb": "follow", "object": kim_person}),
    );
    assert_eq!(follow.status, 403, "{}", follow.text());
    let reply = json!({"verb": "post", "object": {"objectType": "comment", "content": "Weeds!", "inReplyTo": kims_note}});
    assert_eq!(s.post(&lee, "lee", &reply).status, 403);
    s.act(
        &lee,
        "lee",
        json!({"verb": "post", "object": {"objectType": "note", "content": "Psst, Kim"}, "to": [kim_person]}),
    );
    assert!(!inbox(&s, &kim, "kim").contains("Psst, Kim"));
    // The lists are kim's alone, and so are the activities that made them.
    let blocked = s.read(&kim, "/api/user/kim/blocked", 200);
    assert_eq!(blocked["totalItems"], 1, "{blocked}");
    assert_eq!(blocked["items"][0]["id"], lee_user["profile"]["id"]);
    assert_ne!(
        s.signed(&lee, "GET", "/api/user/kim/blocked", None).status,
        200
    );
    let kim_seen_by_lee = s.read(&lee, "/api/user/kim/feed", 200).to_string();
    assert!(!kim_seen_by_lee.contains("\"block\"") && !kim_seen_by_lee.contains("\"mute\""));

    b.goto(&s.url("/main/account"));
    assert!(b.text("#blocked").contains("lee"));
    look(&b, "account-blocked", javascript, size, &mut found);
    b.click("#blocked button.unblock");
    b.wait_text("#blocked", "You block nobody", 10);
    let again = s.post(
        &lee,
        "lee",
        &json!({"verb": "follow", "object": kim_person}),
    );
    assert_eq!(again.status, 200, "{}", again.text());
    found
}

#[test]
fn blocking_and_muting_from_the_web_ui() {
    super::web_social::every_way(walk);
}

/// The API's own way in: `POST /api/user/<nick>/blocked` and `/muted` take a person, and an
/// `unblock` or `unmute` activity undoes it.
#[test]
fn blocking_and_muting_through_the_api() {
    let s = Server::with(json!({"maxBlocks": 1}));
    let (mo_user, mo) = s.register("mo", "correct7horse");
    let (ned_user, _) = s.register("ned", "correct7horse");
    let (oz_user, _) = s.register("oz", "correct7horse");
    let ned = json!({"objectType": "person", "id": ned_user["profile"]["id"]});
    let oz = json!({"objectType": "person", "id": oz_user["profile"]["id"]});
    for which in ["blocked", "muted"] {
        let path = format!("/api/user/mo/{which}");
        let r = s.signed(&mo, "POST", &path, Some(&ned));
        assert_eq!(r.status, 200, "{}", r.text());
        let again = s.signed(&mo, "POST", &path, Some(&ned));
        assert_eq!(again.status, 400, "{}", again.text());
        let full = s.signed(&mo, "POST", &path, Some(&oz));
        assert_eq!(full.status, 400, "maxBlocks: {}", full.text());
        assert!(full.text().contains("the most this server keeps"));
        assert_eq!(s.read(&mo, &path, 200)["totalItems"], 1);
    }
    for verb in ["unblock", "unmute"] {
        s.act(&mo, "mo", json!({"verb": verb, "object": ned}));
    }
    for which in ["blocked", "muted"] {
        assert_eq!(
            s.read(&mo, &format!("/api/user/mo/{which}"), 200)["totalItems"],
            0
        );
    }
    let me = json!({"verb": "block", "object": {"objectType": "person", "id": mo_user["profile"]["id"]}});
    assert_eq!(s.post(&mo, "mo", &me).status, 400);
}

/// A block holds against another server: the blocked account there stops following, and its
/// deliveries are refused, while the rest of its server still gets through.
#[test]
fn a_block_refuses_deliveries_from_another_server() {
    use super::federation::{peer, person, until_listed};
    let (a, b) = (peer("127.0.0.36"), peer("127.0.0.37"));
    let (_, amy) = a.register("amy", "correct7horse");
    let (_, ann) = a.register("ann", "correct7horse");
    let (_, bo) = b.register("bo", "correct7horse");
    let (amy_id, ann_id, bo_id) = (person(&a, "amy"), person(&a, "ann"), person(&b, "bo"));
    let follow =
        |who: &str| json!({"verb": "follow", "object": {"objectType": "person", "id": who}});
    b.act(&bo, "bo", follow(&amy_id));
    until_listed(&a, &amy, "/api/user/amy/followers", &bo_id, true);
    a.act(
        &amy,
        "amy",
        json!({"verb": "block", "object": {"objectType": "person", "id": bo_id}}),
    );
    let followers = a.read(&amy, "/api/user/amy/followers", 200).to_string();
    assert!(!followers.contains(&bo_id), "{followers}");
    // bo writes to both: ann gets it, amy does not.
    let to =
        json!([{"objectType": "person", "id": amy_id}, {"objectType": "person", "id": ann_id}]);
    let sent = b.act(
        &bo,
        "bo",
        json!({"verb": "post", "to": to, "object": {"objectType": "note", "content": "Hello from bo"}}),
    );
    let id = sent["id"].as_str().unwrap();
    until_listed(&a, &ann, "/api/user/ann/inbox", id, true);
    let refused =
        crate::common::eventually(30, || b.log().contains("You cannot deliver to this person"));
    assert!(refused, "amy's server did not refuse bo:\n{}", b.log());
    assert!(!inbox(&a, &amy, "amy").contains("Hello from bo"));
}

/// The same between servers that speak ActivityPub: bo is known by two ids there (his
/// ActivityPub actor and his pump.io profile), and the block holds for both.
#[test]
fn a_block_holds_over_activitypub() {
    use super::activitypub::ap_peer;
    use super::federation::until_listed;
    let (a, b) = (ap_peer("127.0.0.38"), ap_peer("127.0.0.39"));
    let (_, amy) = a.register("amy", "correct7horse");
    let (_, ann) = a.register("ann", "correct7horse");
    let (_, bo) = b.register("bo", "correct7horse");
    let follow = |nick: &str| json!({"verb": "follow", "object": {"objectType": "person", "id": format!("acct:{nick}@{}", a.addr)}});
    b.act(&bo, "bo", follow("amy"));
    let bo_id = b.url("/bo");
    until_listed(&a, &amy, "/api/user/amy/followers", &bo_id, true);
    a.act(
        &amy,
        "amy",
        json!({"verb": "block", "object": {"objectType": "person", "id": bo_id}}),
    );
    assert!(!a
        .read(&amy, "/api/user/amy/followers", 200)
        .to_string()
        .contains(&bo_id));
    let to = json!([follow("amy")["object"], follow("ann")["object"]]);
    let answered = || {
        let log = a.log();
        let done = |l: &&str| l.contains("POST /api/user/amy/inbox ") && !l.ends_with("handling");
        log.lines().filter(done).count()
    };
    let before = answered();
    b.act(
        &bo,
        "bo",
        json!({"verb": "post", "to": to, "object": {"objectType": "note", "content": "Hello from bo"}}),
    );
    let arrived =
        crate::common::eventually(30, || inbox(&a, &ann, "ann").contains("Hello from bo"));
    assert!(arrived, "nothing reached ann:\n{}", a.log());
    // amy's inbox answered the delivery (refused, or taken and dropped).
    assert!(
        crate::common::eventually(30, || answered() > before),
        "{}",
        a.log()
    );
    assert!(!inbox(&a, &amy, "amy").contains("Hello from bo"));
}
