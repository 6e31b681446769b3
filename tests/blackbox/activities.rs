//! Posting activities: the pipeline's defaults, ids, the response shape, object types and
//! errors (activities.md §3-5, api.md §10.2, §12, §15).
use crate::common::ids;
use crate::common::Server;
use serde_json::json;

#[test]
fn a_new_user_has_the_registration_activities() {
    let s = Server::start();
    let (_, alice) = s.register("alice", "correct7horse");
    for (path, n) in [
        ("feed", 5),
        ("feed/minor", 5),
        ("feed/major", 0),
        ("inbox", 6),
        ("inbox/minor", 5),
        ("inbox/major", 1),
        ("inbox/direct", 1),
        ("inbox/direct/major", 1),
        ("inbox/direct/minor", 0),
    ] {
        let f = s.read(&alice, &format!("/api/user/alice/{path}"), 200);
        assert_eq!(f["totalItems"], n, "{path}");
        assert_eq!(f["items"].as_array().unwrap().len(), n, "{path}");
    }
    let feed = s.read(&alice, "/api/user/alice/feed", 200);
    let verbs: Vec<&str> = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["verb"].as_str().unwrap())
        .collect();
    assert_eq!(verbs, ["create", "create", "create", "create", "join"]);
    assert_eq!(feed["displayName"], "Activities by alice");
    assert_eq!(feed["objectTypes"], json!(["activity"]));
    assert_eq!(feed["author"]["id"], s.url("/api/user/alice/profile"));
    let welcome = &s.read(&alice, "/api/user/alice/inbox/direct", 200)["items"][0];
    assert_eq!(welcome["verb"], "post");
    assert_eq!(welcome["actor"]["objectType"], "service");
    assert_eq!(welcome["object"]["displayName"], "Welcome to pump.io");
    let lists = s.read(&alice, "/api/user/alice/lists/person", 200);
    assert_eq!(lists["totalItems"], 4);
    let names: Vec<&str> = lists["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["displayName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Coworkers", "Acquaintances", "Family", "Friends"]);
    assert_eq!(
        lists["items"][0]["members"]["url"],
        format!("{}/members", lists["items"][0]["id"].as_str().unwrap())
    );
    assert_eq!(
        s.read(&alice, "/api/user/alice/lists/image", 200)["items"][0]["displayName"],
        "Profile Pictures"
    );
    // Configured users start empty.
    let c = Server::with(
        json!({"users": [{"nickname": "cfg", "password": "whatever1", "tokens": [
        {"token": "T", "token_secret": "S", "client_id": crate::common::server::CLIENT_KEY}]}]}),
    );
    let u = c.client().with_token("T", "S");
    assert_eq!(c.read(&u, "/api/user/cfg/feed", 200)["totalItems"], 0);
    assert_eq!(c.read(&u, "/api/user/cfg/inbox", 200)["totalItems"], 0);
}

