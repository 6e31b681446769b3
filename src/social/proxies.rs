//! Proxy ids (api.md §16): `GET /api/proxy/<id>` reads a remote URL for a local user. The id
//! carries the URL and a tag made with the server's secret, so that only URLs this server
//! handed out (in `pump_io.proxyURL`) can be proxied, and no table is needed.
use super::objects::is_local_id;
use crate::config::Config;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};

fn tag(cfg: &Config, url: &str) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, cfg.secret.as_bytes());
    let sig = ring::hmac::sign(&key, format!("proxy\n{url}").as_bytes());
    URL_SAFE_NO_PAD.encode(&sig.as_ref()[..12])
}

pub fn id_for(cfg: &Config, url: &str) -> String {
    format!("{}.{}", URL_SAFE_NO_PAD.encode(url), tag(cfg, url))
}

/// The URL behind a proxy id this server made; None for any other id.
pub fn target(cfg: &Config, id: &str) -> Option<String> {
    let (enc, t) = id.split_once('.')?;
    let url = String::from_utf8(URL_SAFE_NO_PAD.decode(enc).ok()?).ok()?;
    crate::util::same(&tag(cfg, &url), t).then_some(url)
}

/// Feeds of remote objects that a local reader's client may read through us.
const FEEDS: [&str; 9] = [
    "replies",
    "likes",
    "shares",
    "followers",
    "following",
    "favorites",
    "lists",
    "members",
    "image",
];

/// Adds `pump_io.proxyURL` to the feeds and pictures of remote objects in `v`, at any depth.
pub fn decorate(cfg: &Config, v: &mut Value) {
    match v {
        Value::Array(a) => a.iter_mut().for_each(|x| decorate(cfg, x)),
        Value::Object(m) => {
            let remote = m
                .get("id")
                .and_then(Value::as_str)
                .is_some_and(|id| id.contains(':') && !is_local_id(cfg, id));
            for (k, x) in m.iter_mut() {
                let remote_url = x
                    .get("url")
                    .and_then(Value::as_str)
                    .filter(|u| u.starts_with("http") && !is_local_id(cfg, u))
                    .map(String::from);
                match remote_url {
                    Some(u) if remote && FEEDS.contains(&k.as_str()) && x.is_object() => {
                        let proxy = format!("{}/api/proxy/{}", cfg.base(), id_for(cfg, &u));
                        x["pump_io"] = json!({"proxyURL": proxy});
                    }
                    _ => decorate(cfg, x),
                }
            }
        }
        _ => {}
    }
}
