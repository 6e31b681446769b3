//! Mentions: a post's content that links to a local user's profile (`BASE/<nick>`, as the web
//! UI writes `@nick`, and as other servers link the people they mention) mentions them.
use crate::config::Config;

/// Mentions a post may notify, at most.
const MAX: usize = 20;

/// The nicknames whose profile page the HTML `content` links to, each once.
pub fn local(cfg: &Config, content: &str) -> Vec<String> {
    let profile = format!("{}/", cfg.base());
    let mut nicks: Vec<String> = Vec::new();
    for part in content.split("href=\"").skip(1) {
        let Some(href) = part.split('"').next() else {
            continue;
        };
        let Some(nick) = href.strip_prefix(&profile) else {
            continue;
        };
        let plain = !nick.is_empty()
            && nick
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.');
        if plain && nick != "main" && nick != "api" && !nicks.iter().any(|n| n == nick) {
            nicks.push(nick.to_string());
            if nicks.len() == MAX {
                break;
            }
        }
    }
    nicks
}