#[test]
fn posting_a_note() {
    let s = Server::start();
    let (_, alice) = s.register("alice", "correct7horse");
    let a = s.act(
        &alice,
        "alice",
        json!({"verb": "post", "object": {"objectType": "note", "content": "Hello <b>world</b>!"}}),
    );
    let id = a["id"].as_str().unwrap();
    assert!(id.starts_with(&s.url("/api/activity/")));
    assert_eq!(a["links"]["self"]["href"], id);
    assert_eq!(
        a["url"].as_str().unwrap(),
        s.url(&format!(
            "/alice/activity/{}",
            id.rsplit('/').next().unwrap()
        ))
    );
    assert_eq!(a["actor"]["id"], s.url("/api/user/alice/profile"));
    assert_eq!(a["actor"]["displayName"], "alice");
    assert!(
        a["published"].as_str().unwrap().ends_with('Z')
            && a["published"].as_str().unwrap().len() == 20
    );
    let o = &a["object"];
    assert_eq!(o["content"], "Hello <b>world</b>!");
    assert!(o["id"].as_str().unwrap().starts_with(&s.url("/api/note/")));
    let uuid = o["id"].as_str().unwrap().rsplit('/').next().unwrap();
    assert_eq!(uuid.len(), 22);
    assert_eq!(o["url"], s.url(&format!("/alice/note/{uuid}")));
    assert_eq!(
        o["likes"],
        json!({"url": format!("{}/likes", o["id"].as_str().unwrap()), "totalItems": 0})
    );
    assert_eq!(o["replies"]["totalItems"], 0);
    assert_eq!(o["shares"]["totalItems"], 0);
    assert_eq!(o["liked"], false);
    assert_eq!(o["pump_io"]["shared"], false);
    assert!(
        o.get("author").is_none(),
        "post responses omit object.author"
    );
    // Default addressing: cc the followers, nothing else.
    assert_eq!(a["cc"].as_array().unwrap().len(), 1);
    assert_eq!(a["cc"][0]["id"], s.url("/api/user/alice/followers"));
    assert_eq!(a["cc"][0]["displayName"], "Followers");
    assert!(a.get("to").is_none() && a.get("bto").is_none() && a.get("bcc").is_none());
    assert_eq!(a["generator"]["displayName"], "Test client");
    assert!(a["content"].as_str().unwrap().contains(" posted "));
    // Feeds: outbox major, inbox major.
    assert_eq!(
        ids(&s.read(&alice, "/api/user/alice/feed/major", 200)),
        [id]
    );
    assert_eq!(
        ids(&s.read(&alice, "/api/user/alice/inbox/major", 200))[0],
        id
    );
    // The object directly has its author.
    let path = s.path_of(o["id"].as_str().unwrap());
    let got = s.read(&alice, &path, 200);
    assert_eq!(got["author"]["id"], s.url("/api/user/alice/profile"));
    assert_eq!(got["content"], "Hello <b>world</b>!");
    // The activity directly.
    let got = s.read(&alice, &s.path_of(id), 200);
    assert_eq!(got["verb"], "post");
    assert!(got["object"].get("author").is_none());
}

#[test]
fn scrubbing_and_generated_content() {
    let s = Server::start();
    let (_, alice) = s.register("alice", "correct7horse");
    let mut a = s.act(
        &alice,
        "alice",
        json!({"verb": "post", "content": "<script>x()</script>ok",
        "generator": {"objectType": "application", "summary": "<script>evil()</script>"},
        "object": {"objectType": "note", "displayName": "<script>alert(1)</script>",
                   "content": "I <strong>really</strong> like weed.<img src=x onerror=alert(1)>",
                   "summary": "<a href=\"javascript:alert(1)\">x</a>", "_private": 1,
                   "extra": {"nested": [{"_deep": 1}]}}}),
    );
    // displayName is plain text (never scrubbed, escaped where rendered): the rest is HTML.
    assert_eq!(a["object"]["displayName"], "<script>alert(1)</script>");
    a["object"].as_object_mut().unwrap().remove("displayName");
    let text = a.to_string();
    // Names starting with `_` are the server's, at any depth (activities.md §3.7).
    assert_eq!(a["object"]["extra"], json!({"nested": [{}]}));
    for bad in [
        "<script",
        "onerror",
        "javascript:",
        "_private",
        "_deep",
        "evil()",
    ] {
        assert!(!text.contains(bad), "{bad} came back: {text}");
    }
    assert!(a["object"]["content"]
        .as_str()
        .unwrap()
        .starts_with("I <strong>really</strong> like weed."));
    assert_eq!(a["content"], "ok");
    // Generated content escapes the display name.
    let b = s.act(
        &alice,
        "alice",
        json!({"object": {"objectType": "note", "displayName": "<i>x</i>"}}),
    );
    assert!(b["content"]
        .as_str()
        .unwrap()
        .contains("&lt;i&gt;x&lt;/i&gt;"));
    assert_eq!(b["verb"], "post");
}

