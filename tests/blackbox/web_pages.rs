//! Every page of the web UI in the browser (issue 17's bar): axe-core finds nothing serious or
//! critical on any of them, at 1280×900 and at 390×844, and on a phone every control is at
//! least 44 px tall. On the way, a person on another pump server is looked up from the
//! directory and followed from the result.
use super::federation::{peer, person, until_listed};
use super::web::log_in;
use super::web_social::{browser, look, note, PHONE, WAYS};
use crate::common::browser::Browser;
use crate::common::{Client, Server};
use serde_json::{json, Value};

/// The controls of the page a finger meets that are shorter than 44 px: buttons, fields,
/// disclosure summaries and links, except links inside running text (WCAG's inline
/// exception) and check boxes or radio buttons whose label is tall enough.
const SMALL_TARGETS: &str = r#"
const small = [];
for (const e of document.querySelectorAll('a[href], button, input, select, textarea, summary')) {
  if (e.type === 'hidden') continue;
  const r = e.getBoundingClientRect();
  if (r.width === 0 || r.height === 0 || getComputedStyle(e).visibility === 'hidden') continue;
  let h = r.height;
  if (e.type === 'checkbox' || e.type === 'radio') {
    const l = e.closest('label') || (e.id && document.querySelector('label[for="' + e.id + '"]'));
    if (l) h = Math.max(h, l.getBoundingClientRect().height);
  }
  if (e.tagName === 'A' && getComputedStyle(e).display === 'inline') {
    const block = e.parentElement;
    if (block && block.textContent.trim().length > e.textContent.trim().length) continue;
  }
  if (h < 44) {
    small.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
      (e.className ? '.' + String(e.className).replace(/ /g, '.') : '') +
      ' "' + e.textContent.trim().slice(0, 30) + '" ' + Math.round(r.width) + 'x' + Math.round(h));
  }
}
return small;
"#;

/// Checks the page: axe-core's findings (scripts on), and on a phone the targets that are
/// too small.
fn check(b: &Browser, name: &str, way: (bool, (u32, u32)), found: &mut Vec<String>) {
    let (javascript, size) = way;
    look(b, &format!("page-{name}"), javascript, size, found);
    if size == PHONE {
        let small = b.run(SMALL_TARGETS);
        for s in small.as_array().into_iter().flatten() {
            found.push(format!(
                "{name}: a tap target under 44 px: {}",
                s.as_str().unwrap_or("")
            ));
        }
    }
}

fn visit(
    b: &Browser,
    s: &Server,
    path: &str,
    name: &str,
    way: (bool, (u32, u32)),
    found: &mut Vec<String>,
) {
    b.goto(&s.url(path));
    b.find("body main, body .container, body");
    check(b, name, way, found);
}

/// A fresh OAuth 1 request token of a new client: the authorize page's address.
fn authorize_path(s: &Server) -> String {
    let c = s.new_client();
    let auth = c.header(
        "POST",
        &s.url("/oauth/request_token"),
        &[("oauth_callback", "oob")],
    );
    let r = s.req(
        "POST",
        "/oauth/request_token",
        &[("Authorization", &auth)],
        b"",
    );
    format!(
        "/oauth/authorize?oauth_token={}",
        r.form_value("oauth_token")
    )
}

/// The OAuth 2 authorization request of a newly registered client.
fn authz_path(s: &Server) -> String {
    let (id, _) = super::oauth2::register_client(s, json!({}));
    format!("/oauth2/authz?{}", super::oauth2::authz_query(&id, ""))
}

/// The newest activity of `nick` and its object, as pages of the web UI.
fn bobs_pages(s: &Server, bob: &Client, nick: &str) -> (String, String) {
    let feed = s.read(bob, &format!("/api/user/{nick}/feed"), 200);
    let act: &Value = &feed["items"][0];
    let page = |v: &Value| s.path_of(v["url"].as_str().expect("a url"));
    (page(act), page(&act["object"]))
}

