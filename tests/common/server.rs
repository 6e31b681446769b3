//! Starting the real binary on a free loopback port with a fresh data dir and config.
use super::http::{raw, Response};
use super::oauth::Client;
use serde_json::{json, Value};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

static SEQ: AtomicU32 = AtomicU32::new(0);

/// The client every test server knows from its config.
pub const CLIENT_KEY: &str = "TESTCLIENTID";
pub const CLIENT_SECRET: &str = "TESTCLIENTSECRET";

pub fn bin() -> PathBuf {
    std::env::var_os("PUMP_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_pump")))
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// A fresh directory under the system temp dir, removed when the server is dropped.
pub fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "pump-test-{}-{}-{tag}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// The server's public address as it writes it: port 80 goes without saying.
fn base_url(host: &str, port: u16) -> String {
    match port {
        80 => format!("http://{host}"),
        p => format!("http://{host}:{p}"),
    }
}

pub struct Server {
    pub addr: String,
    pub base: String,
    pub port: u16,
    pub dir: PathBuf,
    pub config: PathBuf,
    child: Option<Child>,
}

impl Server {
    /// A server on the persistent store with the test client configured.
    pub fn start() -> Server {
        Server::with(json!({}))
    }

    /// The default config with `extra` keys merged over it.
    pub fn with(extra: Value) -> Server {
        Server::prepared(extra, |_| {})
    }

