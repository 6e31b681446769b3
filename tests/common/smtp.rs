//! A small SMTP sink on loopback: accepts every message and keeps it for the test to read,
//! optionally offering STARTTLS with a given certificate.
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Sink {
    pub port: u16,
    messages: Arc<Mutex<Vec<String>>>,
    /// Whether each message came over TLS.
    secured: Arc<Mutex<Vec<bool>>>,
}

trait Io: Read + Write {}
impl<T: Read + Write> Io for T {}

/// One line, up to and with its `\n`; None at the end of the stream.
fn read_line(io: &mut dyn Io) -> Option<String> {
    let mut line = Vec::new();
    let mut b = [0u8; 1];
    loop {
        match io.read(&mut b) {
            Ok(1) => {
                line.push(b[0]);
                if b[0] == b'\n' {
                    return Some(String::from_utf8_lossy(&line).into_owned());
                }
            }
            _ => return (!line.is_empty()).then(|| String::from_utf8_lossy(&line).into_owned()),
        }
    }
}

struct Conversation {
    messages: Arc<Mutex<Vec<String>>>,
    secured: Arc<Mutex<Vec<bool>>>,
    tls: Option<Arc<rustls::ServerConfig>>,
}

impl Conversation {
    /// Talks SMTP on `io`; after STARTTLS, again over TLS.
    fn run(&self, mut io: Box<dyn Io>, over_tls: bool) {
        if !over_tls {
            let _ = io.write_all(b"220 sink ESMTP\r\n");
        }
        let offer = self.tls.is_some() && !over_tls;
        while let Some(line) = read_line(&mut *io) {
            let cmd = line.trim_end().to_ascii_uppercase();
            let reply: &[u8] = if cmd.starts_with("EHLO") && offer {
                b"250-sink\r\n250 STARTTLS\r\n"
            } else if cmd.starts_with("EHLO") || cmd.starts_with("HELO") {
                b"250 sink\r\n"
            } else if cmd.starts_with("STARTTLS") && offer {
                let _ = io.write_all(b"220 go ahead\r\n");
                let Some(cfg) = self.tls.clone() else { return };
                let Ok(conn) = rustls::ServerConnection::new(cfg) else {
                    return;
                };
                return self.run(Box::new(rustls::StreamOwned::new(conn, io)), true);
            } else if cmd.starts_with("DATA") {
                let _ = io.write_all(b"354 end with <CRLF>.<CRLF>\r\n");
                let mut msg = String::new();
                loop {
                    let Some(l) = read_line(&mut *io) else { return };
                    if l == ".\r\n" {
                        break;
                    }
                    msg.push_str(&l);
                }
                if let (Ok(mut k), Ok(mut t)) = (self.messages.lock(), self.secured.lock()) {
                    k.push(msg);
                    t.push(over_tls);
                }
                b"250 queued\r\n"
            } else if cmd.starts_with("QUIT") {
                let _ = io.write_all(b"221 bye\r\n");
                return;
            } else {
                b"250 OK\r\n"
            };
            if io.write_all(reply).and_then(|_| io.flush()).is_err() {
                return;
            }
        }
    }
}

impl Sink {
    pub fn start() -> Sink {
        Sink::start_on(0)
    }

    /// A sink on `port` (0: any free one).
    pub fn start_on(port: u16) -> Sink {
        Sink::listen(port, None)
    }

    /// A sink that offers STARTTLS with the certificate chain and key of these PEM files.
    pub fn start_tls(cert: &std::path::Path, key: &std::path::Path) -> Sink {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
            .unwrap()
            .map(|c| c.unwrap())
            .collect();
        let key = PrivateKeyDer::from_pem_file(key).unwrap();
        let cfg = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
        Sink::listen(0, Some(Arc::new(cfg)))
    }

    fn listen(port: u16, tls: Option<Arc<rustls::ServerConfig>>) -> Sink {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind SMTP sink");
        let port = listener.local_addr().expect("addr").port();
        let messages = Arc::new(Mutex::new(Vec::new()));
        let secured = Arc::new(Mutex::new(Vec::new()));
        let talk = Arc::new(Conversation {
            messages: messages.clone(),
            secured: secured.clone(),
            tls,
        });
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let talk = talk.clone();
                std::thread::spawn(move || talk.run(Box::new(conn), false));
            }
        });
        Sink {
            port,
            messages,
            secured,
        }
    }

    /// Whether the `n`th message (from 1) came over TLS.
    pub fn over_tls(&self, n: usize) -> bool {
        self.secured
            .lock()
            .map(|t| t.get(n - 1).copied().unwrap_or(false))
            .unwrap_or(false)
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