fn walk(
    way: (bool, (u32, u32)),
    nick: &str,
    a: &Server,
    far: &Server,
    dave: &Client,
) -> Vec<String> {
    let (javascript, size) = way;
    let mut found = Vec::new();
    let (_, bob) = a.register(&format!("bob{nick}"), "correct7horse");
    let bob_nick = format!("bob{nick}");
    note(a, &bob, &bob_nick, "Bob's #harbour note", true);
    let b = browser(javascript, size);
    let v = |path: &str, name: &str, found: &mut Vec<String>| visit(&b, a, path, name, way, found);
    // Anyone's pages.
    let anyones = [
        ("/", "welcome"),
        ("/main/login", "login"),
        ("/main/register", "register"),
        ("/main/remote", "remote-login"),
        ("/main/recover", "recover"),
        ("/main/javascript-disabled", "noscript"),
        ("/main/public", "public"),
        ("/main/people", "people"),
    ];
    for (path, name) in anyones {
        v(path, name, &mut found);
    }
    v(&format!("/{bob_nick}"), "profile-anonymous", &mut found);
    v("/main/no-such-page", "not-found", &mut found);
    assert!(
        b.text("h1").contains("Page not found"),
        "{}",
        b.text("body")
    );
    b.find("main a[href='/']");
    // The favicon every page names is served.
    let icon = b.run("var l = document.querySelector('link[rel~=icon]'); return l ? l.getAttribute('href') : '';");
    let icon = a.get(&a.path_of(icon.as_str().unwrap_or_default()));
    assert_eq!(icon.status, 200);
    assert!(icon
        .header("content-type")
        .unwrap_or("")
        .starts_with("image/"));
    v(&authorize_path(a), "oauth-login", &mut found);
    v(&authz_path(a), "oauth2-login", &mut found);

    a.register(nick, "correct7horse");
    log_in(&b, a, nick);
    let own = [
        ("/", "home"),
        ("/main/messages", "messages"),
        ("/main/notifications", "notifications"),
        ("/main/settings", "settings"),
        ("/main/account", "account"),
        ("/main/logout", "logout"),
        ("/main/tag/harbour", "tag"),
    ];
    for (path, name) in own {
        v(path, name, &mut found);
    }
    for tab in ["", "/favorites", "/followers", "/following"] {
        let name = format!("profile{}", tab.replace('/', "-"));
        v(&format!("/{bob_nick}{tab}"), &name, &mut found);
    }
    v(&format!("/{nick}/lists"), "lists", &mut found);
    let list = b.run("var a = document.querySelector('main a[href*=\"/list/\"]'); return a ? a.getAttribute('href') : '';");
    let list = a.path_of(list.as_str().unwrap_or_default());
    assert!(
        !list.is_empty(),
        "no list on the lists page: {}",
        b.text("body")
    );
    v(&list, "list", &mut found);
    let (activity, object) = bobs_pages(a, &bob, &bob_nick);
    v(&object, "object", &mut found);
    v(&activity, "activity", &mut found);
    // An application asks: Authorize gives it a verifier, and the account page lists it.
    v(&authorize_path(a), "oauth-consent", &mut found);
    b.click("button#authorize");
    b.wait_text("body", "Authorization complete", 10);
    b.find("#verifier");
    v("/main/account", "account-applications", &mut found);
    assert!(b.text("body").contains("Test client"), "{}", b.text("body"));
    b.find("form button.revoke, form button[value=revoke], form[action='/main/revoke'] button");
    // Another one is denied: it is sent back with access_denied.
    v(&authz_path(a), "oauth2-consent", &mut found);
    b.click("button[name=deny]");
    let denied = crate::common::eventually(10, || b.url().contains("error=access_denied"));
    assert!(
        denied,
        "Deny did not send the application away: {}",
        b.url()
    );

    // A person elsewhere: looked up from the directory, followed from what it found.
    let address = format!("dave@{}", far.addr);
    v(
        &format!("/main/people?q={address}"),
        "people-elsewhere",
        &mut found,
    );
    b.click("form#lookup-remote button[type=submit]");
    b.wait_text("main", "dave", 15);
    check(&b, "remote-person", way, &mut found);
    b.click("main button.follow");
    b.wait("main button.unfollow", 15);
    check(&b, "remote-person-followed", way, &mut found);
    until_listed(
        far,
        dave,
        "/api/user/dave/followers",
        &person(a, nick),
        true,
    );
    found
}

#[test]
fn every_page_passes_axe_and_has_big_enough_targets() {
    let (a, far) = (peer("127.0.0.4"), peer("127.0.0.5"));
    let (_, dave) = far.register("dave", "correct7horse");
    note(&far, &dave, "dave", "Dave's lighthouse", true);
    let mut found = Vec::new();
    for (way, nick) in WAYS.into_iter().zip(["alice", "amy", "ana", "ava"]) {
        found.extend(walk(way, nick, &a, &far, &dave));
    }
    assert!(found.is_empty(), "findings:\n{}", found.join("\n"));
}
