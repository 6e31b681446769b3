//! Discovery as a client (federation.md §2.2): another host's metadata (JSON or XRD, https
//! then http), WebFinger of an account or URL with the LRDD fallback that plain-http servers
//! rely on, and the host record: the five endpoints a pump.io peer must publish.
use super::client::{self, Failure, Request};
use crate::app::App;
use crate::social::urls::{canonical, host_of};
use crate::util::enc::pct;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// One link of a host-meta or WebFinger document.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Link {
    pub rel: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
}

pub fn href<'a>(links: &'a [Link], rel: &str) -> Option<&'a str> {
    links
        .iter()
        .find(|l| l.rel == rel && l.href.is_some())
        .and_then(|l| l.href.as_deref())
}

/// Whether a link is typed as ActivityPub's JSON (WebFinger's `self` of an actor).
pub fn is_ap(l: &Link) -> bool {
    let t = l.media_type.as_deref().unwrap_or("");
    t.contains("activity+json") || t.contains("ld+json")
}

/// The pump.io `self` link: the first one not typed for ActivityPub.
pub fn pump_self(links: &[Link]) -> Option<&str> {
    links
        .iter()
        .find(|l| l.rel == "self" && !is_ap(l))
        .and_then(|l| l.href.as_deref())
}

/// The endpoints a host must publish to be a pump.io peer.
pub const REQUIRED: [&str; 5] = [
    "registration_endpoint",
    "http://apinamespace.org/oauth/request_token",
    "http://apinamespace.org/oauth/access_token",
    "http://apinamespace.org/oauth/authorize",
    "http://apinamespace.org/activitypub/whoami",
];

/// A host's metadata: its links.
pub async fn host_meta(app: &App, host: &str) -> Result<Vec<Link>, Failure> {
    let cfg = &app.cfg.federation;
    let mut last = Failure::Network(format!("{host}: no host metadata"));
    for scheme in ["https", "http"] {
        for path in ["/.well-known/host-meta.json", "/.well-known/host-meta"] {
            let mut req = Request::get(&format!("{scheme}://{host}{path}"));
            req.headers
                .push(("accept", "application/json, application/xrd+xml".into()));
            match client::send(cfg, req).await {
                Ok(r) if r.ok() => match parse_links(&r.media_type(), &r.body) {
                    Some(links) => return Ok(links),
                    None => last = Failure::Network(format!("{}: not host metadata", r.url)),
                },
                Ok(r) => last = r.failure(&r.url),
                // A refusal (private address, reserved name) holds for every scheme.
                Err(f @ Failure::Refused(_)) => return Err(f),
                // Nothing listens or speaks TLS there: the other path will not differ.
                Err(f @ Failure::Network(_)) => {
                    last = f;
                    break;
                }
                Err(f) => last = f,
            }
        }
    }
    Err(last)
}

/// Links of a JSON (JRD) or XRD document, by its media type and then by its first byte.
pub fn parse_links(media_type: &str, body: &[u8]) -> Option<Vec<Link>> {
    let text = std::str::from_utf8(body).ok()?.trim_start();
    if media_type.contains("json") || text.starts_with('{') {
        let v: Value = serde_json::from_str(text).ok()?;
        let links = v.get("links")?.as_array()?;
        return Some(
            links
                .iter()
                .filter_map(|l| serde_json::from_value(l.clone()).ok())
                .collect(),
        );
    }
    if text.starts_with('<') {
        return Some(xrd_links(text));
    }
    None
}

/// The `Link` elements of an XRD document with their attributes.
fn xrd_links(xml: &str) -> Vec<Link> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(at) = rest.find("<Link") {
        rest = &rest[at + 5..];
        let end = rest.find('>').unwrap_or(rest.len());
        let attrs = &rest[..end];
        let mut link = Link::default();
        for (k, v) in attributes(attrs) {
            match k {
                "rel" => link.rel = v,
                "href" => link.href = Some(v),
                "template" => link.template = Some(v),
                "type" => link.media_type = Some(v),
                _ => {}
            }
        }
        if !link.rel.is_empty() {
            out.push(link);
        }
        rest = &rest[end..];
    }
    out
}

