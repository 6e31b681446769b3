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

/// A user's messages (direct major) and notifications (`social::notify`), by stream name.
pub const MESSAGES: &str = "inbox:direct:major";
pub const NOTIFICATIONS: &str = "notifications";

/// The server's public timeline: public posts of its own users, newest first.
pub const PUBLIC_STREAM: &str = "site:public";

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

pub use crate::util::authority::is_authority;

/// The host (and port) of an `acct:` or URL id, in lower case; None when it is not a plain
/// authority (see `is_authority`), so that every part of the server reads the same host.
pub fn host_of(id: &str) -> Option<String> {
    let id = canonical(id);
    let authority = if let Some(acct) = id.strip_prefix("acct:") {
        acct.rsplit_once('@').map(|(_, h)| h.to_string())?
    } else {
        let u = url::Url::parse(&id).ok()?;
        if !matches!(u.scheme(), "http" | "https")
            || !u.username().is_empty()
            || u.password().is_some()
        {
            return None;
        }
        let host = u.host_str()?;
        match u.port() {
            Some(p) => format!("{host}:{p}"),
            None => host.to_string(),
        }
    };
    let authority = authority.to_ascii_lowercase();
    is_authority(&authority).then_some(authority)
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
        assert_eq!(host_of("http://evil@good.example/"), None, "no userinfo");
        // Read as the HTTP client reads them: a backslash ends the host.
        assert_eq!(
            host_of("http://evil.com\\@social.example/").as_deref(),
            Some("evil.com")
        );
        assert_eq!(host_of("acct:a@evil.com/x"), None);
        assert_eq!(host_of("http://[::1]:8/x").as_deref(), Some("[::1]:8"));
        assert_eq!(
            host_of("HTTP://Social.Example:80/x").as_deref(),
            Some("social.example")
        );
        assert_eq!(host_of("tag:x"), None);
    }
}
