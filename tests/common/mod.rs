//! Test harness: start the real `pump` binary on a free loopback port with a fresh data dir,
//! talk HTTP/1.1 to it, sign requests with OAuth 1.0a.
#![allow(dead_code)]

pub mod ap;
pub mod browser;
pub mod http;
pub mod oauth;
pub mod pasture;
pub mod peer;
pub mod server;
pub mod smtp;

pub use http::Response;
pub use oauth::Client;
pub use server::Server;

/// Says on the terminal, past the test harness's capture (which would hide it for a test that
/// passes), that `test` could not run here and why.
pub fn skipped(test: &str, why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {why}");
}

/// The `id` of every item of a feed, in order.
pub fn ids(feed: &serde_json::Value) -> Vec<String> {
    feed["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|i| i["id"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// A self-signed certificate for `ip` in `dir`, made with the openssl command.
pub fn self_signed(dir: &std::path::Path, ip: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let (key, cert) = (dir.join("key.pem"), dir.join("cert.pem"));
    let made = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
        ])
        .args([
            "-subj",
            &format!("/CN={ip}"),
            "-addext",
            &format!("subjectAltName=IP:{ip}"),
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl (Debian package openssl) is needed for this test");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    (key, cert)
}

/// A certificate authority and a certificate it signed for `ip`, made with the openssl
/// command in `dir`: (the CA's certificate, the leaf's certificate, the leaf's key).
pub fn signed_by_a_ca(
    dir: &std::path::Path,
    ip: &str,
) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
    let p = |n: &str| dir.join(n);
    let openssl = |args: &[&str]| {
        let out = std::process::Command::new("openssl")
            .current_dir(dir)
            .args(args)
            .output()
            .expect("openssl (Debian package openssl) is needed for this test");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let mut ca = vec!["req", "-x509", "-days", "2", "-subj", "/CN=test-ca"];
    ca.extend(ec);
    ca.extend(["-keyout", "ca.key", "-out", "ca.pem"]);
    openssl(&ca);
    let subject = format!("/CN={ip}");
    let mut csr = vec!["req", "-new", "-subj", &subject];
    csr.extend(ec);
    csr.extend(["-keyout", "leaf.key", "-out", "leaf.csr"]);
    openssl(&csr);
    std::fs::write(
        p("ext.cnf"),
        format!("subjectAltName=IP:{ip}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"),
    )
    .unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
        "-out",
        "leaf.pem",
    ]);
    (p("ca.pem"), p("leaf.pem"), p("leaf.key"))
}

/// Polls `cond` every 20 ms until it holds or `secs` have passed; whether it held.
pub fn eventually(secs: u64, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        if cond() {
            return true;
        }
        if std::time::Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
