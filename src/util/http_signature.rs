//! HTTP Signatures as the fediverse uses them (draft-cavage-http-signatures-12): the
//! `Signature` header's parameters, the signing string, and body digests (`Digest` of RFC
//! 3230, `Content-Digest` of RFC 9530). No knowledge of keys or of the network.
use base64::{engine::general_purpose::STANDARD, Engine};

/// A parsed `Signature` (or `Authorization: Signature …`) header.
#[derive(Debug, PartialEq)]
pub struct Params {
    pub key_id: String,
    pub algorithm: Option<String>,
    /// Lower-cased names; `date` alone when the header gave none (the draft's default).
    pub headers: Vec<String>,
    pub signature: String,
    pub created: Option<i64>,
    pub expires: Option<i64>,
}

/// The most bytes of a `Signature` header we read.
const MAX_HEADER: usize = 8192;

/// Parses `keyId="…",algorithm="…",headers="…",signature="…"`; None when malformed.
pub fn parse(header: &str) -> Option<Params> {
    if header.len() > MAX_HEADER {
        return None;
    }
    let s = header.trim();
    let s = s.strip_prefix("Signature ").unwrap_or(s);
    let mut key_id = None;
    let mut p = Params {
        key_id: String::new(),
        algorithm: None,
        headers: vec!["date".into()],
        signature: String::new(),
        created: None,
        expires: None,
    };
    let mut signature = None;
    for part in split_params(s)? {
        let (k, v) = part;
        match k.as_str() {
            "keyid" => key_id = Some(v),
            "algorithm" => p.algorithm = Some(v.to_ascii_lowercase()),
            "headers" => p.headers = v.split_whitespace().map(str::to_ascii_lowercase).collect(),
            "signature" => signature = Some(v),
            "created" => p.created = Some(v.parse().ok()?),
            "expires" => p.expires = Some(v.parse().ok()?),
            _ => {}
        }
    }
    p.key_id = key_id.filter(|k| !k.is_empty())?;
    p.signature = signature.filter(|s| !s.is_empty())?;
    Some(p)
}

/// `k="v"` or `k=v` pairs separated by commas (values may hold commas inside quotes).
fn split_params(s: &str) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let (k, after) = rest.split_once('=')?;
        let k = k.trim().trim_start_matches(',').trim().to_ascii_lowercase();
        let after = after.trim_start();
        let (v, next) = if let Some(q) = after.strip_prefix('"') {
            let end = q.find('"')?;
            (q[..end].to_string(), &q[end + 1..])
        } else {
            let end = after.find(',').unwrap_or(after.len());
            (after[..end].trim().to_string(), &after[end..])
        };
        out.push((k, v));
        rest = next.trim_start().trim_start_matches(',').trim_start();
    }
    Some(out)
}

/// The string that was signed: one `name: value` line per signed header, in order.
/// `header` gives a request header's value (several values joined by ", "); None when a
/// signed header is missing.
pub fn signing_string(
    p: &Params,
    method: &str,
    path_and_query: &str,
    header: impl Fn(&str) -> Option<String>,
) -> Option<String> {
    let mut lines = Vec::with_capacity(p.headers.len());
    for h in &p.headers {
        let value = match h.as_str() {
            "(request-target)" => format!("{} {path_and_query}", method.to_ascii_lowercase()),
            "(created)" => p.created?.to_string(),
            "(expires)" => p.expires?.to_string(),
            name => header(name)?,
        };
        lines.push(format!("{h}: {value}"));
    }
    Some(lines.join("\n"))
}

/// The `Digest` header value of a body.
pub fn digest(body: &[u8]) -> String {
    let d = ring::digest::digest(&ring::digest::SHA256, body);
    format!("SHA-256={}", STANDARD.encode(d.as_ref()))
}

/// Does a `Digest` (`SHA-256=…`, any case, among others) or `Content-Digest`
/// (`sha-256=:…:`) value carry the SHA-256 of `body`? Other algorithms alone are not enough.
pub fn digest_matches(value: &str, body: &[u8]) -> bool {
    let want = ring::digest::digest(&ring::digest::SHA256, body);
    let mut any = false;
    for part in value.split(',') {
        let Some((alg, v)) = part.trim().split_once('=') else {
            continue;
        };
        if !alg.trim().eq_ignore_ascii_case("sha-256") {
            continue;
        }
        let v = v.trim().trim_matches(':');
        match STANDARD.decode(v) {
            Ok(got) if got == want.as_ref() => any = true,
            _ => return false,
        }
    }
    any
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_header_forms() {
        let p = parse(r#"keyId="https://h/u#main-key",algorithm="rsa-sha256",headers="(request-target) host date digest",signature="c2ln""#).unwrap();
        assert_eq!(p.key_id, "https://h/u#main-key");
        assert_eq!(p.algorithm.as_deref(), Some("rsa-sha256"));
        assert_eq!(p.headers, ["(request-target)", "host", "date", "digest"]);
        assert_eq!(p.signature, "c2ln");
        let bare = parse(r#"Signature keyId="k", signature="a,b=""#).unwrap();
        assert_eq!(
            (bare.headers, bare.signature.as_str()),
            (vec!["date".to_string()], "a,b=")
        );
        assert!(parse(r#"algorithm="rsa-sha256",signature="x""#).is_none());
        assert!(parse(r#"keyId="k",signature="unterminated"#).is_none());
    }

    #[test]
    fn builds_the_signing_string() {
        let p = parse(r#"keyId="k",headers="(request-target) host date",signature="x""#).unwrap();
        let got = signing_string(&p, "POST", "/inbox?a=1", |h| match h {
            "host" => Some("example.org".into()),
            "date" => Some("Tue, 07 Jun 2014 20:51:35 GMT".into()),
            _ => None,
        });
        assert_eq!(
            got.as_deref(),
            Some("(request-target): post /inbox?a=1\nhost: example.org\ndate: Tue, 07 Jun 2014 20:51:35 GMT")
        );
        let missing = parse(r#"keyId="k",headers="digest",signature="x""#).unwrap();
        assert!(signing_string(&missing, "POST", "/", |_| None).is_none());
    }

    #[test]
    fn digests() {
        let d = digest(b"{}");
        assert!(digest_matches(&d, b"{}"));
        assert!(!digest_matches(&d, b"{ }"));
        let b64 = d.trim_start_matches("SHA-256=");
        assert!(digest_matches(&format!("sha-256=:{b64}:"), b"{}"));
        assert!(digest_matches(&format!("sha-256={b64}"), b"{}"));
        assert!(!digest_matches("SHA-512=abc", b"{}"));
    }
}
