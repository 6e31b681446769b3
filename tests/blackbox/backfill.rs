//! Following someone on another server shows their recent public posts at once (issue 17,
//! item 7): their outbox is read from their own server, over the pump.io protocol and over
//! ActivityPub, and only public posts that are not replies land in the follower's inbox.
use super::activitypub::ap_peer;
use super::federation::peer;
use super::web_social::note;
use crate::common::{eventually, Server};
use serde_json::json;

fn inbox(s: &Server, c: &crate::common::Client, nick: &str) -> String {
    s.read(c, &format!("/api/user/{nick}/inbox/major"), 200)
        .to_string()
}

fn shows_recent_posts(a: &Server, b: &Server) {
    let (_, amy) = a.register("amy", "correct7horse");
    let (_, bo) = b.register("bo", "correct7horse");
    note(b, &bo, "bo", "Bo's first public note", true);
    note(b, &bo, "bo", "Bo's followers-only note", false);
    note(b, &bo, "bo", "Bo's second public note", true);
    let person = json!({"objectType": "person", "id": format!("acct:bo@{}", b.addr)});
    a.act(&amy, "amy", json!({"verb": "follow", "object": person}));
    let arrived = eventually(30, || {
        inbox(a, &amy, "amy").contains("Bo's first public note")
    });
    assert!(arrived, "nothing of bo's reached amy:\n{}", a.log());
    let seen = inbox(a, &amy, "amy");
    let (first, second) = (
        seen.find("Bo's first public note"),
        seen.find("Bo's second public note"),
    );
    assert!(second < first, "the newest is not on top: {seen}");
    assert!(!seen.contains("followers-only"), "{seen}");
    // Someone muted first is followed without their posts.
    let (_, cy) = b.register("cy", "correct7horse");
    note(b, &cy, "cy", "Cy's public note", true);
    let cy_person = json!({"objectType": "person", "id": format!("acct:cy@{}", b.addr)});
    a.act(&amy, "amy", json!({"verb": "mute", "object": cy_person}));
    a.act(&amy, "amy", json!({"verb": "follow", "object": cy_person}));
    a.wait_for_log(" recent posts of ", 2);
    assert!(
        a.log().contains("federation: 0 recent posts of"),
        "{}",
        a.log()
    );
    assert!(!inbox(a, &amy, "amy").contains("Cy's public note"));
    // Nobody is told of old posts.
    let told = a.read(&amy, "/api/user/amy/inbox/direct", 200);
    assert!(!told.to_string().contains("Bo's"), "{told}");
}

#[test]
fn following_someone_over_the_pump_io_protocol_shows_their_recent_posts() {
    shows_recent_posts(&peer("127.0.0.41"), &peer("127.0.0.42"));
}

#[test]
fn following_someone_over_activitypub_shows_their_recent_posts() {
    shows_recent_posts(&ap_peer("127.0.0.43"), &ap_peer("127.0.0.44"));
}
