//! Behaviour common to all endpoints (api.md §1).
use crate::common::Server;
use serde_json::json;

/// Every route with the methods its `Allow` header must list.
const ROUTES: &[(&str, &str)] = &[
    ("/", "GET,HEAD"),
    ("/.well-known/host-meta", "GET,HEAD"),
    ("/.well-known/host-meta.json", "GET,HEAD"),
    ("/.well-known/webfinger", "GET,HEAD"),
    ("/api/lrdd", "GET,HEAD"),
    ("/api/client/register", "POST"),
    ("/oauth/request_token", "GET,HEAD,POST"),
    ("/oauth/authorize", "GET,HEAD,POST"),
    ("/oauth/access_token", "GET,HEAD,POST"),
    ("/api/users", "GET,HEAD,POST"),
    ("/api/user/alice", "GET,HEAD,PUT,DELETE"),
    ("/api/user/alice/profile", "GET,HEAD,PUT"),
    ("/api/whoami", "GET,HEAD"),
];

#[test]
fn options_lists_methods_on_every_route() {
    let s = Server::start();
    for (path, allow) in ROUTES {
        let r = s.req("OPTIONS", path, &[], b"");
        assert_eq!(r.status, 200, "OPTIONS {path}");
        assert_eq!(r.header("allow"), Some(*allow), "Allow of {path}");
        assert_eq!(r.text(), *allow);
    }
    assert_eq!(
        s.req("OPTIONS", "/no/such/route/here", &[], b"").status,
        404
    );
}

#[test]
fn head_answers_like_get_without_a_body() {
    let s = Server::start();
    let (_, alice) = s.register("alice", "correct7horse");
    for path in [
        "/",
        "/.well-known/host-meta",
        "/.well-known/host-meta.json",
        "/api/user/alice/profile",
        "/api/users",
    ] {
        let auth = alice.header("GET", &s.url(path), &[]);
        let get = s.req("GET", path, &[("Authorization", &auth)], b"");
        let auth = alice.header("HEAD", &s.url(path), &[]);
        let head = s.req("HEAD", path, &[("Authorization", &auth)], b"");
        assert_eq!(head.status, get.status, "HEAD {path}");
        assert!(head.body.is_empty());
        assert_eq!(
            head.header("content-length"),
            Some(get.body.len().to_string().as_str()),
            "HEAD {path}"
        );
        assert_eq!(head.header("content-type"), get.header("content-type"));
    }
    // HEAD of the OAuth-protected routes needs credentials like GET does.
    assert_eq!(s.req("HEAD", "/api/users", &[], b"").status, 401);
}

#[test]
fn common_headers_on_every_response() {
    let s = Server::start();
    for r in [
        s.get("/"),
        s.get("/api/users"),
        s.get("/nothing/here/at/all"),
    ] {
        let server = r.header("server").unwrap_or_default();
        assert!(
            server.starts_with("pump.io/6.0.0-alpha.0 pump/"),
            "{server}"
        );
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(r.header("x-frame-options"), Some("DENY"));
        assert_eq!(r.header("x-xss-protection"), Some("1; mode=block"));
        assert_eq!(r.header("x-download-options"), Some("noopen"));
        // The original's policy, less 'unsafe-inline' and 'unsafe-eval' for scripts: our pages
        // load one script file and need neither, so an injected inline script cannot run.
        let csp = format!(
            "default-src 'self'; connect-src 'self' ws://{}; script-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self'; img-src *; object-src 'none'; media-src *; child-src 'self' www.youtube.com; frame-ancestors 'none'",
            s.addr
        );
        assert_eq!(r.header("content-security-policy"), Some(csp.as_str()));
        assert_eq!(r.header("strict-transport-security"), None);
    }
}

#[test]
fn hsts_when_configured() {
    let s = Server::with(json!({"hsts": {"force": true}}));
    assert_eq!(
        s.get("/").header("strict-transport-security"),
        Some("max-age=15552000; includeSubDomains")
    );
}

#[test]
fn unknown_routes_and_methods_are_404() {
    let s = Server::start();
    let r = s.get("/no/such/route/here");
    assert_eq!(r.status, 404);
    assert!(r.text().contains("Cannot GET /no/such/route/here"));
    let r = s.req("PATCH", "/api/user/alice", &[], b"");
    assert_eq!(r.status, 404);
    assert!(r.text().contains("Cannot PATCH"));
}

