//! Pictures (activities.md §2.5, issue 5): every format is stripped of its metadata, turned
//! upright and given a thumbnail; bombs and oversized pictures are refused; avatars are squares.
//! All test pictures are made here, with the metadata a phone would add.
use super::uploads::{files_under, get_file, server, upload};
use crate::common::Server;
use serde_json::{json, Value};

/// Stored pixels: red in the top-left quarter, blue elsewhere, so orientation can be checked.
fn pixels(w: u32, h: u32) -> image::RgbImage {
    image::RgbImage::from_fn(w, h, |x, y| {
        if x < w / 4 && y < h / 4 {
            image::Rgb([230, 20, 20])
        } else {
            image::Rgb([20, 20, 230])
        }
    })
}

fn segment(marker: u8, body: &[u8]) -> Vec<u8> {
    let mut s = vec![0xFF, marker];
    s.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
    s.extend_from_slice(body);
    s
}

/// A little-endian TIFF block as a phone writes it: camera make, orientation and a GPS IFD.
fn phone_exif(orientation: u16) -> Vec<u8> {
    let make = b"SECRET-CAMERA\0";
    let mut t = b"II*\0".to_vec();
    t.extend_from_slice(&8u32.to_le_bytes());
    // IFD0 at 8: three entries, then the next-IFD link; data follows.
    let ifd0_len = 2 + 3 * 12 + 4;
    let make_at = 8 + ifd0_len;
    let gps_at = make_at + make.len() as u32;
    let entry = |t: &mut Vec<u8>, tag: u16, typ: u16, count: u32, value: [u8; 4]| {
        t.extend_from_slice(&tag.to_le_bytes());
        t.extend_from_slice(&typ.to_le_bytes());
        t.extend_from_slice(&count.to_le_bytes());
        t.extend_from_slice(&value);
    };
    t.extend_from_slice(&3u16.to_le_bytes());
    entry(&mut t, 0x010F, 2, make.len() as u32, make_at.to_le_bytes());
    let o = orientation.to_le_bytes();
    entry(&mut t, 0x0112, 3, 1, [o[0], o[1], 0, 0]);
    entry(&mut t, 0x8825, 4, 1, gps_at.to_le_bytes());
    t.extend_from_slice(&0u32.to_le_bytes());
    t.extend_from_slice(make);
    // GPS IFD: latitude reference and latitude 51° 30' 26".
    let lat_at = gps_at + 2 + 2 * 12 + 4;
    t.extend_from_slice(&2u16.to_le_bytes());
    entry(&mut t, 0x0001, 2, 2, *b"N\0\0\0");
    entry(&mut t, 0x0002, 5, 3, lat_at.to_le_bytes());
    t.extend_from_slice(&0u32.to_le_bytes());
    for v in [51u32, 1, 30, 1, 26, 1] {
        t.extend_from_slice(&v.to_le_bytes());
    }
    t
}

/// A JPEG as from a phone camera: EXIF with GPS and orientation, XMP, a comment.
fn phone_jpeg(w: u32, h: u32, orientation: u16) -> Vec<u8> {
    camera_jpeg(w, h, orientation, false)
}

/// The same, progressive when asked.
fn camera_jpeg(w: u32, h: u32, orientation: u16, progressive: bool) -> Vec<u8> {
    let mut plain = Vec::new();
    let mut e = jpeg_encoder::Encoder::new(&mut plain, 90);
    e.set_progressive(progressive);
    e.encode(
        pixels(w, h).as_raw(),
        w as u16,
        h as u16,
        jpeg_encoder::ColorType::Rgb,
    )
    .unwrap();
    let mut exif = b"Exif\0\0".to_vec();
    exif.extend_from_slice(&phone_exif(orientation));
    let xmp = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>SECRET-XMP</x:xmpmeta>";
    let mut out = plain[..2].to_vec();
    out.extend(segment(0xE1, &exif));
    out.extend(segment(0xE1, xmp));
    out.extend(segment(0xFE, b"SECRET-COMMENT"));
    out.extend_from_slice(&plain[2..]);
    out
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = (data.len() as u32).to_be_bytes().to_vec();
    c.extend_from_slice(kind);
    c.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    c.extend_from_slice(&crc.finalize().to_be_bytes());
    c
}

