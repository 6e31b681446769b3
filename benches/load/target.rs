//! A server under test: ours (started here, with a fresh data dir, so its memory and disk can be
//! read) or another pump.io-compatible server at a URL. Seeding goes through the API only.
use crate::conn::Conn;
use crate::oauth::{enc, Client};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Target {
    pub name: String,
    pub addr: String,
    pub host: String,
    pub base: String,
    pub client: Client,
    pub alice: (String, Client),
    pub bob: (String, Client),
    /// A note with a like and a reply, as a path.
    pub object_path: String,
    pub own: Option<Own>,
    /// The process of a server not started here, when known.
    pub other_pid: Option<u32>,
    /// Makes nicknames unique per run (other servers keep their users).
    pub tag: String,
    /// The mixed workload's people, once seeded.
    pub mixed: Option<crate::mixed::Mixed>,
}

/// Our own server process and its data dir.
pub struct Own {
    pub bin: PathBuf,
    pub dir: PathBuf,
    pub port: u16,
    /// Config keys added to the bench's own (e.g. `responseCacheSize: 0`).
    pub extra: serde_json::Map<String, Value>,
    pub child: Child,
}

impl Target {
    /// The server's process, when known.
    pub fn pid(&self) -> Option<u32> {
        self.own.as_ref().map(Own::pid).or(self.other_pid)
    }
}

impl Own {
    pub fn start(
        bin: &PathBuf,
        dir: PathBuf,
        port: u16,
        extra: serde_json::Map<String, Value>,
    ) -> Own {
        let cfg = dir.join("pump.json");
        std::fs::create_dir_all(&dir).expect("data dir");
        let mut conf = json!({"secret": "bench", "hostname": "127.0.0.1", "port": port, "params": {"dir": dir.join("db")}, "nologger": true, "enableUploads": true, "datadir": dir});
        for (k, v) in &extra {
            conf[k] = v.clone();
        }
        std::fs::write(&cfg, conf.to_string()).expect("config");
        let child = Command::new(bin)
            .args(["serve", "-c"])
            .arg(&cfg)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start pump");
        let own = Own {
            bin: bin.clone(),
            dir,
            port,
            extra,
            child,
        };
        own.wait_ready();
        own
    }

    /// Waits for the first answer; returns how long it took.
    pub fn wait_ready(&self) -> Duration {
        let start = Instant::now();
        let addr = format!("127.0.0.1:{}", self.port);
        loop {
            let mut c = Conn::new(&addr, &addr);
            if c.send("GET", "/.well-known/host-meta.json", &[], b"")
                .is_ok_and(|a| a.status == 200)
            {
                return start.elapsed();
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "server did not answer"
            );
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGTERM and wait.
    pub fn stop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }

    /// Starts again on the same data dir; returns the time from spawn to the first answer.
    pub fn restart(&mut self) -> Duration {
        self.stop();
        let start = Instant::now();
        let fresh = Own::start(&self.bin, self.dir.clone(), self.port, self.extra.clone());
        let took = start.elapsed();
        *self = fresh;
        took
    }

    /// What the store's file takes on disk (its blocks: redb grows the file ahead of use,
    /// sparsely, so its length says more than the disk holds).
    pub fn store_bytes(&self) -> u64 {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(self.dir.join("db/pump.redb"))
            .map(|m| m.blocks() * 512)
            .unwrap_or(0)
    }
}

impl Drop for Own {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn json_of(a: &crate::conn::Answer, what: &str) -> Value {
    assert!(
        a.status == 200,
        "{what}: HTTP {} {}",
        a.status,
        String::from_utf8_lossy(&a.body)
    );
    serde_json::from_slice(&a.body).unwrap_or_else(|e| panic!("{what}: not JSON: {e}"))
}

impl Target {
    pub fn conn(&self) -> Conn {
        Conn::new(&self.addr, &self.host)
    }

