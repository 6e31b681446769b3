//! Uploads (api.md §11.5, §18): files streamed to disk, their objects, and serving them with
//! access checks, conditional requests and ranges.
use crate::common::{ids, Client, Server};
use serde_json::{json, Value};

pub fn server(extra: Value) -> Server {
    let dir = crate::common::server::temp_dir("datadir");
    let mut cfg = json!({"enableUploads": true, "datadir": dir});
    if let (Some(c), Some(e)) = (cfg.as_object_mut(), extra.as_object()) {
        c.extend(e.clone());
    }
    Server::with(cfg)
}

pub fn upload(
    s: &Server,
    who: &Client,
    nick: &str,
    mime: &str,
    data: &[u8],
) -> crate::common::Response {
    let path = format!("/api/user/{nick}/uploads");
    let auth = who.header("POST", &s.url(&path), &[]);
    s.req(
        "POST",
        &path,
        &[("Authorization", &auth), ("Content-Type", mime)],
        data,
    )
}

pub fn get_file(
    s: &Server,
    who: Option<&Client>,
    url: &str,
    extra: &[(&str, &str)],
) -> crate::common::Response {
    let path = s.path_of(url);
    let mut h: Vec<(&str, &str)> = extra.to_vec();
    let auth = who.map(|c| c.header("GET", &s.url(&path), &[]));
    if let Some(a) = &auth {
        h.push(("Authorization", a));
    }
    s.req("GET", &path, &h, b"")
}

pub fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(files_under(&p))
            } else {
                out.push(p)
            }
        }
    }
    out
}

#[test]
fn a_file_is_private_until_posted() {
    // A file body is bounded by maxUploadSize, not by the (smaller) bound of in-memory bodies.
    let s = server(json!({"maxBodySize": 16384}));
    let (_, alice) = s.register("alice", "correct7horse");
    let (_, bob) = s.register("bob", "correct7horse");
    let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let r = upload(&s, &alice, "alice", "application/pdf", &data);
    assert_eq!(r.status, 200, "{}", r.text());
    let o = r.json();
    assert_eq!(o["objectType"], "file");
    assert_eq!(o["mimeType"], "application/pdf");
    let url = o["fileUrl"].as_str().unwrap().to_string();
    assert!(
        url.starts_with(&s.url("/uploads/alice/")) && url.ends_with(".bin"),
        "{url}"
    );
    assert!(o.get("_slug").is_none() && o.get("_uuid").is_none());
    // The author reads it; nobody else may, file or object.
    let got = get_file(&s, Some(&alice), &url, &[]);
    assert_eq!(got.status, 200);
    assert_eq!(got.body, data);
    assert_eq!(got.header("content-type"), Some("application/octet-stream"));
    assert_eq!(get_file(&s, Some(&bob), &url, &[]).status, 403);
    assert_eq!(get_file(&s, None, &url, &[]).status, 403);
    let path = s.path_of(&url);
    assert_eq!(s.req("HEAD", &path, &[], b"").status, 403, "HEAD as GET");
    // Logged in through the web UI, the owner reads it too; another user's session does not.
    let own = s.log_in("alice", "correct7horse").expect("alice's session");
    let got = s.req("GET", &path, &[("Cookie", &own)], b"");
    assert_eq!(got.status, 200);
    assert_eq!(got.body, data);
    let other = s.log_in("bob", "correct7horse").expect("bob's session");
    assert_eq!(s.req("GET", &path, &[("Cookie", &other)], b"").status, 403);
    let opath = s.path_of(o["id"].as_str().unwrap());
    assert_eq!(
        s.read(&bob, &opath, 403)["error"],
        "No authorization for this object."
    );
    assert_eq!(s.read(&alice, &opath, 200)["fileUrl"], url.as_str());
    // The uploads feed is the owner's only.
    let feed = s.read(&alice, "/api/user/alice/uploads", 200);
    assert_eq!(ids(&feed), [o["id"].as_str().unwrap()]);
    assert_eq!(feed["displayName"], "Uploads by alice");
    assert_eq!(
        s.signed(&bob, "GET", "/api/user/alice/uploads", None)
            .status,
        401
    );
    // Posted publicly, everyone may.
    s.act(
        &alice,
        "alice",
        json!({"verb": "post", "object": {"id": o["id"], "objectType": "file"},
        "to": [{"objectType": "collection", "id": "http://activityschema.org/collection/public"}]}),
    );
    assert_eq!(get_file(&s, Some(&bob), &url, &[]).body, data);
    assert_eq!(get_file(&s, None, &url, &[]).status, 200);
    assert_eq!(s.read(&bob, &opath, 200)["fileUrl"], url.as_str());
}

