//! The web UI in a real browser (issue 6): headless Chromium over WebDriver, as a person uses
//! it, with JavaScript and without. Screenshots land in `target/screenshots/` for review.
use crate::common::browser::Browser;
use crate::common::Server;
use serde_json::json;

fn server() -> Server {
    let dir = crate::common::server::temp_dir("datadir");
    Server::with(json!({"enableUploads": true, "datadir": dir, "site": "Test"}))
}

fn register(b: &Browser, s: &Server, nick: &str) {
    b.goto(&s.url("/"));
    b.click("a#register");
    b.find("form#registration");
    b.fill("#nickname", nick);
    b.fill("#password", "correct7horse");
    b.fill("#repeat", "correct7horse");
    b.click("form#registration button[type=submit]");
    b.wait("a#logout", 10);
}

fn log_in(b: &Browser, s: &Server, nick: &str) {
    b.goto(&s.url("/main/login"));
    b.fill("#nickname", nick);
    b.fill("#password", "correct7horse");
    b.click("form#login button[type=submit]");
    b.wait("a#logout", 10);
}

/// Opens the profile menu and logs out (with scripts off, a form confirms it).
fn log_out(b: &Browser, javascript: bool) {
    b.click("#profile-menu summary");
    b.click("a#logout");
    if !javascript {
        b.click("#logout-button");
    }
    b.wait("a#login", 10);
    assert!(b.all("a#logout").is_empty());
}

fn post_note(b: &Browser, text: &str) {
    b.fill("#note-content", text);
    b.click("#send-note");
    b.wait_text("#major-stream", text, 10);
}

/// A small JPEG made here, 800×600.
fn photo() -> std::path::PathBuf {
    let img = image::RgbImage::from_fn(800, 600, |x, y| {
        image::Rgb([(x / 4) as u8, (y / 3) as u8, 128])
    });
    let mut data = Vec::new();
    jpeg_encoder::Encoder::new(&mut data, 85)
        .encode(img.as_raw(), 800, 600, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    let path = crate::common::server::temp_dir("photo").join("harbour.jpg");
    std::fs::write(&path, data).unwrap();
    path
}

#[test]
fn two_people_post_follow_reply_and_like_live() {
    let s = server();
    let alice = Browser::start(true);
    // The welcome page as a visitor sees it (web-ui.md §1).
    alice.goto(&s.url("/"));
    assert_eq!(alice.title(), "Welcome - Test");
    assert_eq!(alice.text("div.navbar a.brand"), "Test");
    assert_eq!(alice.text("div.navbar a#register"), "Register");
    assert_eq!(alice.text("div.navbar a#login"), "Login");
    alice.find("footer a[href='http://pump.io/']");
    register(&alice, &s, "alice");
    post_note(&alice, "Hello from alice's Pi");

    let bob = Browser::start(true);
    register(&bob, &s, "bob");
    bob.goto(&s.url("/alice"));
    bob.wait_text("#major-stream", "Hello from alice's Pi", 5);
    bob.click("button.follow");
    bob.wait("button.unfollow", 10);

    // Alice keeps her home page open; a marker shows it is never reloaded.
    alice.goto(&s.url("/"));
    alice.find("#major-stream");
    alice.run("window.__notReloaded = true;");
    std::thread::sleep(std::time::Duration::from_millis(800));

    bob.goto(&s.url("/alice"));
    bob.click("#major-stream button.like");
    bob.wait("#major-stream button.unlike", 10);
    bob.fill(
        "#major-stream form.post-comment textarea[name=content]",
        "Lovely, alice!",
    );
    bob.click("#major-stream form.post-comment button[type=submit]");
    bob.wait_text("#major-stream", "Lovely, alice!", 10);

    alice.wait_text("#major-stream", "Lovely, alice!", 15);
    alice.wait_text("#major-stream .likes", "bob", 15);
    alice.wait_text("#minor-stream", "bob", 15);
    assert_eq!(
        alice.run("return window.__notReloaded === true;"),
        json!(true)
    );
    let notified = alice.run("return document.getElementById('notifications-count').textContent;");
    assert_ne!(notified, json!("0"), "the navbar count did not move");
    alice.screenshot("home");

    // A picture with its thumbnail.
    alice.click("#post-picture summary");
    alice.attach("#picture-file", &photo());
    alice.fill("#picture-title", "Harbour at dusk");
    alice.click("#send-picture");
    alice.wait_text("#major-stream", "Harbour at dusk", 15);
    let width = alice.run(
        "var i = document.querySelector('#major-stream img.picture'); return i && i.complete ? i.naturalWidth : 0;",
    );
    assert_eq!(width, json!(320), "the thumbnail is 320 px wide");

    // The object page, with its reply and like.
    bob.goto(&s.url("/alice"));
    let link = bob.run(
        "return Array.from(document.querySelectorAll('#major-stream article')).find(a => a.textContent.includes(\"Hello from alice's Pi\")).querySelector('.meta a[href*=\"/note/\"]').href;",
    );
    bob.goto(link.as_str().expect("object link"));
    bob.wait_text("main", "Lovely, alice!", 5);
    assert!(bob.title().starts_with("note by alice"), "{}", bob.title());
    bob.screenshot("object");

    // Editing the profile, with an avatar.
    alice.goto(&s.url("/main/settings"));
    alice.fill("#realname", "Alice Liddell");
    alice.fill("#location", "Oxford");
    alice.fill("#bio", "Keeps a Pi on the bookshelf.");
    alice.attach("#avatar", &photo());
    alice.click("#save-settings");
    alice.wait_text(".p-name", "Alice Liddell", 10);
    assert_eq!(alice.text(".p-locality"), "Oxford");
    let src = alice.run("return document.querySelector('img.u-photo').src;");
    assert!(src.as_str().unwrap_or("").contains("_thumb"), "{src}");
    alice.screenshot("profile");

    log_out(&alice, true);
}

#[test]
fn reading_and_posting_work_without_javascript() {
    let s = server();
    let b = Browser::start(false);
    register(&b, &s, "carol");
    // The page's script never ran (it marks the document when it does).
    assert_eq!(
        b.run("return document.documentElement.dataset.js || '';"),
        json!("")
    );
    post_note(&b, "Posted with scripts off");
    // Log out (the link leads to a confirming form) and back in.
    log_out(&b, false);
    log_in(&b, &s, "carol");
    b.wait_text("#major-stream", "Posted with scripts off", 5);
    b.click("#major-stream button.like");
    b.wait("#major-stream button.unlike", 10);
    b.fill(
        "#major-stream form.post-comment textarea[name=content]",
        "Replying without scripts",
    );
    b.click("#major-stream form.post-comment button[type=submit]");
    b.wait_text("#major-stream", "Replying without scripts", 10);
    s.register("dave", "correct7horse");
    b.goto(&s.url("/dave"));
    b.click("button.follow");
    b.wait("button.unfollow", 10);
    b.goto(&s.url("/carol/following"));
    b.wait_text("#following", "dave", 5);
}

#[test]
fn the_welcome_page_in_a_browser_with_js_check() {
    let s = server();
    let b = Browser::start(true);
    b.goto(&s.url("/"));
    b.wait("html[data-js=on]", 5);
}
