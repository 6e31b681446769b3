//! Slow and interrupted clients: bodies that never finish, many connections from one address
//! and from many, and uploads cut off by the client, by a stall or by a crash of the server.
//! Client sockets are bound to addresses of 127.0.0.0/8 (all loopback on Linux) to be many
//! clients.
use super::uploads::{files_under, get_file, server as upload_server, upload};
use crate::common::{eventually, Client, Server};
use serde_json::{json, Value};
use socket2::{Domain, Socket, Type};
use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A connection to `s` from the loopback address `from`.
fn connect_from(s: &Server, from: Ipv4Addr) -> TcpStream {
    let to: SocketAddr = s.addr.parse().expect("server address");
    let sock = Socket::new(Domain::IPV4, Type::STREAM, None).expect("socket");
    sock.bind(&SocketAddr::new(from.into(), 0).into())
        .unwrap_or_else(|e| panic!("bind {from}: {e}"));
    sock.connect_timeout(&to.into(), Duration::from_secs(10))
        .unwrap_or_else(|e| panic!("connect from {from}: {e}"));
    sock.into()
}

#[derive(Debug, PartialEq)]
enum End {
    /// `done` held.
    Done,
    /// The server closed (or reset) the connection.
    Closed,
    /// Nothing more came before the deadline.
    Late,
}

/// Reads until `done(bytes so far)`, the end of the connection, or `until`.
fn read_until(c: &mut TcpStream, until: Instant, done: fn(&[u8]) -> bool) -> (Vec<u8>, End) {
    let (mut buf, mut chunk) = (Vec::new(), [0u8; 4096]);
    loop {
        if done(&buf) {
            return (buf, End::Done);
        }
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return (buf, End::Late);
        }
        c.set_read_timeout(Some(left)).expect("read timeout");
        match c.read(&mut chunk) {
            Ok(0) => return (buf, End::Closed),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return (buf, End::Late)
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return (buf, End::Closed),
        }
    }
}

fn has_head(b: &[u8]) -> bool {
    b.windows(4).any(|w| w == b"\r\n\r\n")
}

fn never(_: &[u8]) -> bool {
    false
}

fn status(b: &[u8]) -> u16 {
    String::from_utf8_lossy(b)
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// The JSON body of a whole answer read off a socket.
fn json_body(b: &[u8]) -> Value {
    let text = String::from_utf8_lossy(b);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: application/json"),
        "{text}"
    );
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// What has come in on `c`, looked at without reading it: nothing yet (None), or whether the
/// server has closed it (Some(true)) or sent something (Some(false)).
fn peek(c: &TcpStream) -> Option<bool> {
    c.set_nonblocking(true).expect("nonblocking");
    let r = c.peek(&mut [0u8; 1]);
    c.set_nonblocking(false).expect("blocking");
    match r {
        Ok(n) => Some(n == 0),
        Err(e) if e.kind() == ErrorKind::WouldBlock => None,
        Err(_) => Some(true),
    }
}

fn is_closed(c: &TcpStream) -> bool {
    peek(c) == Some(true)
}

/// The soft limit on open files of this process (the server inherits it).
fn open_files_limit() -> usize {
    std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("Max open files"))
                .and_then(|l| l.split_whitespace().nth(3).map(str::to_string))
        })
        .and_then(|n| n.parse().ok())
        .unwrap_or(1024)
}

/// A request whose body says `len` bytes and asks to be told when the server reads it.
fn slow_head(s: &Server, len: usize) -> String {
    format!(
        "POST /api/users HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
         Content-Length: {len}\r\nExpect: 100-continue\r\n\r\n",
        s.addr
    )
}

const PER_ADDRESS: usize = 32;
const REQUESTS_PER_ADDRESS: usize = 16;
const BODY_TIMEOUT_MS: u64 = 5000;

