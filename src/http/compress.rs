//! gzip for the web UI's pages, styles and script when the client accepts it. API answers are
//! left alone: they are cached as they are and the CPU of a small board is better spent there.
use super::response::Resp;
use std::io::Write;

/// Smaller bodies gain less than the header costs.
const MIN_SIZE: usize = 1024;

fn compressible(resp: &Resp) -> bool {
    let ctype = resp
        .headers
        .iter()
        .find(|(k, _)| *k == "content-type")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    let text = ["text/html", "text/css", "text/javascript"]
        .iter()
        .any(|t| ctype.starts_with(t));
    let encoded = resp.headers.iter().any(|(k, _)| *k == "content-encoding");
    text && !encoded && resp.file.is_none() && resp.stream.is_none() && resp.body.len() >= MIN_SIZE
}

pub fn gzip(mut resp: Resp) -> Resp {
    if !compressible(&resp) {
        return resp;
    }
    let mut enc = flate2::write::GzEncoder::new(
        Vec::with_capacity(resp.body.len() / 4),
        flate2::Compression::new(6),
    );
    if enc.write_all(&resp.body).is_err() {
        return resp;
    }
    let Ok(out) = enc.finish() else {
        return resp;
    };
    resp.body = out.into();
    resp.with("content-encoding", "gzip")
        .with("vary", "accept-encoding")
}
