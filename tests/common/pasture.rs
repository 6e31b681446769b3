//! Third-party ActivityPub peers from fediverse-pasture (PyPI, installed by
//! `scripts/pasture-install` into target/pasture): `verify_actor`, `one_actor` and its sender,
//! each run as a process on a loopback address. They bind 0.0.0.0 (their code says so) but
//! are only ever spoken to on loopback; JSON-LD contexts they would fetch from the Internet
//! go to a closed proxy, so that nothing leaves the machine.
use super::server::{free_port, temp_dir};
use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The venv's python, or None (the test is skipped, except under CI, where it fails).
pub fn python(test: &str) -> Option<PathBuf> {
    let p = std::env::var_os("PUMP_PASTURE_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/pasture/bin/python")
        });
    if p.exists() {
        return Some(p);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{test}: fediverse-pasture is missing: run scripts/pasture-install"
    );
    super::skipped(
        test,
        "fediverse-pasture is not installed (scripts/pasture-install)",
    );
    None
}

/// A pasture process, killed when dropped.
pub struct Peer {
    child: Child,
    pub dir: PathBuf,
    pub ip: String,
    pub port: u16,
    python: PathBuf,
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn command(python: &Path, dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(python);
    c.arg("-m")
        .args(args)
        .current_dir(dir)
        .env("HTTP_PROXY", "http://127.0.0.1:9")
        .env("HTTPS_PROXY", "http://127.0.0.1:9")
        .env("NO_PROXY", "127.0.0.0/8,localhost")
        .env("PYTHONUNBUFFERED", "1");
    c
}

fn start(python: &Path, ip: &str, module: &str, extra: &[&str], config: bool) -> Peer {
    let dir = temp_dir("pasture");
    if config {
        let out = command(python, &dir, &[module, "--only_generate_config"])
            .output()
            .expect("pasture config");
        assert!(out.status.success(), "{out:?}");
        // The one actor checks the signatures of what its inbox is sent.
        let toml = dir.join("data.toml");
        let text = std::fs::read_to_string(&toml).expect("data.toml");
        let signed = text.replacen(
            "requires_signed_post_for_inbox = false",
            "requires_signed_post_for_inbox = true",
            1,
        );
        std::fs::write(&toml, signed).expect("data.toml");
    }
    let port = free_port();
    let log = std::fs::File::create(dir.join("log")).expect("log");
    let p = port.to_string();
    let domain = format!("{ip}:{port}");
    let mut args = vec![module, "--port", &p];
    if !config {
        args.extend(["--domain", &domain]);
    }
    args.extend(extra);
    let child = command(python, &dir, &args)
        .stdout(log.try_clone().expect("log"))
        .stderr(log)
        .stdin(Stdio::null())
        .spawn()
        .expect("pasture");
    let peer = Peer {
        child,
        dir,
        ip: ip.to_string(),
        port,
        python: python.to_path_buf(),
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect((ip, port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "pasture never listened: {}",
            peer.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    peer
}

impl Peer {
    /// `fediverse_pasture.verify_actor` on `ip`.
    pub fn verify_actor(python: &Path, ip: &str) -> Peer {
        start(
            python,
            ip,
            "fediverse_pasture.verify_actor",
            &["--timeout", "20"],
            false,
        )
    }

    /// `fediverse_pasture.one_actor` on `ip`: `acct:actor@ip:port`, an inbox that wants
    /// signed posts.
    pub fn one_actor(python: &Path, ip: &str) -> Peer {
        start(python, ip, "fediverse_pasture.one_actor", &[], true)
    }

    /// The one actor's key, from its config (`[[one_actor.key_pairs]]`).
    pub fn key(&self) -> super::ap::Key {
        let toml = std::fs::read_to_string(self.dir.join("data.toml")).expect("data.toml");
        let pairs = toml
            .split("[[one_actor.key_pairs]]")
            .nth(1)
            .expect("key pairs");
        let start = pairs.find("private = \"").expect("private key") + "private = \"".len();
        let pem = pairs[start..]
            .split('"')
            .next()
            .expect("key")
            .replace("\\n", "\n");
        super::ap::Key::from_pem(&format!("{}/actor#main", self.base()), &pem)
    }

    pub fn base(&self) -> String {
        format!("http://{}:{}", self.ip, self.port)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("log")).unwrap_or_default()
    }

    /// verify_actor's report on `actor`.
    pub fn verify(&self, actor: &str) -> Value {
        let body = format!("actor_uri={}", super::oauth::enc(actor));
        let r = super::http::raw(
            &format!("{}:{}", self.ip, self.port),
            "POST",
            "/",
            &[
                ("Accept", "application/json"),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            body.as_bytes(),
        );
        assert_eq!(r.status, 200, "{}\n{}", r.text(), self.log());
        r.json()
    }

    /// The one actor's sender: a signed Create of a public note with `text` to `to`.
    pub fn send(&self, text: &str, to: &str) -> Output {
        command(
            &self.python,
            &self.dir,
            &[
                "fediverse_pasture.send",
                "--domain",
                &self.base(),
                "--text",
                text,
                to,
            ],
        )
        .output()
        .expect("pasture send")
    }

    /// What the one actor's inbox received, in order, waiting up to `secs` for `enough`.
    pub fn received(&self, secs: u64, enough: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let mut s = TcpStream::connect((self.ip.as_str(), self.port)).expect("connect");
        s.set_read_timeout(Some(Duration::from_millis(200)))
            .expect("timeout");
        let req = format!("GET / HTTP/1.1\r\nHost: {}:{}\r\n\r\n", self.ip, self.port);
        s.write_all(req.as_bytes()).expect("write");
        let deadline = Instant::now() + Duration::from_secs(secs);
        let mut text = String::new();
        let mut buf = [0u8; 8192];
        loop {
            match s.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => text.push_str(&String::from_utf8_lossy(&buf[..n])),
                Err(_) => {}
            }
            let got = parse(&text);
            if enough(&got) || Instant::now() >= deadline {
                return got;
            }
        }
        parse(&text)
    }
}

/// The JSON documents between `<pre>` and `</pre>` (Quart escapes nothing here, and a chunked
/// body's size lines fall outside them).
fn parse(text: &str) -> Vec<Value> {
    text.split("<pre>")
        .skip(1)
        .filter_map(|part| part.split("</pre>").next())
        .filter_map(|j| serde_json::from_str(j).ok())
        .collect()
}