#[test]
fn slow_bodies_neither_starve_others_nor_hold_their_slots() {
    let s = Server::with(json!({
        "bodyTimeout": BODY_TIMEOUT_MS,
        "maxConnectionsPerAddress": PER_ADDRESS,
        "maxRequestsPerAddress": REQUESTS_PER_ADDRESS,
        "logLevel": "info",
    }));
    // 100 connections from one address, 16 from each of 25 others: 500 in all, as long as
    // the test process and the server (same limit) have the descriptors for them.
    let limit = open_files_limit();
    let others = if limit >= 1024 {
        25
    } else {
        (limit / 80).max(1)
    };
    if others < 25 {
        eprintln!("open files limited to {limit}: {others} other addresses instead of 25");
    }
    let t0 = Instant::now();
    // One address: only its first 32 connections stay open, the others are closed at accept.
    let greedy = Ipv4Addr::new(127, 0, 0, 2);
    let mut conns: Vec<TcpStream> = (0..100).map(|_| connect_from(&s, greedy)).collect();
    let refused = PER_ADDRESS..100;
    assert!(
        eventually(10, || conns.iter().filter(|c| is_closed(c)).count()
            >= refused.len()),
        "127.0.0.2 keeps {} of 100 connections open; the cap is {PER_ADDRESS}",
        conns.iter().filter(|c| !is_closed(c)).count()
    );
    conns.retain(|c| !is_closed(c));
    assert_eq!(conns.len(), PER_ADDRESS);
    for i in 0..others {
        let from = Ipv4Addr::new(127, 0, 0, 3 + i as u8);
        conns.extend((0..REQUESTS_PER_ADDRESS).map(|_| connect_from(&s, from)));
    }
    // Every connection sends its headers: those the server starts reading are told to go on.
    let until = Instant::now() + Duration::from_secs(30);
    let (mut reading, mut busy_greedy) = (Vec::new(), 0);
    for mut c in conns {
        c.write_all(slow_head(&s, 1000).as_bytes())
            .expect("send head");
        let greedy_one = c.local_addr().is_ok_and(|a| a.ip() == greedy);
        let (got, end) = read_until(&mut c, until, has_head);
        match (status(&got), greedy_one) {
            (100, _) => reading.push(c),
            // 127.0.0.2 is over its share of requests: refused at once, connection closed.
            (503, true) => {
                let (_, end) = read_until(&mut c, until, never);
                assert_eq!(
                    end,
                    End::Closed,
                    "a refused request's connection stays open"
                );
                busy_greedy += 1;
            }
            _ => panic!("{end:?} {:?}", String::from_utf8_lossy(&got)),
        }
    }
    assert_eq!(busy_greedy, PER_ADDRESS - REQUESTS_PER_ADDRESS);
    assert_eq!(reading.len(), REQUESTS_PER_ADDRESS * (others + 1));
    // Part of the body, then nothing more.
    for c in &mut reading {
        c.write_all(b"{\"nickname\": ")
            .expect("send part of the body");
    }
    let held = t0.elapsed();
    // Meanwhile everyone else is served, bodies included.
    let started = Instant::now();
    let meta = s.get("/.well-known/host-meta.json");
    assert_eq!(meta.status, 200, "{}", meta.text());
    assert!(meta.json()["links"].is_array());
    let (user, _) = s.register("patient", "correct7horse");
    assert_eq!(user["nickname"], "patient");
    let served = started.elapsed();
    assert!(served < Duration::from_secs(10), "served in {served:?}");
    // That was while every slow body was still held (a machine too slow for this test would
    // have reached their bodyTimeout by now).
    let answered = reading.iter().filter(|c| peek(c).is_some()).count();
    assert_eq!(
        answered,
        0,
        "slow bodies answered within {:?}",
        t0.elapsed()
    );
    // Each slow body gets 408 (JSON) at its bodyTimeout, and its connection is closed.
    let until = Instant::now() + Duration::from_secs(30);
    for c in &mut reading {
        let (got, end) = read_until(c, until, never);
        assert_eq!(
            (status(&got), end),
            (408, End::Closed),
            "{:?}",
            String::from_utf8_lossy(&got)
        );
        assert!(json_body(&got)["error"].is_string());
    }
    eprintln!(
        "500 slow connections opened and held in {held:?}; others served in {served:?}; \
         all 408 after {:?}",
        t0.elapsed()
    );
}

