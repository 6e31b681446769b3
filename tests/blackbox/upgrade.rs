//! Data dirs written by earlier releases open with this binary, are migrated (after a copy of
//! the store file), and answer as before. The fixtures are made by `make_fixture` below with
//! the release's binary: `PUMP_BIN=<old pump> PUMP_FIXTURE=<name> cargo test --test blackbox
//! make_fixture -- --ignored` writes `tests/fixtures/datadir-<name>.tar.gz`:
//! - `0.1.0`: the first release (users, follows, notes, a list, likes, replies, shares);
//! - `95d4d6c`: the release before the code's reshaping (issue 12), with uploads as well, and
//!   reserved names nested in a user's and a note's properties;
//! - `f11b0ed`: the last release of schema 2 (streams by name, documents as plain JSON).
use crate::common::{Client, Server};
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Ids in the fixture name `http://127.0.0.1` (urlPort 80), whatever port the test listens on.
const BASE: &str = "http://127.0.0.1";
const PASSWORD: &str = "correct7horse";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/datadir-{name}.tar.gz"))
}

/// Every fixture, oldest first, with the schema version of its store.
const FIXTURES: &[(&str, u64)] = &[("0.1.0", 1), ("95d4d6c", 1), ("f11b0ed", 2)];

/// The data dir is relative to the server dir, so that it moves with the tarball.
fn config() -> Value {
    json!({"urlPort": 80, "redirectToCanonical": false, "enableUploads": true, "datadir": "datadir"})
}

fn path(id: &str) -> String {
    id.strip_prefix(BASE).unwrap_or(id).to_string()
}

/// A local person by the id the server gives it (`acct:`, as urlPort is 80).
fn person(nick: &str) -> Value {
    json!({"objectType": "person", "id": format!("acct:{nick}@127.0.0.1")})
}

/// The reads whose answers must not change, as (reader, path).
fn reads(list: &str, note: &str) -> Vec<(&'static str, String)> {
    vec![
        ("anonymous", "/api/user/alice/feed".into()),
        ("bob", "/api/user/alice/feed".into()),
        ("bob", "/api/user/bob/inbox".into()),
        ("carol", "/api/user/carol/inbox".into()),
        ("alice", format!("{}/members", path(list))),
        ("anonymous", "/api/user/alice/profile".into()),
        ("bob", path(note)),
        ("bob", "/api/user/bob/favorites".into()),
        ("alice", "/api/user/alice/favorites".into()),
        ("alice", "/api/user/alice/uploads".into()),
        ("anonymous", "/api/users".into()),
        ("anonymous", "/api/user/alice/followers".into()),
        ("bob", "/api/user/bob/following".into()),
        ("alice", "/api/user/alice/lists/person".into()),
        ("alice", "/api/user/alice/inbox/direct".into()),
        ("alice", "/api/user/alice".into()),
    ]
}

fn reader(s: &Server, users: &Map<String, Value>, who: &str) -> Client {
    match users.get(who) {
        Some(t) => s
            .client()
            .with_token(t[0].as_str().unwrap(), t[1].as_str().unwrap()),
        None => s.client(),
    }
}

/// Where `a` and `b` first differ, as a JSON pointer with both values.
fn difference(a: &Value, b: &Value, at: String) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => x.keys().chain(y.keys()).find_map(|k| {
            difference(
                &x.get(k).cloned().unwrap_or(Value::Null),
                &y.get(k).cloned().unwrap_or(Value::Null),
                format!("{at}/{k}"),
            )
        }),
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (p, q))| difference(p, q, format!("{at}/{i}"))),
        _ if a == b => None,
        _ => Some(format!("{at}: {a} before, {b} now")),
    }
}

