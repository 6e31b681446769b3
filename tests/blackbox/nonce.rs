//! OAuth replay protection: the nonce cache per client, across restarts, and PLAINTEXT only
//! over TLS.
use crate::common::{Client, Response, Server};
use serde_json::json;

/// A GET any signed client may make.
const PATH: &str = "/api/users";

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The Authorization header of a GET of PATH signed at `ts` (now when None).
fn signed_at(s: &Server, c: &Client, ts: Option<i64>) -> String {
    let mut c = c.clone();
    c.timestamp = ts;
    c.header("GET", &s.url(PATH), &[])
}

fn send(s: &Server, auth: &str) -> Response {
    s.req("GET", PATH, &[("Authorization", auth)], b"")
}

#[test]
fn one_client_filling_the_nonce_cache_locks_out_no_one_else() {
    const CAP: usize = 100;
    let s = Server::with(json!({"nonceCacheSize": CAP}));
    let (a, b) = (s.new_client(), s.new_client());
    // Client a signs near the end of the window, then sends more requests than the cache holds.
    let ahead = signed_at(&s, &a, Some(now() + 290));
    assert_eq!(send(&s, &ahead).status, 200);
    let accepted: Vec<String> = (0..CAP + 20)
        .map(|_| signed_at(&s, &a, None))
        .filter(|auth| send(&s, auth).status == 200)
        .collect();
    assert!(accepted.len() >= CAP - 1, "only {} taken", accepted.len());
    // Client b's correct requests still pass, while the cache stays full.
    let mut first_b = String::new();
    for i in 0..5 {
        let auth = signed_at(&s, &b, None);
        let r = send(&s, &auth);
        assert_eq!(r.status, 200, "request {i} of b: {}", r.text());
        if i == 0 {
            first_b = auth;
        }
    }
    // Replays stay refused: a's far-ahead request, its oldest and newest, and b's.
    for auth in [
        &ahead,
        &accepted[0],
        &accepted[accepted.len() - 1],
        &first_b,
    ] {
        assert_eq!(send(&s, auth).status, 401, "replayed: {auth}");
    }
    assert_eq!(send(&s, &first_b).text(), "Invalid / used nonce");
}

#[test]
fn clean_restarts_keep_the_nonces_and_crashes_keep_the_start_floor() {
    let mut s = Server::start();
    let c = s.client();
    // A request, then a clean stop.
    let t0 = now();
    let before = signed_at(&s, &c, Some(t0));
    assert_eq!(send(&s, &before).status, 200);
    let status = s.signal_and_wait("TERM");
    assert!(status.success(), "exit status {status}");
    s.restart();
    // A slow clock's fresh request, signed seconds before the restart, passes; a replay does not.
    let r = send(&s, &signed_at(&s, &c, Some(t0 - 3)));
    assert_eq!(r.status, 200, "{}", r.text());
    let r = send(&s, &before);
    assert_eq!((r.status, r.text().as_str()), (401, "Invalid / used nonce"));
    // After kill -9 nothing was kept: requests signed before the new start are refused.
    let t1 = now();
    let before_crash = signed_at(&s, &c, Some(t1 - 2));
    assert_eq!(send(&s, &before_crash).status, 200);
    s.kill9();
    s.restart();
    let refused_since_crash = |s: &Server| {
        assert_eq!(send(s, &signed_at(s, &c, Some(t1 - 2))).status, 401);
        assert_eq!(send(s, &before_crash).status, 401);
    };
    refused_since_crash(&s);
    // A clean restart soon after keeps that floor as well.
    let status = s.signal_and_wait("TERM");
    assert!(status.success(), "exit status {status}");
    s.restart();
    refused_since_crash(&s);
    assert_eq!(send(&s, &signed_at(&s, &c, None)).status, 200);
}

/// `(status, body)` of a GET of PATH over HTTPS with curl.
fn curl_get(cert: &std::path::Path, url: &str, auth: &str) -> (String, String) {
    let out = std::process::Command::new("curl")
        .args(["-sS", "--cacert"])
        .arg(cert)
        .args(["-H", &format!("Authorization: {auth}")])
        .args(["-w", "\n%{http_code}", url])
        .output()
        .expect("curl (Debian package curl) is needed for this test");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, code) = text.rsplit_once('\n').unwrap_or(("", &text));
    (code.to_string(), body.to_string())
}

#[test]
fn plaintext_signatures_only_over_https() {
    let s = Server::start();
    let mut plain = s.client();
    plain.method = "PLAINTEXT".into();
    let r = s.signed(&plain, "GET", PATH, None);
    assert_eq!(r.status, 400, "{}", r.text());
    assert_eq!(
        r.json()["error"],
        "PLAINTEXT signatures are only accepted over HTTPS"
    );
    let url = s.url("/oauth/request_token");
    let auth = plain.header("POST", &url, &[("oauth_callback", "oob")]);
    let r = s.req(
        "POST",
        "/oauth/request_token",
        &[("Authorization", &auth)],
        b"",
    );
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(
        r.text().contains("only accepted over HTTPS"),
        "{}",
        r.text()
    );
    assert_eq!(s.signed(&s.client(), "GET", PATH, None).status, 200);
    drop(s);
    // Over TLS PLAINTEXT is fine.
    let dir = crate::common::server::temp_dir("tls");
    let (key, cert) = crate::common::self_signed(&dir, "127.0.0.1");
    let s = Server::with(json!({"key": key, "cert": cert}));
    let url = format!("https://{}{PATH}", s.addr);
    let (code, body) = curl_get(&cert, &url, &plain.header("GET", &url, &[]));
    assert_eq!(code, "200", "{body}");
    let _ = std::fs::remove_dir_all(dir);
}