fn encode(img: image::DynamicImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// A PNG with a text chunk after its header.
fn png_with_text(w: u32, h: u32) -> Vec<u8> {
    let plain = encode(pixels(w, h).into(), image::ImageFormat::Png);
    let ihdr_end = 8 + 12 + 13;
    let mut out = plain[..ihdr_end].to_vec();
    out.extend(png_chunk(b"tEXt", b"Comment\0SECRET-PNG"));
    out.extend_from_slice(&plain[ihdr_end..]);
    out
}

/// A GIF with a comment extension before its trailer.
fn gif_with_comment(w: u32, h: u32) -> Vec<u8> {
    let mut out = encode(pixels(w, h).into(), image::ImageFormat::Gif);
    assert_eq!(out.pop(), Some(0x3B));
    out.extend_from_slice(&[0x21, 0xFE, 10]);
    out.extend_from_slice(b"SECRET-GIF");
    out.extend_from_slice(&[0, 0x3B]);
    out
}

/// An extended WebP: VP8X header, the lossless bitstream, and an EXIF chunk.
fn webp_with_exif(w: u32, h: u32) -> Vec<u8> {
    let plain = encode(pixels(w, h).into(), image::ImageFormat::WebP);
    assert_eq!(&plain[12..16], b"VP8L");
    let mut chunks = b"VP8X".to_vec();
    chunks.extend_from_slice(&10u32.to_le_bytes());
    chunks.extend_from_slice(&[0x08, 0, 0, 0]);
    chunks.extend_from_slice(&(w - 1).to_le_bytes()[..3]);
    chunks.extend_from_slice(&(h - 1).to_le_bytes()[..3]);
    chunks.extend_from_slice(&plain[12..]);
    let exif = phone_exif(1);
    chunks.extend_from_slice(b"EXIF");
    chunks.extend_from_slice(&(exif.len() as u32).to_le_bytes());
    chunks.extend_from_slice(&exif);
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&(chunks.len() as u32 + 4).to_le_bytes());
    out.extend_from_slice(b"WEBP");
    out.extend(chunks);
    out
}

/// The tags of IFD0 in every EXIF segment of a JPEG's headers.
fn jpeg_exif_tags(jpeg: &[u8]) -> Vec<Vec<u16>> {
    let mut out = Vec::new();
    let mut i = 2;
    while i + 4 <= jpeg.len() && jpeg[i] == 0xFF && jpeg[i + 1] != 0xDA {
        let len = u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]) as usize;
        let body = &jpeg[i + 4..i + 2 + len];
        if jpeg[i + 1] == 0xE1 && body.starts_with(b"Exif\0\0") {
            let t = &body[6..];
            let rd = |at: usize| {
                let b = [t[at], t[at + 1]];
                if t.starts_with(b"MM") {
                    u16::from_be_bytes(b)
                } else {
                    u16::from_le_bytes(b)
                }
            };
            let ifd = rd(6) as usize; // offsets here are small: the high half is zero
            let n = rd(ifd) as usize;
            out.push((0..n).map(|k| rd(ifd + 2 + 12 * k)).collect());
        }
        i += 2 + len;
    }
    out
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn decode(bytes: &[u8]) -> image::DynamicImage {
    if bytes.starts_with(&[0xFF, 0xD8]) {
        let mut d = jpeg_decoder::Decoder::new(bytes);
        let px = d.decode().unwrap();
        let info = d.info().unwrap();
        image::RgbImage::from_raw(info.width.into(), info.height.into(), px)
            .unwrap()
            .into()
    } else {
        image::load_from_memory(bytes).unwrap()
    }
}

