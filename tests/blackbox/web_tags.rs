//! Mentions and hashtags in the web UI (issue 17, item 4): `@nick` links to the person and
//! notifies them, `#tag` links to the page of the public posts with that tag.
use super::web::log_in;
use super::web_social::{browser, look, neighbourhood, note};
use crate::common::Server;

fn html(s: &Server, path: &str) -> String {
    s.req("GET", path, &[("Accept", "text/html")], b"").text()
}

fn walk(javascript: bool, size: (u32, u32)) -> Vec<String> {
    let mut found = Vec::new();
    let s = neighbourhood();
    let (_, ivy) = s.register("ivy", "correct7horse");
    let (_, jon) = s.register("jon", "correct7horse");
    // A post of an API client with a tag in its HTML is on the tag's page too.
    note(&s, &ivy, "ivy", "<p>Seedlings up. #Gardening</p>", true);
    note(&s, &ivy, "ivy", "<p>Only for friends #gardening</p>", false);

    let b = browser(javascript, size);
    log_in(&b, &s, "ivy");
    b.click("#post-note-button");
    b.fill(
        "#note-content",
        "Tomatoes for @jon and @nobody, see #Gardening.",
    );
    b.click("#send-note");
    b.wait_text("#major-stream", "Tomatoes for", 10);
    let card = "#major-stream article:first-of-type";
    let jon_link = format!("{card} a[href$='/jon']");
    assert_eq!(
        b.all(&jon_link).len(),
        1,
        "the mention is not a link to jon"
    );
    assert_eq!(b.text(&jon_link), "@jon");
    assert!(b.text(card).contains("@nobody,"));
    assert!(b.all(&format!("{card} a[href$='/nobody']")).is_empty());
    look(&b, "mention", javascript, size, &mut found);
    b.click(&format!("{card} a[href$='/main/tag/gardening']"));
    b.wait_text("h1", "#gardening", 10);
    let tagged = b.text("#tag-stream");
    assert!(tagged.contains("Tomatoes for"), "{tagged}");
    assert!(tagged.contains("Seedlings up."), "{tagged}");
    assert!(
        !tagged.contains("Only for friends"),
        "a private post on the tag page"
    );
    look(&b, "tag", javascript, size, &mut found);

    // jon was addressed and notified; the tag page of an unknown tag is empty, not an error.
    let inbox = s.read(&jon, "/api/user/jon/inbox", 200).to_string();
    assert!(
        inbox.contains("Tomatoes for"),
        "the mention did not reach jon"
    );
    let b2 = browser(false, size);
    log_in(&b2, &s, "jon");
    assert_eq!(b2.text("#notifications-count"), "1");
    b2.click("a#notifications");
    b2.wait_text("#notifications-list", "Mention", 10);
    assert!(b2.text("#notifications-list").contains("ivy"));
    assert!(html(&s, "/main/tag/nothing_here").contains("No public posts here have this tag"));
    assert_eq!(
        s.req(
            "GET",
            "/main/tag/not%20a%20tag",
            &[("Accept", "text/html")],
            b""
        )
        .status,
        404
    );
    found
}

#[test]
fn mentions_and_hashtags_link_and_notify() {
    super::web_social::every_way(walk);
}
