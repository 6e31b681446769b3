//! host-meta, WebFinger and LRDD (api.md §6).
use crate::common::Server;

#[test]
fn host_meta_json_and_xrd() {
    let s = Server::start();
    let rels = [
        "lrdd",
        "lrdd",
        "registration_endpoint",
        "http://apinamespace.org/oauth/request_token",
        "http://apinamespace.org/oauth/authorize",
        "http://apinamespace.org/oauth/access_token",
        "dialback",
        "http://apinamespace.org/activitypub/whoami",
    ];
    for (path, accept) in [
        ("/.well-known/host-meta.json", None),
        ("/.well-known/host-meta", Some("application/json")),
    ] {
        let r = match accept {
            Some(a) => s.req("GET", path, &[("Accept", a)], b""),
            None => s.get(path),
        };
        assert_eq!(r.status, 200);
        assert_eq!(
            r.header("content-type"),
            Some("application/json; charset=utf-8")
        );
        let links = r.json()["links"].as_array().unwrap().clone();
        let got: Vec<&str> = links.iter().map(|l| l["rel"].as_str().unwrap()).collect();
        assert_eq!(got, rels);
        assert!(links[0]["template"].as_str().unwrap().contains("{uri}"));
        assert_eq!(links[2]["href"], s.url("/api/client/register"));
        assert_eq!(links[6]["href"], s.url("/api/dialback"));
    }
    let x = s.get("/.well-known/host-meta");
    assert_eq!(x.header("content-type"), Some("application/xrd+xml"));
    let t = x.text();
    assert!(t.starts_with("<?xml"));
    assert!(t.contains("xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\""));
    assert_eq!(t.matches("<Link ").count(), 8);
    assert!(t.contains(&format!(
        "<Link rel=\"registration_endpoint\" href=\"{}\" />",
        s.url("/api/client/register")
    )));
}

#[test]
fn webfinger_for_a_user() {
    let s = Server::start();
    s.register("alice", "correct7horse");
    let expected = [
        ("http://webfinger.net/rel/profile-page", "/alice"),
        ("dialback", "/api/dialback"),
        ("self", "/alice"),
        ("self", "/api/user/alice/profile"),
        ("activity-inbox", "/api/user/alice/inbox"),
        ("activity-outbox", "/api/user/alice/feed"),
        ("followers", "/api/user/alice/followers"),
        ("following", "/api/user/alice/following"),
        ("favorites", "/api/user/alice/favorites"),
        ("lists", "/api/user/alice/lists/person"),
    ];
    for resource in [
        "acct:alice@127.0.0.1",
        "alice@127.0.0.1",
        "http://127.0.0.1/api/user/alice/profile",
    ] {
        let path = format!(
            "/.well-known/webfinger?resource={}",
            crate::common::oauth::enc(resource)
        );
        let r = s.get(&path);
        assert_eq!(r.status, 200, "{resource}: {}", r.text());
        let links = r.json()["links"].as_array().unwrap().clone();
        assert_eq!(links.len(), 10);
        for (l, (rel, p)) in links.iter().zip(expected) {
            assert_eq!(l["rel"], rel);
            assert_eq!(l["href"], s.url(p));
        }
        assert_eq!(links[0]["type"], "text/html");
        assert_eq!(links[2]["type"], "application/activity+json");
        assert!(links[3].get("type").is_none());
    }
    // LRDD: XRD by default, JSON when asked.
    let r = s.get("/api/lrdd?resource=acct:alice@127.0.0.1");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/xrd+xml"));
    assert_eq!(r.text().matches("<Link ").count(), 10);
    let r = s.req(
        "GET",
        "/api/lrdd?resource=acct:alice@127.0.0.1",
        &[("Accept", "application/json")],
        b"",
    );
    assert_eq!(r.json()["links"].as_array().unwrap().len(), 10);
}

#[test]
fn webfinger_errors() {
    let s = Server::start();
    s.register("alice", "correct7horse");
    let r = s.get("/.well-known/webfinger");
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"], "No resource parameter");
    for (resource, status) in [
        ("acct:alice@elsewhere.example", 404),
        ("acct:nobody@127.0.0.1", 404),
        ("", 404),
        ("http://127.0.0.1/not-api/x", 404),
        ("http://127.0.0.1/api/note/doesnotexist", 404),
        ("mailto:alice@127.0.0.1", 404),
    ] {
        let r = s.get(&format!(
            "/.well-known/webfinger?resource={}",
            crate::common::oauth::enc(resource)
        ));
        assert_eq!(r.status, status, "{resource}");
        assert!(r.json()["error"].is_string());
    }
    assert_eq!(
        s.get("/.well-known/webfinger?resource=acct:alice@elsewhere.example")
            .json()["error"],
        "Unrecognized host"
    );
    assert_eq!(s.get("/api/lrdd").status, 400);
    // The public port may be named, another port may not.
    let port = s
        .url("/")
        .split(':')
        .nth(2)
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    let with_port = s.get(&format!(
        "/.well-known/webfinger?resource=acct:alice@127.0.0.1:{port}"
    ));
    assert_eq!(with_port.status, 200, "{}", with_port.text());
    let lrdd = s.get(&format!("/api/lrdd?resource=acct:alice@127.0.0.1:{port}"));
    assert_eq!(lrdd.status, 200);
    let other = s.get("/.well-known/webfinger?resource=acct:alice@127.0.0.1:1");
    assert_eq!(other.json()["error"], "Unrecognized host");
}

#[test]
fn nodeinfo_names_the_software_its_protocols_and_its_accounts() {
    let s = Server::with(serde_json::json!({"disableRegistration": false, "site": "Garden"}));
    s.register("ann", "correct7horse");
    s.register("ben", "correct7horse");
    let links = s.get("/.well-known/nodeinfo");
    assert_eq!(links.status, 200);
    let link = &links.json()["links"][0];
    assert_eq!(
        link["rel"],
        "http://nodeinfo.diaspora.software/ns/schema/2.1"
    );
    let href = link["href"].as_str().unwrap();
    let doc = s.get(&s.path_of(href));
    assert_eq!(doc.status, 200);
    assert!(doc.header("content-type").unwrap().contains("schema/2.1"));
    let v = doc.json();
    assert_eq!(v["version"], "2.1");
    assert_eq!(v["software"]["name"], "pump");
    assert_eq!(v["protocols"], serde_json::json!(["activitypub", "pumpio"]));
    assert_eq!(v["openRegistrations"], true);
    assert_eq!(v["usage"]["users"]["total"], 2);
    assert_eq!(v["metadata"]["nodeName"], "Garden");
    // "nodeinfo" is a path of the server, not a nickname.
    let body = serde_json::json!({"nickname": "nodeinfo", "password": "correct7horse"});
    let r = s.signed(&s.client(), "POST", "/api/users", Some(&body));
    assert_eq!(r.status, 400, "{}", r.text());
}