    /// A signed request; `body` is sent as JSON.
    pub fn signed(
        &self,
        conn: &mut Conn,
        who: &Client,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> crate::conn::Answer {
        let auth = who.header(method, &format!("{}{path}", self.base), &[]);
        let bytes = body.map(|b| b.to_string()).unwrap_or_default();
        let mut h = vec![("Authorization", auth.as_str())];
        if body.is_some() {
            h.push(("Content-Type", "application/json"));
        }
        conn.send(method, path, &h, bytes.as_bytes())
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }

    /// Registers a client and two users (unique nicknames), makes bob follow alice.
    pub fn connect(name: &str, base: &str, own: Option<Own>) -> Target {
        let base = base.trim_end_matches('/').to_string();
        let host = base
            .split("://")
            .nth(1)
            .unwrap_or(&base)
            .split('/')
            .next()
            .unwrap_or_default()
            .to_string();
        let addr = if host.contains(':') {
            host.clone()
        } else {
            format!("{host}:80")
        };
        let mut c = Conn::new(&addr, &host);
        let reg = c
            .send("POST", "/api/client/register", &[("Content-Type", "application/json")],
                br#"{"type":"client_associate","application_name":"pump bench","application_type":"native"}"#)
            .expect("register client");
        let reg = json_of(&reg, "client registration");
        let client = Client::new(
            reg["client_id"].as_str().unwrap_or_default(),
            reg["client_secret"].as_str().unwrap_or_default(),
        );
        let mut t = Target {
            name: name.into(),
            addr,
            host,
            base,
            client: client.clone(),
            alice: (String::new(), client.clone()),
            bob: (String::new(), client.clone()),
            object_path: String::new(),
            own,
            other_pid: None,
            tag: String::new(),
            mixed: None,
        };
        t.tag = format!(
            "{:x}",
            std::process::id() as u64 * 1000
                + (Instant::now().elapsed().subsec_nanos() as u64 % 1000)
        );
        t.alice = t.register(&mut c, &format!("alice{}", t.tag));
        t.bob = t.register(&mut c, &format!("bob{}", t.tag));
        let alice_id = t.person_id(&mut c, &t.alice.0.clone());
        let r = t.signed(
            &mut c,
            &t.bob.1.clone(),
            "POST",
            &format!("/api/user/{}/following", t.bob.0),
            Some(&json!({"objectType": "person", "id": alice_id})),
        );
        json_of(&r, "follow");
        t
    }

    fn register(&self, c: &mut Conn, nick: &str) -> (String, Client) {
        let r = self.signed(
            c,
            &self.client,
            "POST",
            "/api/users",
            Some(&json!({"nickname": nick, "password": "bench-pass-1234"})),
        );
        let u = json_of(&r, "user registration");
        (
            nick.to_string(),
            self.client.with_token(
                u["token"].as_str().unwrap_or_default(),
                u["secret"].as_str().unwrap_or_default(),
            ),
        )
    }

    pub fn person_id(&self, c: &mut Conn, nick: &str) -> String {
        let r = self.signed(
            c,
            &self.client,
            "GET",
            &format!("/api/user/{nick}/profile"),
            None,
        );
        json_of(&r, "profile")["id"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub fn note(i: usize) -> Value {
        json!({"verb": "post", "object": {"objectType": "note", "content": format!("Benchmark note number {i}, with a few words of text in it.")},
            "to": [{"objectType": "collection", "id": "http://activityschema.org/collection/public"}]})
    }

    /// Seeds the mixed workload's people, follows and first notes.
    pub fn seed_mixed(&mut self) {
        let m = crate::mixed::Mixed::seed(self, &self.tag);
        eprintln!("  {} people, {} follows", m.people.len(), m.follow_count());
        self.mixed = Some(m);
    }

    /// Posts `n` public notes by alice over `conns` connections, then the note read by the
    /// object workload.
    pub fn seed(&mut self, n: usize, conns: usize) {
        self.post_notes(0..n, conns);
        self.seed_object(n);
    }

    /// Posts alice's notes numbered `range` over `conns` connections.
    pub fn post_notes(&self, range: std::ops::Range<usize>, conns: usize) {
        std::thread::scope(|s| {
            for t in 0..conns {
                let me = self;
                let range = range.clone();
                s.spawn(move || {
                    let mut c = me.conn();
                    for i in (range.start + t..range.end).step_by(conns) {
                        let r = me.signed(
                            &mut c,
                            &me.alice.1,
                            "POST",
                            &format!("/api/user/{}/feed", me.alice.0),
                            Some(&Target::note(i)),
                        );
                        assert_eq!(
                            r.status,
                            200,
                            "seed post {i}: {}",
                            String::from_utf8_lossy(&r.body)
                        );
                    }
                });
            }
        });
    }

    /// The object read in the benchmark: a note with a like and a reply.
    fn seed_object(&mut self, n: usize) {
        let mut c = self.conn();
        let a = json_of(
            &self.signed(
                &mut c,
                &self.alice.1,
                "POST",
                &format!("/api/user/{}/feed", self.alice.0),
                Some(&Target::note(n)),
            ),
            "post",
        );
        let oid = a["object"]["id"].as_str().unwrap_or_default().to_string();
        let like = json!({"verb": "favorite", "object": {"id": oid, "objectType": "note"}});
        json_of(
            &self.signed(
                &mut c,
                &self.bob.1,
                "POST",
                &format!("/api/user/{}/feed", self.bob.0),
                Some(&like),
            ),
            "like",
        );
        let reply = json!({"verb": "post", "object": {"objectType": "comment", "content": "A reply", "inReplyTo": {"id": oid, "objectType": "note"}}});
        json_of(
            &self.signed(
                &mut c,
                &self.bob.1,
                "POST",
                &format!("/api/user/{}/feed", self.bob.0),
                Some(&reply),
            ),
            "reply",
        );
        let self_href = a["object"]["links"]["self"]["href"]
            .as_str()
            .unwrap_or(&oid)
            .to_string();
        self.object_path = self_href
            .strip_prefix(&self.base)
            .map(String::from)
            .unwrap_or_else(|| format!("/api/note?id={}", enc(&oid)));
    }
}
