//! Collecting OAuth parameters from the Authorization header, the query and a form body.
use crate::app::App;
use crate::http::Req;
use crate::util::enc::unpct;
use std::collections::HashMap;

pub struct Params {
    /// `oauth_*` values by name (the header wins over the query, the query over the body).
    pub oauth: HashMap<String, String>,
    /// Every parameter that goes into the signature base string.
    pub signed: Vec<(String, String)>,
}

impl Params {
    pub fn get(&self, k: &str) -> Option<&str> {
        self.oauth.get(k).map(String::as_str)
    }
}

/// Parses `OAuth k="v", k2="v2"` (values percent-encoded); `realm` is dropped.
pub fn header_params(h: &str) -> Option<Vec<(String, String)>> {
    let rest = h.trim_start();
    if rest.len() < 5 || !rest[..5].eq_ignore_ascii_case("oauth") {
        return None;
    }
    let mut out = Vec::new();
    for part in rest[5..].split(',') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let Some((k, v)) = part.split_once('=') else {
            continue;
        };
        let v = v.trim().trim_matches('"');
        let k = unpct(k.trim());
        if k != "realm" {
            out.push((k, unpct(v)));
        }
    }
    Some(out)
}

pub fn collect(req: &Req) -> Params {
    let header = req
        .header("authorization")
        .and_then(header_params)
        .unwrap_or_default();
    let mut signed = Vec::new();
    let mut oauth = HashMap::new();
    let sources = [header, req.query_pairs(), req.form_pairs()];
    for source in sources {
        for (k, v) in source {
            if k.starts_with("oauth_") {
                oauth.entry(k.clone()).or_insert_with(|| v.clone());
            }
            if k != "oauth_signature" {
                signed.push((k, v));
            }
        }
    }
    Params { oauth, signed }
}

/// The URL a client signed: our scheme, the request's `Host` and its path; with `urlPath`
/// behind a proxy, the prefix is added back when `Host` is the canonical host.
pub fn base_url(app: &App, req: &Req) -> String {
    let tls = app.cfg.tls();
    let scheme = if tls { "https" } else { "http" };
    let mut host = req
        .header("host")
        .unwrap_or(&app.cfg.hostname)
        .to_ascii_lowercase();
    let default_port = if tls { ":443" } else { ":80" };
    if let Some(h) = host.strip_suffix(default_port) {
        host = h.to_string();
    }
    let prefix = match &app.cfg.url_path {
        Some(p) if host == app.cfg.host().to_ascii_lowercase() => format!("/{p}"),
        _ => String::new(),
    };
    format!("{scheme}://{host}{prefix}{}", req.path)
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_header() {
        let p =
            super::header_params(r#"OAuth realm="x", oauth_consumer_key="a%20b",oauth_nonce="n""#)
                .unwrap();
        assert_eq!(
            p,
            vec![
                ("oauth_consumer_key".into(), "a b".into()),
                ("oauth_nonce".into(), "n".into())
            ]
        );
        assert!(super::header_params("Bearer x").is_none());
    }
}
