//! Running on a board under systemd (issue 7): the unit file, readiness and reload
//! notifications, certificate reload on SIGHUP, journald-style logs, the health endpoint.
use crate::common::server::{bin, free_port, temp_dir};
use crate::common::Server;
use serde_json::json;
use std::os::unix::net::UnixDatagram;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

fn unit() -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("systemd/pump.service");
    std::fs::read_to_string(p).expect("systemd/pump.service")
}

#[test]
fn the_unit_is_hardened_and_verifies() {
    let u = unit();
    let lines: Vec<&str> = u.lines().map(str::trim).collect();
    for want in [
        "Type=notify",
        "LoadCredential=pump.io.json:/etc/pump.io.json",
        "ExecStart=/usr/bin/pump serve -c ${CREDENTIALS_DIRECTORY}/pump.io.json",
        "ExecReload=/bin/kill -HUP $MAINPID",
        "Restart=on-failure",
        "DynamicUser=yes",
        "StateDirectory=pump",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "NoNewPrivileges=yes",
        "SystemCallFilter=@system-service",
        "CapabilityBoundingSet=CAP_NET_BIND_SERVICE",
        "MemoryMax=256M",
    ] {
        assert!(lines.contains(&want), "the unit lacks {want}");
    }
    // systemd-analyze checks it, with ExecStart pointing at the binary under test.
    let dir = temp_dir("unit");
    let path = dir.join("pump.service");
    std::fs::write(&path, u.replace("/usr/bin/pump", &bin().to_string_lossy())).unwrap();
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&path)
        .output()
        .expect("systemd-analyze (Debian package systemd) is needed for this test");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success() && said.trim().is_empty(), "{said}");
    let _ = std::fs::remove_dir_all(dir);
}

fn curl_ok(url: &str, ca: &std::path::Path) -> bool {
    Command::new("curl")
        .args(["-sS", "-o", "/dev/null", "--cacert"])
        .arg(ca)
        .arg(url)
        .status()
        .expect("curl")
        .success()
}

