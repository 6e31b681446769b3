//! Hostile ActivityPub deliveries, from a scripted peer serving two actors with their keys:
//! each is refused with a clear status and nothing is stored; a rotated key is fetched again
//! once.
use super::activitypub::ap_peer;
use crate::common::ap::{Faults, Key};
use crate::common::peer::{Answer, Peer};
use crate::common::{ids, Client, Server};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

const PEER_IP: &str = "127.0.0.8";

/// A peer serving `/mallory` and `/eve`, whose public keys the test may change.
struct Actors {
    peer: Peer,
    keys: Arc<Mutex<Vec<(String, String)>>>,
}

fn actor_doc(host: &str, name: &str, pem: &str) -> Value {
    let id = format!("http://{host}/{name}");
    json!({"@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "id": id, "type": "Person", "preferredUsername": name, "inbox": format!("{id}/inbox"),
        "publicKey": {"id": format!("{id}#key"), "owner": id, "publicKeyPem": pem}})
}

fn actors(pems: Vec<(String, String)>) -> Actors {
    let keys = Arc::new(Mutex::new(pems));
    let served = keys.clone();
    let peer = Peer::start(PEER_IP, move |seen| {
        let host = seen.header("host").unwrap_or_default().to_string();
        let name = seen.path.trim_start_matches('/');
        let keys = served.lock().unwrap();
        match keys.iter().find(|(n, _)| n == name) {
            Some((n, pem)) => Answer::Body(
                200,
                "application/activity+json",
                actor_doc(&host, n, pem).to_string().into_bytes(),
            ),
            None if seen.method == "POST" => Answer::Body(202, "text/plain", Vec::new()),
            None => Answer::Body(404, "text/plain", b"no".to_vec()),
        }
    });
    Actors { peer, keys }
}

fn note(peer: &Peer, actor: &str, n: &str, to: &str) -> Value {
    json!({"@context": "https://www.w3.org/ns/activitystreams", "type": "Create",
        "id": peer.url(&format!("/{actor}/activities/{n}")), "actor": peer.url(&format!("/{actor}")),
        "to": [to], "object": {"type": "Note", "id": peer.url(&format!("/{actor}/notes/{n}")),
        "attributedTo": peer.url(&format!("/{actor}")), "to": [to], "content": format!("note {n}")}})
}

/// What came from the peer into alice's inbox (her own housekeeping left out).
fn inbox(s: &Server, alice: &Client) -> Vec<String> {
    let all = ids(&s.read(alice, "/api/user/alice/inbox", 200));
    all.into_iter()
        .filter(|i| i.starts_with(&format!("http://{PEER_IP}")))
        .collect()
}

#[test]
fn forged_stale_mismatched_foreign_huge_and_deep_deliveries_are_refused() {
    let s = ap_peer("127.0.0.2");
    let (_, alice) = s.register("alice", "correct7horse");
    let me = s.url("/alice");
    let (mut mallory, mallory_pem) = Key::generate("");
    let (mut eve, eve_pem) = Key::generate("");
    let a = actors(vec![
        ("mallory".into(), mallory_pem),
        ("eve".into(), eve_pem),
    ]);
    mallory.id = a.peer.url("/mallory#key");
    eve.id = a.peer.url("/eve#key");
    let path = "/api/user/alice/inbox";
    let post =
        |k: &Key, body: &Value, f: Faults| k.post(&s.addr, path, body.to_string().as_bytes(), f);

    // What a good delivery looks like, so that the refusals below mean something. It has
    // Mastodon's content warning, which the web UI keeps closed.
    let mut good = note(&a.peer, "mallory", "1", &me);
    good["object"]["summary"] = json!("Spoilers <b>ahead</b>");
    good["object"]["sensitive"] = json!(true);
    let r = post(&mallory, &good, Faults::default());
    assert_eq!(r.status, 202, "{}\n{}", r.text(), s.log());
    assert_eq!(inbox(&s, &alice), [good["id"].as_str().unwrap()]);
    let item = &s.read(&alice, "/api/user/alice/inbox", 200)["items"][0];
    assert_eq!(
        (&item["object"]["sensitive"], &item["object"]["content"]),
        (&json!(true), &json!("note 1"))
    );
    let cookie = s.log_in("alice", "correct7horse").expect("session");
    let page = s.req("GET", "/", &[("Cookie", &cookie)], b"").text();
    let warned = "<details class=\"warning\"><summary>Spoilers &lt;b&gt;ahead&lt;/b&gt;</summary>";
    assert!(page.contains(warned), "{page}");

    let cases: Vec<(&str, &Key, Value, Faults, u16, &str)> = vec![
        (
            "bad signature",
            &mallory,
            note(&a.peer, "mallory", "2", &me),
            Faults {
                bad_signature: true,
                ..Default::default()
            },
            401,
            "does not verify",
        ),
        (
            "another actor's key",
            &eve,
            note(&a.peer, "mallory", "3", &me),
            Faults::default(),
            401,
            "not by the activity's actor",
        ),
        (
            "stale Date",
            &mallory,
            note(&a.peer, "mallory", "4", &me),
            Faults {
                date_back: 7200,
                ..Default::default()
            },
            401,
            "Date",
        ),
        (
            "Digest mismatch",
            &mallory,
            note(&a.peer, "mallory", "5", &me),
            Faults {
                wrong_digest: true,
                ..Default::default()
            },
            400,
            "Digest",
        ),
    ];
    for (what, key, body, faults, status, says) in cases {
        let r = post(key, &body, faults);
        assert_eq!(r.status, status, "{what}: {}", r.text());
        assert!(
            r.json()["error"].as_str().unwrap_or("").contains(says),
            "{what}: {}",
            r.text()
        );
    }
    // An activity whose id is on another host than its actor's.
    let mut foreign = note(&a.peer, "mallory", "6", &me);
    foreign["id"] = json!("http://127.0.0.9/activities/6");
    let r = post(&mallory, &foreign, Faults::default());
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(r.text().contains("not on the host"), "{}", r.text());
    // A 10 MB body is refused before it is read.
    let huge = format!("{{\"pad\": \"{}\"}}", "x".repeat(10 << 20));
    let r = mallory.post(&s.addr, path, huge.as_bytes(), Faults::default());
    assert_eq!(r.status, 413, "{}", r.text());
    // JSON-LD nested 10,000 deep.
    let mut deep = note(&a.peer, "mallory", "7", &me);
    deep["object"]["content"] = json!("x");
    let text = deep.to_string().replacen(
        "\"x\"",
        &format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000)),
        1,
    );
    let r = mallory.post(&s.addr, path, text.as_bytes(), Faults::default());
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(r.text().contains("nested"), "{}", r.text());
    // Unsigned.
    let r = s.req(
        "POST",
        path,
        &[("Content-Type", "application/activity+json")],
        note(&a.peer, "mallory", "8", &me).to_string().as_bytes(),
    );
    assert_eq!(r.status, 401, "{}", r.text());

    // Nothing but the good delivery was stored.
    assert_eq!(inbox(&s, &alice), [good["id"].as_str().unwrap()]);
    let r = s.get(&format!(
        "/.well-known/webfinger?resource={}",
        crate::common::oauth::enc(&a.peer.url("/mallory/notes/2"))
    ));
    assert_eq!(r.status, 404, "{}", r.text());
}

