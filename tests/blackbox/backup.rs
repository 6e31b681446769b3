//! `pump backup` while the server is busy, `pump restore` into a new data dir, and a second
//! server on it that serves the same things (issue 7); `pump export-user`.
use crate::common::{ids, Server};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

fn public() -> Value {
    json!([{"objectType": "collection", "id": "http://activityschema.org/collection/public"}])
}

/// A small PNG made here.
fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(480, 360, |x, y| image::Rgb([x as u8, y as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::from(img)
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

fn upload(s: &Server, who: &crate::common::Client, mime: &str, data: &[u8]) -> Value {
    let path = "/api/user/alice/uploads";
    let auth = who.header("POST", &s.url(path), &[]);
    let r = s.req(
        "POST",
        path,
        &[("Authorization", &auth), ("Content-Type", mime)],
        data,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

#[test]
fn a_backup_taken_under_load_restores_into_a_server_that_serves_the_same() {
    let datadir = crate::common::server::temp_dir("datadir");
    let mut a = Server::with(json!({"enableUploads": true, "datadir": datadir}));
    let (_, alice) = a.register("alice", "correct7horse");
    let (_, bob) = a.register("bob", "battery9staple");
    let (_, busy) = a.register("busy", "correct7horse");
    let alice_id = a.read(&alice, "/api/user/alice/profile", 200)["id"].clone();
    let bob_id = a.read(&bob, "/api/user/bob/profile", 200)["id"].clone();
    // alice's ActivityPub key, made at the first read of her actor, is in the backup too.
    let actor = |s: &Server| {
        let r = s.req(
            "GET",
            "/alice",
            &[("Accept", "application/activity+json")],
            b"",
        );
        r.json()["publicKey"]["publicKeyPem"].clone()
    };
    let key_before = actor(&a);
    assert!(key_before
        .as_str()
        .is_some_and(|k| k.contains("PUBLIC KEY")));
    // Data of every kind: posts, a follow, a like, a reply, a share, a list, media.
    a.act(
        &bob,
        "bob",
        json!({"verb": "follow", "object": {"objectType": "person", "id": alice_id}}),
    );
    let note = a.act(&alice, "alice", json!({"verb": "post", "to": public(), "object": {"objectType": "note", "content": "Before the backup"}}));
    a.act(
        &bob,
        "bob",
        json!({"verb": "favorite", "object": note["object"]}),
    );
    a.act(&bob, "bob", json!({"verb": "post", "object": {"objectType": "comment", "content": "Nice", "inReplyTo": note["object"]}}));
    a.act(
        &bob,
        "bob",
        json!({"verb": "share", "object": note["object"]}),
    );
    let list = a.act(&alice, "alice", json!({"verb": "create", "object": {"objectType": "collection", "objectTypes": ["person"], "displayName": "Friends of the Pi"}}));
    a.act(&alice, "alice", json!({"verb": "add", "object": {"objectType": "person", "id": bob_id}, "target": list["object"]}));
    let picture = upload(&a, &alice, "image/png", &png());
    a.act(&alice, "alice", json!({"verb": "post", "to": public(), "object": {"id": picture["id"], "objectType": "image"}}));
    let song: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let audio = upload(&a, &alice, "audio/ogg", &song);

    // Requests keep flowing while the backup is taken.
    let stop = Arc::new(AtomicBool::new(false));
    let posted = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let writer = {
        let (stop, addr, base, busy) = (stop.clone(), a.addr.clone(), a.base.clone(), busy.clone());
        let posted = posted.clone();
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                let path = "/api/user/busy/feed";
                let body = json!({"verb": "post", "to": public(), "object": {"objectType": "note", "content": format!("busy {n}")}}).to_string();
                let auth = busy.header("POST", &format!("{base}{path}"), &[]);
                let r = crate::common::http::raw(
                    &addr,
                    "POST",
                    path,
                    &[
                        ("Authorization", &auth),
                        ("Content-Type", "application/json"),
                    ],
                    body.as_bytes(),
                );
                assert_eq!(r.status, 200);
                n += 1;
                posted.store(n, Ordering::Relaxed);
            }
            n
        })
    };
    // The backup starts once writes are flowing.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while posted.load(Ordering::Relaxed) < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "no writes got through"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let archive = a.dir.join("backup.tar");
    let config = a.config.to_string_lossy().to_string();
    let out = a.cli(&["backup", "-c", &config, &archive.to_string_lossy()], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stop.store(true, Ordering::Relaxed);
    let busy_posts = writer.join().unwrap();
    assert!(busy_posts > 0);
    assert!(!a.dir.join("backup.tar.partial").exists());

    // What the first server serves.
    let paths = [
        "/api/user/alice".to_string(),
        "/api/user/alice/profile".into(),
        "/api/user/alice/feed".into(),
        "/api/user/alice/inbox".into(),
        "/api/user/bob/feed".into(),
        "BOB/api/user/bob/inbox".into(),
        "/api/user/alice/followers".into(),
        "/api/user/bob/following".into(),
        "/api/user/alice/lists/person".into(),
        "/api/user/alice/uploads".into(),
        a.path_of(note["object"]["id"].as_str().unwrap()),
        a.path_of(note["object"]["likes"]["url"].as_str().unwrap()),
        a.path_of(note["object"]["replies"]["url"].as_str().unwrap()),
        a.path_of(list["object"]["id"].as_str().unwrap()),
    ];
    // Each path read by its owner ("BOB" marks bob's inbox).
    let read = |s: &Server, p: &str| match p.strip_prefix("BOB") {
        Some(p) => s.read(&bob, p, 200),
        None => s.read(&alice, p, 200),
    };
    let before: Vec<Value> = paths.iter().map(|p| read(&a, p)).collect();
    let media = [
        picture["image"]["url"].as_str().unwrap().to_string(),
        picture["fullImage"]["url"].as_str().unwrap().to_string(),
        audio["stream"]["url"].as_str().unwrap().to_string(),
    ];
    let get_media = |s: &Server, url: &str| {
        let p = s.path_of(url);
        let auth = alice.header("GET", &s.url(&p), &[]);
        let r = s.req("GET", &p, &[("Authorization", &auth)], b"");
        assert_eq!(r.status, 200, "{url}");
        r.body
    };
    let media_before: Vec<Vec<u8>> = media.iter().map(|u| get_media(&a, u)).collect();
    assert_eq!(media_before[2], song);
    let busy_after = a.read(&busy, "/api/user/busy/feed", 200)["totalItems"]
        .as_u64()
        .unwrap();
    a.signal_and_wait("TERM");

    // Restored into a new data dir, served by a second server at the same address.
    let b = a.successor(|dir, config| {
        let restore = || {
            let (config, archive) = (config.to_string_lossy(), archive.to_string_lossy());
            crate::common::server::run_cli(dir, &["restore", "-c", &config, &archive], None)
        };
        let out = restore();
        assert!(
            out.status.success(),
            "restore: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // A second restore into the same dir is refused.
        assert!(!restore().status.success());
    });
    for (p, want) in paths.iter().zip(&before) {
        // The same OAuth client and access token still work.
        assert_eq!(&read(&b, p), want, "{p}");
    }
    for (u, want) in media.iter().zip(&media_before) {
        assert_eq!(&get_media(&b, u), want, "{u}");
    }
    assert_eq!(actor(&b), key_before);
    assert!(b.can_log_in("bob", "battery9staple"));
    assert!(!b.can_log_in("bob", "correct7horse"));
    // The busy user's feed is whole as of some moment during the backup: no dangling items.
    let feed = b.read(&busy, "/api/user/busy/feed?count=200", 200);
    let total = feed["totalItems"].as_u64().unwrap();
    assert!(total <= busy_after, "{total} > {busy_after}");
    assert_eq!(ids(&feed).len() as u64, total.min(200));
    // A new post works on the restored server.
    b.act(&alice, "alice", json!({"verb": "post", "to": public(), "object": {"objectType": "note", "content": "After the restore"}}));

    // export-user, while the server runs.
    let out = b.cli(
        &["export-user", "-c", &b.config.to_string_lossy(), "alice"],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let export: Value = serde_json::from_slice(&out.stdout).expect("export is JSON");
    assert_eq!(export["objectType"], "collection");
    let contents: Vec<&str> = export["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["object"]["content"].as_str())
        .collect();
    assert!(
        contents.contains(&"After the restore") && contents.contains(&"Before the backup"),
        "{contents:?}"
    );
    assert_eq!(
        export["totalItems"].as_u64().unwrap() as usize,
        export["items"].as_array().unwrap().len()
    );
}