fn next_datagram(sock: &UnixDatagram) -> String {
    let mut buf = [0u8; 512];
    let n = sock.recv(&mut buf).expect("a notification");
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

#[test]
fn notifies_systemd_and_reloads_its_certificate_on_sighup() {
    let dir = temp_dir("board");
    let (old_dir, new_dir) = (dir.join("old"), dir.join("new"));
    std::fs::create_dir_all(&old_dir).unwrap();
    std::fs::create_dir_all(&new_dir).unwrap();
    let (key, cert) = crate::common::self_signed(&old_dir, "127.0.0.1");
    let (new_key, new_cert) = crate::common::self_signed(&new_dir, "127.0.0.1");
    let live = dir.join("live");
    std::fs::create_dir_all(&live).unwrap();
    let (live_key, live_cert) = (live.join("privkey.pem"), live.join("fullchain.pem"));
    std::fs::copy(&key, &live_key).unwrap();
    std::fs::copy(&cert, &live_cert).unwrap();
    let port = free_port();
    let cfg = json!({"hostname": "127.0.0.1", "port": port, "secret": "s3cret for the board test",
        "params": {"dir": dir.join("db")}, "key": live_key, "cert": live_cert, "logLevel": "info"});
    let cfg_path = dir.join("pump.json");
    std::fs::write(&cfg_path, cfg.to_string()).unwrap();
    let sock_path = dir.join("notify.sock");
    let sock = UnixDatagram::bind(&sock_path).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let log = std::fs::File::create(dir.join("log")).unwrap();
    let mut child = Command::new(bin())
        .args(["serve", "-c"])
        .arg(&cfg_path)
        .current_dir(&dir)
        .env("NOTIFY_SOCKET", &sock_path)
        .env("JOURNAL_STREAM", "8:12345")
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap();
    let ready = next_datagram(&sock);
    assert!(ready.starts_with("READY=1"), "{ready}");
    let url = format!("https://127.0.0.1:{port}/api/health");
    assert!(curl_ok(&url, &cert));
    // certbot renews: new files in place; the server keeps the old pair until told.
    std::fs::copy(&new_key, &live_key).unwrap();
    std::fs::copy(&new_cert, &live_cert).unwrap();
    assert!(!curl_ok(&url, &new_cert));
    Command::new("kill")
        .args(["-HUP", &child.id().to_string()])
        .status()
        .unwrap();
    assert_eq!(next_datagram(&sock), "RELOADING=1");
    assert_eq!(next_datagram(&sock), "READY=1");
    assert!(curl_ok(&url, &new_cert), "the new certificate is served");
    assert!(!curl_ok(&url, &cert));
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert_eq!(next_datagram(&sock), "STOPPING=1");
    assert!(child.wait().unwrap().success());
    // Under journald the lines carry no time stamp of their own.
    let text = std::fs::read_to_string(dir.join("log")).unwrap();
    let first = text.lines().next().unwrap_or_default();
    assert!(first.starts_with("INFO"), "{first}");
    assert!(text.contains("reload: read"), "{text}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn health_endpoint() {
    let s = Server::start();
    let r = s.get("/api/health");
    assert_eq!(r.status, 200);
    let j = r.json();
    assert_eq!(j["status"], "ok");
    assert_eq!(j["version"], env!("CARGO_PKG_VERSION"));
    assert!(j["uptimeSeconds"].as_i64().is_some());
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("command");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_debian_package_holds_the_server_and_safe_scripts() {
    let dir = temp_dir("deb");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let deb = run(Command::new(root.join("scripts/build-deb"))
        .arg("--binary")
        .arg(bin())
        .args(["--fast", "--arch", "amd64", "--out"])
        .arg(&dir));
    let deb = PathBuf::from(deb.trim());
    let name = deb.file_name().unwrap().to_string_lossy().to_string();
    assert_eq!(
        name,
        format!("pump_{}_amd64.deb", env!("CARGO_PKG_VERSION"))
    );
    let files = run(Command::new("dpkg-deb").arg("-c").arg(&deb));
    for f in [
        "./usr/bin/pump",
        "./lib/systemd/system/pump.service",
        "./usr/share/doc/pump/README.md",
    ] {
        assert!(files.contains(f), "{f} missing:\n{files}");
    }
    assert!(files.contains("root/root"), "{files}");
    let info = run(Command::new("dpkg-deb").arg("-I").arg(&deb));
    for want in [
        "Package: pump",
        "Architecture: amd64",
        "Depends: systemd",
        "postinst",
        "postrm",
        "prerm",
    ] {
        assert!(info.contains(want), "{want}:\n{info}");
    }
    // The maintainer scripts, run twice into a scratch root (DPKG_ROOT), do the same once.
    let fake = dir.join("root");
    run(Command::new("dpkg-deb").arg("-x").arg(&deb).arg(&fake));
    let control = dir.join("control");
    run(Command::new("dpkg-deb").arg("-e").arg(&deb).arg(&control));
    let script = |name: &str, arg: &str| {
        run(Command::new("sh")
            .arg(control.join(name))
            .arg(arg)
            .env("DPKG_ROOT", &fake))
    };
    let config = fake.join("etc/pump.io.json");
    script("postinst", "configure");
    let first = std::fs::read_to_string(&config).expect("postinst wrote the config");
    let cfg: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert!(cfg["secret"].as_str().unwrap().len() >= 32);
    assert_eq!(cfg["datadir"], "/var/lib/pump");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&config).unwrap().permissions().mode() & 0o777,
        0o600
    );
    script("postinst", "configure");
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        first,
        "the secret is kept"
    );
    script("prerm", "remove");
    script("postrm", "remove");
    assert!(config.exists(), "remove keeps the config");
    std::fs::create_dir_all(fake.join("var/lib/private/pump/db")).unwrap();
    script("postrm", "purge");
    script("postrm", "purge");
    assert!(!config.exists() && !fake.join("var/lib/private/pump").exists());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn install_script_installs_once_and_uninstalls_keeping_data_unless_purged() {
    let root_dir = temp_dir("install");
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/install.sh");
    let calls = root_dir.join("systemctl.log");
    // systemctl is not run here: a stand-in writes its calls down instead.
    let fake = root_dir.join("systemctl");
    std::fs::write(
        &fake,
        format!("#!/bin/sh\necho \"$*\" >> {}\n", calls.display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let install = |args: &[&str]| {
        run(Command::new("sh")
            .arg(&script)
            .args(args)
            .env("PUMP_ROOT", &root_dir)
            .env("SYSTEMCTL", &fake)
            .stdin(Stdio::null()))
    };
    let bin_arg = bin().to_string_lossy().to_string();
    let said = install(&[
        "--binary",
        &bin_arg,
        "--hostname",
        "pi.example.org",
        "--yes",
    ]);
    assert!(
        said.contains("pump is running: http://pi.example.org/"),
        "{said}"
    );
    let config = root_dir.join("etc/pump.io.json");
    let unit_path = root_dir.join("etc/systemd/system/pump.service");
    assert_eq!(std::fs::read_to_string(&unit_path).unwrap(), unit());
    let first = std::fs::read_to_string(&config).unwrap();
    assert!(first.contains("\"hostname\": \"pi.example.org\""));
    let log = std::fs::read_to_string(&calls).unwrap();
    assert!(
        log.contains("enable pump.service") && log.contains("restart pump.service"),
        "{log}"
    );
    // Again: nothing changes (same secret).
    install(&["--binary", &bin_arg, "--yes"]);
    assert_eq!(std::fs::read_to_string(&config).unwrap(), first);
    // A new host name keeps the secret.
    install(&[
        "--binary",
        &bin_arg,
        "--hostname",
        "pump.example.org",
        "--port",
        "8080",
    ]);
    let changed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&config).unwrap()).unwrap();
    let before: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert_eq!(changed["secret"], before["secret"]);
    assert_eq!(changed["port"], 8080);
    std::fs::create_dir_all(root_dir.join("var/lib/private/pump/db")).unwrap();
    install(&["--uninstall"]);
    assert!(!unit_path.exists() && !root_dir.join("usr/bin/pump").exists());
    assert!(config.exists() && root_dir.join("var/lib/private/pump").exists());
    install(&["--uninstall", "--purge"]);
    assert!(!config.exists() && !root_dir.join("var/lib/private/pump").exists());
    let _ = std::fs::remove_dir_all(root_dir);
}
