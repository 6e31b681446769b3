//! Configuration compatible with the original (config.md), and `check-config`.
use crate::common::server::{free_port, run_cli, temp_dir};
use crate::common::{Client, Server};
use serde_json::json;

#[test]
fn original_test_suite_style_config() {
    let s = Server::with(json!({
        "driver": "memory",
        "firehose": false,
        "sockjs": false,
        "noCDN": true,
        "nologger": true,
        "hostname": "localhost",
        "secret": "oooo scandalous",
        "clients": [{"client_id": "UNITTESTCLIENTID", "client_secret": "UNITTESTCLIENTSECRET", "host": "pumpio.test"}],
        "users": [
            {"nickname": "configuser1", "password": "Hurray!1", "tokens": [
                {"token": "AT1", "token_secret": "ATS1", "client_id": "UNITTESTCLIENTID"}]},
            {"nickname": "configuser4", "password": "Whatever4", "tokens": [
                {"token": "UNITTESTBEARERTOKEN4", "client_id": "UNITTESTCLIENTID", "scope": "writeall"}]}
        ]
    }));
    let c = Client::new("UNITTESTCLIENTID", "UNITTESTCLIENTSECRET");
    let u1 = c.with_token("AT1", "ATS1");
    let r = s.signed(&u1, "GET", "/api/whoami", None);
    assert_eq!(r.status, 302);
    assert_eq!(
        r.header("location"),
        Some(s.url("/api/user/configuser1/profile").as_str())
    );
    // Configured users get no registration activities, but lists exist.
    let me = s.signed(&u1, "GET", "/api/user/configuser1", None).json();
    assert_eq!(me["nickname"], "configuser1");
    // Bearer tokens work for reads.
    let r = s.req(
        "GET",
        "/api/whoami",
        &[("Authorization", "Bearer UNITTESTBEARERTOKEN4")],
        b"",
    );
    assert_eq!(r.status, 302);
    assert_eq!(
        r.header("location"),
        Some(s.url("/api/user/configuser4/profile").as_str())
    );
    assert_eq!(
        s.req(
            "GET",
            "/api/users",
            &[("Authorization", "Bearer nosuchtoken")],
            b""
        )
        .status,
        401
    );
    // They work, but only registered accounts are listed, as in the original.
    let list = s.signed(&c, "GET", "/api/users", None).json();
    assert_eq!(list["totalItems"], 0);
    assert_eq!(list["items"], serde_json::json!([]));
}

#[test]
fn memory_driver_forgets_on_restart() {
    let mut s = Server::with(json!({"driver": "memory"}));
    s.register("alice", "correct7horse");
    s.restart();
    assert_eq!(
        s.signed(&s.client(), "GET", "/api/user/alice", None).status,
        404
    );
}