#[test]
fn every_object_type_can_be_posted_and_read() {
    let s = Server::start();
    let (_, alice) = s.register("alice", "correct7horse");
    let types = [
        "alert",
        "application",
        "article",
        "audio",
        "badge",
        "binary",
        "bookmark",
        "collection",
        "comment",
        "device",
        "event",
        "file",
        "game",
        "group",
        "image",
        "issue",
        "job",
        "note",
        "offer",
        "organization",
        "page",
        "person",
        "place",
        "process",
        "product",
        "question",
        "review",
        "service",
        "task",
        "video",
        "http://example.org/type/thing",
    ];
    for t in types {
        let a = s.act(
            &alice,
            "alice",
            json!({"verb": "create", "object": {"objectType": t, "displayName": format!("a {t}")}}),
        );
        let oid = a["object"]["id"].as_str().unwrap().to_string();
        let seg = if t.starts_with("http") { "other" } else { t };
        assert!(
            oid.starts_with(&s.url(&format!("/api/{seg}/"))),
            "{t}: {oid}"
        );
        let got = s.read(&alice, &s.path_of(&oid), 200);
        assert_eq!(got["objectType"], t);
        assert_eq!(got["displayName"], format!("a {t}"));
        let by_id = s.read(
            &alice,
            &format!("/api/{seg}?id={}", crate::common::oauth::enc(&oid)),
            200,
        );
        assert_eq!(by_id["id"], oid.as_str());
    }
    assert_eq!(
        s.read(&alice, "/api/frobnitz/abc", 404)["error"],
        "Unknown type: frobnitz"
    );
    assert_eq!(
        s.read(&alice, "/api/note/doesnotexist", 404)["error"],
        "Can't find a note with ID = doesnotexist"
    );
    assert_eq!(s.read(&alice, "/api/note", 400)["error"], "'id' required");
}

#[test]
fn type_specific_properties_and_foreign_ids() {
    let s = Server::start();
    let (_, alice) = s.register("alice", "correct7horse");
    let a = s.act(&alice, "alice", json!({"object": {"objectType": "event", "displayName": "Party",
        "startTime": "2030-01-01T20:00:00Z", "endTime": "2030-01-02T02:00:00Z",
        "location": {"objectType": "place", "displayName": "Home", "position": {"latitude": 1.5, "longitude": 2.5}}}}));
    let o = &a["object"];
    assert_eq!(o["startTime"], "2030-01-01T20:00:00Z");
    assert_eq!(o["location"]["displayName"], "Home");
    let foreign = "tag:example.org,2024:note-1";
    let b = s.act(
        &alice,
        "alice",
        json!({"object": {"objectType": "note", "id": foreign, "content": "foreign"}}),
    );
    assert_eq!(b["object"]["id"], foreign);
    let enc = crate::common::oauth::enc(foreign);
    assert_eq!(
        b["object"]["links"]["self"]["href"],
        s.url(&format!("/api/note?id={enc}"))
    );
    assert_eq!(
        b["object"]["likes"]["url"],
        s.url(&format!("/api/note/likes?id={enc}"))
    );
    let got = s.read(&alice, &format!("/api/note?id={enc}"), 200);
    assert_eq!(got["content"], "foreign");
    assert_eq!(
        s.read(&alice, &format!("/api/note/likes?id={enc}"), 200)["totalItems"],
        0
    );
    // Reposting one's own object is refused.
    let again = s.post(
        &alice,
        "alice",
        &json!({"object": {"objectType": "note", "id": foreign}}),
    );
    assert_eq!(again.status, 400);
}

