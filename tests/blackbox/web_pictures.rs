//! Pictures and content warnings (issue 17, item 8): a picture's own alt text, the picture
//! page with the full image, notes with several pictures attached (each with its alt text),
//! and a content warning that hides a post until it is opened, sent to ActivityPub as
//! `summary` with `sensitive`.
use super::uploads::upload;
use super::web::{log_in, photo};
use super::web_social::{browser, look, neighbourhood};
use serde_json::{json, Value};

fn walk(javascript: bool, size: (u32, u32)) -> Vec<String> {
    let mut found = Vec::new();
    let s = neighbourhood();
    let (_, val) = s.register("val", "correct7horse");
    let b = browser(javascript, size);
    log_in(&b, &s, "val");

    // A note behind a content warning: the words show, the text waits for a tap.
    b.click("#post-note-button");
    b.fill("#note-content", "The butler did it");
    b.fill("#note-cw", "Film spoilers");
    b.click("#send-note");
    b.wait_text("#major-stream", "Film spoilers", 10);
    let card = "#major-stream article:first-of-type";
    assert!(
        !b.displayed(&format!("{card} .content")),
        "the warned text shows"
    );
    b.click(&format!("{card} details.warning summary"));
    assert!(b.displayed(&format!("{card} .content")));
    assert!(b.text(card).contains("The butler did it"));
    look(&b, "content-warning", javascript, size, &mut found);
    let feed = s.read(&val, "/api/user/val/feed", 200);
    let note = &feed["items"][0]["object"];
    assert_eq!(note["sensitive"], true, "{note}");
    assert_eq!(note["summary"], "Film spoilers");
    let as2 = s.req(
        "GET",
        &s.path_of(note["id"].as_str().unwrap()),
        &[("Accept", "application/activity+json")],
        b"",
    );
    let as2 = as2.json();
    assert_eq!(as2["sensitive"], true, "{as2}");
    assert_eq!(as2["summary"], "Film spoilers");

    // A picture with its alt text; its own page shows it in full.
    b.click("#post-picture summary");
    b.attach("#picture-file", &photo());
    b.fill("#picture-title", "Harbour at dusk");
    b.fill("#picture-alt", "Fishing boats moored under an orange sky");
    b.click("#send-picture");
    b.wait_text("#major-stream", "Harbour at dusk", 15);
    let alt = b.run("return document.querySelector('#major-stream img.picture').alt;");
    assert_eq!(alt, json!("Fishing boats moored under an orange sky"));
    let page =
        b.run("return document.querySelector('#major-stream .meta a[href*=\"/image/\"]').href;");
    b.goto(page.as_str().expect("the picture's page"));
    let full = b.run("var i = document.querySelector('img.picture.full'); return i ? i.getAttribute('src') : '';");
    let full = full.as_str().unwrap_or("");
    assert!(
        !full.is_empty() && !full.contains("_thumb"),
        "not the full image: {full:?}"
    );
    look(&b, "picture-page", javascript, size, &mut found);

    // Three pictures from the form at once: the first is the post, the others attached to it,
    // each with its own alt text; their files are served as the post is and go with it.
    b.goto(&s.url("/?compose=picture"));
    b.attach("#picture-file", &photo());
    b.fill("#picture-title", "Three boats");
    b.fill("#picture-alt", "The red boat");
    b.click("#more-pictures summary");
    b.attach("#picture-file-2", &photo());
    b.fill("#picture-alt-2", "The blue boat");
    b.attach("#picture-file-4", &photo());
    b.fill("#picture-alt-4", "The green boat");
    look(&b, "several-pictures-form", javascript, size, &mut found);
    b.click("#send-picture");
    b.wait_text("#major-stream", "Three boats", 15);
    let alts = b.run("return Array.from(document.querySelectorAll('#major-stream article:first-of-type img.picture')).map(i => i.alt);");
    assert_eq!(
        alts,
        json!(["The red boat", "The blue boat", "The green boat"]),
        "{}",
        b.text("#major-stream article:first-of-type")
    );
    let feed = s.read(&val, "/api/user/val/feed", 200);
    let boats = &feed["items"][0]["object"];
    assert_eq!(boats["displayName"], "Three boats", "{boats}");
    let attached = boats["attachments"].as_array().expect("attachments");
    assert_eq!(attached.len(), 2, "{boats}");
    assert_eq!(attached[1]["alt"], "The green boat");
    let file = s.path_of(attached[1]["fullImage"]["url"].as_str().unwrap());
    assert_eq!(
        s.get(&file).status,
        200,
        "anyone may see a public post's pictures"
    );
    let as2 = s.req(
        "GET",
        &s.path_of(boats["id"].as_str().unwrap()),
        &[("Accept", "application/activity+json")],
        b"",
    );
    let names: Vec<Value> = as2.json()["attachment"]
        .as_array()
        .expect("ActivityPub attachments")
        .iter()
        .map(|a| a["name"].clone())
        .collect();
    assert_eq!(
        names,
        [
            json!("The red boat"),
            json!("The blue boat"),
            json!("The green boat")
        ]
    );
    // An update may rename the post but not drop the links to its own files.
    let renamed = json!({"verb": "update", "object": {"id": boats["id"], "objectType": "image",
        "displayName": "Three boats at anchor", "attachments": [], "fullImage": {"url": "http://elsewhere.example/x.jpg"}}});
    s.act(&val, "val", renamed);
    let now = s.read(&val, "/api/user/val/feed", 200)["items"][0]["object"].clone();
    assert_eq!(now["displayName"], "Three boats at anchor", "{now}");
    assert_eq!(
        now["attachments"].as_array().map(Vec::len),
        Some(2),
        "{now}"
    );
    assert_eq!(now["fullImage"], boats["fullImage"]);
    s.act(
        &val,
        "val",
        json!({"verb": "delete", "object": {"id": boats["id"], "objectType": "image"}}),
    );
    assert!(
        crate::common::eventually(10, || s.get(&file).status == 404),
        "an attached picture outlived its post"
    );

    // A note of an API client with two pictures attached, each with its own alt text.
    let data = std::fs::read(photo()).unwrap();
    let mut attached = Vec::new();
    for alt in ["The left pier", "The right pier"] {
        let r = upload(&s, &val, "val", "image/jpeg", &data);
        assert_eq!(r.status, 200, "{}", r.text());
        let mut img = r.json();
        img["alt"] = json!(alt);
        attached.push(img);
    }
    s.act(
        &val,
        "val",
        json!({"verb": "post", "object": {"objectType": "note", "content": "Both piers", "attachments": attached}}),
    );
    b.goto(&s.url("/"));
    b.wait_text("#major-stream", "Both piers", 10);
    let alts = b.run("return Array.from(document.querySelectorAll('#major-stream article:first-of-type img.attached')).map(i => i.alt);");
    assert_eq!(alts, json!(["The left pier", "The right pier"]));
    look(&b, "attached-pictures", javascript, size, &mut found);
    found
}

#[test]
fn pictures_alt_text_and_content_warnings() {
    super::web_social::every_way(walk);
}