#[test]
fn a_rotated_key_is_fetched_again_once() {
    let s = ap_peer("127.0.0.2");
    let (_, alice) = s.register("alice", "correct7horse");
    let me = s.url("/alice");
    let (mut old, old_pem) = Key::generate("");
    let a = actors(vec![("mallory".into(), old_pem)]);
    old.id = a.peer.url("/mallory#key");
    let path = "/api/user/alice/inbox";
    let first = note(&a.peer, "mallory", "1", &me);
    assert_eq!(
        old.post(
            &s.addr,
            path,
            first.to_string().as_bytes(),
            Faults::default()
        )
        .status,
        202
    );
    assert_eq!(a.peer.hits("/mallory"), 1);
    // mallory's server rotates the key: pump's copy fails, and it fetches the actor again.
    let (new, new_pem) = Key::generate(&a.peer.url("/mallory#key"));
    a.keys.lock().unwrap()[0].1 = new_pem;
    let second = note(&a.peer, "mallory", "2", &me);
    let r = new.post(
        &s.addr,
        path,
        second.to_string().as_bytes(),
        Faults::default(),
    );
    assert_eq!(r.status, 202, "{}", r.text());
    assert_eq!(a.peer.hits("/mallory"), 2);
    // A signature no key checks costs one fetch per delivery, not more.
    let third = note(&a.peer, "mallory", "3", &me);
    let r = old.post(
        &s.addr,
        path,
        third.to_string().as_bytes(),
        Faults::default(),
    );
    assert_eq!(r.status, 401, "{}", r.text());
    assert_eq!(a.peer.hits("/mallory"), 3);
    let got = inbox(&s, &alice);
    assert_eq!(got.len(), 2, "{got:?}");
}

#[test]
fn authorized_fetch_wants_signed_reads_of_actors_but_not_of_the_server_actor() {
    let s = Server::with(json!({
        "hostname": "127.0.0.2", "address": "127.0.0.2",
        "port": crate::common::server::free_port(),
        "federationAllowPrivate": true, "authorizedFetch": true,
    }));
    s.register("alice", "correct7horse");
    let (mut mallory, pem) = Key::generate("");
    let a = actors(vec![("mallory".into(), pem)]);
    mallory.id = a.peer.url("/mallory#key");
    let ap = [("Accept", "application/activity+json")];
    for path in [
        "/alice",
        "/api/user/alice/followers",
        "/api/user/alice/feed",
    ] {
        let r = s.req("GET", path, &ap, b"");
        assert_eq!(r.status, 401, "{path}: {}", r.text());
        assert!(r.text().contains("authorizedFetch"), "{}", r.text());
        let r = mallory.get(&s.addr, path);
        assert_eq!(r.status, 200, "{path}: {}", r.text());
    }
    assert_eq!(
        mallory.get(&s.addr, "/alice").json()["publicKey"]["owner"],
        s.url("/alice")
    );
    // Others check our own signed fetches with the server's actor: anyone may read it.
    let r = s.req("GET", "/api/actor", &ap, b"");
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["publicKey"]["owner"], s.url("/api/actor"));
}
