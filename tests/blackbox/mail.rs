//! E-mail flows with a real SMTP conversation (a sink on loopback): password recovery, and
//! confirming the address given at registration (`requireEmail`).
use crate::common::browser::Browser;
use crate::common::server::free_port;
use crate::common::smtp::{link, Sink};
use crate::common::Server;
use serde_json::json;

fn server(sink: &Sink, require_email: bool) -> Server {
    Server::with(
        json!({"smtpserver": "127.0.0.1", "smtpport": sink.port, "site": "Test",
        "smtpfrom": "pump@example.org", "requireEmail": require_email}),
    )
}

/// Registers `nick` with an e-mail address through the API; returns their client.
fn register_with_email(s: &Server, nick: &str) -> crate::common::Client {
    let c = s.client();
    let body = json!({"nickname": nick, "password": "correct7horse", "email": format!("{nick}@example.org")});
    let r = s.signed(&c, "POST", "/api/users", Some(&body));
    assert_eq!(r.status, 200, "{}", r.text());
    let u = r.json();
    c.with_token(u["token"].as_str().unwrap(), u["secret"].as_str().unwrap())
}

#[test]
fn a_forgotten_password_is_reset_by_a_mailed_link() {
    let sink = Sink::start();
    let s = server(&sink, false);
    register_with_email(&s, "erin");
    let b = Browser::start(false);
    b.goto(&s.url("/main/login"));
    b.click("a[href='/main/recover']");
    b.fill("form#recover #nickname", "erin");
    b.click("form#recover button[type=submit]");
    b.wait_text("main", "Check your e-mail", 10);
    let mail = sink.message(1);
    assert!(
        mail.contains("Subject: Recover password for Test"),
        "{mail}"
    );
    assert!(mail.contains("To: erin@example.org"), "{mail}");
    // A second request while the first link is valid is refused unless forced.
    b.goto(&s.url("/main/recover"));
    b.fill("form#recover #nickname", "erin");
    b.click("form#recover button[type=submit]");
    b.wait_text(".error", "already sent", 10);
    // Forced, it is still refused this soon: each link is a mail in the shared queue.
    b.fill("form#recover #nickname", "erin");
    b.click("form#recover input[name=force]");
    b.click("form#recover button[type=submit]");
    b.wait_text(".error", "less than five minutes ago", 10);
    b.goto(&link(&mail, "/main/recover/"));
    b.fill("#password", "battery9staple");
    b.fill("#repeat", "battery9staple");
    b.click("form#account button[type=submit]");
    b.wait("a#logout", 10);
    assert!(s.can_log_in("erin", "battery9staple"));
    assert!(!s.can_log_in("erin", "correct7horse"));
    // The link works once.
    b.goto(&link(&mail, "/main/recover/"));
    b.wait_text("main", "expired or was already used", 5);
    // Unknown users and users without an address get a clear answer, and no mail.
    s.register("nomail", "correct7horse");
    for (nick, says) in [("nosuch", "no user"), ("nomail", "no e-mail address")] {
        b.goto(&s.url("/main/recover"));
        b.fill("form#recover #nickname", nick);
        b.click("form#recover button[type=submit]");
        b.wait_text(".error", says, 10);
    }
    assert_eq!(sink.count(), 1);
}

#[test]
fn a_new_account_waits_for_its_address_to_be_confirmed() {
    let sink = Sink::start();
    let s = server(&sink, true);
    let finn = register_with_email(&s, "finn");
    assert_eq!(
        s.signed(&finn, "GET", "/api/user/finn/inbox", None).status,
        403
    );
    let mail = sink.message(1);
    assert!(
        mail.contains("Subject: Confirm your email address for Test"),
        "{mail}"
    );
    let confirm = link(&mail, "/main/confirm/");
    let page = s.get(&s.path_of(&confirm));
    assert_eq!(page.status, 200, "{}", page.text());
    assert!(page.text().contains("Email address confirmed"));
    assert!(page
        .cookies()
        .iter()
        .any(|c| c.starts_with("pump.session=")));
    assert_eq!(
        s.signed(&finn, "GET", "/api/user/finn/inbox", None).status,
        200
    );
    assert_eq!(s.get(&s.path_of(&confirm)).status, 400, "already confirmed");
    assert_eq!(s.get("/main/confirm/nosuchcode").status, 404);

    // The same through the register page, in a browser.
    let b = Browser::start(true);
    b.goto(&s.url("/main/register"));
    b.fill("#nickname", "gwen");
    b.fill("#email", "gwen@example.org");
    b.fill("#password", "correct7horse");
    b.fill("#repeat", "correct7horse");
    b.click("form#registration button[type=submit]");
    b.wait_text("main", "Check your e-mail", 10);
    assert!(b.all("a#logout").is_empty());
    b.goto(&s.url("/main/login"));
    b.fill("#nickname", "gwen");
    b.fill("#password", "correct7horse");
    b.click("form#login button[type=submit]");
    b.wait_text(".error", "Confirm your e-mail address", 10);
    b.goto(&link(&sink.message(2), "/main/confirm/"));
    b.wait_text("main", "Email address confirmed", 10);
    b.find("a#logout");
}

