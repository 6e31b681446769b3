//! Serving a stored file: Content-Type, ETag and Last-Modified, conditional requests (304),
//! byte ranges (206, for seeking in audio and video) and Cache-Control.
use crate::http::response::FilePart;
use crate::http::{Req, Resp};
use crate::util::time::{http_date, parse_http_date};
use std::path::Path;

/// One `bytes=` range resolved against `size`: `(start, len)`, or Err for unsatisfiable.
fn range(spec: &str, size: u64) -> Option<Result<(u64, u64), ()>> {
    let spec = spec.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None; // several ranges: answer with the whole file
    }
    let (a, b) = spec.split_once('-')?;
    let (a, b) = (a.trim(), b.trim());
    let r = if a.is_empty() {
        let n: u64 = b.parse().ok()?;
        if n == 0 || size == 0 {
            return Some(Err(()));
        }
        let n = n.min(size);
        (size - n, n)
    } else {
        let start: u64 = a.parse().ok()?;
        let end: u64 = if b.is_empty() {
            size.saturating_sub(1)
        } else {
            b.parse().ok()?
        };
        if start >= size || end < start {
            return Some(Err(()));
        }
        let end = end.min(size - 1);
        (start, end - start + 1)
    };
    Some(Ok(r))
}

pub fn file(req: &Req, path: &Path, content_type: &str) -> std::io::Result<Resp> {
    let meta = std::fs::metadata(path)?;
    let size = meta.len();
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let etag = format!("\"{size:x}-{mtime:x}\"");
    let last_modified = http_date(mtime);
    let common = |r: Resp| {
        r.with("etag", etag.clone())
            .with("last-modified", last_modified.clone())
            .with("cache-control", "private, max-age=3600")
            .with("accept-ranges", "bytes")
    };
    let not_modified = match (req.header("if-none-match"), req.header("if-modified-since")) {
        (Some(tags), _) => tags.split(',').any(|t| t.trim() == etag || t.trim() == "*"),
        (None, Some(since)) => parse_http_date(since).is_some_and(|s| mtime <= s),
        _ => false,
    };
    if not_modified {
        return Ok(common(Resp::new(304, content_type, "")));
    }
    let if_range_ok = req
        .header("if-range")
        .is_none_or(|v| v.trim() == etag || parse_http_date(v) == Some(mtime));
    let wanted = req
        .header("range")
        .filter(|_| if_range_ok)
        .and_then(|r| range(r, size));
    let (status, offset, len) = match wanted {
        Some(Err(())) => {
            return Ok(common(Resp::new(
                416,
                "text/plain; charset=utf-8",
                "Range not satisfiable",
            ))
            .with("content-range", format!("bytes */{size}")));
        }
        Some(Ok((start, len))) => (206, start, len),
        None => (200, 0, size),
    };
    let mut r = common(Resp::new(status, content_type, ""));
    if status == 206 {
        r = r.with(
            "content-range",
            format!("bytes {offset}-{}/{size}", offset + len - 1),
        );
    }
    r.file = Some(FilePart {
        path: path.to_path_buf(),
        offset,
        len,
    });
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::range;

    #[test]
    fn ranges() {
        assert_eq!(range("bytes=0-9", 100), Some(Ok((0, 10))));
        assert_eq!(range("bytes=90-", 100), Some(Ok((90, 10))));
        assert_eq!(range("bytes=-5", 100), Some(Ok((95, 5))));
        assert_eq!(range("bytes=95-200", 100), Some(Ok((95, 5))));
        assert_eq!(range("bytes=100-", 100), Some(Err(())));
        assert_eq!(range("bytes=0-1,5-6", 100), None);
        assert_eq!(range("items=0-1", 100), None);
    }
}
