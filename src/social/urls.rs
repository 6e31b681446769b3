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

/// The nickname in a local person id (`acct:nick@host` or `BASE/api/user/nick/profile`).
pub fn nick_of_person_id(cfg: &Config, id: &str) -> Option<String> {
    if let Some(rest) = id.strip_prefix("acct:") {
        let (nick, host) = rest.rsplit_once('@')?;
        return host
            .eq_ignore_ascii_case(&cfg.hostname)
            .then(|| nick.to_string());
    }
    let prefix = format!("{}/api/user/", cfg.base());
    let nick = id.strip_prefix(&prefix)?.strip_suffix("/profile")?;
    (!nick.contains('/')).then(|| nick.to_string())
}

pub const PUBLIC: &str = "http://activityschema.org/collection/public";
