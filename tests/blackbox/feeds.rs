//! Streams: pagination, counts, links, filters (api.md §3-4), and durability of a post.
use crate::common::ids;
use crate::common::{Client, Server};
use serde_json::{json, Value};

/// Posts `n` public notes as `nick`, `threads` at a time; returns nothing (read the feed).
fn post_many(
    s: &Server,
    who: &Client,
    nick: &str,
    n: usize,
    threads: usize,
    verb_object: fn(usize) -> Value,
) {
    let chunks: Vec<Vec<usize>> = (0..threads)
        .map(|t| (0..n).filter(|i| i % threads == t).collect())
        .collect();
    std::thread::scope(|sc| {
        for chunk in chunks {
            sc.spawn(move || {
                for i in chunk {
                    let r = s.post(who, nick, &verb_object(i));
                    assert_eq!(r.status, 200, "{}", r.text());
                }
            });
        }
    });
}

fn public_note(i: usize) -> Value {
    json!({"verb": "post", "object": {"objectType": "note", "content": format!("note {i}")},
        "to": [{"objectType": "collection", "id": "http://activityschema.org/collection/public"}]})
}

fn minor_comment(i: usize) -> Value {
    json!({"verb": "post", "object": {"objectType": "comment", "content": format!("comment {i}")},
        "to": [{"objectType": "collection", "id": "http://activityschema.org/collection/public"}]})
}

#[test]
fn outbox_pagination_semantics() {
    let s = Server::with(json!({"driver": "memory"}));
    let (_, alice) = s.register("alice", "correct7horse");
    post_many(&s, &alice, "alice", 100, 4, public_note);
    let all = s.read(&alice, "/api/user/alice/feed?count=200", 200);
    assert_eq!(all["totalItems"], 105);
    let full = ids(&all);
    assert_eq!(full.len(), 105);
    let page = |q: &str| ids(&s.read(&alice, &format!("/api/user/alice/feed?{q}"), 200));
    assert_eq!(page(""), &full[0..20]);
    assert_eq!(page("offset=10&count=5"), &full[10..15]);
    assert_eq!(page("offset=200"), Vec::<String>::new());
    assert_eq!(page("count=0"), Vec::<String>::new());
    let enc = |i: usize| crate::common::oauth::enc(&full[i]);
    assert_eq!(page(&format!("since={}", enc(25))), &full[5..25]);
    assert_eq!(page(&format!("since={}&count=50", enc(75))), &full[25..75]);
    assert_eq!(page(&format!("since={}", enc(5))), &full[0..5]);
    assert_eq!(page(&format!("before={}&count=10", enc(50))), &full[51..61]);
    assert_eq!(page(&format!("before={}", enc(104))), Vec::<String>::new());
    for (q, msg) in [
        ("count=201", "Count must be between 0 and 200"),
        ("count=-1", "Count must be between 0 and 200"),
        (
            "offset=x",
            "Offset must be an integer greater than or equal to zero",
        ),
        (
            "before=nope",
            "id 'nope' not found in stream 'user:alice:outbox'",
        ),
        (
            "since=nope",
            "id 'nope' not found in stream 'user:alice:outbox'",
        ),
    ] {
        assert_eq!(
            s.read(&alice, &format!("/api/user/alice/feed?{q}"), 400)["error"],
            msg,
            "{q}"
        );
    }
    // Links: prev always when non-empty, next only when there is more.
    let first = s.read(&alice, "/api/user/alice/feed", 200);
    assert_eq!(
        first["links"]["self"]["href"],
        s.url("/api/user/alice/feed")
    );
    assert_eq!(
        first["links"]["first"]["href"],
        s.url("/api/user/alice/feed")
    );
    assert!(first["links"]["prev"]["href"]
        .as_str()
        .unwrap()
        .contains("since="));
    let mut seen = Vec::new();
    let mut p = first;
    loop {
        seen.extend(ids(&p));
        let Some(next) = p["links"]["next"]["href"].as_str() else {
            break;
        };
        p = s.read(&alice, &s.path_of(next), 200);
    }
    assert_eq!(seen, full);
    // Walking back with prev from the last page reaches the newest item.
    let last = s.read(
        &alice,
        &format!("/api/user/alice/feed?before={}", enc(84)),
        200,
    );
    let prev = s.read(
        &alice,
        &s.path_of(last["links"]["prev"]["href"].as_str().unwrap()),
        200,
    );
    assert_eq!(ids(&prev), &full[65..85]);
}