/// The signed head of an upload of `len` bytes by alice.
fn upload_head(s: &Server, alice: &Client, len: usize) -> String {
    let path = "/api/user/alice/uploads";
    let auth = alice.header("POST", &s.url(path), &[]);
    format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: {auth}\r\n\
         Content-Type: application/octet-stream\r\nContent-Length: {len}\r\n\r\n",
        s.addr
    )
}

/// An upload of 1 MB that has sent its first 100 KB.
fn start_upload(s: &Server, alice: &Client) -> TcpStream {
    let mut c = connect_from(s, Ipv4Addr::LOCALHOST);
    c.write_all(upload_head(s, alice, 1_000_000).as_bytes())
        .expect("send head");
    c.write_all(&vec![7u8; 100_000])
        .expect("send part of the body");
    c
}

fn uploads_dir(s: &Server) -> PathBuf {
    let cfg: Value =
        serde_json::from_slice(&std::fs::read(&s.config).expect("config")).expect("config JSON");
    PathBuf::from(cfg["datadir"].as_str().expect("datadir")).join("uploads")
}

fn remove_datadir(uploads: &Path) {
    if let Some(d) = uploads.parent() {
        let _ = std::fs::remove_dir_all(d);
    }
}

#[test]
fn a_trickled_body_below_min_body_rate_gets_408() {
    let s = Server::with(json!({"bodyTimeout": 60000, "bodyRateGrace": 1000, "minBodyRate": 2000}));
    // 20 bytes every 100 ms: 200 bytes/s, a tenth of the minimum.
    let mut c = connect_from(&s, Ipv4Addr::LOCALHOST);
    let head = slow_head(&s, 100_000).replace("Expect: 100-continue\r\n", "");
    c.write_all(head.as_bytes()).expect("send head");
    let started = Instant::now();
    let mut got = Vec::new();
    // At most 15 s, a quarter of bodyTimeout: only the rate can end it that soon.
    for _ in 0..150 {
        if c.write_all(&[b' '; 20]).is_err() {
            break;
        }
        let (more, end) = read_until(&mut c, Instant::now() + Duration::from_millis(100), never);
        got.extend(more);
        if end != End::Late || !got.is_empty() {
            break;
        }
    }
    let (rest, end) = read_until(&mut c, Instant::now() + Duration::from_secs(10), never);
    got.extend(rest);
    let took = started.elapsed();
    assert_eq!(
        (status(&got), end),
        (408, End::Closed),
        "after {took:?}: {:?}",
        String::from_utf8_lossy(&got)
    );
    assert!(json_body(&got)["error"].is_string());
    // A slow body above the minimum rate (10 KB/s, past the grace period) is served.
    let auth = s.client().header("POST", &s.url("/api/users"), &[]);
    let mut body = br#"{"nickname": "steady", "password": "correct7horse"  "#.to_vec();
    body.resize(12_000, b' ');
    body.push(b'}');
    let mut c = connect_from(&s, Ipv4Addr::LOCALHOST);
    let head = format!(
        "POST /api/users HTTP/1.1\r\nHost: {}\r\nAuthorization: {auth}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        s.addr,
        body.len()
    );
    c.write_all(head.as_bytes()).expect("send head");
    let steady = Instant::now();
    let pieces: Vec<&[u8]> = body.chunks(1000).collect();
    for (i, piece) in pieces.iter().enumerate() {
        c.write_all(piece).expect("send a piece");
        if i + 1 < pieces.len() {
            let pause = Instant::now() + Duration::from_millis(100);
            let (early, end) = read_until(&mut c, pause, never);
            assert_eq!(end, End::Late, "{:?}", String::from_utf8_lossy(&early));
        }
    }
    let (got, _) = read_until(&mut c, Instant::now() + Duration::from_secs(20), never);
    assert_eq!(status(&got), 200, "{:?}", String::from_utf8_lossy(&got));
    assert_eq!(json_body(&got)["nickname"], "steady");
    eprintln!(
        "too slow: 408 after {took:?}; steady body served in {:?}",
        steady.elapsed()
    );
}

