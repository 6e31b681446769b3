//! What a posting form's text becomes: HTML whose web addresses, `@mentions` and `#tags` are
//! links, and the people it mentions (whom the post is then addressed to as well).
use super::layout::Ctx;
use crate::social::{objects, tags};
use crate::util::enc::{html, pct};
use crate::util::html_text::{to_html, trailing, web_link};
use serde_json::Value;

/// People one text may mention (each may be looked up at their server).
const MAX_MENTIONS: usize = 20;

pub struct Composed {
    pub html: String,
    /// The ids of the people mentioned, as found.
    pub mentioned: Vec<String>,
}

/// `@nick` or `@nick@host` as written in a word, without what ends the sentence.
fn mention_of(word: &str) -> Option<&str> {
    let name = trailing(word).0.strip_prefix('@')?;
    let nick_ok = |n: &str| {
        !n.is_empty()
            && n.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '.')
    };
    let ok = match name.split_once('@') {
        None => nick_ok(name),
        Some((nick, host)) => nick_ok(nick) && crate::social::urls::is_authority(host),
    };
    ok.then_some(name)
}

/// The page to link a mention to: the person's `url`, else their id.
fn href_of(ctx: &Ctx, id: &str) -> String {
    let stored = ctx.app.store.read(|r| objects::get(r, id)).ok().flatten();
    stored
        .and_then(|p| p.get("url").and_then(Value::as_str).map(str::to_string))
        .unwrap_or_else(|| id.to_string())
}

/// Writes `text` as HTML, looking up whom it mentions; a name nobody answers to stays text.
pub async fn compose(ctx: &Ctx<'_>, text: &str) -> Composed {
    let mut names: Vec<&str> = Vec::new();
    for name in text.split_whitespace().filter_map(mention_of) {
        if !names.contains(&name) && names.len() < MAX_MENTIONS {
            names.push(name);
        }
    }
    let mut found: Vec<(String, String, String)> = Vec::new();
    for name in names {
        if let Ok(id) = super::audience::person(ctx, name).await {
            let href = href_of(ctx, &id);
            found.push((name.to_string(), id, href));
        }
    }
    let base = ctx.app.cfg.base();
    let link = |word: &str| {
        if let Some(l) = web_link(word) {
            return Some(l);
        }
        let (core, tail) = trailing(word);
        if let Some(name) = mention_of(word) {
            let (_, _, href) = found.iter().find(|(n, _, _)| n == name)?;
            return Some(format!(
                "<a href=\"{}\" class=\"mention\">{}</a>{}",
                html(href),
                html(core),
                html(tail)
            ));
        }
        let tag = tags::of_word(core)?;
        Some(format!(
            "<a href=\"{base}/main/tag/{}\" class=\"hashtag\" rel=\"tag\">{}</a>{}",
            pct(&tag),
            html(core),
            html(tail)
        ))
    };
    let html = to_html(text, link);
    Composed {
        html,
        mentioned: found.into_iter().map(|(_, id, _)| id).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::mention_of;

    #[test]
    fn mentions_are_nicks_or_addresses() {
        assert_eq!(mention_of("@bob"), Some("bob"));
        assert_eq!(mention_of("@bob,"), Some("bob"));
        assert_eq!(mention_of("@bob@example.org."), Some("bob@example.org"));
        assert_eq!(mention_of("@bob@exa mple"), None);
        assert_eq!(mention_of("bob"), None);
        assert_eq!(mention_of("@"), None);
    }
}