fn is_red(p: image::Rgb<u8>) -> bool {
    p[0] > 150 && p[2] < 100
}

fn dims(link: &Value) -> (u64, u64) {
    (
        link["width"].as_u64().unwrap(),
        link["height"].as_u64().unwrap(),
    )
}

#[test]
fn every_format_is_stripped_turned_upright_and_thumbnailed() {
    let s = server(json!({}));
    let (_, alice) = s.register("alice", "correct7horse");
    // (MIME type, file, displayed size, thumbnail size, thumbnail type, full type)
    type Case = (
        &'static str,
        Vec<u8>,
        (u64, u64),
        (u64, u64),
        &'static str,
        &'static str,
    );
    let cases: Vec<Case> = vec![
        // Stored 800×600 with orientation 6 (turn right): shown as 600×800.
        (
            "image/jpeg",
            phone_jpeg(800, 600, 6),
            (600, 800),
            (240, 320),
            "image/jpeg",
            "image/jpeg",
        ),
        // Progressive and large enough that its thumbnail comes from the DC coefficients alone.
        (
            "image/jpeg",
            camera_jpeg(3200, 2400, 6, true),
            (2400, 3200),
            (240, 320),
            "image/jpeg",
            "image/jpeg",
        ),
        (
            "image/png",
            png_with_text(640, 480),
            (640, 480),
            (320, 240),
            "image/png",
            "image/png",
        ),
        (
            "image/gif",
            gif_with_comment(400, 300),
            (400, 300),
            (320, 240),
            "image/png",
            "image/gif",
        ),
        (
            "image/webp",
            webp_with_exif(500, 200),
            (500, 200),
            (320, 128),
            "image/png",
            "image/webp",
        ),
    ];
    for (mime, data, shown, thumb, thumb_type, full_type) in cases {
        assert!(
            contains(&data, b"SECRET"),
            "{mime}: the test file has metadata"
        );
        let r = upload(&s, &alice, "alice", mime, &data);
        assert_eq!(r.status, 200, "{mime}: {}", r.text());
        let o = r.json();
        assert_eq!(o["objectType"], "image", "{mime}");
        assert_eq!(dims(&o["fullImage"]), shown, "{mime}");
        assert_eq!(dims(&o["image"]), thumb, "{mime}");
        let full_url = o["fullImage"]["url"].as_str().unwrap();
        let thumb_url = o["image"]["url"].as_str().unwrap();
        assert!(thumb_url.contains("_thumb."), "{mime}: {thumb_url}");
        let full = get_file(&s, Some(&alice), full_url, &[]);
        assert_eq!(full.status, 200, "{mime}");
        assert_eq!(full.header("content-type"), Some(full_type), "{mime}");
        assert!(!contains(&full.body, b"SECRET"), "{mime}: metadata left");
        let small = get_file(&s, Some(&alice), thumb_url, &[]);
        assert_eq!(small.status, 200, "{mime}");
        assert_eq!(small.header("content-type"), Some(thumb_type), "{mime}");
        assert!(!contains(&small.body, b"SECRET"), "{mime}: metadata left");
        // What is served decodes, at the sizes the JSON gives.
        let t = decode(&small.body).to_rgb8();
        assert_eq!((t.width() as u64, t.height() as u64), thumb, "{mime}");
        let f = decode(&full.body);
        let stored = if mime == "image/jpeg" {
            (shown.1, shown.0)
        } else {
            shown
        };
        assert_eq!((f.width() as u64, f.height() as u64), stored, "{mime}");
        // The red quarter is top-left as displayed: for the turned JPEG, top-right stored.
        let (tw, th) = (t.width(), t.height());
        if mime == "image/jpeg" {
            assert!(is_red(*t.get_pixel(tw - 8, 8)), "{mime}: not turned");
            assert!(!is_red(*t.get_pixel(8, 8)), "{mime}: not turned");
            // The full image keeps only the orientation, so browsers turn it the same way.
            assert_eq!(jpeg_exif_tags(&full.body), vec![vec![0x0112u16]]);
            assert!(jpeg_exif_tags(&small.body).is_empty());
        } else {
            assert!(is_red(*t.get_pixel(8, 8)), "{mime}");
            assert!(!is_red(*t.get_pixel(tw - 8, th - 8)), "{mime}");
        }
    }
    // A small picture is its own thumbnail.
    let r = upload(&s, &alice, "alice", "image/png", &png_with_text(100, 80));
    let o = r.json();
    assert_eq!(o["image"]["url"], o["fullImage"]["url"]);
    assert_eq!(dims(&o["image"]), (100, 80));
    // The format comes from the bytes, not the declared type.
    let r = upload(&s, &alice, "alice", "image/jpeg", &png_with_text(50, 50));
    assert!(r.json()["fullImage"]["url"]
        .as_str()
        .unwrap()
        .ends_with(".png"));
}

