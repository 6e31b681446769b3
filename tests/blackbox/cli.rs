//! `pump user …` with the server running (control socket) and stopped (store opened directly).
use crate::common::{Client, Server};

fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn user_commands_while_the_server_runs() {
    let s = Server::start();
    let cfg = s.config.to_str().unwrap().to_string();
    ok(&s.cli(
        &["user", "-c", &cfg, "add", "carol", "--password-stdin"],
        Some("correct7horse\n"),
    ));
    assert!(s.can_log_in("carol", "correct7horse"));
    let c = Client::new(
        crate::common::server::CLIENT_KEY,
        crate::common::server::CLIENT_SECRET,
    );
    let u = s.signed(&c, "GET", "/api/user/carol", None).json();
    assert_eq!(u["profile"]["lists"]["totalItems"], 4);
    // Refusals carry the reason.
    let dup = s.cli(
        &["user", "-c", &cfg, "add", "carol", "--password-stdin"],
        Some("correct7horse\n"),
    );
    assert!(!dup.status.success());
    assert!(String::from_utf8_lossy(&dup.stderr).contains("Already have"));
    let weak = s.cli(
        &["user", "-c", &cfg, "add", "dave", "--password-stdin"],
        Some("password1\n"),
    );
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("Bad password"));
    ok(&s.cli(
        &[
            "user",
            "-c",
            &cfg,
            "set-password",
            "carol",
            "--password-stdin",
        ],
        Some("another9pass\n"),
    ));
    assert!(s.can_log_in("carol", "another9pass"));
    assert!(!s.can_log_in("carol", "correct7horse"));
    s.register("erin", "correct7horse");
    assert_eq!(
        ok(&s.cli(&["user", "-c", &cfg, "list"], None))
            .lines()
            .collect::<Vec<_>>(),
        ["carol", "erin"]
    );
    ok(&s.cli(&["user", "-c", &cfg, "delete", "carol"], None));
    assert_eq!(
        ok(&s.cli(&["user", "-c", &cfg, "list"], None)).trim(),
        "erin"
    );
    assert!(!s
        .cli(&["user", "-c", &cfg, "delete", "nobody"], None)
        .status
        .success());
    // The control socket is for the owner only.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(s.dir.join("db/pump.socket"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn user_commands_with_the_server_stopped() {
    let mut s = Server::start();
    let cfg = s.config.to_str().unwrap().to_string();
    s.kill9();
    ok(&s.cli(
        &["user", "-c", &cfg, "add", "frank", "--password-stdin"],
        Some("correct7horse\n"),
    ));
    assert_eq!(
        ok(&s.cli(&["user", "-c", &cfg, "list"], None)).trim(),
        "frank"
    );
    s.restart();
    assert!(s.can_log_in("frank", "correct7horse"));
}

#[test]
fn control_socket_protocol() {
    use std::io::{BufRead, BufReader, Write};
    let s = Server::start();
    let mut sock = std::os::unix::net::UnixStream::connect(s.dir.join("db/pump.socket")).unwrap();
    let mut reader = BufReader::new(sock.try_clone().unwrap());
    let mut ask = |line: &str| {
        sock.write_all(format!("{line}\n").as_bytes()).unwrap();
        let mut reply = String::new();
        reader.read_line(&mut reply).unwrap();
        reply.trim_end().to_string()
    };
    assert!(ask("CMDS").starts_with("ACK CMDS VERSION EASTER LOGLEVEL RESTART"));
    assert_eq!(ask("version"), format!("ACK {}", env!("CARGO_PKG_VERSION")));
    assert_eq!(ask("EASTER"), "ACK EGG");
    assert_eq!(ask("LOGLEVEL debug"), "ACK");
    assert_eq!(ask("LOGLEVEL restore"), "ACK");
    assert_eq!(ask("LOGLEVEL loud"), "NACK invalid");
    assert_eq!(ask("RESTART"), "NACK no workers");
    assert_eq!(ask("FROB"), "NACK unknown");
}

/// The `id_activity` row of a `pump stats` table: (entries, pages bytes).
fn activity_row(table: &str) -> (u64, u64) {
    let row = table
        .lines()
        .find(|l| l.starts_with("id_activity\t"))
        .unwrap_or_else(|| panic!("no id_activity row in:\n{table}"));
    let f: Vec<&str> = row.split('\t').collect();
    (f[1].parse().unwrap(), f[5].parse().unwrap())
}

#[test]
fn stats_counts_what_the_store_holds_running_or_stopped() {
    let mut s = Server::start();
    let (_, alice) = s.register("alice", "correct7horse");
    let before = activity_row(&s.cli_table("stats")).0;
    for i in 0..3 {
        s.act(
            &alice,
            "alice",
            serde_json::json!({"verb": "post", "object": {"objectType": "note", "content": format!("note {i}")}}),
        );
    }
    // Through the control socket while the server runs…
    let running = s.cli_table("stats");
    let (n, bytes) = activity_row(&running);
    assert_eq!(n, before + 3, "{running}");
    assert!(bytes >= 4096, "{running}");
    assert!(running.contains("\nfile\t"), "{running}");
    assert!(
        running.contains(&format!("activities stored: {n}")),
        "{running}"
    );
    // …and on the store itself once it has stopped: the same figures.
    assert!(s.signal_and_wait("TERM").success());
    assert_eq!(activity_row(&s.cli_table("stats")), (n, bytes));
}