#[test]
fn audio_and_video_seek_and_revalidate() {
    let s = server(json!({}));
    let (_, alice) = s.register("alice", "correct7horse");
    let data: Vec<u8> = (0..1000u32).map(|i| (i % 256) as u8).collect();
    for (mime, kind, ext) in [
        ("audio/ogg", "audio", ".ogg"),
        ("video/mp4", "video", ".mp4"),
    ] {
        let o = upload(&s, &alice, "alice", mime, &data).json();
        assert_eq!(o["objectType"], kind);
        let url = o["stream"]["url"].as_str().unwrap().to_string();
        assert!(url.ends_with(ext));
        let full = get_file(&s, Some(&alice), &url, &[]);
        assert_eq!(full.header("content-type"), Some(mime));
        assert_eq!(full.header("accept-ranges"), Some("bytes"));
        assert!(full.header("cache-control").is_some());
        let etag = full.header("etag").unwrap().to_string();
        let modified = full.header("last-modified").unwrap().to_string();
        let part = get_file(&s, Some(&alice), &url, &[("Range", "bytes=10-19")]);
        assert_eq!(part.status, 206);
        assert_eq!(part.header("content-range"), Some("bytes 10-19/1000"));
        assert_eq!(part.body, &data[10..20]);
        let tail = get_file(&s, Some(&alice), &url, &[("Range", "bytes=-5")]);
        assert_eq!((tail.status, tail.body.as_slice()), (206, &data[995..]));
        let open = get_file(&s, Some(&alice), &url, &[("Range", "bytes=990-")]);
        assert_eq!(open.body, &data[990..]);
        let bad = get_file(&s, Some(&alice), &url, &[("Range", "bytes=5000-")]);
        assert_eq!(
            (bad.status, bad.header("content-range")),
            (416, Some("bytes */1000"))
        );
        assert_eq!(
            get_file(&s, Some(&alice), &url, &[("If-None-Match", &etag)]).status,
            304
        );
        assert_eq!(
            get_file(&s, Some(&alice), &url, &[("If-Modified-Since", &modified)]).status,
            304
        );
        assert_eq!(
            get_file(&s, Some(&alice), &url, &[("If-None-Match", "\"other\"")]).status,
            200
        );
        let head = s.req(
            "HEAD",
            &s.path_of(&url),
            &[("Authorization", &alice.header("HEAD", &url, &[]))],
            b"",
        );
        assert_eq!(
            (head.status, head.header("content-length")),
            (200, Some("1000"))
        );
    }
}

#[test]
fn json_uploads_and_errors() {
    use base64::Engine;
    let s = server(json!({}));
    let (_, alice) = s.register("alice", "correct7horse");
    let bytes = b"hello, base64 with no padding!!".to_vec();
    let data = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes);
    let r = s.signed(
        &alice,
        "POST",
        "/api/user/alice/uploads",
        Some(&json!({"mimeType": "text/plain", "data": data})),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        get_file(&s, Some(&alice), r.json()["fileUrl"].as_str().unwrap(), &[]).body,
        bytes
    );
    let r = s.signed(
        &alice,
        "POST",
        "/api/user/alice/uploads",
        Some(&json!({"data": data})),
    );
    assert_eq!(
        (r.status, r.json()["error"].as_str().unwrap()),
        (400, "No mime type")
    );
    let r = s.signed(
        &alice,
        "POST",
        "/api/user/alice/uploads",
        Some(&json!({"mimeType": "text/plain"})),
    );
    assert_eq!(
        (r.status, r.json()["error"].as_str().unwrap()),
        (400, "No data")
    );
    // Pictures are decoded: a broken one is refused, and SVG (scripts) is not taken at all.
    let r = upload(&s, &alice, "alice", "image/jpeg", b"\xff\xd8\xff");
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(r.json()["error"].as_str().unwrap().starts_with("Bad image"));
    let svg = b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>";
    assert_eq!(
        upload(&s, &alice, "alice", "image/svg+xml", svg).status,
        415
    );
    let (_, bob) = s.register("bob", "correct7horse");
    assert_eq!(upload(&s, &bob, "alice", "text/plain", b"x").status, 401);
    for bad in [
        "/uploads/alice/noextension",
        "/uploads/alice/x.exe",
        "/uploads/.incoming/x.bin",
    ] {
        assert_eq!(s.get(bad).status, 403, "{bad}");
    }
    assert_eq!(s.get("/uploads/alice/2020/1/1/none.bin").status, 404);
}

