//! Nickname, password and e-mail address rules of registration (api.md §9.2), and hashing.
use crate::error::{Error, Result};

/// First path segments the web UI and the API route: no profile page may shadow them.
pub const ROUTED: &[&str] = &[
    "api",
    "main",
    "oauth",
    "oauth2",
    "uploads",
    "assets",
    "images",
    ".well-known",
    "favicon.ico",
    "nodeinfo",
];

/// Further nicknames that are never given out: the spec's list (api.md §9.2) and segments that
/// are or will be routed (`/shared/…`, ActivityPub's `/inbox`, NodeInfo…). Accounts that
/// already have one of these keep working; they are refused only at registration.
const RESERVED: &[&str] = &[
    "public",
    "robots.txt",
    "humans.txt",
    "sitemap.xml",
    "contribute.json",
    "shared",
    "static",
    "javascript",
    "stylesheets",
    "inbox",
    "outbox",
    "nodeinfo",
    "users",
    "user",
    "activity",
    "admin",
    "health",
];

/// Longest password accepted; bounds the hashing work a request can ask for.
const MAX_PASSWORD: usize = 1024;

pub fn check_nickname(nick: &str) -> Result<()> {
    let ok_chars = nick
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.');
    if nick.is_empty()
        || nick.len() > 64
        || nick.chars().all(|c| c == '.')
        || !ok_chars
        || ROUTED
            .iter()
            .chain(RESERVED)
            .any(|r| r.eq_ignore_ascii_case(nick))
    {
        return Err(Error::bad(format!("Bad nickname: '{nick}'")));
    }
    Ok(())
}

fn common(pw: &str) -> bool {
    let lower = pw.to_ascii_lowercase();
    include_str!("../../assets/common-passwords.txt")
        .lines()
        .any(|l| !l.starts_with('#') && l.trim() == lower)
}

pub fn check_password(pw: &str) -> Result<()> {
    let only_letters = pw.chars().all(|c| c.is_ascii_alphabetic());
    let only_digits = pw.chars().all(|c| c.is_ascii_digit());
    if pw.chars().count() < 8
        || pw.len() > MAX_PASSWORD
        || only_letters
        || only_digits
        || common(pw)
    {
        return Err(Error::bad("Bad password"));
    }
    Ok(())
}

/// bcrypt, cost 10, on the blocking pool (it takes tens of milliseconds, a second on a Pi Zero).
pub async fn hash(pw: String) -> Result<String> {
    smol::unblock(move || bcrypt::hash(pw, 10))
        .await
        .map_err(Error::internal)
}

/// Compares on the blocking pool; an unknown user is compared against a dummy hash so that
/// the answer takes as long either way.
pub async fn verify(pw: String, hash: Option<String>) -> bool {
    const DUMMY: &str = "$2b$10$abcdefghijklmnopqrstuuN0wQ1Yw3dZ7oVb3lS9rWq2uYk7xkX5e";
    let known = hash.is_some();
    let hash = hash.unwrap_or_else(|| DUMMY.to_string());
    let ok = smol::unblock(move || bcrypt::verify(pw, &hash).unwrap_or(false)).await;
    ok && known
}

/// A plausible e-mail address: a local part, an @ and a dotted domain, no white space.
pub fn valid_email(e: &str) -> bool {
    match e.split_once('@') {
        Some((l, d)) => {
            !l.is_empty() && d.contains('.') && !e.contains(char::is_whitespace) && !d.contains('@')
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nickname_rules() {
        assert!(check_nickname("alice.b-c_9").is_ok());
        for bad in ["", "a b", "api", "favicon.ico", "x/y", &"a".repeat(65)] {
            assert!(check_nickname(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn password_rules() {
        assert!(check_password("correct7horse").is_ok());
        for bad in [
            "short1",
            "onlyletters",
            "1234567890",
            "rush2112",
            "Password1",
        ] {
            assert!(check_password(bad).is_err(), "{bad}");
        }
    }
}