#[test]
fn canonical_host_redirect() {
    let s = Server::start();
    let r = s.req(
        "GET",
        "/api/users?count=2",
        &[("Host", "other.example")],
        b"",
    );
    assert_eq!(r.status, 301);
    assert_eq!(
        r.header("location"),
        Some(format!("{}/api/users?count=2", s.base).as_str())
    );
    assert_eq!(s.req("GET", "/", &[("Host", &s.addr)], b"").status, 200);
    let off = Server::with(json!({"redirectToCanonical": false}));
    assert_eq!(
        off.req("GET", "/", &[("Host", "other.example")], b"")
            .status,
        200
    );
}

#[test]
fn oversized_body_is_413() {
    let s = Server::with(json!({"maxBodySize": 4096}));
    let c = s.client();
    let big = json!({"nickname": "bob", "password": "correct7horse", "bio": "x".repeat(10_000)});
    let r = s.signed(&c, "POST", "/api/users", Some(&big));
    assert_eq!(r.status, 413);
    assert!(r.json()["error"].as_str().unwrap().contains("larger than"));
    // Nothing was created.
    let r = s.signed(&c, "GET", "/api/user/bob", None);
    assert_eq!(r.status, 404);
}

#[test]
fn malformed_and_too_deep_json_is_400() {
    let s = Server::start();
    let c = s.client();
    let url = s.url("/api/users");
    for body in [
        &b"{\"nickname\": "[..],
        &b"[1,2"[..],
        &b"\"just a string\""[..],
    ] {
        let auth = c.header("POST", &url, &[]);
        let r = s.req(
            "POST",
            "/api/users",
            &[
                ("Authorization", &auth),
                ("Content-Type", "application/json"),
            ],
            body,
        );
        assert_eq!(r.status, 400, "{}", String::from_utf8_lossy(body));
        assert!(r.json()["error"].is_string());
    }
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let auth = c.header("POST", &url, &[]);
    let r = s.req(
        "POST",
        "/api/users",
        &[
            ("Authorization", &auth),
            ("Content-Type", "application/json"),
        ],
        deep.as_bytes(),
    );
    assert_eq!(r.status, 400);
    assert!(r.text().contains("nested deeper"));
}

#[test]
fn requests_in_flight_are_bounded() {
    // With one slot, a request that holds it (a slow password hash) makes others wait or 503.
    let s = Server::with(json!({"maxRequestsInFlight": 1}));
    let results = s.register_concurrently("u", 6);
    let busy: Vec<_> = results.iter().filter(|r| r.status == 503).collect();
    assert!(results.iter().all(|r| r.status == 200 || r.status == 503));
    assert!(
        !busy.is_empty(),
        "six concurrent registrations with one slot: none was refused"
    );
    assert!(busy.iter().all(|r| r.header("retry-after").is_some()));
    assert!(results.iter().any(|r| r.status == 200));
}

#[test]
fn sigterm_stops_cleanly() {
    let mut s = Server::start();
    let status = s.signal_and_wait("TERM");
    assert!(status.success(), "exit status {status}");
    assert!(!s.dir.join("db").join("pump.socket").exists());
}