/// A PNG whose header declares `w`×`h` pixels, with almost no data behind it.
fn declared_png(w: u32, h: u32) -> Vec<u8> {
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(png_chunk(b"IHDR", &ihdr));
    out.extend(png_chunk(
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    ));
    out.extend(png_chunk(b"IEND", b""));
    out
}

#[test]
fn bombs_and_oversized_pictures_get_400_and_leave_nothing() {
    let s = server(json!({"maxImagePixels": 1_000_000, "maxImageMemory": 2 << 20}));
    let (_, alice) = s.register("alice", "correct7horse");
    let bad = |mime: &str, data: &[u8]| {
        let r = upload(&s, &alice, "alice", mime, data);
        assert_eq!(r.status, 400, "{}", r.text());
        r.json()["error"].as_str().unwrap().to_string()
    };
    let e = bad("image/png", &declared_png(100_000, 100_000));
    assert!(e.contains("100000×100000"), "{e}");
    // Within the pixel bound, beyond the decoder's memory bound (1000×1000 RGB is 3 MB).
    let e = bad("image/png", &png_with_text(1000, 1000));
    assert!(e.contains("memory"), "{e}");
    bad("image/jpeg", &phone_jpeg(1200, 1000, 1));
    // Truncated and damaged pictures.
    let jpeg = phone_jpeg(400, 300, 1);
    bad("image/jpeg", &jpeg[..jpeg.len() / 2]);
    let mut png = png_with_text(300, 300);
    let n = png.len();
    png[n - 40..n - 13].fill(0x55);
    bad("image/png", &png);
    let uploads = s.dir.join("datadir").join("uploads");
    let left: Vec<_> = files_under(&uploads).into_iter().collect();
    assert!(left.is_empty(), "left on disk: {left:?}");
    assert_eq!(
        s.read(&alice, "/api/user/alice/uploads", 200)["totalItems"],
        0
    );
}

#[test]
fn an_unposted_picture_is_the_authors_only() {
    let s = server(json!({}));
    let (_, alice) = s.register("alice", "correct7horse");
    let (_, bob) = s.register("bob", "correct7horse");
    let o = upload(&s, &alice, "alice", "image/jpeg", &phone_jpeg(640, 480, 1)).json();
    let opath = s.path_of(o["id"].as_str().unwrap());
    s.read(&bob, &opath, 403);
    for link in ["image", "fullImage"] {
        let url = o[link]["url"].as_str().unwrap();
        assert_eq!(get_file(&s, Some(&bob), url, &[]).status, 403, "{link}");
        assert_eq!(get_file(&s, None, url, &[]).status, 403, "{link}");
    }
    s.act(
        &alice,
        "alice",
        json!({"verb": "post", "object": {"id": o["id"], "objectType": "image"},
        "to": [{"objectType": "collection", "id": "http://activityschema.org/collection/public"}]}),
    );
    for link in ["image", "fullImage"] {
        let url = o[link]["url"].as_str().unwrap();
        assert_eq!(get_file(&s, None, url, &[]).status, 200, "{link}");
    }
    assert_eq!(s.read(&bob, &opath, 200)["image"], o["image"]);
    // Deleted: the files are no longer served, nor kept.
    assert_eq!(s.signed(&alice, "DELETE", &opath, None).status, 200);
    for link in ["image", "fullImage"] {
        let url = o[link]["url"].as_str().unwrap();
        assert_eq!(get_file(&s, Some(&alice), url, &[]).status, 404, "{link}");
    }
    let left = files_under(&s.dir.join("datadir").join("uploads"));
    assert!(left.is_empty(), "left on disk: {left:?}");
}

