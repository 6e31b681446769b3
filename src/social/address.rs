//! The public address a store's ids carry (`hostname`, `urlPort`, `urlPath`, as `Config::base`):
//! recorded at the first start, checked at every start, and changed on purpose only by
//! `pump rehost`, which rewrites every stored id (federation makes the address visible to
//! other servers, so it must not change by accident).
use crate::config::Config;
use crate::error::Result;
use crate::store::{meta, objects, users, Read, Store};
use serde_json::Value;

/// The address the store records, or for a store of a release that did not record it, the
/// one its first account's person was made with; None for a store without accounts.
pub fn of_store(r: &impl Read) -> Result<Option<String>> {
    if let Some(a) = meta::address(r)? {
        return Ok(Some(a));
    }
    let Some((nick, user)) = users::after(r, "", 1)?.into_iter().next() else {
        return Ok(None);
    };
    let Some(pid) = user
        .doc
        .get("profile")
        .and_then(|p| p.get("id"))
        .and_then(Value::as_str)
    else {
        return Ok(None);
    };
    let url = objects::get(r, pid)?
        .and_then(|p| p.doc.get("url").and_then(Value::as_str).map(String::from));
    Ok(url.and_then(|u| u.strip_suffix(&format!("/{nick}")).map(String::from)))
}

/// Refuses a start whose address differs from the store's; records it when none is yet.
pub fn check(store: &Store, cfg: &Config) -> std::result::Result<(), String> {
    let here = cfg.base();
    let stored = store.read(of_store).map_err(|e| e.to_string())?;
    match stored {
        Some(a) if a != here => Err(format!(
            "this data dir's ids carry the address {a}, but the configuration gives {here} \
             (hostname, urlPort, urlPath): start with the old address again, or, to move the \
             server to the new one on purpose, stop here and run `pump rehost` with this \
             configuration (it rewrites every stored id; other servers still know the old one)"
        )),
        _ => {
            let recorded = store.read(meta::address).map_err(|e| e.to_string())?;
            if recorded.is_none() {
                store
                    .write_blocking(move |w| meta::set_address(w, &here))
                    .map_err(|e| e.to_string())?;
            }
            Ok(())
        }
    }
}

/// An address as the ids use it: its base URL, its host name, and whether local persons are
/// `acct:` ids (urlPort 80 or 443, so the base names no port).
pub struct Address {
    base: String,
    host: String,
    acct: bool,
}

impl Address {
    pub fn parse(base: &str) -> Address {
        let rest = base.split_once("://").map_or(base, |(_, r)| r);
        let authority = rest.split('/').next().unwrap_or(rest);
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        };
        Address {
            base: base.trim_end_matches('/').to_string(),
            host: host.to_string(),
            acct: port.is_none(),
        }
    }

    /// Whether local persons have ids of the same form at both addresses (both `acct:`, or
    /// both URLs). A move between the forms would also have to tell ids from links.
    pub fn same_form(&self, other: &Address) -> bool {
        self.acct == other.acct
    }

    fn person_id(&self, nick: &str) -> String {
        if self.acct {
            format!("acct:{nick}@{}", self.host)
        } else {
            format!("{}/api/user/{nick}/profile", self.base)
        }
    }
}

/// Whether `c` can go on a URL or an id (so a match followed by one is a longer name).
fn in_url(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c)
}

fn nick_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_.".contains(c)
}

/// `text` with every id and URL of `from` made one of `to`.
pub fn rewrite(text: &str, from: &Address, to: &Address) -> String {
    let persons = persons(text, from, to);
    let mut out = String::with_capacity(persons.len());
    let mut rest = persons.as_str();
    while let Some(at) = rest.find(&from.base) {
        let after = &rest[at + from.base.len()..];
        out.push_str(&rest[..at]);
        // Only the whole base: `http://h:80` is not the start of `http://h:8080`.
        let whole = after.chars().next().is_none_or(|c| c == '/' || !in_url(c));
        out.push_str(if whole { &to.base } else { &from.base });
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Local person ids: `acct:<nick>@<host>`, or `<base>/api/user/<nick>/profile`, each in the
/// form of `to` (the form depends on the port).
fn persons(text: &str, from: &Address, to: &Address) -> String {
    let (prefix, suffix) = if from.acct {
        ("acct:".to_string(), format!("@{}", from.host))
    } else {
        (format!("{}/api/user/", from.base), "/profile".to_string())
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(&prefix) {
        out.push_str(&rest[..at]);
        let after = &rest[at + prefix.len()..];
        let nick_len = after.find(|c: char| !nick_char(c)).unwrap_or(after.len());
        let (nick, tail) = after.split_at(nick_len);
        let ends = tail
            .strip_prefix(suffix.as_str())
            .filter(|t| t.chars().next().is_none_or(|c| !in_url(c)));
        match ends {
            Some(t) if !nick.is_empty() => {
                out.push_str(&to.person_id(nick));
                rest = t;
            }
            _ => {
                out.push_str(&prefix);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_move_to_the_new_address() {
        let (a, b) = (
            Address::parse("http://old.example"),
            Address::parse("http://new.example:8000"),
        );
        assert_eq!(
            rewrite(
                r#"{"id":"acct:bob@old.example","url":"http://old.example/bob","x":"acct:bob@old.example.org"}"#,
                &a,
                &b
            ),
            r#"{"id":"http://new.example:8000/api/user/bob/profile","url":"http://new.example:8000/bob","x":"acct:bob@old.example.org"}"#
        );
        assert_eq!(
            rewrite(
                "follow\nhttp://new.example:8000/api/user/ann/profile\nhttp://new.example:80001/x",
                &b,
                &a
            ),
            "follow\nacct:ann@old.example\nhttp://new.example:80001/x"
        );
    }
}
