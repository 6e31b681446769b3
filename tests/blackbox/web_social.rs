//! The web UI's social pages (issue 17) in headless Chromium, as a new user meets them: at
//! 1280×900 and at a phone's 390×844, with JavaScript and without. Every page visited with
//! scripts on is checked with axe-core; screenshots land in `target/screenshots/`.
use super::web::log_in;
use crate::common::browser::Browser;
use crate::common::{Client, Server};
use serde_json::{json, Value};

pub const DESKTOP: (u32, u32) = (1280, 900);
pub const PHONE: (u32, u32) = (390, 844);

/// Every way a person meets the pages: scripts on and off, at a desktop's and a phone's size.
pub const WAYS: [(bool, (u32, u32)); 4] = [
    (true, DESKTOP),
    (true, PHONE),
    (false, DESKTOP),
    (false, PHONE),
];

/// Walks `walk` every way; any accessibility finding fails the test.
pub fn every_way(walk: impl Fn(bool, (u32, u32)) -> Vec<String>) {
    let mut found = Vec::new();
    for (javascript, size) in WAYS {
        found.extend(walk(javascript, size));
    }
    assert!(found.is_empty(), "accessibility:\n{}", found.join("\n"));
}

/// `nick` posts a note, public or to their followers; the activity as the server answered.
pub fn note(s: &Server, c: &Client, nick: &str, text: &str, public: bool) -> Value {
    let mut act = json!({"verb": "post", "object": {"objectType": "note", "content": text}});
    if public {
        act["to"] = json!([{"objectType": "collection", "id": "http://activityschema.org/collection/public"}]);
    }
    s.act(c, nick, act)
}

/// `nick` follows the person `id` through the API.
pub fn follow(s: &Server, c: &Client, nick: &str, id: &str) {
    s.act(
        c,
        nick,
        json!({"verb": "follow", "object": {"objectType": "person", "id": id}}),
    );
}

/// A server where bob and carol have posted: each a public note, carol also one for her
/// followers only.
pub fn neighbourhood() -> Server {
    let dir = crate::common::server::temp_dir("datadir");
    let s = Server::with(json!({"enableUploads": true, "datadir": dir, "site": "Test"}));
    let (_, bob) = s.register("bob", "correct7horse");
    let (_, carol) = s.register("carol", "correct7horse");
    let profile = json!({"objectType": "person", "displayName": "Carol Shore"});
    let r = s.signed(&carol, "PUT", "/api/user/carol/profile", Some(&profile));
    assert_eq!(r.status, 200, "{}", r.text());
    note(&s, &bob, "bob", "Bob's public hello", true);
    note(&s, &carol, "carol", "Carol's tide table", true);
    note(&s, &carol, "carol", "Carol's followers-only thought", false);
    s
}

pub fn browser(javascript: bool, (w, h): (u32, u32)) -> Browser {
    let b = Browser::start(javascript);
    b.resize(w, h);
    b
}

fn tag(javascript: bool, (w, _): (u32, u32)) -> String {
    format!("{}-{w}", if javascript { "js" } else { "nojs" })
}

/// Checks the page with axe-core (scripts on) and saves a screenshot.
pub fn look(b: &Browser, name: &str, javascript: bool, size: (u32, u32), found: &mut Vec<String>) {
    let name = format!("social-{name}-{}", tag(javascript, size));
    b.screenshot(&name);
    if javascript {
        found.extend(b.accessibility(&name).unwrap_or_default());
    }
}

fn register(b: &Browser, s: &Server, nick: &str) {
    b.goto(&s.url("/main/register"));
    b.fill("#nickname", nick);
    b.fill("#password", "correct7horse");
    b.fill("#repeat", "correct7horse");
    b.click("form#registration button[type=submit]");
    b.wait("a#logout", 10);
}

/// Goes to the directory the way a person of this screen size does: the navbar's link, or
/// the account menu on a phone.
fn open_people(b: &Browser, size: (u32, u32)) {
    if size == PHONE {
        b.click("#profile-menu summary");
        b.click("#profile-menu a[href='/main/people']");
    } else {
        b.click(".navbar a[href='/main/people']");
    }
    b.find("form#people-search");
}