#[test]
fn interrupted_uploads_leave_no_partial_file() {
    let s = upload_server(json!({"uploadTimeout": 3000}));
    let (_, alice) = s.register("alice", "correct7horse");
    let uploads = uploads_dir(&s);
    let on_disk = || files_under(&uploads);
    // The client goes away mid-body.
    let c = start_upload(&s, &alice);
    assert!(
        eventually(10, || !on_disk().is_empty()),
        "the upload is not written"
    );
    drop(c);
    assert!(
        eventually(10, || on_disk().is_empty()),
        "left after a dropped connection: {:?}",
        on_disk()
    );
    // The client stalls mid-body: 408 at uploadTimeout, and the partial file goes.
    let started = Instant::now();
    let mut c = start_upload(&s, &alice);
    assert!(
        eventually(10, || !on_disk().is_empty()),
        "the upload is not written"
    );
    let (got, end) = read_until(&mut c, Instant::now() + Duration::from_secs(20), never);
    assert_eq!(
        (status(&got), end),
        (408, End::Closed),
        "{:?}",
        String::from_utf8_lossy(&got)
    );
    let stalled = started.elapsed();
    assert!(
        eventually(10, || on_disk().is_empty()),
        "left after a stalled upload: {:?}",
        on_disk()
    );
    // A multipart body that ends before its closing boundary: 400, nothing kept.
    let path = "/api/user/alice/uploads";
    let mut body =
        b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n\
Content-Type: application/octet-stream\r\n\r\n"
            .to_vec();
    body.extend_from_slice(&[5u8; 50_000]);
    let auth = alice.header("POST", &s.url(path), &[]);
    let ct = "multipart/form-data; boundary=XyZ";
    let r = s.req(
        "POST",
        path,
        &[("Authorization", &auth), ("Content-Type", ct)],
        &body,
    );
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(
        eventually(10, || on_disk().is_empty()),
        "left after a bad multipart body: {:?}",
        on_disk()
    );
    eprintln!("stalled upload: 408 after {stalled:?}");
    drop(s);
    remove_datadir(&uploads);
}

#[test]
fn partial_uploads_left_by_a_crash_are_removed_at_start() {
    let mut s = upload_server(json!({}));
    let (_, alice) = s.register("alice", "correct7horse");
    let uploads = uploads_dir(&s);
    let done = upload(&s, &alice, "alice", "text/plain", b"a complete upload");
    assert_eq!(done.status, 200, "{}", done.text());
    let complete = files_under(&uploads);
    assert_eq!(complete.len(), 1);
    let c = start_upload(&s, &alice);
    assert!(
        eventually(10, || files_under(&uploads).len() > 1),
        "the upload is not written"
    );
    s.kill9();
    drop(c);
    let partial: Vec<_> = files_under(&uploads)
        .into_iter()
        .filter(|p| !complete.contains(p))
        .collect();
    assert!(!partial.is_empty(), "the crash left no partial file");
    let started = Instant::now();
    s.restart();
    assert!(
        eventually(10, || files_under(&uploads) == complete),
        "left after a restart: {:?}",
        files_under(&uploads)
    );
    // What was complete is still there and served.
    let url = done.json()["fileUrl"]
        .as_str()
        .expect("fileUrl")
        .to_string();
    let got = get_file(&s, Some(&alice), &url, &[]);
    assert_eq!(got.body, b"a complete upload");
    eprintln!(
        "restart to partial gone: {:?} ({} partial)",
        started.elapsed(),
        partial.len()
    );
    drop(s);
    remove_datadir(&uploads);
}