#[test]
fn major_minor_and_direct_counts() {
    let s = Server::with(json!({"driver": "memory"}));
    let (_, alice) = s.register("alice", "correct7horse");
    let (_, bob) = s.register("bob", "correct7horse");
    post_many(&s, &alice, "alice", 30, 3, minor_comment);
    assert_eq!(
        s.read(&alice, "/api/user/alice/feed/minor", 200)["totalItems"],
        35
    );
    assert_eq!(
        s.read(&alice, "/api/user/alice/inbox/minor", 200)["totalItems"],
        35
    );
    let to_bob = |i: usize| {
        json!({"verb": "post", "object": {"objectType": "note", "content": format!("{i}")},
        "to": [{"objectType": "person", "id": format!("http://127.0.0.1:{}/api/user/bob/profile", 0)}]})
    };
    let _ = to_bob;
    let bob_id = s.url("/api/user/bob/profile");
    for i in 0..10 {
        let kind = if i % 2 == 0 { "note" } else { "comment" };
        s.act(&alice, "alice", json!({"object": {"objectType": kind, "content": format!("{i}")}, "to": [{"objectType": "person", "id": bob_id}]}));
    }
    assert_eq!(
        s.read(&bob, "/api/user/bob/inbox/direct", 200)["totalItems"],
        11
    );
    assert_eq!(
        s.read(&bob, "/api/user/bob/inbox/direct/major", 200)["totalItems"],
        6
    );
    assert_eq!(
        s.read(&bob, "/api/user/bob/inbox/direct/minor", 200)["totalItems"],
        5
    );
    // Inbox: owner only.
    assert_eq!(
        s.signed(&bob, "GET", "/api/user/alice/inbox", None).status,
        401
    );
    assert_eq!(s.get("/api/user/alice/inbox").status, 401);
    assert_eq!(
        s.signed(&s.client(), "GET", "/api/user/alice/inbox", None)
            .status,
        400
    );
}