/// Runs `pump jobs` for `s` and returns its table.
fn jobs(s: &Server) -> String {
    s.cli_table("jobs")
}

/// The `pump jobs` table once a job has been given up on.
fn given_up(s: &Server) -> String {
    let start = std::time::Instant::now();
    loop {
        let t = jobs(s);
        if t.contains("given up") {
            return t;
        }
        assert!(start.elapsed() < std::time::Duration::from_secs(20), "{t}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// The mail server on `port` is down at first: a registration's confirmation mail waits.
fn server_mailing_to(port: u16, extra: serde_json::Value) -> Server {
    let mut cfg = json!({"smtpserver": "127.0.0.1", "smtpport": port, "site": "Test",
        "smtpfrom": "pump@example.org", "requireEmail": true, "jobRetryDelay": 1});
    for (k, v) in extra.as_object().unwrap() {
        cfg[k] = v.clone();
    }
    Server::with(cfg)
}

#[test]
fn a_queued_mail_survives_a_crash_right_after_the_answer() {
    // Nothing listens on the mail port yet, so the mail cannot have left before the crash.
    let port = free_port();
    let mut s = server_mailing_to(port, json!({}));
    register_with_email(&s, "hana");
    s.kill9();
    let table = jobs(&s);
    assert!(table.contains("\tmail\twaiting\t"), "{table}");
    let sink = Sink::start_on(port);
    s.restart();
    let mail = sink.message(1);
    assert!(mail.contains("To: hana@example.org"), "{mail}");
    assert!(mail.contains("/main/confirm/"), "{mail}");
    // Sent and recorded: the job is gone, and no second copy follows.
    let start = std::time::Instant::now();
    // `pump jobs` now asks the running server, through its control socket.
    while jobs(&s).lines().count() > 1 {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(10),
            "the job stayed"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(sink.count(), 1);
}

#[test]
fn a_mail_that_keeps_failing_is_given_up_on_and_listed() {
    let port = free_port();
    let s = server_mailing_to(port, json!({"jobAttempts": 2}));
    register_with_email(&s, "ines");
    let table = given_up(&s);
    let row = table.lines().nth(1).unwrap_or_default().to_string();
    let cols: Vec<&str> = row.split('\t').collect();
    assert_eq!(cols[1..4], ["mail", "given up", "2"], "{table}");
    assert_eq!(cols[6], "ines@example.org", "{table}");
    assert!(cols[7].contains("sending mail"), "{table}");
}

#[test]
fn starttls_on_loopback_needs_no_trusted_certificate_and_smtpca_is_checked() {
    let dir = crate::common::server::temp_dir("smtp-tls");
    std::fs::create_dir_all(&dir).unwrap();
    let (ca, leaf, key) = crate::common::signed_by_a_ca(&dir, "127.0.0.1");
    let other = dir.join("other");
    std::fs::create_dir_all(&other).unwrap();
    let (stranger, _, _) = crate::common::signed_by_a_ca(&other, "127.0.0.1");

    // A relay on loopback with a certificate nobody trusts: the mail goes, over TLS.
    let sink = Sink::start_tls(&leaf, &key);
    let s = server_mailing_to(sink.port, json!({}));
    register_with_email(&s, "jo");
    assert!(sink.message(1).contains("To: jo@example.org"));
    assert!(sink.over_tls(1), "STARTTLS was used");

    // With `smtpca` the certificate is checked against it, on loopback too.
    let sink = Sink::start_tls(&leaf, &key);
    let s = server_mailing_to(sink.port, json!({"smtpca": ca}));
    register_with_email(&s, "kim");
    assert!(sink.message(1).contains("To: kim@example.org"));
    assert!(sink.over_tls(1));

    // Roots that did not sign it: nothing is sent, and the job says why.
    let sink = Sink::start_tls(&leaf, &key);
    let s = server_mailing_to(sink.port, json!({"smtpca": stranger, "jobAttempts": 1}));
    register_with_email(&s, "lee");
    let table = given_up(&s);
    assert!(table.contains("sending mail"), "{table}");
    assert_eq!(sink.count(), 0);

    // An unreadable `smtpca` is a configuration error, named at start.
    let out = crate::common::server::run_cli(
        &dir,
        &[
            "check-config",
            "-c",
            &write_config(
                &dir,
                json!({"smtpserver": "127.0.0.1", "smtpca": dir.join("nope.pem"), "secret": "x-secret-x"}),
            ),
        ],
        None,
    );
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("smtpca"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn write_config(dir: &std::path::Path, cfg: serde_json::Value) -> String {
    let p = dir.join("check.json");
    std::fs::write(&p, cfg.to_string()).unwrap();
    p.to_string_lossy().into_owned()
}
