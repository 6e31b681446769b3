//! Signing our ActivityPub requests (draft-cavage HTTP Signatures, rsa-sha256): `Date`, `Host`
//! and `(request-target)` always, `Digest` of the body on a POST, as Mastodon checks them.
use super::client::Method;
use crate::store::ap::KeyPair;
use crate::util::{http_signature, rsa_keys, time};

/// The signing headers of one hop, for `Request::sign`.
pub fn signer<'a>(
    key: &'a KeyPair,
    key_id: &'a str,
    body: &'a [u8],
) -> impl Fn(Method, &str) -> Vec<(&'static str, String)> + 'a {
    move |m, url| headers(key, key_id, m, url, body)
}

fn headers(
    key: &KeyPair,
    key_id: &str,
    method: Method,
    url: &str,
    body: &[u8],
) -> Vec<(&'static str, String)> {
    let Some((host, path)) = super::client::host_and_path(url) else {
        return Vec::new();
    };
    let date = time::http_date(time::now_secs());
    let target = format!("{} {path}", method.as_str().to_ascii_lowercase());
    let mut names = "(request-target) host date";
    let mut signed = format!("(request-target): {target}\nhost: {host}\ndate: {date}");
    let mut out = vec![("date", date)];
    if method == Method::Post {
        let digest = http_signature::digest(body);
        signed.push_str(&format!("\ndigest: {digest}"));
        names = "(request-target) host date digest";
        out.push(("digest", digest));
    }
    match rsa_keys::sign(&key.private, signed.as_bytes()) {
        Ok(sig) => out.push((
            "signature",
            format!(
                "keyId=\"{key_id}\",algorithm=\"rsa-sha256\",headers=\"{names}\",signature=\"{sig}\""
            ),
        )),
        Err(e) => log::error!("federation: cannot sign with {key_id}: {e}"),
    }
    out
}