#[test]
#[ignore = "makes the fixture with an earlier release's binary (PUMP_BIN)"]
fn make_fixture() {
    // An explicit port: an earlier binary may not report the port it chose itself.
    let mut cfg = config();
    cfg["port"] = json!(crate::common::server::free_port());
    let mut s = Server::with(cfg);
    let mut users = Map::new();
    for nick in ["alice", "bob", "carol"] {
        let (u, _) = s.register(nick, PASSWORD);
        users.insert(nick.into(), json!([u["token"], u["secret"]]));
    }
    let c = |n: &str| reader(&s, &users, n);
    let public =
        json!([{"objectType": "collection", "id": "http://activityschema.org/collection/public"}]);
    s.act(
        &c("bob"),
        "bob",
        json!({"verb": "follow", "object": person("alice")}),
    );
    s.act(
        &c("carol"),
        "carol",
        json!({"verb": "follow", "object": person("alice")}),
    );
    let note = s.act(
        &c("alice"),
        "alice",
        json!({"object": {"objectType": "note", "content": "hello world"}, "to": public}),
    );
    s.act(
        &c("alice"),
        "alice",
        json!({"object": {"objectType": "note", "content": "for followers"}}),
    );
    s.act(
        &c("alice"),
        "alice",
        json!({"object": {"objectType": "note", "content": "for bob"}, "to": [person("bob")]}),
    );
    let list = s.act(&c("alice"), "alice", json!({"verb": "create", "object": {"objectType": "collection", "displayName": "Close", "objectTypes": ["person"]}}))["object"].clone();
    s.act(&c("alice"), "alice", json!({"verb": "add", "object": person("bob"), "target": {"id": list["id"], "objectType": "collection"}}));
    s.act(&c("alice"), "alice", json!({"object": {"objectType": "note", "content": "for the list"}, "to": [{"objectType": "collection", "id": list["id"]}]}));
    // Reserved names nested where a client may store anything: the release before issue 12
    // kept them and hid them on output, a migration drops them.
    let r = s.signed(
        &c("alice"),
        "PUT",
        "/api/user/alice",
        Some(&json!({"nickname": "alice", "password": PASSWORD, "hobby": {"name": "chess", "_seen": "hidden"}})),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    s.act(
        &c("alice"),
        "alice",
        json!({"object": {"objectType": "note", "content": "nested",
        "extra": {"_kept": "hidden", "shown": true}}, "to": public}),
    );
    let nid = note["object"]["id"].as_str().unwrap().to_string();
    let bare = json!({"objectType": "note", "id": nid});
    s.act(
        &c("bob"),
        "bob",
        json!({"verb": "favorite", "object": bare}),
    );
    s.act(
        &c("bob"),
        "bob",
        json!({"object": {"objectType": "comment", "content": "hi alice", "inReplyTo": bare}}),
    );
    s.act(
        &c("carol"),
        "carol",
        json!({"verb": "share", "object": bare}),
    );
    // A foreign object with an author, known only from the activity that brought it.
    let far = json!({"objectType": "note", "id": "http://elsewhere.example/n/1", "content": "liked far away",
        "author": {"objectType": "person", "id": "acct:x@elsewhere.example"}});
    s.act(
        &c("alice"),
        "alice",
        json!({"verb": "favorite", "object": far}),
    );
    // Uploads: a picture posted to the public and a file kept unposted.
    let picture = upload(&s, &c("alice"), "image/png", &png());
    s.act(&c("alice"), "alice", json!({"verb": "post", "to": public, "object": {"id": picture["id"], "objectType": "image"}}));
    let file = upload(&s, &c("alice"), "text/plain", b"notes from the Pi");
    let lid = list["id"].as_str().unwrap().to_string();
    let mut answers = Vec::new();
    let mut reads = reads(&lid, &nid);
    reads.push(("bob", path(picture["id"].as_str().unwrap())));
    for (who, p) in reads {
        answers.push(json!([who, p, s.read(&c(who), &p, 200)]));
    }
    // The stored files, by their bytes.
    for url in [
        &picture["fullImage"]["url"],
        &picture["image"]["url"],
        &file["fileUrl"],
    ] {
        let p = path(url.as_str().unwrap());
        let r = s.req(
            "GET",
            &p,
            &[("Authorization", &c("alice").header("GET", &s.url(&p), &[]))],
            b"",
        );
        assert_eq!(r.status, 200, "{p}");
        answers.push(json!(["FILE alice", p, crc32fast::hash(&r.body)]));
    }
    assert!(s.signal_and_wait("TERM").success());
    let meta = json!({"users": users, "list": lid, "note": nid, "answers": answers});
    std::fs::write(
        s.dir.join("fixture.json"),
        serde_json::to_vec_pretty(&meta).unwrap(),
    )
    .unwrap();
    let name = std::env::var("PUMP_FIXTURE").expect("PUMP_FIXTURE names the fixture");
    // The nonce cache of the last clean stop is not part of a data dir worth keeping.
    let _ = std::fs::remove_file(s.dir.join("datadir/nonce-cache.json"));
    std::fs::create_dir_all(fixture(&name).parent().unwrap()).unwrap();
    let tarred = Command::new("tar")
        .arg("-czf")
        .arg(fixture(&name))
        .arg("-C")
        .arg(&s.dir)
        .args(["db", "datadir", "fixture.json"])
        .status()
        .unwrap();
    assert!(tarred.success());
}

fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(400, 300, |x, y| image::Rgb([x as u8, y as u8, 60]));
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::from(img)
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

fn upload(s: &Server, who: &Client, mime: &str, data: &[u8]) -> Value {
    let p = "/api/user/alice/uploads";
    let auth = who.header("POST", &s.url(p), &[]);
    let r = s.req(
        "POST",
        p,
        &[("Authorization", &auth), ("Content-Type", mime)],
        data,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

/// A server on the untarred fixture `name`, with what `make_fixture` recorded.
fn open_fixture(name: &str) -> (Server, Value) {
    let s = Server::prepared(config(), |dir| {
        let untarred = Command::new("tar")
            .arg("-xzf")
            .arg(fixture(name))
            .arg("-C")
            .arg(dir)
            .status()
            .expect("tar");
        assert!(untarred.success());
    });
    let meta: Value =
        serde_json::from_slice(&std::fs::read(s.dir.join("fixture.json")).unwrap()).unwrap();
    (s, meta)
}

/// Every answer recorded in the fixture is given again, the same.
fn answers_the_same(s: &Server, meta: &Value) {
    let users = meta["users"].as_object().unwrap();
    for a in meta["answers"].as_array().unwrap() {
        let (who, p) = (a[0].as_str().unwrap(), a[1].as_str().unwrap());
        if let Some(who) = who.strip_prefix("FILE ") {
            let c = reader(s, users, who);
            let r = s.req(
                "GET",
                p,
                &[("Authorization", &c.header("GET", &s.url(p), &[]))],
                b"",
            );
            assert_eq!(r.status, 200, "{p}");
            assert_eq!(json!(crc32fast::hash(&r.body)), a[2], "{p} changed");
            continue;
        }
        let now = s.read(&reader(s, users, who), p, 200);
        let diff = difference(&a[2], &now, String::new());
        assert!(diff.is_none(), "{who} reads {p} differently: {diff:?}");
    }
}

/// The public timeline, newer than every fixture, begins with their public posts and nothing
/// else, newest first.
fn public_timeline_was_filled(s: &Server, name: &str) {
    let page = s.req("GET", "/main/public", &[("Accept", "text/html")], b"");
    assert_eq!(page.status, 200, "{name}");
    let html = page.text();
    // The first fixture has no "nested" note; the later ones posted it after "hello world".
    let (nested, hello) = (html.find(">nested<"), html.find(">hello world<"));
    let first = name == "0.1.0";
    assert!(
        matches!((nested, hello, first), (Some(n), Some(h), false) if n < h)
            || matches!((nested, hello, first), (None, Some(_), true)),
        "{name}: the public posts are not on the public timeline, newest first:\n{html}"
    );
    for private in ["for followers", "for bob", "for the list"] {
        assert!(!html.contains(private), "{name}: {private:?} is public");
    }
}

#[test]
fn data_dirs_of_earlier_releases_are_migrated_and_answer_the_same() {
    for (name, version) in FIXTURES {
        let (mut s, meta) = open_fixture(name);
        // Migrated, after a copy of the store as it was.
        let copy = s.dir.join(format!("db/pump.redb.schema-{version}.bak"));
        assert!(
            copy.exists(),
            "{name}: no copy of the store before its migration"
        );
        assert!(
            s.log()
                .contains(&format!("migrated from schema version {version}")),
            "{name}"
        );
        answers_the_same(&s, &meta);
        public_timeline_was_filled(&s, name);
        // And again after a restart, with nothing left to migrate.
        s.restart();
        answers_the_same(&s, &meta);
        assert_eq!(
            s.log().matches("migrated from schema version").count(),
            1,
            "{name}"
        );
    }
}

#[test]
fn the_first_release_keeps_working_after_the_upgrade() {
    let (s, meta) = open_fixture("0.1.0");
    let users = meta["users"].as_object().unwrap().clone();
    let list = meta["list"].as_str().unwrap();
    // The tables this release added work on the old store: sessions, reserved nicknames.
    assert!(s.can_log_in("alice", PASSWORD));
    let carol = reader(&s, &users, "carol");
    assert_eq!(
        s.signed(&carol, "DELETE", "/api/user/carol", None).status,
        200
    );
    let again = s.signed(
        &s.client(),
        "POST",
        "/api/users",
        Some(&json!({"nickname": "carol", "password": PASSWORD})),
    );
    assert_eq!(again.status, 409, "{}", again.text());
    // A member added by the other form of its id (the profile URL) is still a member.
    let (alice, bob) = (reader(&s, &users, "alice"), reader(&s, &users, "bob"));
    let target = json!({"id": list, "objectType": "collection"});
    let by_url = json!({"objectType": "person", "id": format!("{BASE}/api/user/bob/profile")});
    s.act(
        &alice,
        "alice",
        json!({"verb": "remove", "object": person("bob"), "target": target}),
    );
    s.act(
        &alice,
        "alice",
        json!({"verb": "add", "object": by_url, "target": target}),
    );
    let post = s.act(
        &alice,
        "alice",
        json!({"object": {"objectType": "note", "content": "after the upgrade"},
        "to": [{"objectType": "collection", "id": list}]}),
    );
    let seen = s.read(&bob, &path(post["object"]["id"].as_str().unwrap()), 200);
    assert_eq!(seen["content"], "after the upgrade");
}

/// A `pump stats` row's (entries, stored bytes).
fn stats_row(table: &str, name: &str) -> (u64, u64) {
    let row = table
        .lines()
        .find(|l| l.starts_with(&format!("{name}\t")))
        .unwrap_or_else(|| panic!("no {name} row in:\n{table}"));
    let f: Vec<&str> = row.split('\t').collect();
    (f[1].parse().unwrap(), f[2].parse().unwrap())
}

/// The `kv` records of one table in a backup's store dump: (key, value).
fn dumped(archive: &Path, table: &str) -> Vec<(String, Vec<u8>)> {
    let out = Command::new("tar")
        .arg("-xOf")
        .arg(archive)
        .arg("pump-backup/store.dump")
        .output()
        .unwrap();
    assert!(out.status.success());
    let d = out.stdout;
    let mut p = b"pump store dump 1\n".len();
    let mut rows = Vec::new();
    loop {
        let n = d[p] as usize;
        p += 1;
        if n == 0 {
            return rows;
        }
        let mut f = Vec::new();
        for _ in 0..n {
            let len = u32::from_le_bytes(d[p..p + 4].try_into().unwrap()) as usize;
            f.push(d[p + 4..p + 4 + len].to_vec());
            p += 4 + len;
        }
        if f[0] == b"kv" && f[1] == table.as_bytes() {
            rows.push((String::from_utf8(f[2].clone()).unwrap(), f[3].clone()));
        }
    }
}

#[test]
fn a_schema_2_store_gets_numbered_streams_and_compressed_documents() {
    let (mut s, meta) = open_fixture("f11b0ed");
    answers_the_same(&s, &meta);
    let stats = s.cli_table("stats");
    // The streams moved to numbers: every id a stream holds has one.
    let (names, _) = stats_row(&stats, "names");
    let (entries, _) = stats_row(&stats, "stream_entries");
    assert!(entries > 50 && names > 20, "{stats}");
    // A backup gives the documents back as the JSON they were; on disk they take far less.
    let archive = s.dir.join("after.tar");
    let out = s.cli(
        &[
            "backup",
            "-c",
            &s.config.to_string_lossy(),
            &archive.to_string_lossy(),
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for table in ["id_object", "id_activity"] {
        let rows = dumped(&archive, table);
        let plain: usize = rows.iter().map(|(k, v)| k.len() + v.len()).sum();
        for (k, v) in &rows {
            let doc: Value = serde_json::from_slice(v).unwrap_or_else(|e| panic!("{k}: {e}"));
            assert!(doc.is_object(), "{k}");
        }
        let (n, stored) = stats_row(&stats, table);
        assert_eq!(n as usize, rows.len(), "{table}");
        assert!(
            (stored as usize) * 2 < plain,
            "{table}: {stored} bytes stored for {plain} bytes of keys and JSON"
        );
    }
    // Written after the migration, read back after a restart.
    let users = meta["users"].as_object().unwrap().clone();
    let alice = reader(&s, &users, "alice");
    let post = s.act(
        &alice,
        "alice",
        json!({"object": {"objectType": "note", "content": "compressed and back"}}),
    );
    s.restart();
    let feed = s.read(&alice, "/api/user/alice/feed", 200);
    assert_eq!(feed["items"][0]["id"], post["id"]);
    assert_eq!(feed["items"][0]["object"]["content"], "compressed and back");
}
