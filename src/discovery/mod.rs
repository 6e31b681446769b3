//! host-meta (XRD and JSON), WebFinger and LRDD (api.md §6), and NodeInfo (`nodeinfo.rs`).
pub mod nodeinfo;

use crate::app::App;
use crate::error::{Error, Result};
use crate::http::response::{JSON, XRD};
use crate::http::{Req, Resp};
use crate::social::{objects, urls};
use crate::util::enc::xml_attr;
use serde_json::{json, Value};

fn host_links(app: &App) -> Vec<Value> {
    let u = |p: &str| app.url(p);
    vec![
        json!({"rel": "lrdd", "type": "application/xrd+xml", "template": u("/api/lrdd?resource={uri}")}),
        json!({"rel": "lrdd", "type": "application/json", "template": u("/.well-known/webfinger?resource={uri}")}),
        json!({"rel": "registration_endpoint", "href": u("/api/client/register")}),
        json!({"rel": "http://apinamespace.org/oauth/request_token", "href": u("/oauth/request_token")}),
        json!({"rel": "http://apinamespace.org/oauth/authorize", "href": u("/oauth/authorize")}),
        json!({"rel": "http://apinamespace.org/oauth/access_token", "href": u("/oauth/access_token")}),
        json!({"rel": "dialback", "href": u("/api/dialback")}),
        json!({"rel": "http://apinamespace.org/activitypub/whoami", "href": u("/api/whoami")}),
    ]
}

/// XRD document: one empty `Link` per link, attributes in the JSON order.
fn xrd(links: &[Value]) -> String {
    let mut s = String::from(
        "<?xml version='1.0' encoding='UTF-8'?>\n<XRD xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\">\n",
    );
    for l in links {
        s.push_str("  <Link");
        if let Some(m) = l.as_object() {
            for (k, v) in m {
                if let Some(v) = v.as_str() {
                    s.push_str(&format!(" {k}=\"{}\"", xml_attr(v)));
                }
            }
        }
        s.push_str(" />\n");
    }
    s.push_str("</XRD>\n");
    s
}

/// `POST /api/dialback` (federation.md §3.3): 200 when we sent the request described.
pub fn dialback(app: &App, req: &Req) -> Resp {
    match crate::federation::dialback::confirm(app, &req.form_pairs()) {
        Ok(()) => Resp::text(200, "OK"),
        Err(why) => Resp::text(400, why),
    }
}

fn wants_json(req: &Req) -> bool {
    req.header("accept").is_some_and(|a| {
        a.contains("application/json") || a.contains("*/*") || a.contains("application/*")
    })
}

pub fn host_meta(app: &App, req: &Req, always_json: bool) -> Resp {
    let links = host_links(app);
    if always_json || wants_json(req) {
        Resp::new(200, JSON, json!({ "links": links }).to_string())
    } else {
        Resp::new(200, XRD, xrd(&links))
    }
}

/// `/.well-known/webfinger` (always JSON) and `/api/lrdd` (XRD unless JSON is accepted).
pub fn webfinger(app: &App, req: &Req, always_json: bool) -> Result<Resp> {
    let r = req
        .query_param("resource")
        .ok_or_else(|| Error::bad("No resource parameter"))?;
    let links = resolve(app, &r)?;
    if always_json || wants_json(req) {
        let mut doc = json!({ "links": links });
        if r.starts_with("acct:") {
            doc["subject"] = json!(r);
        }
        Ok(Resp::new(200, JSON, doc.to_string()))
    } else {
        Ok(Resp::new(200, XRD, xrd(&links)))
    }
}

fn unrecognized() -> Error {
    Error::NotFound("Unrecognized host".into())
}

fn resolve(app: &App, resource: &str) -> Result<Vec<Value>> {
    let cfg = &app.cfg;
    let mut r = resource.trim().to_string();
    if !r.contains(':') && r.contains('@') {
        r = format!("acct:{r}");
    }
    if let Some(acct) = r.strip_prefix("acct:") {
        let (nick, host) = acct.rsplit_once('@').ok_or_else(unrecognized)?;
        // `host:port` is ours when the port is the public one.
        let ours = host.eq_ignore_ascii_case(&cfg.hostname)
            || host.eq_ignore_ascii_case(&format!("{}:{}", cfg.hostname, cfg.url_port));
        if !ours {
            return Err(unrecognized());
        }
        if !app.store.read(|s| crate::social::users::exists(s, nick))? {
            return Err(Error::NotFound(format!("No such user: '{nick}'")));
        }
        return Ok(user_links(app, nick));
    }
    let rest = r
        .strip_prefix("http://")
        .or_else(|| r.strip_prefix("https://"))
        .ok_or_else(|| Error::NotFound("Unsupported resource scheme".into()))?;
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = authority
        .rsplit_once(':')
        .map(|(h, _)| h)
        .unwrap_or(authority);
    if !host.eq_ignore_ascii_case(&cfg.hostname) {
        return Err(unrecognized());
    }
    let path = path
        .trim_start_matches(cfg.url_path.as_deref().unwrap_or(""))
        .trim_start_matches('/');
    // A local person's profile URL names the user (the port does not matter); else an object.
    let segs: Vec<&str> = path.split('/').collect();
    if let ["api", "user", nick, "profile"] = segs.as_slice() {
        let nick = crate::util::enc::unpct(nick);
        if app.store.read(|s| crate::social::users::exists(s, &nick))? {
            return Ok(user_links(app, &nick));
        }
        return Err(Error::NotFound(format!("No such user: '{nick}'")));
    }
    if !path.starts_with("api/") || path.split('/').count() < 3 {
        return Err(Error::NotFound("Unknown object type".into()));
    }
    let obj = app
        .store
        .read(|s| objects::get(s, &r))?
        .ok_or_else(|| Error::NotFound(format!("No such object: '{r}'")))?;
    Ok(object_links(&obj))
}

/// Every `links` entry, then the sub-collections that have a `url` (api.md §6.2).
fn object_links(obj: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    if let Some(m) = obj.get("links").and_then(Value::as_object) {
        for (rel, l) in m {
            let mut link = json!({"rel": rel});
            if let Some(attrs) = l.as_object() {
                for (k, v) in attrs {
                    link[k] = v.clone();
                }
            }
            out.push(link);
        }
    }
    for sub in [
        "replies",
        "likes",
        "shares",
        "members",
        "followers",
        "following",
        "favorites",
        "lists",
    ] {
        if let Some(u) = obj
            .get(sub)
            .and_then(|s| s.get("url"))
            .and_then(Value::as_str)
        {
            out.push(json!({"rel": sub, "href": u}));
        }
    }
    out
}

fn user_links(app: &App, nick: &str) -> Vec<Value> {
    let u = |rest: &str| urls::user_api(&app.cfg, nick, rest);
    vec![
        json!({"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": app.url(&format!("/{nick}"))}),
        json!({"rel": "dialback", "href": app.url("/api/dialback")}),
        // ActivityPub's first: its clients take the first `self` of a JSON type.
        json!({"rel": "self", "type": "application/activity+json", "href": crate::social::actor::id(&app.cfg, nick)}),
        json!({"rel": "self", "href": u("profile")}),
        json!({"rel": "activity-inbox", "href": u("inbox")}),
        json!({"rel": "activity-outbox", "href": u("feed")}),
        json!({"rel": "followers", "href": u("followers")}),
        json!({"rel": "following", "href": u("following")}),
        json!({"rel": "favorites", "href": u("favorites")}),
        json!({"rel": "lists", "href": u("lists/person")}),
    ]
}