#[test]
fn refused_uploads_leave_nothing_on_disk() {
    let s = server(json!({"maxUploadSize": 4096}));
    let (_, alice) = s.register("alice", "correct7horse");
    let r = upload(
        &s,
        &alice,
        "alice",
        "application/octet-stream",
        &vec![7u8; 10_000],
    );
    assert_eq!(r.status, 413);
    // Chunked, so the size is only known while streaming.
    let path = "/api/user/alice/uploads";
    let auth = alice.header("POST", &s.url(path), &[]);
    let mut body = Vec::new();
    for _ in 0..3 {
        body.extend_from_slice(b"1000\r\n");
        body.extend_from_slice(&[9u8; 4096]);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"0\r\n\r\n");
    let r = s.req(
        "POST",
        path,
        &[
            ("Authorization", &auth),
            ("Content-Type", "video/webm"),
            ("Transfer-Encoding", "chunked"),
        ],
        &body,
    );
    assert_eq!(r.status, 413, "{}", r.text());
    // Unauthenticated uploads are refused too (no token: 400), and their bodies are gone.
    assert_eq!(
        upload(
            &s,
            &Client::new("nosuch", "x"),
            "alice",
            "text/plain",
            b"abc"
        )
        .status,
        400
    );
    assert_eq!(
        upload(
            &s,
            &Client::new("nosuch", "x").with_token("t", "s"),
            "alice",
            "text/plain",
            b"abc"
        )
        .status,
        400
    );
    let uploads = s.dir.join("datadir").join("uploads");
    let left: Vec<_> = files_under(&s.dir)
        .into_iter()
        .filter(|p| p.starts_with(&uploads) || p.to_string_lossy().contains(".incoming"))
        .collect();
    assert!(left.is_empty(), "left on disk: {left:?}");
    assert_eq!(
        s.read(&alice, "/api/user/alice/uploads", 200)["totalItems"],
        0
    );
    // The API takes one file a form (the web UI's picture form takes maxPicturesPerPost).
    let form = |files: usize, skipped: &[u8]| {
        let mut b = Vec::new();
        for i in 0..files {
            b.extend_from_slice(format!("--XyZ\r\nContent-Disposition: form-data; name=\"qqfile{i}\"; filename=\"f{i}.txt\"\r\nContent-Type: text/plain\r\n\r\nfile {i}\r\n").as_bytes());
        }
        // An empty file input: a part with no file name, skipped.
        b.extend_from_slice(b"--XyZ\r\nContent-Disposition: form-data; name=\"more\"; filename=\"\"\r\nContent-Type: application/octet-stream\r\n\r\n");
        b.extend_from_slice(skipped);
        b.extend_from_slice(b"\r\n--XyZ--\r\n");
        let auth = alice.header("POST", &s.url(path), &[]);
        let ct = "multipart/form-data; boundary=XyZ";
        s.req(
            "POST",
            path,
            &[("Authorization", &auth), ("Content-Type", ct)],
            &b,
        )
    };
    let r = form(2, b"");
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(r.text().contains("only one file"), "{}", r.text());
    let incoming = s.dir.join("datadir").join("uploads").join(".incoming");
    assert!(
        files_under(&incoming).is_empty(),
        "{:?}",
        files_under(&incoming)
    );
    // What a skipped part holds is bounded like the form's fields (64 KiB).
    let r = form(1, &vec![b'x'; 100_000]);
    assert_eq!(r.status, 413, "{}", r.text());
    let r = form(1, b"");
    assert_eq!(r.status, 200, "{}", r.text());
    let file = get_file(&s, Some(&alice), r.json()["fileUrl"].as_str().unwrap(), &[]);
    assert_eq!(file.body, b"file 0");
}

#[test]
fn uploads_are_off_by_default() {
    let s = Server::start();
    let (_, alice) = s.register("alice", "correct7horse");
    assert_eq!(upload(&s, &alice, "alice", "text/plain", b"x").status, 404);
    assert_eq!(
        s.signed(&alice, "GET", "/api/user/alice/uploads", None)
            .status,
        404
    );
}
