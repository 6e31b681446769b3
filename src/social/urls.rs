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

/// `acct:` form of an id that looks like `user@host`.
pub fn canonical(id: &str) -> String {
    let has_scheme = id.contains("://") || id.starts_with("acct:") || id.starts_with("mailto:");
    if id.contains('@') && !has_scheme {
        format!("acct:{id}")
    } else {
        id.to_string()
    }
}

/// The host (and port) of an `acct:` or URL id, in lower case.
pub fn host_of(id: &str) -> Option<String> {
    let id = canonical(id);
    if let Some(acct) = id.strip_prefix("acct:") {
        return acct.rsplit_once('@').map(|(_, h)| h.to_ascii_lowercase());
    }
    let rest = id
        .strip_prefix("http://")
        .or_else(|| id.strip_prefix("https://"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    (!authority.is_empty()).then(|| authority.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::host_of;

    #[test]
    fn hosts_of_accounts_and_urls() {
        assert_eq!(
            host_of("bob@Social.example").as_deref(),
            Some("social.example")
        );
        assert_eq!(
            host_of("http://127.0.0.3:8080/api/user/bob/profile").as_deref(),
            Some("127.0.0.3:8080")
        );
        assert_eq!(host_of("acct:bob@h:81").as_deref(), Some("h:81"));
        assert_eq!(host_of("bob@h:81").as_deref(), Some("h:81"));
        assert_eq!(
            host_of("http://evil@good.example/").as_deref(),
            Some("good.example")
        );
        assert_eq!(host_of("tag:x"), None);
    }
}