#[test]
fn posting_errors() {
    let s = Server::start();
    let (_, alice) = s.register("alice", "correct7horse");
    let (_, bob) = s.register("bob", "correct7horse");
    let note = json!({"verb": "post", "object": {"objectType": "note", "content": "x"}});
    assert_eq!(s.post(&bob, "alice", &note).status, 401);
    assert_eq!(s.post(&s.client(), "alice", &note).status, 400);
    let r = s.post(&alice, "alice", &json!({"verb": "post", "actor": {"objectType": "person", "id": "acct:bob@127.0.0.1"}, "object": {"objectType": "note"}}));
    assert_eq!(
        (r.status, r.json()["error"].as_str().unwrap()),
        (400, "Invalid actor")
    );
    assert_eq!(
        s.post(&alice, "alice", &json!({"verb": "noop"})).status,
        400
    );
    let r = s.post(
        &alice,
        "alice",
        &json!({"object": {"objectType": "note", "url": 7}}),
    );
    assert_eq!(
        (r.status, r.json()["error"].as_str().unwrap()),
        (400, "object: url property is a number, not a string")
    );
    assert_eq!(
        s.post(&alice, "alice", &json!({"object": {"content": "no type"}}))
            .status,
        400
    );
    assert_eq!(
        s.post(
            &alice,
            "alice",
            &json!({"object": {"objectType": "note"}, "to": {"id": "x"}})
        )
        .status,
        400
    );
    let r = s.signed(&alice, "POST", "/api/user/alice/feed/major", Some(&json!({"verb": "follow", "object": {"objectType": "person", "id": "acct:x@example.com"}})));
    assert_eq!(
        (r.status, r.json()["error"].as_str().unwrap()),
        (400, "Only major activities to this feed.")
    );
    let r = s.signed(&alice, "POST", "/api/user/alice/feed/minor", Some(&note));
    assert_eq!(
        (r.status, r.json()["error"].as_str().unwrap()),
        (400, "Only minor activities to this feed.")
    );
    assert_eq!(
        s.signed(&alice, "POST", "/api/user/alice/feed/major", Some(&note))
            .status,
        200
    );
    assert_eq!(
        s.read(&alice, "/api/user/nobody/feed", 404)["error"],
        "No such 'user' with id 'nobody'"
    );
    // Unknown verbs are stored and distributed with no side effects.
    let a = s.act(&alice, "alice", json!({"verb": "http://example.org/verbs/ponder", "object": {"objectType": "note", "content": "hm"}}));
    assert_eq!(a["verb"], "http://example.org/verbs/ponder");
}

#[test]
fn activity_get_put_delete() {
    let s = Server::start();
    let (_, alice) = s.register("alice", "correct7horse");
    let (_, bob) = s.register("bob", "correct7horse");
    let a = s.act(&alice, "alice", json!({"object": {"objectType": "note", "content": "x"}, "to": [{"objectType": "collection", "id": "http://activityschema.org/collection/public"}]}));
    let path = s.path_of(a["id"].as_str().unwrap());
    let put = s.signed(
        &alice,
        "PUT",
        &path,
        Some(&json!({"mood": {"displayName": "Friendly"}, "verb": "delete"})),
    );
    assert_eq!(put.status, 200, "{}", put.text());
    let p = put.json();
    assert_eq!(p["mood"]["displayName"], "Friendly");
    assert_eq!(
        (&p["id"], &p["verb"], &p["published"]),
        (&a["id"], &a["verb"], &a["published"])
    );
    assert_eq!(
        s.signed(&bob, "PUT", &path, Some(&json!({"mood": "x"})))
            .status,
        403
    );
    assert_eq!(s.signed(&bob, "DELETE", &path, None).status, 403);
    assert_eq!(s.read(&bob, &path, 200)["mood"]["displayName"], "Friendly");
    let del = s.signed(&alice, "DELETE", &path, None);
    assert_eq!((del.status, del.json()), (200, json!("Deleted")));
    assert_eq!(s.read(&alice, &path, 410)["error"], "Deleted");
    let r = s.read(&alice, "/api/activity/doesnotexist", 404);
    assert_eq!(r["error"], "Can't find an activity with id doesnotexist");
    assert_eq!(
        s.signed(&alice, "DELETE", "/api/activity/doesnotexist", None)
            .status,
        404
    );
}

