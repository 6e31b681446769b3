//! Ids and URLs minted by this server (activities.md §2.4, §3.1).
use crate::config::Config;

/// The id of a local user's person: `acct:` only when the URL port is 80 or 443.
pub fn person_id(cfg: &Config, nick: &str) -> String {
    if cfg.url_port == 80 || cfg.url_port == 443 {
        format!("acct:{nick}@{}", cfg.hostname)
    } else {
        user_api(cfg, nick, "profile")
    }
}

/// `BASE/api/user/<nick>/<rest>`.
pub fn user_api(cfg: &Config, nick: &str, rest: &str) -> String {
    format!("{}/api/user/{nick}/{rest}", cfg.base())
}

/// Stream names (activities.md §11).
pub fn stream(nick: &str, name: &str) -> String {
    format!("user:{nick}:{name}")
}

pub const USERS_STREAM: &str = "user:all";