fn attributes(s: &str) -> Vec<(&str, String)> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(eq) = rest.find('=') {
        let name = rest[..eq].trim();
        let after = rest[eq + 1..].trim_start();
        let Some(q) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            break;
        };
        let Some(close) = after[1..].find(q) else {
            break;
        };
        out.push((name, unescape(&after[1..1 + close])));
        rest = &after[close + 2..];
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// WebFinger of an account or URL: `/.well-known/webfinger` over https, then over plain
/// http (servers on a closed network), then the host's LRDD template (every plain-http
/// pump.io server answers there).
pub async fn webfinger(app: &App, resource: &str) -> Result<Vec<Link>, Failure> {
    let r = canonical(resource);
    let host = host_of(&r).ok_or_else(|| Failure::Refused(format!("{r}: no host to ask")))?;
    let cfg = &app.cfg.federation;
    let mut tries = vec![r.clone()];
    if let Some(bare) = r.strip_prefix("acct:") {
        tries.push(bare.to_string());
    }
    for scheme in ["https", "http"] {
        for t in &tries {
            let url = format!(
                "{scheme}://{host}/.well-known/webfinger?resource={}",
                pct(t)
            );
            match client::send(cfg, Request::get(&url)).await {
                Ok(resp) if resp.ok() => {
                    if let Some(links) = parse_links(&resp.media_type(), &resp.body) {
                        return Ok(links);
                    }
                }
                Err(f @ Failure::Refused(_)) => return Err(f),
                Err(Failure::Network(_)) => break,
                _ => {}
            }
        }
    }
    lrdd(app, &host, &r).await
}

async fn lrdd(app: &App, host: &str, resource: &str) -> Result<Vec<Link>, Failure> {
    let meta = host_meta(app, host).await?;
    let templates: Vec<&Link> = meta
        .iter()
        .filter(|l| l.rel == "lrdd" && l.template.is_some())
        .collect();
    let pick = |t: &str| {
        templates
            .iter()
            .find(|l| l.media_type.as_deref() == Some(t))
    };
    let link = pick("application/json")
        .or_else(|| pick("application/xrd+xml"))
        .or(templates.first())
        .ok_or_else(|| Failure::Refused(format!("{host} has no LRDD template")))?;
    let url = link
        .template
        .as_deref()
        .unwrap_or_default()
        .replace("{uri}", &pct(resource));
    let mut req = Request::get(&url);
    req.headers
        .push(("accept", "application/json, application/xrd+xml".into()));
    let resp = client::send(&app.cfg.federation, req).await?;
    if !resp.ok() {
        return Err(resp.failure(&format!("{} for {resource}", resp.url)));
    }
    parse_links(&resp.media_type(), &resp.body)
        .ok_or_else(|| Failure::Network(format!("{}: not a WebFinger document", resp.url)))
}

/// The links as the object properties of federation.md §7 step 2.
pub fn merge_links(obj: &mut serde_json::Map<String, Value>, links: &[Link]) {
    const FEEDS: [&str; 7] = [
        "followers",
        "following",
        "favorites",
        "likes",
        "replies",
        "shares",
        "lists",
    ];
    for l in links.iter().filter(|l| !is_ap(l)) {
        let Some(h) = &l.href else { continue };
        if FEEDS.contains(&l.rel.as_str()) {
            obj.entry(l.rel.clone()).or_insert(json!({"url": h}));
        } else {
            let links = obj.entry("links").or_insert(json!({}));
            if let Some(m) = links.as_object_mut() {
                m.entry(l.rel.clone()).or_insert(json!({"href": h}));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xrd_and_jrd_give_the_same_links() {
        let xrd = br#"<?xml version='1.0'?><XRD><Link rel="lrdd" type="application/json" template="http://h/lrdd?uri={uri}&amp;x=1" /><Link rel='dialback' href='http://h/api/dialback'/></XRD>"#;
        let jrd = br#"{"links":[{"rel":"lrdd","type":"application/json","template":"http://h/lrdd?uri={uri}&x=1"},{"rel":"dialback","href":"http://h/api/dialback"}]}"#;
        let a = parse_links("application/xrd+xml", xrd).unwrap();
        let b = parse_links("application/json", jrd).unwrap();
        assert_eq!(a, b);
        assert_eq!(href(&a, "dialback"), Some("http://h/api/dialback"));
    }
}