fn multipart(boundary: &str, fields: &[(&str, &str)], file: (&str, &str, &[u8])) -> Vec<u8> {
    let mut b = Vec::new();
    for (k, v) in fields {
        b.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    let (name, mime, data) = file;
    b.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"photo\"\r\nContent-Type: {mime}\r\n\r\n"
        )
        .as_bytes(),
    );
    b.extend_from_slice(data);
    b.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    b
}

fn web_upload(s: &Server, path: &str, cookie: Option<&str>, body: &[u8]) -> (u16, Value) {
    let ct = "multipart/form-data; boundary=----pumpTEST";
    let mut h = vec![("Content-Type", ct)];
    if let Some(c) = cookie {
        h.push(("Cookie", c));
    }
    let r = s.req("POST", path, &h, body);
    (r.status, r.json())
}

#[test]
fn multipart_uploads_and_avatars() {
    let s = server(json!({}));
    let (_, alice) = s.register("alice", "correct7horse");
    let jpeg = phone_jpeg(900, 600, 1);
    // The API takes a multipart form too; its fields name the picture.
    let body = multipart(
        "----pumpTEST",
        &[
            ("title", "Harbour"),
            ("description", "<b>at dusk</b><script>x()</script>"),
        ],
        ("qqfile", "image/jpeg", &jpeg),
    );
    let path = "/api/user/alice/uploads";
    let auth = alice.header("POST", &s.url(path), &[]);
    let r = s.req(
        "POST",
        path,
        &[
            ("Authorization", &auth),
            ("Content-Type", "multipart/form-data; boundary=----pumpTEST"),
        ],
        &body,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let o = r.json();
    assert_eq!(o["displayName"], "Harbour");
    assert_eq!(o["content"], "<b>at dusk</b>");
    assert_eq!(dims(&o["image"]), (320, 213));
    // The web UI's routes need a session.
    let avatar = multipart("----pumpTEST", &[], ("qqfile", "image/jpeg", &jpeg));
    let (status, e) = web_upload(&s, "/main/upload-avatar", None, &avatar);
    assert_eq!((status, &e["error"]), (401, &json!("Not logged in.")));
    let cookie = s.log_in("alice", "correct7horse").expect("session cookie");
    let (status, r) = web_upload(&s, "/main/upload-avatar", Some(&cookie), &avatar);
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["success"], true);
    let a = &r["obj"];
    assert_eq!(dims(&a["image"]), (96, 96));
    assert_eq!(dims(&a["fullImage"]), (900, 600));
    let t = decode(&get_file(&s, Some(&alice), a["image"]["url"].as_str().unwrap(), &[]).body);
    assert_eq!((t.width(), t.height()), (96, 96));
    // Not a picture: no avatar.
    let (status, r) = web_upload(
        &s,
        "/main/upload-avatar",
        Some(&cookie),
        &multipart("----pumpTEST", &[], ("qqfile", "text/plain", b"hello")),
    );
    assert_eq!((status, &r["success"]), (415, &json!(false)));
    // The profile takes the avatar through the API, and everyone sees it.
    let r = s.signed(
        &alice,
        "PUT",
        "/api/user/alice/profile",
        Some(&json!({"objectType": "person", "image": a["image"]})),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let profile = s.read(&alice, "/api/user/alice/profile", 200);
    assert_eq!(profile["image"]["url"], a["image"]["url"]);
    assert_eq!(dims(&profile["image"]), (96, 96));
}
