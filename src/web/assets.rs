//! The web UI's static files, embedded in the binary and served with a content hash as ETag.
use crate::http::{Req, Resp};

const FILES: &[(&str, &str, &[u8])] = &[
    (
        "/assets/pump.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/web/pump.css"),
    ),
    (
        "/assets/pump.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/web/pump.js"),
    ),
    (
        "/images/default.png",
        "image/png",
        include_bytes!("../../assets/web/default.png"),
    ),
];

/// The built-in icon: the brand colour with a white "p", 32×32.
const FAVICON: &[u8] = include_bytes!("../../assets/web/favicon.ico");

/// Largest `favicon` file served.
const MAX_FAVICON: u64 = 1 << 20;

/// `/favicon.ico`: the file named by the `favicon` key, else the built-in icon; also with
/// `noweb`, and never behind a login.
pub async fn favicon(app: &crate::app::App) -> crate::error::Result<Resp> {
    let Some(path) = app.cfg.favicon.clone() else {
        return Ok(
            Resp::new(200, "image/x-icon", FAVICON).with("cache-control", "public, max-age=86400")
        );
    };
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let ctype = crate::media::mime::for_extension(ext).unwrap_or("image/x-icon");
    let data = smol::unblock(move || {
        use std::io::Read;
        let mut out = Vec::new();
        std::fs::File::open(&path)?
            .take(MAX_FAVICON)
            .read_to_end(&mut out)?;
        Ok::<_, std::io::Error>(out)
    })
    .await
    .map_err(|e| crate::error::Error::internal(format!("favicon: {e}")))?;
    Ok(Resp::new(200, ctype, data).with("cache-control", "public, max-age=86400"))
}

/// FNV-1a of the content: changes whenever the file does.
fn etag(data: &[u8]) -> String {
    let h = data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("\"{h:016x}\"")
}

pub fn get(req: &Req) -> Option<Resp> {
    let (_, ctype, data) = FILES.iter().find(|(p, _, _)| *p == req.path)?;
    let tag = etag(data);
    if req.header("if-none-match") == Some(tag.as_str()) {
        return Some(Resp::new(304, ctype, Vec::new()).with("etag", tag));
    }
    Some(
        Resp::new(200, ctype, data.to_vec())
            .with("etag", tag)
            .with("cache-control", "public, max-age=3600"),
    )
}
