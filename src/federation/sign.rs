//! Signing our own requests to other servers (federation.md §5): OAuth 1.0a HMAC-SHA1, two-legged
//! with a client's credentials, or three-legged with a token too.
use crate::util::oauth_signature::{base_string, sign};
use crate::util::{enc::pct, rand, time};

/// What signs each hop of a call as `client` (and `token`), for `Request::sign`.
pub fn signer<'a>(
    client: (&'a str, &'a str),
    token: Option<(&'a str, &'a str)>,
    extra: &'a [(&'a str, &'a str)],
) -> impl Fn(super::client::Method, &str) -> Vec<(&'static str, String)> + 'a {
    move |m, url| {
        vec![(
            "authorization",
            authorization(m.as_str(), url, client, token, extra),
        )]
    }
}

/// The `Authorization` header for `method url` (its query is signed too) and any extra
/// `oauth_*` parameters (`oauth_callback`, `oauth_verifier`).
pub fn authorization(
    method: &str,
    url: &str,
    client: (&str, &str),
    token: Option<(&str, &str)>,
    extra: &[(&str, &str)],
) -> String {
    let (base_url, query) = url.split_once('?').unwrap_or((url, ""));
    let mut oauth: Vec<(String, String)> = vec![
        ("oauth_consumer_key".into(), client.0.into()),
        ("oauth_nonce".into(), rand::token(12)),
        ("oauth_signature_method".into(), "HMAC-SHA1".into()),
        ("oauth_timestamp".into(), time::now_secs().to_string()),
        ("oauth_version".into(), "1.0".into()),
    ];
    if let Some((t, _)) = token {
        oauth.push(("oauth_token".into(), t.into()));
    }
    for (k, v) in extra {
        oauth.push(((*k).into(), (*v).into()));
    }
    let mut all = oauth.clone();
    all.extend(form_urlencoded::parse(query.as_bytes()).into_owned());
    let base = base_string(method, base_url, &all);
    let secret = token.map(|(_, s)| s).unwrap_or("");
    let sig = sign("HMAC-SHA1", &base, client.1, secret).unwrap_or_default();
    oauth.push(("oauth_signature".into(), sig));
    let parts: Vec<String> = oauth
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", pct(v)))
        .collect();
    format!("OAuth {}", parts.join(", "))
}
