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

pub fn log_in(b: &Browser, s: &Server, nick: &str) {
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

/// Opens the note form with the navbar's Note button, as a person does, and posts.
fn post_note(b: &Browser, text: &str) {
    b.click("#post-note-button");
    b.fill("#note-content", text);
    b.click("#send-note");
    b.wait_text("#major-stream", text, 10);
}

/// A small JPEG made here, 800×600.
pub fn photo() -> std::path::PathBuf {
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
    let streams = s.log().matches("GET /main/events 200").count();
    alice.goto(&s.url("/"));
    alice.find("#major-stream");
    alice.run("window.__notReloaded = true;");
    // Her page's live stream is open once the server has answered it.
    s.wait_for_log("GET /main/events 200", streams + 1);

    bob.goto(&s.url("/alice"));
    bob.click("#major-stream button.like");
    bob.wait("#major-stream button.unlike", 10);
    bob.click("#major-stream .reply-box summary");
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
    log_in(&alice, &s, "alice");
    alice.wait_text("#major-stream", "Harbour at dusk", 5);
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
    b.click("#major-stream .reply-box summary");
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
    // A picture, a list with a member, and deleting.
    b.goto(&s.url("/"));
    b.click("#post-picture summary");
    b.attach("#picture-file", &photo());
    b.fill("#picture-title", "Scripts-off picture");
    b.click("#send-picture");
    b.wait_text("#major-stream", "Scripts-off picture", 10);
    b.find("#major-stream img.picture");
    b.goto(&s.url("/carol/lists"));
    b.fill("#list-name", "Neighbours");
    b.click("#new-list button[type=submit]");
    b.wait_text("h1", "Neighbours", 10);
    b.fill("#member", "dave");
    b.click("#add-list-member button[type=submit]");
    b.wait_text("#members", "dave", 10);
    b.click("#members button");
    b.wait("#add-list-member", 10);
    assert!(
        !b.text("#members").contains("dave"),
        "{}",
        b.text("#members")
    );
    b.click("#delete-list button");
    b.wait("#lists", 10);
    assert!(!b.text("#lists").contains("Neighbours"));
    b.goto(&s.url("/"));
    let before = b.all("#major-stream article").len();
    b.click("#major-stream button.delete");
    // The form posts and the page is replaced: wait for the new one's count.
    b.wait_count("#major-stream article", before - 1, 10);
}

#[test]
fn the_welcome_page_in_a_browser_with_js_check() {
    let s = server();
    let b = Browser::start(true);
    b.goto(&s.url("/"));
    b.wait("html[data-js=on]", 5);
}

/// Markup that runs a script if a page ever emits it as HTML: each sets `window.__xss` or the
/// title. Unescaped in text, or kept by the sanitiser in HTML, any of them would fire.
const PAYLOADS: &[&str] = &[
    "<script>window.__xss=1;document.title='XSS'</script>",
    "<img src=x onerror=\"window.__xss=2\">",
    "<a href=\"javascript:window.__xss=3\">click me</a>",
    "<svg onload=\"window.__xss=4\"><circle r=1></svg>",
    "\"><script>window.__xss=5</script><b x=\"",
    "'><img src=x onerror=window.__xss=6>",
    "<iframe srcdoc=\"<script>parent.__xss=7</script>\"></iframe>",
    "<b><i>unclosed <div onmouseover=\"window.__xss=8\">broken",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=9>",
];

#[test]
fn no_payload_runs_on_any_page() {
    let s = server();
    let all = PAYLOADS.join(" ");
    // A client whose name is shown as "via …" under every post made with it.
    let r = s.req(
        "POST",
        "/api/client/register",
        &[("Content-Type", "application/json")],
        json!({"type": "client_associate", "application_type": "native", "application_name": PAYLOADS[1]})
            .to_string()
            .as_bytes(),
    );
    let j = r.json();
    let evil_app = crate::common::Client::new(
        j["client_id"].as_str().unwrap(),
        j["client_secret"].as_str().unwrap(),
    );
    let u = s
        .signed(
            &evil_app,
            "POST",
            "/api/users",
            Some(&json!({"nickname": "mallory", "password": "correct7horse"})),
        )
        .json();
    let mallory = evil_app.with_token(u["token"].as_str().unwrap(), u["secret"].as_str().unwrap());
    let (_, victim) = s.register("victim", "correct7horse");
    let mallory_id = s.read(&mallory, "/api/user/mallory/profile", 200)["id"].clone();
    let victim_id = s.read(&victim, "/api/user/victim/profile", 200)["id"].clone();
    s.act(
        &victim,
        "victim",
        json!({"verb": "follow", "object": {"objectType": "person", "id": mallory_id}}),
    );
    let r = s.signed(
        &mallory,
        "PUT",
        "/api/user/mallory/profile",
        Some(
            &json!({"objectType": "person", "displayName": PAYLOADS[4], "summary": all,
            "location": {"objectType": "place", "displayName": PAYLOADS[5]},
            "image": {"url": "javascript:window.__xss=10"}}),
        ),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let public =
        json!([{"objectType": "collection", "id": "http://activityschema.org/collection/public"}]);
    let note = s.act(
        &mallory,
        "mallory",
        json!({"verb": "post", "to": public, "object": {"objectType": "note", "displayName": PAYLOADS[0], "content": all},
            "location": {"objectType": "place", "displayName": PAYLOADS[2]}}),
    );
    s.act(
        &mallory,
        "mallory",
        json!({"verb": "post", "object": {"objectType": "comment", "content": all, "inReplyTo": note["object"]}}),
    );
    s.act(
        &mallory,
        "mallory",
        json!({"verb": "post", "to": [{"objectType": "person", "id": victim_id}],
            "object": {"objectType": "note", "content": all, "url": "javascript:window.__xss=11"}}),
    );
    let list = s.act(
        &mallory,
        "mallory",
        json!({"verb": "create", "to": public, "object": {"objectType": "collection", "objectTypes": ["person"],
            "displayName": PAYLOADS[3], "content": all}}),
    );
    s.act(
        &mallory,
        "mallory",
        json!({"verb": "add", "object": {"objectType": "person", "id": victim_id}, "target": list["object"]}),
    );
    let note_page = s.path_of(note["object"]["url"].as_str().unwrap());
    let activity_page = s.path_of(note["url"].as_str().unwrap());
    let list_page = s.path_of(list["object"]["url"].as_str().unwrap());

    let b = Browser::start(true);
    log_in(&b, &s, "victim");
    let pages = [
        "/".to_string(),
        "/mallory".into(),
        "/mallory/lists".into(),
        "/mallory/followers".into(),
        "/victim/following".into(),
        "/main/messages".into(),
        note_page,
        activity_page,
        list_page,
    ];
    for page in &pages {
        b.goto(&s.url(page));
        b.find("footer");
        let found = b.run(
            "const all = Array.from(document.querySelectorAll('*'));\
             return {xss: window.__xss || null, title: document.title,\
               handlers: all.filter(e => Array.from(e.attributes).some(a => a.name.toLowerCase().startsWith('on'))).map(e => e.outerHTML.slice(0, 80)),\
               js_links: Array.from(document.querySelectorAll('[href],[src]')).filter(e => /^\\s*javascript:/i.test(e.getAttribute('href') || e.getAttribute('src') || '')).length,\
               scripts: Array.from(document.scripts).filter(s => !s.src.endsWith('/assets/pump.js')).length,\
               frames: document.querySelectorAll('iframe, object, embed, svg, math').length,\
               text: document.body.innerText};",
        );
        assert_eq!(found["xss"], json!(null), "{page}: a payload ran");
        assert_ne!(found["title"], json!("XSS"), "{page}");
        assert_eq!(
            found["handlers"],
            json!([]),
            "{page}: event handler attributes"
        );
        assert_eq!(found["js_links"], json!(0), "{page}: javascript: links");
        assert_eq!(found["scripts"], json!(0), "{page}: inline scripts");
        assert_eq!(found["frames"], json!(0), "{page}: embedded documents");
        let text = found["text"].as_str().unwrap_or_default();
        assert!(!text.contains("Error"), "{page}: {text}");
    }
    // The profile shows the name as text: the payload is visible, not run.
    b.goto(&s.url("/mallory"));
    assert!(
        b.text(".p-name")
            .contains("<script>window.__xss=5</script>"),
        "{}",
        b.text(".p-name")
    );
}

#[test]
fn a_timeline_of_twenty_weighs_under_10_kb_compressed() {
    let s = server();
    let (_, alice) = s.register("alice", "correct7horse");
    let (_, bob) = s.register("bob", "correct7horse");
    let alice_id = s.read(&alice, "/api/user/alice/profile", 200)["id"].clone();
    s.act(
        &bob,
        "bob",
        json!({"verb": "follow", "object": {"objectType": "person", "id": alice_id}}),
    );
    let public =
        json!([{"objectType": "collection", "id": "http://activityschema.org/collection/public"}]);
    for i in 0..25 {
        let text = format!(
            "<p>Note {i}: {}</p>",
            "A few sentences about the garden and the weather on the hill. ".repeat(4)
        );
        s.act(&alice, "alice", json!({"verb": "post", "to": public, "object": {"objectType": "note", "content": text}}));
    }
    let cookie = s.log_in("bob", "correct7horse").expect("session");
    let get = |path: &str, gzip: bool| {
        let mut h = vec![("Cookie", cookie.as_str())];
        if gzip {
            h.push(("Accept-Encoding", "gzip, deflate, br"));
        }
        s.req("GET", path, &h, b"")
    };
    let page = get("/", true);
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-encoding"), Some("gzip"));
    let plain = get("/", false);
    assert_eq!(plain.header("content-encoding"), None);
    let html = plain.text();
    assert_eq!(
        html.matches("class=\"card major\"").count(),
        20,
        "twenty activities"
    );
    let css = get("/assets/pump.css", true);
    let js = get("/assets/pump.js", true);
    let wire = page.body.len() + css.body.len() + js.body.len();
    eprintln!(
        "timeline of 20: page {} bytes ({} uncompressed), css {}, js {}: {wire} bytes on the wire",
        page.body.len(),
        plain.body.len(),
        css.body.len(),
        js.body.len()
    );
    // The page itself (issue 17); the style sheet and script are cached after the first page.
    assert!(page.body.len() < 10 * 1024, "{} bytes", page.body.len());
    assert!(wire < 100 * 1024, "{wire} bytes");
    // How long the page takes is printed, not asserted: the machine is shared.
    let mut times: Vec<u128> = (0..11)
        .map(|_| {
            let t = std::time::Instant::now();
            assert_eq!(get("/", true).status, 200);
            t.elapsed().as_micros()
        })
        .collect();
    times.sort_unstable();
    eprintln!(
        "timeline of 20: median {} µs per page (debug build)",
        times[5]
    );
    assert!(page.body.len() * 3 < plain.body.len(), "compression pays");
}

/// The CSRF cookie and token of a fresh visit to `path`.
fn form_token(s: &Server, path: &str) -> (String, String) {
    let page = s.get(path);
    let cookie = page
        .cookies()
        .into_iter()
        .find(|c| c.starts_with("pump.csrf="))
        .expect("csrf cookie");
    let set = page.header("set-cookie").unwrap_or_default().to_string();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    let text = page.text();
    let pattern = "name=\"_csrf\" value=\"";
    let at = text.find(pattern).expect("token field") + pattern.len();
    let token = text[at..].split('"').next().unwrap_or_default().to_string();
    (cookie, token)
}

#[test]
fn forms_need_their_token_and_logins_are_throttled() {
    let s = server();
    s.register("hana", "correct7horse");
    let (cookie, token) = form_token(&s, "/main/login");
    let login = |pw: &str, token: &str| {
        let body = format!("_csrf={token}&nickname=hana&password={pw}");
        s.req(
            "POST",
            "/main/login",
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Cookie", &cookie),
            ],
            body.as_bytes(),
        )
    };
    // Without the token (a form posted from another site) nothing happens.
    assert_eq!(login("correct7horse", "forged").status, 403);
    let ok = login("correct7horse", &token);
    assert_eq!(ok.status, 303);
    let session = ok
        .cookies()
        .into_iter()
        .find(|c| c.starts_with("pump.session="))
        .expect("session");
    let set = ok
        .headers
        .iter()
        .filter(|(k, _)| k == "set-cookie")
        .map(|(_, v)| v.clone())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    // A logged-in form without its token is refused too.
    let act = s.req(
        "POST",
        "/main/act",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", &format!("{cookie}; {session}")),
        ],
        b"verb=post&content=forged&to=public",
    );
    assert_eq!(act.status, 403);
    for _ in 0..10 {
        assert_eq!(login("wrong-password", &token).status, 401);
    }
    let blocked = login("correct7horse", &token);
    assert_eq!(blocked.status, 429, "{}", blocked.text());
    assert!(blocked.text().contains("Too many failed logins"));
}

