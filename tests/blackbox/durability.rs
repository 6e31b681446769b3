//! A write answered 2xx survives SIGKILL right after.
use crate::common::Server;
use serde_json::json;

#[test]
fn acknowledged_writes_survive_sigkill() {
    let mut s = Server::start();
    let c = s.client();
    let r = s.signed(
        &c,
        "POST",
        "/api/users",
        Some(&json!({"nickname": "alice", "password": "correct7horse"})),
    );
    assert_eq!(r.status, 200);
    s.kill9();
    s.restart();
    let u = r.json();
    let alice = c.with_token(u["token"].as_str().unwrap(), u["secret"].as_str().unwrap());
    let r = s.signed(
        &alice,
        "PUT",
        "/api/user/alice/profile",
        Some(&json!({"displayName": "Alice After Crash"})),
    );
    assert_eq!(r.status, 200);
    s.kill9();
    s.restart();
    // The user, its token, and the profile change are all there.
    let me = s.signed(&alice, "GET", "/api/user/alice", None);
    assert_eq!(me.status, 200, "{}", me.text());
    assert_eq!(me.json()["profile"]["displayName"], "Alice After Crash");
    assert_eq!(me.json()["profile"]["lists"]["totalItems"], 4);
}

#[test]
fn many_concurrent_writes_all_survive() {
    let mut s = Server::start();
    let c = s.client();
    let ok = s
        .register_concurrently("p", 16)
        .iter()
        .filter(|r| r.status == 200)
        .count();
    s.kill9();
    s.restart();
    let list = s.signed(&c, "GET", "/api/users?count=50", None).json();
    assert_eq!(list["totalItems"].as_u64().unwrap() as usize, ok);
    assert_eq!(ok, 16);
}