/// Searches the directory and waits for the answer's page (its address names the search).
fn search(b: &Browser, q: &str) {
    let before = b.url();
    b.fill("#people-q", q);
    b.click("form#people-search button[type=submit]");
    let start = std::time::Instant::now();
    while b.url() == before {
        assert!(
            start.elapsed().as_secs() < 10,
            "the search {q:?} did not load"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    b.wait("form#people-search", 10);
}

/// The phone-sized navbar: one line, every control at least 44 px tall, the account menu
/// inside the screen when open.
fn phone_navbar(b: &Browser) {
    let (_, _, _, bar) = b.rect("div.navbar");
    assert!(bar <= 60.0, "the navbar wraps: {bar} px tall");
    for (x, _, w, h) in b.shown_rects("div.navbar a, div.navbar summary") {
        assert!(h >= 44.0, "a navbar control {w}×{h} px at x={x}");
        assert!(
            x >= 0.0 && x + w <= 390.5,
            "a navbar control off screen at x={x}, {w} wide"
        );
    }
    b.click("#profile-menu summary");
    let (x, _, w, _) = b.rect("#profile-menu ul");
    assert!(
        x >= 0.0 && x + w <= 390.5,
        "the account menu opens at x={x}, {w} px wide"
    );
    b.click("#profile-menu summary");
}

/// A new user finds people and posts: suggestions and public posts on the empty home page,
/// the directory and its search, an address elsewhere offered a look-up, following from the
/// directory, and the public timeline (which leaves out what is not public).
fn walk(s: &Server, javascript: bool, size: (u32, u32), nick: &str) -> Vec<String> {
    let mut found = Vec::new();
    let b = browser(javascript, size);
    b.goto(&s.url("/main/public"));
    b.wait_text("#public-stream", "Carol's tide table", 5);
    assert!(b.text("#public-stream").contains("Bob's public hello"));
    assert!(!b.text("body").contains("followers-only"));
    look(&b, "public-anonymous", javascript, size, &mut found);

    register(&b, s, nick);
    b.goto(&s.url("/"));
    b.wait_text("#getting-started #suggestions", "Carol Shore", 5);
    assert!(b.text("#suggestions").contains("bob"));
    assert!(b.text("body").contains("Bob's public hello"));
    assert!(!b.text("body").contains("followers-only"));
    // The note form is closed until opened.
    assert!(!b.displayed("#note-content"));
    if size == PHONE {
        phone_navbar(&b);
    }
    look(&b, "home-new", javascript, size, &mut found);
    b.click("#post-note summary");
    assert!(b.displayed("#note-content"));

    open_people(&b, size);
    assert!(b.text("#directory").contains("Carol Shore"));
    search(&b, "shore");
    assert!(b.text("#directory").contains("Carol Shore"));
    assert!(!b.text("#directory").contains("bob"));
    look(&b, "people-search", javascript, size, &mut found);
    // The account's address as its profile shows it.
    search(&b, "@bob@127.0.0.1");
    assert!(b.text("#directory").contains("bob"));
    assert!(!b.text("#directory").contains("Carol"));
    search(&b, "someone@elsewhere.example");
    b.find("form#lookup-remote button[type=submit]");
    assert!(b
        .text("#lookup-remote")
        .contains("someone@elsewhere.example"));

    search(&b, "carol");
    b.click("#directory button.follow");
    b.wait("button.unfollow", 10);
    b.goto(&s.url("/main/people?q=carol"));
    b.find("#directory button.unfollow");
    b.goto(&s.url("/"));
    // Carol is followed now: only bob is still suggested.
    b.wait_text("#suggestions", "bob", 5);
    assert!(!b.text("#suggestions").contains("Carol"));
    found
}

#[test]
fn a_new_user_finds_people_and_public_posts_with_javascript() {
    let s = neighbourhood();
    let mut found = walk(&s, true, DESKTOP, "dana");
    found.extend(walk(&s, true, PHONE, "dave"));
    assert!(found.is_empty(), "accessibility:\n{}", found.join("\n"));
}

#[test]
fn a_new_user_finds_people_and_public_posts_without_javascript() {
    let s = neighbourhood();
    walk(&s, false, DESKTOP, "erin");
    walk(&s, false, PHONE, "ezra");
}

/// The directory pages: 25 people make a second page, reached with "More people".
#[test]
fn the_directory_pages_and_searches_case_blind() {
    let s = neighbourhood();
    for i in 0..23 {
        s.register(&format!("user{i:02}"), "correct7horse");
    }
    let page = |path: &str| -> String {
        let r = s.req("GET", path, &[("Accept", "text/html")], b"");
        assert_eq!(r.status, 200, "{path}");
        r.text()
    };
    let first = page("/main/people");
    let listed = |html: &str| html.matches("<li class=\"card person\"").count();
    assert_eq!(listed(&first), 20);
    assert!(first.contains("offset=20"), "no link to the next page");
    let second = page("/main/people?q=&offset=20");
    assert_eq!(listed(&second), 5);
    assert!(!second.contains("offset=40"));
    assert_eq!(listed(&page("/main/people?q=USER1")), 10);
    assert_eq!(listed(&page("/main/people?q=carol%20SHORE")), 1);
    let none = page("/main/people?q=nobody-like-this");
    assert!(none.contains("id=\"no-people\""));
    let far = page("/main/people?offset=18446744073709551615");
    assert_eq!(listed(&far), 0);
    let long = format!("/main/people?q={}", "x".repeat(5000));
    assert_eq!(s.req("GET", &long, &[], b"").status, 200);
    let form = [("Content-Type", "application/x-www-form-urlencoded")];
    let r = s.req("POST", "/main/lookup", &form, b"webfinger=a%40b.example");
    assert!(
        r.status == 401 || r.status == 403,
        "lookup without a session: {}",
        r.status
    );
}

/// Posts a note from the home page to the audience `option` (a CSS selector of the picker's
/// option) and the named `people`.
fn post_to(b: &Browser, text: &str, option: &str, people: &str) {
    b.click("#post-note-button");
    b.fill("#note-content", text);
    b.click(&format!("#note-to {option}"));
    b.fill("#note-to-people", people);
    b.click("#send-note");
}

fn inbox_has(s: &Server, c: &Client, nick: &str, feed: &str, text: &str) -> bool {
    let inbox = s.read(c, &format!("/api/user/{nick}/inbox{feed}"), 200);
    inbox.to_string().contains(text)
}

/// The post form's audience: a list, a direct message to a named person, the public, and
/// what a wrong choice says; each card shows its audience in a word.
fn audience_walk(javascript: bool, size: (u32, u32)) -> Vec<String> {
    let mut found = Vec::new();
    let s = neighbourhood();
    let (_, fay) = s.register("fay", "correct7horse");
    let (_, bob) = s.register("bobby", "correct7horse");
    let (cara, carol) = s.register("cara", "correct7horse");
    let lists = s.read(&fay, "/api/user/fay/lists/person", 200);
    let family = lists["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["displayName"] == "Family")
        .expect("a Family list")["id"]
        .as_str()
        .unwrap()
        .to_string();
    s.act(
        &fay,
        "fay",
        json!({"verb": "add", "object": {"objectType": "person", "id": cara["profile"]["id"]},
        "target": {"objectType": "collection", "id": family}}),
    );

    let b = browser(javascript, size);
    log_in(&b, &s, "fay");
    post_to(
        &b,
        "Sunday lunch at ours",
        &format!("option[value='list:{family}']"),
        "",
    );
    b.wait_text("#major-stream", "Sunday lunch at ours", 10);
    assert!(b
        .text("#major-stream .audience.list")
        .contains("List: Family"));
    post_to(
        &b,
        "Psst, your bike is ready",
        "option[value='direct']",
        "@bobby",
    );
    b.wait_text("#major-stream", "Psst, your bike is ready", 10);
    assert!(b.text("#major-stream .audience").contains("Direct"));
    post_to(&b, "Market day tomorrow", "option[value='public']", "");
    b.wait_text("#major-stream", "Market day tomorrow", 10);
    assert!(b.text("#major-stream .audience").contains("Public"));
    look(&b, "audience", javascript, size, &mut found);

    post_to(&b, "To nobody", "option[value='direct']", "");
    b.wait_text("main", "Name at least one person", 10);
    assert_eq!(b.title(), "Error - Test");
    post_to(&b, "To a stranger", "option[value='public']", "@nobody");
    b.wait_text("main", "Nobody here is called @nobody", 10);
    look(&b, "audience-error", javascript, size, &mut found);

    assert!(inbox_has(&s, &carol, "cara", "", "Sunday lunch"));
    assert!(!inbox_has(&s, &bob, "bobby", "", "Sunday lunch"));
    assert!(inbox_has(
        &s,
        &bob,
        "bobby",
        "/direct",
        "your bike is ready"
    ));
    assert!(!inbox_has(&s, &carol, "cara", "", "your bike is ready"));
    let public = s
        .req("GET", "/main/public", &[("Accept", "text/html")], b"")
        .text();
    assert!(public.contains("Market day tomorrow"));
    assert!(!public.contains("Sunday lunch") && !public.contains("bike is ready"));
    // Neither wrong post was made.
    let outbox = s.read(&fay, "/api/user/fay/feed", 200).to_string();
    assert!(!outbox.contains("To nobody") && !outbox.contains("To a stranger"));
    found
}

#[test]
fn choosing_who_sees_a_post() {
    every_way(audience_walk);
}

fn badge(b: &Browser, which: &str) -> String {
    b.text(&format!("#{which}-count"))
}

/// Follows, likes, replies and shares reach their person's notifications, the badge counts
/// what is new, reading clears it (also across a restart), and only what came later is new.
fn notifications_walk(javascript: bool, size: (u32, u32)) -> Vec<String> {
    let mut found = Vec::new();
    let mut s = neighbourhood();
    let (gus_user, gus) = s.register("gus", "correct7horse");
    let (_, bob) = s.register("bea", "correct7horse");
    let (_, carol) = s.register("cid", "correct7horse");
    let posted = s.act(
        &gus,
        "gus",
        json!({"verb": "post", "object": {"objectType": "note", "content": "Gus's garden"},
        "to": [{"objectType": "collection", "id": "http://activityschema.org/collection/public"}]}),
    );
    let note = json!({"objectType": "note", "id": posted["object"]["id"]});
    let me = json!({"objectType": "person", "id": gus_user["profile"]["id"]});
    s.act(&bob, "bea", json!({"verb": "follow", "object": me}));
    s.act(&bob, "bea", json!({"verb": "favorite", "object": note}));
    s.act(&bob, "bea", json!({"verb": "post", "object": {"objectType": "comment", "content": "Lovely roses", "inReplyTo": note}}));
    s.act(&bob, "bea", json!({"verb": "share", "object": note}));

    let b = browser(javascript, size);
    log_in(&b, &s, "gus");
    let listed = || s.read(&gus, "/api/user/gus/inbox", 200).to_string();
    assert_eq!(badge(&b, "notifications"), "4", "{}", listed());
    b.click("a#notifications");
    b.find("#notifications-list");
    let list = b.text("#notifications-list");
    for word in ["Follow", "Like", "Reply", "Share"] {
        assert!(list.contains(word), "no {word} in:\n{list}");
    }
    assert_eq!(b.all("#notifications-list .unread").len(), 4);
    look(&b, "notifications", javascript, size, &mut found);
    b.goto(&s.url("/"));
    assert_eq!(badge(&b, "notifications"), "0");

    s.restart();
    s.act(&carol, "cid", json!({"verb": "favorite", "object": note}));
    b.goto(&s.url("/"));
    assert_eq!(badge(&b, "notifications"), "1");
    b.click("a#notifications");
    b.find("#notifications-list");
    assert_eq!(b.all("#notifications-list .unread").len(), 1);
    assert!(b.text("#notifications-list .unread").contains("cid"));
    b.goto(&s.url("/main/notifications"));
    b.find("#notifications-list");
    assert!(b.all("#notifications-list .unread").is_empty());

    // Messages: the badge and the page work the same way.
    let to_gus = json!({"verb": "post", "object": {"objectType": "note", "content": "Seeds for you, Gus"}, "to": [me]});
    s.act(&carol, "cid", to_gus);
    b.goto(&s.url("/"));
    let before = badge(&b, "messages").parse::<u64>().unwrap();
    assert!(before >= 1);
    b.click("a#messages");
    b.wait_text("#messages-stream .unread", "Seeds for you, Gus", 5);
    look(&b, "messages", javascript, size, &mut found);
    b.goto(&s.url("/"));
    assert_eq!(badge(&b, "messages"), "0");
    found
}

#[test]
fn notifications_count_what_is_new_until_read() {
    every_way(notifications_walk);
}

/// The home page is calm: following someone shows their recent public posts, no own
/// housekeeping in "Meanwhile", the comment box behind a Reply button, times relative with
/// the exact time on hover.
#[test]
fn a_calmer_home_page() {
    every_way(calm_walk);
}

fn calm_walk(javascript: bool, size: (u32, u32)) -> Vec<String> {
    let mut found = Vec::new();
    let s = neighbourhood();
    let b = browser(javascript, size);
    register(&b, &s, "hal");
    b.goto(&s.url("/bob"));
    b.click("button.follow");
    b.wait("button.unfollow", 10);
    b.goto(&s.url("/main/people"));
    b.goto(&s.url("/"));
    // Following bob brought his earlier public post to the inbox.
    let inbox = b.text("#major-stream");
    assert!(inbox.contains("Bob's public hello"), "{inbox}");
    let meanwhile = b.text("#minor-stream");
    assert!(meanwhile.contains("followed"), "{meanwhile}");
    for chore in ["created", "joined"] {
        assert!(
            !meanwhile.contains(chore),
            "{chore} in Meanwhile:\n{meanwhile}"
        );
    }
    // The welcome note's card: Reply opens the comment box.
    assert!(!b.displayed("#major-stream form.post-comment textarea"));
    b.click("#major-stream .reply-box summary");
    assert!(b.displayed("#major-stream form.post-comment textarea"));
    let when = b.text("#major-stream time");
    assert!(
        when == "now" || when.ends_with(" min"),
        "not relative: {when:?}"
    );
    // The exact time on hover: UTC from the server, the reader's own zone when scripts run.
    let exact = b.run("return document.querySelector('#major-stream time').title;");
    let exact = exact.as_str().unwrap_or_default();
    assert!(
        exact.len() > 10 && (javascript || exact.ends_with(" UTC")),
        "no exact time on hover: {exact:?}"
    );
    look(&b, "calm-home", javascript, size, &mut found);

    // Twenty-odd posts make two pages: Older, then Newer back.
    let (_, pat) = s.register("pat", "correct7horse");
    for i in 0..22 {
        note(&s, &pat, "pat", &format!("Pat's note {i:02}"), true);
    }
    b.goto(&s.url("/pat"));
    b.click("button.follow");
    b.wait("button.unfollow", 10);
    b.goto(&s.url("/"));
    b.wait_text("#major-stream", "Pat's note 21", 10);
    assert!(b.all("a.newer").is_empty(), "Newer on the newest page");
    b.click("a.more");
    b.wait_text("#major-stream", "Bob's public hello", 10);
    assert!(!b.text("#major-stream").contains("Pat's note 21"));
    look(&b, "older-page", javascript, size, &mut found);
    b.click("a.newer");
    b.wait_text("#major-stream", "Pat's note 21", 10);
    found
}

/// The author edits a note from its card: the new text replaces the old for every reader and
/// the card says it was edited.
#[test]
fn editing_ones_own_note() {
    every_way(edit_walk);
}

fn edit_walk(javascript: bool, size: (u32, u32)) -> Vec<String> {
    let mut found = Vec::new();
    let s = neighbourhood();
    let (_, bob) = s.register("ida", "correct7horse");
    let b = browser(javascript, size);
    log_in(&b, &s, "ida");
    b.click("#post-note-button");
    b.fill("#note-content", "Choir at 7 & cake after");
    b.click("#send-note");
    b.wait_text("#major-stream", "Choir at 7 & cake after", 10);
    assert!(b.all("#major-stream .edited").is_empty());
    // Times have second precision: the edit must come in a later second than the post.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    b.click("#major-stream .edit-box summary");
    b.fill(
        "#major-stream form.edit textarea",
        "Choir at 8 & cake after",
    );
    b.click("#major-stream form.edit button[type=submit]");
    b.wait_text("#major-stream", "Choir at 8 & cake after", 10);
    assert!(!b.text("#major-stream").contains("Choir at 7"));
    b.find("#major-stream .edited");
    let feed = s.read(&bob, "/api/user/ida/feed", 200).to_string();
    assert!(feed.contains("Choir at 8 &amp; cake after"), "{feed}");
    assert!(!feed.contains("Choir at 7"));
    look(&b, "edited", javascript, size, &mut found);
    // Deleting it: the card goes, and the API shows it deleted.
    b.click("#major-stream article:first-of-type button.delete");
    if javascript {
        b.accept_dialog();
    }
    b.wait("#major-stream", 10);
    let gone = crate::common::eventually(10, || !b.text("#major-stream").contains("Choir at 8"));
    assert!(
        gone,
        "the deleted note still shows: {}",
        b.text("#major-stream")
    );
    let feed = s.read(&bob, "/api/user/ida/feed", 200);
    assert!(
        feed["items"][0]["object"]["deleted"].is_string(),
        "{}",
        feed["items"][0]
    );
    found
}

/// With scripts on, a post that arrives while the home page is open waits behind a "1 new
/// post" bar (what one reads does not move) and shows when it is tapped; a like of the
/// reader's own note shows on its card at once.
#[test]
fn new_posts_wait_behind_a_bar() {
    // Live updates need scripts.
    new_posts_walk(DESKTOP);
    new_posts_walk(PHONE);
}

fn new_posts_walk(size: (u32, u32)) {
    let s = neighbourhood();
    let (_, kit) = s.register("kit", "correct7horse");
    let (_, lou) = s.register("lou", "correct7horse");
    let kit_id = s.url("/api/user/kit/profile");
    let lou_id = s.url("/api/user/lou/profile");
    follow(&s, &kit, "kit", &lou_id);
    follow(&s, &lou, "lou", &kit_id);
    let mine = note(&s, &kit, "kit", "Kit's kettle", true);
    let b = browser(true, size);
    let streams = s.log().matches("GET /main/events 200").count();
    log_in(&b, &s, "kit");
    s.wait_for_log("GET /main/events 200", streams + 1);
    assert!(!b.displayed("#new-posts"));
    note(&s, &lou, "lou", "Lou's fresh bread", true);
    b.wait_text("#new-posts", "1 new post", 15);
    assert!(!b.text("#major-stream").contains("Lou's fresh bread"));
    let liked =
        json!({"verb": "favorite", "object": {"objectType": "note", "id": mine["object"]["id"]}});
    s.act(&lou, "lou", liked);
    b.wait_text("#major-stream .likes", "lou", 15);
    let shared =
        json!({"verb": "share", "object": {"objectType": "note", "id": mine["object"]["id"]}});
    s.act(&lou, "lou", shared);
    b.wait_text("#major-stream .shares", "lou", 15);
    b.screenshot(&format!("social-new-posts-js-{}", size.0));
    b.click("#new-posts");
    b.wait_text("#major-stream", "Lou's fresh bread", 5);
    assert!(!b.displayed("#new-posts"));
}

/// A post shared by someone the reader follows, which the reader also has from its author,
/// shows once: as its newest card, "shared by".
#[test]
fn a_shared_post_shows_once() {
    every_way(shared_walk);
}

fn shared_walk(javascript: bool, size: (u32, u32)) -> Vec<String> {
    let mut found = Vec::new();
    let s = neighbourhood();
    let (_, pia) = s.register("pia", "correct7horse");
    let (_, quin) = s.register("quin", "correct7horse");
    let (_, ros) = s.register("ros", "correct7horse");
    for who in ["quin", "ros"] {
        follow(&s, &pia, "pia", &s.url(&format!("/api/user/{who}/profile")));
    }
    let posted = note(&s, &quin, "quin", "Quin's big news", true);
    let shared =
        json!({"verb": "share", "object": {"objectType": "note", "id": posted["object"]["id"]}});
    s.act(&ros, "ros", shared);
    let inbox = s.read(&pia, "/api/user/pia/inbox/major", 200).to_string();
    assert_eq!(
        inbox.matches("Quin&#39;s big news").count() + inbox.matches("Quin's big news").count(),
        2,
        "{inbox}"
    );
    let b = browser(javascript, size);
    log_in(&b, &s, "pia");
    let cards = b.run("return Array.from(document.querySelectorAll('#major-stream article')).filter(a => a.textContent.includes(\"Quin's big news\")).map(a => a.querySelector('.meta').textContent);");
    let cards = cards.as_array().unwrap();
    assert_eq!(cards.len(), 1, "{cards:?}");
    assert!(
        cards[0].as_str().unwrap().contains("shared by"),
        "{cards:?}"
    );
    look(&b, "shared-once", javascript, size, &mut found);
    found
}