    /// As `with`, with `prepare` filling the fresh server dir before the binary starts.
    pub fn prepared(extra: Value, prepare: impl FnOnce(&Path)) -> Server {
        let dir = temp_dir("srv");
        // Unless the test chose a port, the server takes a free one itself (port 0) and says
        // which in its log; the config then names it, so that restarts keep the address.
        let mut cfg = json!({
            "hostname": "127.0.0.1",
            "port": 0,
            "driver": "disk",
            "params": {"dir": dir.join("db")},
            "secret": "test secret, not for production",
            "logLevel": "debug",
            "clients": [{"client_id": CLIENT_KEY, "client_secret": CLIENT_SECRET, "title": "Test client"}],
        });
        if let (Some(c), Some(e)) = (cfg.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                c.insert(k.clone(), v.clone());
            }
        }
        if cfg["port"] == 0 && cfg.get("nologger") == Some(&json!(true)) {
            // Without a log the bound port cannot be read: probe one.
            cfg["port"] = json!(free_port());
        }
        let config = dir.join("pump.json");
        std::fs::write(&config, serde_json::to_vec_pretty(&cfg).unwrap()).unwrap();
        let port = cfg["port"].as_u64().unwrap_or(0) as u16;
        // Requests go to the configured host name, as a client would address the server.
        let host = cfg["hostname"].as_str().unwrap_or("127.0.0.1").to_string();
        prepare(&dir);
        let mut s = Server {
            addr: format!("{host}:{port}"),
            base: base_url(&host, port),
            port,
            dir,
            config,
            child: None,
        };
        s.launch();
        if port == 0 {
            let bound = s.bound_port();
            s.move_to(&host, bound, &mut cfg);
        }
        s
    }

    /// The port the log's last "listening on" line names.
    fn bound_port(&self) -> u16 {
        let log = self.log();
        let line = log
            .lines()
            .rev()
            .find(|l| l.contains(" listening on "))
            .unwrap();
        let url = line.split(" listening on ").nth(1).unwrap();
        let authority = url.split("://").nth(1).unwrap().split(' ').next().unwrap();
        authority.rsplit(':').next().unwrap().parse().unwrap()
    }

    /// Points the server and its config at another port.
    fn move_to(&mut self, host: &str, port: u16, cfg: &mut Value) {
        cfg["port"] = json!(port);
        std::fs::write(&self.config, serde_json::to_vec_pretty(&*cfg).unwrap()).unwrap();
        self.port = port;
        self.addr = format!("{host}:{port}");
        self.base = base_url(host, port);
    }

    /// Another server with this one's address and config, on a new data dir that `prepare`
    /// fills (with the new config's path) before it starts. This one must be stopped first.
    pub fn successor(&self, prepare: impl FnOnce(&Path, &Path)) -> Server {
        let dir = temp_dir("srv");
        let mut cfg: Value = serde_json::from_slice(&std::fs::read(&self.config).unwrap()).unwrap();
        cfg["params"] = json!({"dir": dir.join("db")});
        if cfg.get("datadir").is_some() {
            cfg["datadir"] = json!(dir.join("datadir"));
        }
        let config = dir.join("pump.json");
        std::fs::write(&config, serde_json::to_vec_pretty(&cfg).unwrap()).unwrap();
        prepare(&dir, &config);
        let mut s = Server {
            addr: self.addr.clone(),
            base: self.base.clone(),
            port: self.port,
            dir,
            config,
            child: None,
        };
        s.launch();
        s
    }

    fn launch(&mut self) {
        if let Err(e) = self.try_launch() {
            panic!("{e}");
        }
    }

    /// Starts the binary and waits until it listens: its log says so, or, with logging off,
    /// the port answers.
    fn try_launch(&mut self) -> Result<(), String> {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join("server.log"))
            .unwrap();
        let logs = std::fs::read_to_string(&self.config)
            .map(|c| !c.contains("\"nologger\": true"))
            .unwrap_or(true);
        let before = self.log().matches(" listening on ").count();
        let child = Command::new(bin())
            .args(["serve", "-c"])
            .arg(&self.config)
            .current_dir(&self.dir)
            .env("HOME", &self.dir)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start pump");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let up = if logs {
                self.log().matches(" listening on ").count() > before
            } else {
                TcpStream::connect(&self.addr).is_ok()
            };
            if up {
                return Ok(());
            }
            if let Some(Ok(Some(status))) = self.child.as_mut().map(|c| c.try_wait()) {
                self.child = None;
                return Err(format!("pump exited with {status}; log:\n{}", self.log()));
            }
            if Instant::now() > deadline {
                return Err(format!("pump did not start; log:\n{}", self.log()));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits (at most 10 s) until the log holds `needle` at least `n` times.
    pub fn wait_for_log(&self, needle: &str, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.log().matches(needle).count() < n {
            assert!(
                Instant::now() < deadline,
                "the log never said {needle:?} {n} times"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().map(|c| c.id()).unwrap_or(0)
    }

    /// SIGKILL: no chance to flush anything.
    pub fn kill9(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Sends a signal and waits for the exit status.
    pub fn signal_and_wait(&mut self, sig: &str) -> std::process::ExitStatus {
        let mut c = self.child.take().expect("running");
        Command::new("kill")
            .args([&format!("-{sig}"), &c.id().to_string()])
            .status()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(Some(s)) = c.try_wait() {
                return s;
            }
            assert!(Instant::now() < deadline, "pump did not stop on {sig}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Starts the binary again on the same config and data dir.
    pub fn restart(&mut self) {
        self.kill9();
        self.launch();
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn req(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Response {
        raw(&self.addr, method, path, headers, body)
    }

    pub fn get(&self, path: &str) -> Response {
        self.req("GET", path, &[], b"")
    }

    /// A signed request; `body` is sent as JSON.
    pub fn signed(&self, c: &Client, method: &str, path: &str, body: Option<&Value>) -> Response {
        let auth = c.header(method, &self.url(path), &[]);
        match body {
            Some(b) => self.req(
                method,
                path,
                &[
                    ("Authorization", &auth),
                    ("Content-Type", "application/json"),
                ],
                &serde_json::to_vec(b).unwrap(),
            ),
            None => self.req(method, path, &[("Authorization", &auth)], b""),
        }
    }

    /// A signed form POST (fields are part of the signature).
    pub fn signed_form(&self, c: &Client, path: &str, fields: &[(&str, &str)]) -> Response {
        let auth = c.header("POST", &self.url(path), fields);
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        self.req(
            "POST",
            path,
            &[
                ("Authorization", &auth),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            body.as_bytes(),
        )
    }

    /// The configured test client (two-legged).
    pub fn client(&self) -> Client {
        Client::new(CLIENT_KEY, CLIENT_SECRET)
    }

    /// Registers a client through `/api/client/register`.
    pub fn new_client(&self) -> Client {
        let r = self.req(
            "POST",
            "/api/client/register",
            &[("Content-Type", "application/json")],
            br#"{"type":"client_associate","application_name":"Registered test client","application_type":"native"}"#,
        );
        assert_eq!(r.status, 200, "{}", r.text());
        let j = r.json();
        Client::new(
            j["client_id"].as_str().unwrap(),
            j["client_secret"].as_str().unwrap(),
        )
    }

    /// Registers `nick`; returns the user object and a three-legged client for them.
    pub fn register(&self, nick: &str, password: &str) -> (Value, Client) {
        let c = self.client();
        let r = self.signed(
            &c,
            "POST",
            "/api/users",
            Some(&json!({"nickname": nick, "password": password})),
        );
        assert_eq!(r.status, 200, "register {nick}: {}", r.text());
        let u = r.json();
        let user = c.with_token(u["token"].as_str().unwrap(), u["secret"].as_str().unwrap());
        (u, user)
    }

    /// Registers `<prefix>0` … `<prefix>{n-1}` at the same time, one connection each.
    pub fn register_concurrently(&self, prefix: &str, n: usize) -> Vec<Response> {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let (c, url, addr) = (self.client(), self.url("/api/users"), self.addr.clone());
                let body = serde_json::to_vec(
                    &json!({"nickname": format!("{prefix}{i}"), "password": "correct7horse"}),
                )
                .unwrap();
                std::thread::spawn(move || {
                    let auth = c.header("POST", &url, &[]);
                    let headers = [
                        ("Authorization", auth.as_str()),
                        ("Content-Type", "application/json"),
                    ];
                    raw(&addr, "POST", "/api/users", &headers, &body)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    }

    /// Whether `nick` gets past the login form of `/oauth/authorize` with `password`.
    pub fn can_log_in(&self, nick: &str, password: &str) -> bool {
        self.log_in(nick, password).is_some()
    }

    /// Logs a browser in through the authorize page: the session cookie (`name=value`).
    pub fn log_in(&self, nick: &str, password: &str) -> Option<String> {
        let r = self.authorize_login(nick, password);
        (r.status == 200)
            .then(|| {
                r.cookies()
                    .into_iter()
                    .find(|c| c.starts_with("pump.session="))
            })
            .flatten()
    }

    /// The answer to a login on the authorize page, for a fresh client's request token.
    pub fn authorize_login(&self, nick: &str, password: &str) -> Response {
        let c = self.new_client();
        let auth = c.header(
            "POST",
            &self.url("/oauth/request_token"),
            &[("oauth_callback", "oob")],
        );
        let token = self
            .req(
                "POST",
                "/oauth/request_token",
                &[("Authorization", &auth)],
                b"",
            )
            .form_value("oauth_token");
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("oauth_token", token.as_str()),
                ("username", nick),
                ("password", password),
            ])
            .finish();
        self.req(
            "POST",
            "/oauth/authorize",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            body.as_bytes(),
        )
    }

    /// POSTs an activity to `nick`'s outbox as `user`.
    pub fn post(&self, user: &Client, nick: &str, activity: &Value) -> Response {
        self.signed(
            user,
            "POST",
            &format!("/api/user/{nick}/feed"),
            Some(activity),
        )
    }

    /// POSTs an activity and returns it, asserting success.
    pub fn act(&self, user: &Client, nick: &str, activity: Value) -> Value {
        let r = self.post(user, nick, &activity);
        assert_eq!(r.status, 200, "{activity}: {}", r.text());
        r.json()
    }

    /// A signed GET returning JSON, asserting `status`.
    pub fn read(&self, c: &Client, path: &str, status: u16) -> Value {
        let r = self.signed(c, "GET", path, None);
        assert_eq!(r.status, status, "GET {path}: {}", r.text());
        if r.body.is_empty() {
            Value::Null
        } else {
            r.json()
        }
    }

    /// The path part of one of this server's URLs.
    pub fn path_of(&self, url: &str) -> String {
        url.strip_prefix(&self.base).unwrap_or(url).to_string()
    }

    /// The output of `pump <cmd> -c <config>`, which must succeed.
    pub fn cli_table(&self, cmd: &str) -> String {
        let out = self.cli(&[cmd, "-c", &self.config.to_string_lossy()], None);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs the binary with `args` (plus `-c config` after the subcommand path given).
    pub fn cli(&self, args: &[&str], stdin: Option<&str>) -> std::process::Output {
        run_cli(&self.dir, args, stdin)
    }
}

pub fn run_cli(dir: &Path, args: &[&str], stdin: Option<&str>) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new(bin())
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run pump");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("pump output")
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill9();
        if !std::thread::panicking() {
            // Every handler asks for the access policy its route declares (routes/dispatch.rs).
            let log = self.log();
            if let Some(line) = log.lines().find(|l| l.contains("route table:")) {
                panic!("{line}");
            }
            let _ = std::fs::remove_dir_all(&self.dir);
        } else {
            eprintln!(
                "kept {} for inspection; server log:\n{}",
                self.dir.display(),
                self.log()
            );
        }
    }
}
