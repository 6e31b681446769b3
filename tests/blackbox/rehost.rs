//! The public address of a data dir: a start with another one is refused with a message that
//! names both, and `pump rehost` moves the data to the new address on purpose.
use crate::common::server::{bin, run_cli};
use crate::common::{ids, Server};
use serde_json::{json, Value};

const PASSWORD: &str = "correct7horse";

/// `pump serve` on `config`, for a start that is meant to be refused.
fn serve_once(config: &std::path::Path) -> std::process::Output {
    std::process::Command::new(bin())
        .args(["serve", "-c"])
        .arg(config)
        .output()
        .unwrap()
}

#[test]
fn a_new_address_is_refused_until_the_data_is_moved() {
    let mut s = Server::with(json!({"redirectToCanonical": false}));
    let (_, alice) = s.register("alice", PASSWORD);
    let (_, bob) = s.register("bob", PASSWORD);
    let alice_id = s.read(&alice, "/api/user/alice/profile", 200)["id"]
        .as_str()
        .unwrap()
        .to_string();
    s.act(
        &bob,
        "bob",
        json!({"verb": "follow", "object": {"objectType": "person", "id": alice_id}}),
    );
    let public =
        json!([{"objectType": "collection", "id": "http://activityschema.org/collection/public"}]);
    s.act(
        &alice,
        "alice",
        json!({"object": {"objectType": "note", "content": "before the move"}, "to": public}),
    );
    assert!(s.signal_and_wait("TERM").success());
    let old = s.url("");
    let port = s.addr.rsplit(':').next().unwrap().to_string();
    let new = format!("http://localhost:{port}");

    let mut cfg: Value = serde_json::from_slice(&std::fs::read(&s.config).unwrap()).unwrap();
    cfg["hostname"] = json!("localhost");
    std::fs::write(&s.config, cfg.to_string()).unwrap();
    let refused = serve_once(&s.config);
    assert!(!refused.status.success());
    let why = String::from_utf8_lossy(&refused.stderr);
    assert!(
        why.contains(&old) && why.contains(&new) && why.contains("pump rehost"),
        "{why}"
    );

    let config = s.config.to_string_lossy().into_owned();
    let moved = run_cli(&s.dir, &["rehost", "-c", &config], None);
    assert!(
        moved.status.success(),
        "{}",
        String::from_utf8_lossy(&moved.stderr)
    );
    assert!(String::from_utf8_lossy(&moved.stdout).contains("moved"));

    s.restart();
    // Every id is of the new address, and writes work as before.
    let feed = s.read(&bob, "/api/user/bob/inbox", 200);
    let items = ids(&feed);
    assert!(!items.is_empty());
    assert!(items.iter().all(|i| i.starts_with(&new)), "{items:?}");
    assert!(!feed.to_string().contains(&old), "{feed}");
    let me = s.read(&bob, "/api/user/bob/profile", 200);
    assert_eq!(me["id"], format!("{new}/api/user/bob/profile"));
    let posted = s.post(
        &bob,
        "bob",
        &json!({"object": {"objectType": "note", "content": "after the move"}}),
    );
    assert_eq!(posted.status, 200, "{}", posted.text());
    let following = s.read(&bob, "/api/user/bob/following", 200);
    assert_eq!(ids(&following), [format!("{new}/api/user/alice/profile")]);
    // Moving again is a no-op; the old store is kept beside the new one.
    s.kill9();
    let again = run_cli(&s.dir, &["rehost", "-c", &config], None);
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("already"),
        "{:?}",
        again
    );
    assert!(std::fs::read_dir(s.dir.join("db"))
        .unwrap()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().contains("before-rehost")));
    // A rehost that did not finish keeps every server off the store until it is sorted out.
    std::fs::write(s.dir.join("db/rehost.in-progress"), "kept\n").unwrap();
    let stopped = serve_once(&s.config);
    assert!(!stopped.status.success());
    assert!(String::from_utf8_lossy(&stopped.stderr).contains("did not finish"));
}
