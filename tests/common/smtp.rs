//! A small SMTP sink on loopback: accepts every message and keeps it for the test to read.
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Sink {
    pub port: u16,
    messages: Arc<Mutex<Vec<String>>>,
}

impl Sink {
    pub fn start() -> Sink {
        Sink::start_on(0)
    }

    /// A sink on `port` (0: any free one).
    pub fn start_on(port: u16) -> Sink {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind SMTP sink");
        let port = listener.local_addr().expect("addr").port();
        let messages = Arc::new(Mutex::new(Vec::new()));
        let kept = messages.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let kept = kept.clone();
                std::thread::spawn(move || {
                    let mut out = match conn.try_clone() {
                        Ok(o) => o,
                        Err(_) => return,
                    };
                    let mut lines = BufReader::new(conn);
                    let _ = out.write_all(b"220 sink ESMTP\r\n");
                    let mut line = String::new();
                    loop {
                        line.clear();
                        if lines.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        let cmd = line.trim_end().to_ascii_uppercase();
                        let reply: &[u8] = if cmd.starts_with("EHLO") || cmd.starts_with("HELO") {
                            b"250 sink\r\n"
                        } else if cmd.starts_with("DATA") {
                            let _ = out.write_all(b"354 end with <CRLF>.<CRLF>\r\n");
                            let mut msg = String::new();
                            loop {
                                line.clear();
                                if lines.read_line(&mut line).unwrap_or(0) == 0 {
                                    return;
                                }
                                if line == ".\r\n" {
                                    break;
                                }
                                msg.push_str(&line);
                            }
                            if let Ok(mut k) = kept.lock() {
                                k.push(msg);
                            }
                            b"250 queued\r\n"
                        } else if cmd.starts_with("QUIT") {
                            let _ = out.write_all(b"221 bye\r\n");
                            return;
                        } else {
                            b"250 OK\r\n"
                        };
                        if out.write_all(reply).is_err() {
                            return;
                        }
                    }
                });
            }
        });
        Sink { port, messages }
    }

    /// Waits for the `n`th message (from 1), with soft line breaks undone.
    pub fn message(&self, n: usize) -> String {
        let start = Instant::now();
        loop {
            if let Some(m) = self
                .messages
                .lock()
                .ok()
                .and_then(|m| m.get(n - 1).cloned())
            {
                return m.replace("=\r\n", "").replace("=3D", "=");
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "no message {n} arrived"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn count(&self) -> usize {
        self.messages.lock().map(|m| m.len()).unwrap_or(0)
    }
}

/// The first `BASE<path>…` link in a message.
pub fn link(message: &str, path: &str) -> String {
    let at = message
        .find(path)
        .unwrap_or_else(|| panic!("no {path} link in:\n{message}"));
    let start = message[..at].rfind("http").expect("link start");
    let end = message[at..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || "-_/".contains(c)))
        .map(|e| at + e)
        .unwrap_or(message.len());
    message[start..end].to_string()
}