#[test]
fn followers_query_filter_and_person_links() {
    let s = Server::with(json!({"driver": "memory"}));
    let (_, alice) = s.register("alice", "correct7horse");
    let names = ["Billy One", "billy two", "Alimantado", "Zed"];
    for (i, name) in names.iter().enumerate() {
        let (_, u) = s.register(&format!("u{i}"), "correct7horse");
        s.signed(
            &u,
            "PUT",
            &format!("/api/user/u{i}/profile"),
            Some(&json!({"displayName": name})),
        );
        s.act(&alice, "alice", json!({"verb": "follow", "object": {"objectType": "person", "id": s.url(&format!("/api/user/u{i}/profile"))}}));
    }
    let q = |term: &str| s.read(&alice, &format!("/api/user/alice/following?q={term}"), 200);
    assert_eq!(q("billy")["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        q("billy")["totalItems"],
        4,
        "totalItems counts the unfiltered stream"
    );
    assert_eq!(q("alim")["items"][0]["displayName"], "Alimantado");
    assert_eq!(q("nobody")["items"].as_array().unwrap().len(), 0);
    let f = s.read(&alice, "/api/user/alice/following?count=2", 200);
    assert_eq!(
        f["links"]["self"]["href"],
        s.url("/api/user/alice/following?offset=0&count=2")
    );
    assert_eq!(
        f["links"]["current"]["href"],
        s.url("/api/user/alice/following")
    );
    let next = f["links"]["next"]["href"].as_str().unwrap();
    let rest = s.read(&alice, &s.path_of(next), 200);
    assert_eq!(rest["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        s.read(&alice, "/api/user/nobody/followers", 404)["error"],
        "No such 'user' with id 'nobody'"
    );
}

#[test]
fn ten_thousand_activities_page_exactly_once() {
    let s = Server::with(json!({"driver": "memory"}));
    let (_, alice) = s.register("alice", "correct7horse");
    post_many(&s, &alice, "alice", 10_000, 8, minor_comment);
    let total = 10_005;
    let mut seen = Vec::new();
    let mut page = s.read(&alice, "/api/user/alice/feed?count=200", 200);
    loop {
        assert_eq!(page["totalItems"], total);
        seen.extend(ids(&page));
        let Some(next) = page["links"]["next"]["href"].as_str() else {
            break;
        };
        page = s.read(&alice, &format!("{}&count=200", s.path_of(next)), 200);
    }
    assert_eq!(seen.len(), total);
    let unique: std::collections::HashSet<_> = seen.iter().collect();
    assert_eq!(unique.len(), total);
    // Back up with since from the oldest item: the same items in the same order.
    let mut back = Vec::new();
    let mut since = seen.last().unwrap().clone();
    loop {
        let p = s.read(
            &alice,
            &format!(
                "/api/user/alice/feed?count=200&since={}",
                crate::common::oauth::enc(&since)
            ),
            200,
        );
        assert_eq!(p["totalItems"], total);
        let got = ids(&p);
        if got.is_empty() {
            break;
        }
        since = got[0].clone();
        back.splice(0..0, got);
    }
    assert_eq!(back, seen[..total - 1]);
}

#[test]
fn acknowledged_post_survives_sigkill_with_every_stream() {
    let mut s = Server::start();
    let (_, alice) = s.register("alice", "correct7horse");
    let (_, bob) = s.register("bob", "correct7horse");
    s.act(&bob, "bob", json!({"verb": "follow", "object": {"objectType": "person", "id": s.url("/api/user/alice/profile")}}));
    let parent = s.act(
        &alice,
        "alice",
        json!({"object": {"objectType": "note", "content": "parent"}}),
    );
    let pid = parent["object"]["id"].as_str().unwrap().to_string();
    let reply = s.act(&bob, "bob", json!({"object": {"objectType": "comment", "content": "reply", "inReplyTo": {"id": pid, "objectType": "note"}}}));
    let like = s.act(
        &bob,
        "bob",
        json!({"verb": "favorite", "object": {"id": pid, "objectType": "note"}}),
    );
    s.kill9();
    s.restart();
    let pp = s.path_of(&pid);
    let p = s.read(&alice, &pp, 200);
    assert_eq!(p["content"], "parent");
    assert_eq!(p["replies"]["items"][0]["id"], reply["object"]["id"]);
    assert_eq!(p["likes"]["items"][0]["id"], s.url("/api/user/bob/profile"));
    assert_eq!(
        ids(&s.read(&alice, &format!("{pp}/replies"), 200)),
        [reply["object"]["id"].as_str().unwrap()]
    );
    assert_eq!(s.read(&alice, &format!("{pp}/likes"), 200)["totalItems"], 1);
    let outbox = ids(&s.read(&bob, "/api/user/bob/feed", 200));
    assert_eq!(
        &outbox[..2],
        [like["id"].as_str().unwrap(), reply["id"].as_str().unwrap()]
    );
    let alice_inbox = ids(&s.read(&alice, "/api/user/alice/inbox", 200));
    assert!(alice_inbox.contains(&reply["id"].as_str().unwrap().to_string()));
    let bob_inbox = ids(&s.read(&bob, "/api/user/bob/inbox", 200));
    assert!(bob_inbox.contains(&parent["id"].as_str().unwrap().to_string()));
    // No stream holds a dangling id: every item of every feed resolves.
    for (who, path) in [
        (&alice, "/api/user/alice/feed?count=200"),
        (&alice, "/api/user/alice/inbox?count=200"),
        (&bob, "/api/user/bob/feed?count=200"),
        (&bob, "/api/user/bob/inbox?count=200"),
    ] {
        let f = s.read(who, path, 200);
        assert_eq!(
            f["items"].as_array().unwrap().len() as u64,
            f["totalItems"].as_u64().unwrap(),
            "{path}"
        );
        for item in f["items"].as_array().unwrap() {
            assert_eq!(
                s.read(who, &s.path_of(item["id"].as_str().unwrap()), 200)["id"],
                item["id"]
            );
        }
    }
}

/// Median time of `n` signed GETs of `path`.
fn median_ms(s: &Server, c: &Client, path: &str, n: usize) -> f64 {
    let mut t: Vec<f64> = (0..n)
        .map(|_| {
            let start = std::time::Instant::now();
            let r = s.signed(c, "GET", path, None);
            assert_eq!(r.status, 200);
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    t.sort_by(|a, b| a.partial_cmp(b).unwrap());
    t[n / 2]
}

#[test]
fn hundred_thousand_activities_deep_pages_cost_the_same() {
    let s = Server::with(json!({"driver": "memory"}));
    let (_, alice) = s.register("alice", "correct7horse");
    // The first 21 posts in order, so that the deepest full page is known.
    let first: Vec<String> = (0..21)
        .map(|i| {
            s.act(&alice, "alice", minor_comment(i))["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    post_many(&s, &alice, "alice", 100_000 - 21, 8, minor_comment);
    let top = s.read(&alice, "/api/user/alice/feed", 200);
    assert_eq!(top["totalItems"], 100_005);
    let deepest = format!(
        "/api/user/alice/feed?before={}",
        crate::common::oauth::enc(&first[20])
    );
    let bottom = s.read(&alice, &deepest, 200);
    let got: Vec<String> = ids(&bottom);
    let mut want: Vec<String> = first[..20].to_vec();
    want.reverse();
    assert_eq!(got, want);
    let (t_top, t_bottom) = (
        median_ms(&s, &alice, "/api/user/alice/feed", 21),
        median_ms(&s, &alice, &deepest, 21),
    );
    let line = format!("100k outbox, 20-item page, median of 21: first page {t_top:.2} ms, deepest page {t_bottom:.2} ms\n");
    eprint!("{line}");
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("figures");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join("deep-paging.txt"), line);
}

#[test]
fn every_stream_checks_its_paging_parameters() {
    let s = Server::with(json!({"driver": "memory"}));
    let (_, alice) = s.register("alice", "correct7horse");
    let note = s.act(&alice, "alice", public_note(0))["object"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let list = s.act(&alice, "alice", json!({"verb": "create", "object": {"objectType": "collection", "displayName": "L", "objectTypes": ["person"]}}))["object"]["id"].as_str().unwrap().to_string();
    let group = s.act(
        &alice,
        "alice",
        json!({"verb": "create", "object": {"objectType": "group", "displayName": "G"}}),
    )["object"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut paths: Vec<String> = [
        "feed",
        "feed/major",
        "feed/minor",
        "inbox",
        "inbox/major",
        "inbox/minor",
        "inbox/direct",
        "inbox/direct/major",
        "inbox/direct/minor",
        "followers",
        "following",
        "favorites",
        "lists/person",
    ]
    .iter()
    .map(|p| format!("/api/user/alice/{p}"))
    .collect();
    paths.push("/api/users".into());
    for sub in ["likes", "replies", "shares"] {
        paths.push(format!("{}/{sub}", s.path_of(&note)));
    }
    paths.push(format!("{}/members", s.path_of(&list)));
    for sub in ["members", "documents", "inbox"] {
        paths.push(format!("{}/{sub}", s.path_of(&group)));
    }
    for p in &paths {
        assert_eq!(
            s.read(&alice, &format!("{p}?count=201"), 400)["error"],
            "Count must be between 0 and 200",
            "{p}"
        );
        assert_eq!(
            s.read(&alice, &format!("{p}?count=-1"), 400)["error"],
            "Count must be between 0 and 200",
            "{p}"
        );
        assert_eq!(
            s.read(&alice, &format!("{p}?offset=-3"), 400)["error"],
            "Offset must be an integer greater than or equal to zero",
            "{p}"
        );
        let unknown = s.read(&alice, &format!("{p}?before=nosuchid"), 400);
        assert!(
            unknown["error"]
                .as_str()
                .unwrap()
                .starts_with("id 'nosuchid' not found in stream"),
            "{p}: {unknown}"
        );
        assert_eq!(
            s.read(&alice, &format!("{p}?since=nosuchid"), 400)["error"],
            unknown["error"],
            "{p}"
        );
        assert!(
            s.read(&alice, &format!("{p}?offset=1&count=200"), 200)["totalItems"].is_u64(),
            "{p}"
        );
    }
}

#[test]
fn list_members_prev_and_next() {
    let s = Server::with(json!({"driver": "memory"}));
    let (_, alice) = s.register("alice", "correct7horse");
    let list = s.act(&alice, "alice", json!({"verb": "create", "object": {"objectType": "collection", "displayName": "Many", "objectTypes": ["person"]}}))["object"]["id"].as_str().unwrap().to_string();
    let members = format!("{}/members", s.path_of(&list));
    for i in 0..30 {
        let r = s.signed(
            &alice,
            "POST",
            &members,
            Some(&json!({"objectType": "person", "id": format!("acct:p{i}@elsewhere.example")})),
        );
        assert_eq!(r.status, 200);
    }
    let first = s.read(&alice, &members, 200);
    assert_eq!(first["totalItems"], 30);
    assert_eq!(first["items"].as_array().unwrap().len(), 20);
    let next = s.read(
        &alice,
        &s.path_of(first["links"]["next"]["href"].as_str().unwrap()),
        200,
    );
    assert_eq!(next["items"].as_array().unwrap().len(), 10);
    let back = s.read(
        &alice,
        &s.path_of(next["links"]["prev"]["href"].as_str().unwrap()),
        200,
    );
    assert_eq!(ids(&back), ids(&first));
    let before_first = s.read(
        &alice,
        &s.path_of(first["links"]["prev"]["href"].as_str().unwrap()),
        200,
    );
    assert_eq!(before_first["items"], json!([]));
    assert!(
        before_first["links"].get("prev").is_none() && before_first["links"].get("next").is_none()
    );
}

#[test]
fn cached_reads_are_never_older_than_the_last_write() {
    for cache in [4 << 20, 0] {
        let s = Server::with(json!({"driver": "memory", "responseCacheSize": cache}));
        let (_, alice) = s.register("alice", "correct7horse");
        let (_, bob) = s.register("bob", "correct7horse");
        let n = s.act(&alice, "alice", public_note(0))["object"].clone();
        let path = s.path_of(n["id"].as_str().unwrap());
        for i in 0..20 {
            // Read (and so cache) the feed and the object, write, read again.
            let before = s.read(&bob, "/api/user/alice/feed", 200)["totalItems"]
                .as_u64()
                .unwrap();
            let liked = s.read(&bob, &path, 200)["liked"].as_bool().unwrap();
            let a = s.act(&alice, "alice", public_note(i + 1));
            let verb = if liked { "unfavorite" } else { "favorite" };
            s.act(
                &bob,
                "bob",
                json!({"verb": verb, "object": {"id": n["id"], "objectType": "note"}}),
            );
            let feed = s.read(&bob, "/api/user/alice/feed", 200);
            assert_eq!(
                feed["totalItems"].as_u64().unwrap(),
                before + 1,
                "cache {cache}, round {i}"
            );
            assert_eq!(feed["items"][0]["id"], a["id"]);
            assert_eq!(
                s.read(&bob, &path, 200)["liked"].as_bool().unwrap(),
                !liked,
                "cache {cache}, round {i}"
            );
        }
    }
}