#[test]
fn object_put_and_delete() {
    let s = Server::start();
    let (_, alice) = s.register("alice", "correct7horse");
    let (_, bob) = s.register("bob", "correct7horse");
    let a = s.act(&alice, "alice", json!({"object": {"objectType": "image", "displayName": "Old"}, "to": [{"objectType": "collection", "id": s.url("/api/user/alice/followers")}]}));
    let oid = a["object"]["id"].as_str().unwrap().to_string();
    let path = s.path_of(&oid);
    let r = s.signed(&alice, "PUT", &path, Some(&json!({"displayName": "New", "id": "http://evil/", "published": "1999-01-01T00:00:00Z"})));
    assert_eq!(r.status, 200, "{}", r.text());
    let o = r.json();
    assert_eq!(
        (o["displayName"].as_str(), o["id"].as_str()),
        (Some("New"), Some(oid.as_str()))
    );
    assert_eq!(o["published"], a["object"]["published"]);
    let newest = &s.read(&alice, "/api/user/alice/feed", 200)["items"][0];
    assert_eq!(newest["verb"], "update");
    assert_eq!(newest["object"]["id"], oid.as_str());
    // An update copies the post's addresses.
    assert_eq!(newest["to"][0]["id"], s.url("/api/user/alice/followers"));
    assert!(newest.get("cc").is_none());
    assert_eq!(
        s.signed(&bob, "PUT", &path, Some(&json!({"displayName": "x"})))
            .status,
        403
    );
    assert_eq!(s.signed(&bob, "DELETE", &path, None).status, 403);
    let r = s.signed(&alice, "DELETE", &path, None);
    assert_eq!((r.status, r.json()), (200, json!("Deleted")));
    assert_eq!(s.read(&alice, &path, 410)["error"], "Deleted");
    let newest = &s.read(&alice, "/api/user/alice/feed", 200)["items"][0];
    assert_eq!(newest["verb"], "delete");
    assert_eq!(newest["to"][0]["id"], s.url("/api/user/alice/followers"));
    // Deleting again: the object is gone.
    assert_eq!(
        s.post(
            &alice,
            "alice",
            &json!({"verb": "delete", "object": {"id": oid, "objectType": "image"}})
        )
        .status,
        400
    );
}

#[test]
fn profile_url_negotiation() {
    let s = Server::start();
    let (_, alice) = s.register("alice", "correct7horse");
    // No Accept and no credentials: the JSON stack, so 401.
    assert_eq!(s.get("/alice").status, 401);
    let auth = alice.header("GET", &s.url("/alice"), &[]);
    let r = s.req("GET", "/alice", &[("Authorization", &auth)], b"");
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["preferredUsername"], "alice");
    let auth = alice.header("GET", &s.url("/alice"), &[]);
    let as2 = "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"";
    let r = s.req(
        "GET",
        "/alice",
        &[("Authorization", &auth), ("Accept", as2)],
        b"",
    );
    assert_eq!(r.header("content-type"), Some(as2));
    let j = r.json();
    assert_eq!(j["type"], "Person");
    assert_eq!(j["id"], s.url("/alice"));
    assert_eq!(j["outbox"], s.url("/api/user/alice/feed"));
    assert_eq!(j["@context"], "https://www.w3.org/ns/activitystreams");
    let r = s.req("GET", "/alice", &[("Accept", "text/html")], b"");
    assert_eq!(r.status, 200);
    assert!(r.text().contains("alice"));
    assert_eq!(
        s.req("GET", "/alice", &[("Accept", "image/png")], b"")
            .status,
        406
    );
    assert_eq!(
        s.req("GET", "/nobody", &[("Accept", "text/html")], b"")
            .status,
        404
    );
}

#[test]
fn as2_negotiation_on_feeds_and_objects() {
    let s = Server::start();
    let (_, alice) = s.register("alice", "correct7horse");
    s.act(
        &alice,
        "alice",
        json!({"object": {"objectType": "note", "content": "hi"}}),
    );
    let get = |path: &str, accept: Option<&str>| {
        let auth = alice.header("GET", &s.url(path), &[]);
        let mut h = vec![("Authorization", auth.as_str())];
        if let Some(a) = accept {
            h.push(("Accept", a));
        }
        s.req("GET", path, &h, b"")
    };
    let r = get("/api/user/alice/feed", None);
    assert_eq!(
        r.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(
        get("/api/user/alice/feed", Some("*/*")).json()["objectTypes"],
        json!(["activity"])
    );
    assert_eq!(
        get("/api/user/alice/feed", Some("application/stream+json")).json()["objectTypes"],
        json!(["activity"])
    );
    for accept in ["application/activity+json", "application/json"] {
        let j = get("/api/user/alice/feed", Some(accept)).json();
        assert_eq!(j["type"], "OrderedCollection", "{accept}");
        assert_eq!(j["first"]["orderedItems"][0]["type"], "Create");
        assert_eq!(j["first"]["orderedItems"][0]["object"]["type"], "Note");
    }
    let empty = get(
        "/api/user/alice/followers",
        Some("application/activity+json"),
    )
    .json();
    assert_eq!(empty["totalItems"], 0);
    assert!(empty.get("first").is_none());
}
