//! A scripted HTTP server standing in for another host: each request is answered by the test's
//! `answer` function, which may also hang, stream a huge body or redirect forever. It records
//! every request it saw, so tests can tell what the server under test asked for.
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as the peer read it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the peer does with a request.
pub enum Answer {
    /// Status, content type and body.
    Body(u16, &'static str, Vec<u8>),
    /// Status, extra header lines (`Name: value`), and an empty body.
    Headers(u16, Vec<String>),
    /// A redirect to this location.
    Redirect(String),
    /// 200 with this many bytes of body, streamed (and no Content-Length).
    Endless(u64),
    /// Reads the request and never answers (until the test ends).
    Hang,
}

pub struct Peer {
    pub addr: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

impl Peer {
    /// Listens on `ip` at a free port; `answer` is called on the peer's threads.
    pub fn start(ip: &str, answer: impl Fn(&Seen) -> Answer + Send + Sync + 'static) -> Peer {
        let listener = TcpListener::bind((ip, 0)).expect("bind peer");
        let addr = listener.local_addr().unwrap().to_string();
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let answer = Arc::new(answer);
        let log = seen.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let (answer, log) = (answer.clone(), log.clone());
                std::thread::spawn(move || serve(conn, &*answer, &log));
            }
        });
        Peer { addr, seen }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The requests seen for `path` (without the query).
    pub fn hits(&self, path: &str) -> usize {
        let seen = self.seen.lock().unwrap();
        seen.iter()
            .filter(|s| s.path.split('?').next() == Some(path))
            .count()
    }
}

fn read_request(conn: &TcpStream) -> Option<Seen> {
    let mut r = BufReader::new(conn.try_clone().ok()?);
    let mut line = String::new();
    r.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next()?.to_string(), parts.next()?.to_string());
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        r.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let len = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; len.min(1 << 20)];
    r.read_exact(&mut body).ok()?;
    Some(Seen {
        method,
        path,
        headers,
        body,
    })
}

fn serve(mut conn: TcpStream, answer: &dyn Fn(&Seen) -> Answer, log: &Mutex<Vec<Seen>>) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(30)));
    // A TLS handshake (https tried first) is refused at once, as by a plain-http server.
    let mut first = [0u8; 1];
    if conn
        .peek(&mut first)
        .map_or(true, |n| n == 0 || first[0] == 0x16)
    {
        return;
    }
    let Some(req) = read_request(&conn) else {
        return;
    };
    log.lock().unwrap().push(req.clone());
    let head = |status: u16, extra: &str| {
        format!("HTTP/1.1 {status} X\r\nConnection: close\r\n{extra}\r\n").into_bytes()
    };
    match answer(&req) {
        Answer::Body(status, ct, body) => {
            let mut out = head(
                status,
                &format!("Content-Type: {ct}\r\nContent-Length: {}\r\n", body.len()),
            );
            out.extend(body);
            let _ = conn.write_all(&out);
        }
        Answer::Headers(status, lines) => {
            let extra: String = lines.iter().map(|l| format!("{l}\r\n")).collect();
            let _ = conn.write_all(&head(status, &format!("{extra}Content-Length: 0\r\n")));
        }
        Answer::Redirect(to) => {
            let _ = conn.write_all(&head(
                302,
                &format!("Location: {to}\r\nContent-Length: 0\r\n"),
            ));
        }
        Answer::Endless(n) => {
            if conn
                .write_all(&head(200, "Content-Type: application/json\r\n"))
                .is_err()
            {
                return;
            }
            let chunk = vec![b' '; 64 * 1024];
            let mut sent = 0;
            while sent < n && conn.write_all(&chunk).is_ok() {
                sent += chunk.len() as u64;
            }
        }
        Answer::Hang => {
            // Hold the connection open without a word until the other side gives up.
            let mut sink = [0u8; 1];
            let _ = conn.set_read_timeout(Some(Duration::from_secs(120)));
            let _ = conn.read(&mut sink);
        }
    }
}