#[test]
fn https_with_pem_files() {
    let dir = crate::common::server::temp_dir("tls");
    let (key, cert) = crate::common::self_signed(&dir, "127.0.0.1");
    let s = Server::with(json!({"key": key, "cert": cert}));
    let out = std::process::Command::new("curl")
        .args(["-sS", "--cacert"])
        .arg(&cert)
        .args([
            "-D",
            "-",
            &format!("https://{}/.well-known/host-meta.json", s.addr),
        ])
        .output()
        .expect("curl (Debian package curl) is needed for this test");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "curl: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.contains("registration_endpoint"));
    // The CSP names the secure websocket scheme under TLS.
    assert!(text.contains(&format!("connect-src 'self' wss://{}", s.addr)));
    // Plain HTTP on the TLS port gets no answer.
    let mut sock = std::net::TcpStream::connect(&s.addr).unwrap();
    sock.set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    use std::io::{Read, Write};
    sock.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut buf = Vec::new();
    let _ = sock.read_to_end(&mut buf);
    assert!(!String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 200"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn bad_tls_files_stop_start_up_with_a_message() {
    let dir = crate::common::server::temp_dir("badtls");
    let cfg = dir.join("c.json");
    let port = crate::common::server::free_port();
    std::fs::write(&cfg, json!({"secret": "x", "port": port, "driver": "memory", "key": dir.join("missing.key"), "cert": dir.join("missing.crt")}).to_string()).unwrap();
    let out = crate::common::server::run_cli(&dir, &["serve", "-c", cfg.to_str().unwrap()], None);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("missing.crt"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn old_internet_explorer_is_refused() {
    let s = Server::start();
    let r = s.req(
        "GET",
        "/",
        &[(
            "User-Agent",
            "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1)",
        )],
        b"",
    );
    assert_eq!(r.status, 400);
    assert!(r.text().contains("Security error"));
    let r = s.req(
        "GET",
        "/",
        &[(
            "User-Agent",
            "Mozilla/5.0 (Windows NT 10.0; Trident/7.0; rv:11.0) like Gecko",
        )],
        b"",
    );
    assert_eq!(r.status, 200);
}

#[test]
fn sigterm_lets_a_request_in_flight_finish() {
    let mut s = Server::start();
    let (c, url, addr) = (s.client(), s.url("/api/users"), s.addr.clone());
    // Registration hashes a password on the blocking pool: slow enough to still be in flight.
    let pending = std::thread::spawn(move || {
        let auth = c.header("POST", &url, &[]);
        let body = br#"{"nickname":"late","password":"correct7horse"}"#;
        crate::common::http::raw(
            &addr,
            "POST",
            "/api/users",
            &[
                ("Authorization", &auth),
                ("Content-Type", "application/json"),
            ],
            body,
        )
    });
    // In flight once its body is read and it is being handled (the server logs that).
    s.wait_for_log("POST /api/users: handling", 1);
    let status = s.signal_and_wait("TERM");
    let r = pending.join().unwrap();
    assert!(status.success(), "exit status {status}");
    assert_eq!(r.status, 200, "{}", r.text());
    // The answered registration is in the store.
    s.restart();
    assert_eq!(
        s.signed(&s.client(), "GET", "/api/user/late", None).status,
        200
    );
}

#[test]
fn bounce_redirects_port_80_to_https() {
    // Port 80 needs root (CI runs as root); a loopback address of its own avoids clashes.
    let uid = std::process::Command::new("id").arg("-u").output().unwrap();
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        crate::common::skipped(
            "bounce_redirects_port_80_to_https",
            "binding port 80 needs root; run as root (CI does)",
        );
        return;
    }
    let ip = format!(
        "127.0.{}.{}",
        std::process::id() % 200 + 20,
        crate::common::server::free_port() % 200 + 20
    );
    let dir = crate::common::server::temp_dir("bounce");
    let (key, cert) = crate::common::self_signed(&dir, &ip);
    let s = Server::with(json!({"hostname": ip, "key": key, "cert": cert, "bounce": true}));
    let r = crate::common::http::raw(&format!("{ip}:80"), "GET", "/api/users?count=1", &[], b"");
    assert_eq!(r.status, 301);
    assert_eq!(
        r.header("location"),
        Some(format!("https://{ip}/api/users?count=1").as_str())
    );
    drop(s);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn request_bodies_in_memory_are_bounded_overall() {
    // Each body fits maxBodySize, but together they exceed maxBodyMemory: some are refused
    // with 503 while the others are held.
    let s = Server::with(json!({"maxBodySize": 8192, "maxBodyMemory": 10000}));
    let addr = s.addr.clone();
    // Two slow uploads send half their body and hold it. Together they pass the budget, so one
    // is answered at once; the other finishes its body only then.
    let go = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let mut holders = Vec::new();
    for _ in 0..2 {
        let (addr, go, tx) = (addr.clone(), go.clone(), tx.clone());
        holders.push(std::thread::spawn(move || {
            use std::io::{Read, Write};
            let status = |out: &[u8]| String::from_utf8_lossy(out).split(' ').nth(1).unwrap_or("").to_string();
            let mut c = std::net::TcpStream::connect(&addr).unwrap();
            c.write_all(format!("POST /api/users HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: 8000\r\nConnection: close\r\n\r\n").as_bytes()).unwrap();
            c.write_all(&[b' '; 6000]).unwrap();
            c.set_read_timeout(Some(std::time::Duration::from_millis(20))).unwrap();
            let mut out = vec![0u8; 4096];
            while !go.load(std::sync::atomic::Ordering::SeqCst) {
                if let Ok(n @ 1..) = c.read(&mut out) {
                    tx.send(status(&out[..n])).unwrap();
                    return;
                }
            }
            c.set_read_timeout(None).unwrap();
            let _ = c.write_all(&[b' '; 2000]);
            let mut out = Vec::new();
            let _ = c.read_to_end(&mut out);
            tx.send(status(&out)).unwrap();
        }));
    }
    let first = rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap();
    go.store(true, std::sync::atomic::Ordering::SeqCst);
    let second = rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap();
    for h in holders {
        h.join().unwrap();
    }
    let statuses = [first, second];
    assert!(statuses.iter().any(|st| st == "503"), "{statuses:?}");
    // Once they are gone the budget is whole again.
    let r = s.signed(
        &s.client(),
        "POST",
        "/api/users",
        Some(&json!({"nickname": "ok", "password": "correct7horse"})),
    );
    assert_eq!(r.status, 200, "{}", r.text());
}