#[test]
fn environment_and_flags_override_the_file() {
    let dir = temp_dir("cfg");
    let file = dir.join("c.json");
    std::fs::write(
        &file,
        r#"{"secret": "s3cret-value", "site": "From file", "port": 1111}"#,
    )
    .unwrap();
    let out = std::process::Command::new(crate::common::server::bin())
        .args(["check-config", "-c"])
        .arg(&file)
        .args(["--site", "From flag", "--url-port", "8443"])
        .env("PUMPIO_PORT", "2222")
        .env("PUMPIO_SITE", "From env")
        .env("PUMPIO_PARAMS__DIR", "/tmp/somewhere")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cfg: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(cfg["site"], "From flag");
    assert_eq!(cfg["port"], 2222);
    assert_eq!(cfg["urlPort"], 8443);
    assert_eq!(cfg["params"]["dir"], "/tmp/somewhere");
    assert_eq!(cfg["secret"], "********");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("s3cret-value"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn check_config_reports_errors_and_warnings() {
    let dir = temp_dir("cfg");
    let check = |text: &str| {
        let f = dir.join("c.json");
        std::fs::write(&f, text).unwrap();
        run_cli(&dir, &["check-config", "-c", f.to_str().unwrap()], None)
    };
    for bad in [
        "{not json",
        r#"{"site": "no secret"}"#,
        r#"{"secret": "my dog has fleas"}"#,
        r#"{"secret": "x", "enableUploads": true}"#,
        r#"{"secret": "x", "uploaddir": "/tmp"}"#,
        r#"{"secret": "x", "canUpload": true}"#,
        r#"{"secret": "x", "controlSocket": "8000"}"#,
        r#"{"secret": "x", "port": "not a port"}"#,
    ] {
        let out = check(bad);
        assert!(!out.status.success(), "accepted {bad}");
        assert!(!out.stderr.is_empty());
    }
    let out = check(r#"{"secret": "x", "children": 4, "plugins": ["a"], "frobnicate": 1}"#);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("children") && err.contains("plugins") && err.contains("frobnicate"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn zero_config_serve_generates_and_keeps_a_secret() {
    let dir = temp_dir("zero");
    let port = free_port();
    let start = || {
        let child = std::process::Command::new(crate::common::server::bin())
            .args(["serve", "--port", &port.to_string()])
            .current_dir(&dir)
            .env("HOME", &dir)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(std::time::Instant::now() < deadline, "did not start");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        child
    };
    let mut child = start();
    let r = crate::common::http::raw(
        &format!("127.0.0.1:{port}"),
        "GET",
        "/.well-known/host-meta.json",
        &[],
        b"",
    );
    assert_eq!(r.status, 200);
    let secret = std::fs::read_to_string(dir.join("pump-data/secret")).unwrap();
    assert!(secret.len() >= 40);
    assert!(dir.join("pump-data/pump.redb").exists());
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dir.join("pump-data"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o077, 0, "data dir is open to others: {mode:o}");
    child.kill().unwrap();
    child.wait().unwrap();
    let mut child = start();
    assert_eq!(
        std::fs::read_to_string(dir.join("pump-data/secret")).unwrap(),
        secret
    );
    child.kill().unwrap();
    child.wait().unwrap();
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn version_flag() {
    let out = run_cli(&std::env::temp_dir(), &["--version"], None);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("pump "));
    let s = Server::start();
    assert!(s.get("/").header("server").unwrap().contains(
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .trim_start_matches("pump ")
    ));
}

#[test]
fn booleans_as_the_original_read_them() {
    // `noweb: 1` and `"true"` turn the web UI off; `0` and `"false"` leave it on.
    for (v, api) in [
        (serde_json::json!(1), true),
        (serde_json::json!("true"), true),
        (serde_json::json!(0), false),
        (serde_json::json!("false"), false),
    ] {
        let s = Server::with(serde_json::json!({ "noweb": v }));
        let home = s.get("/").text();
        assert_eq!(home.contains("<h1>pump.io API</h1>"), api, "noweb: {v}");
    }
    // Something that is no boolean at all is still named at start.
    let dir = temp_dir("bool");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("c.json");
    std::fs::write(&file, r#"{"secret": "s3cret-value", "noweb": "maybe"}"#).unwrap();
    let out = run_cli(&dir, &["check-config", "-c", &file.to_string_lossy()], None);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("noweb"),
        "{out:?}"
    );
}

#[test]
fn the_favicon_is_served_to_anyone() {
    let s = Server::start();
    let built_in = s.get("/favicon.ico");
    assert_eq!(built_in.status, 200);
    assert_eq!(built_in.header("content-type"), Some("image/x-icon"));
    assert_eq!(&built_in.body[..4], &[0, 0, 1, 0], "an ICO file");
    let dir = temp_dir("favicon");
    std::fs::create_dir_all(&dir).unwrap();
    let mine = dir.join("mine.ico");
    std::fs::write(&mine, b"\x00\x00\x01\x00not really an icon").unwrap();
    for cfg in [
        json!({"favicon": mine}),
        json!({"favicon": mine, "noweb": true}),
    ] {
        let s = Server::with(cfg);
        let r = s.get("/favicon.ico");
        assert_eq!(r.status, 200);
        assert_eq!(r.body, std::fs::read(&mine).unwrap(), "byte for byte");
    }
}

#[test]
fn two_memory_servers_share_a_working_directory() {
    let shared = temp_dir("cwd");
    std::fs::create_dir_all(&shared).unwrap();
    let ports = [free_port(), free_port()];
    let mut children = Vec::new();
    for p in ports {
        let cfg = shared.join(format!("pump-{p}.json"));
        std::fs::write(
            &cfg,
            json!({"driver": "memory", "port": p, "hostname": "127.0.0.1",
            "secret": "side by side", "nologger": true})
            .to_string(),
        )
        .unwrap();
        let child = std::process::Command::new(crate::common::server::bin())
            .args(["serve", "-c"])
            .arg(&cfg)
            .current_dir(&shared)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        children.push(child);
    }
    for p in ports {
        let addr = format!("127.0.0.1:{p}");
        let start = std::time::Instant::now();
        loop {
            if std::net::TcpStream::connect(&addr).is_ok() {
                let r = crate::common::http::raw(&addr, "GET", "/api/health", &[], b"");
                if r.status == 200 {
                    break;
                }
            }
            assert!(
                start.elapsed().as_secs() < 20,
                "server on {p} did not answer"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
    // Both run, and neither left anything in the shared directory.
    for c in &mut children {
        assert!(c.try_wait().unwrap().is_none(), "both servers run");
    }
    let left: Vec<_> = std::fs::read_dir(&shared)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".json"))
        .collect();
    assert_eq!(left, Vec::<String>::new());
    for c in &mut children {
        let _ = std::process::Command::new("kill")
            .arg(c.id().to_string())
            .status();
        assert!(c.wait().unwrap().success());
    }
}