#[test]
fn noweb_serves_no_pages() {
    let s = Server::with(json!({"noweb": true}));
    for path in ["/main/login", "/main/register", "/assets/pump.css"] {
        assert_eq!(s.get(path).status, 404, "{path}");
    }
    let home = s.get("/");
    assert!(home.text().contains("<title>API - "), "{}", home.text());
    assert!(!home.text().contains("id=\"login\""));
}

#[test]
fn favorites_paging_and_password_change_without_javascript() {
    let s = server();
    let (_, erin) = s.register("erin", "correct7horse");
    let public =
        json!([{"objectType": "collection", "id": "http://activityschema.org/collection/public"}]);
    for i in 0..23 {
        s.act(&erin, "erin", json!({"verb": "post", "to": public, "object": {"objectType": "note", "content": format!("Note number {i}")}}));
    }
    let b = Browser::start(false);
    log_in(&b, &s, "erin");
    // Twenty on the first page, the rest behind "Older"; no "Newer" on the newest page.
    assert!(b.all("a.newer").is_empty());
    assert_eq!(b.all("#major-stream article").len(), 20);
    assert!(b.text("#major-stream").contains("Note number 22"));
    b.click("a.more");
    b.wait_text("#major-stream", "Note number 0", 10);
    // The three oldest notes and the welcome note.
    assert_eq!(b.all("#major-stream article").len(), 4);
    assert!(!b.text("#major-stream").contains("Note number 22"));
    // And back: "Newer" shows the twenty above the oldest page.
    b.click("a.newer");
    b.wait_text("#major-stream", "Note number 22", 10);
    assert_eq!(b.all("#major-stream article").len(), 20);
    let texts = b.run("return Array.from(document.querySelectorAll('#major-stream .content')).map(c => c.textContent.trim());");
    let texts: Vec<&str> = texts
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t.as_str())
        .collect();
    assert_eq!(texts.first(), Some(&"Note number 22"));
    assert_eq!(texts.last(), Some(&"Note number 3"), "{texts:?}");
    // A like shows on the favorites tab.
    b.goto(&s.url("/"));
    b.click("#major-stream button.like");
    b.wait("#major-stream button.unlike", 10);
    b.goto(&s.url("/erin/favorites"));
    b.wait_text("#favorites", "Note number 22", 5);
    // The account page changes the password.
    b.goto(&s.url("/main/account"));
    b.fill("#current", "correct7horse");
    b.fill("#password", "battery9staple");
    b.fill("#repeat", "battery9staple");
    b.click("form#account button[type=submit]");
    b.wait_text("main", "Your password was changed", 10);
    assert!(s.can_log_in("erin", "battery9staple"));
    assert!(!s.can_log_in("erin", "correct7horse"));
}
