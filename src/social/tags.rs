//! Hashtags: the `#words` of a post's text, and for each tag a stream of the public posts of
//! this server's users that carry it (`tag:<tag>`), which the web UI's tag page shows.
use super::activity::Activity;
use crate::error::Result;
use crate::store::W;
use crate::util::html_text::{to_text, trailing};
use serde_json::Value;

/// Tags longer than this are not tags.
pub const MAX_LEN: usize = 64;
/// Tags indexed per post, at most.
const MAX_PER_POST: usize = 10;

/// The tag a word is (`#Rust.` is `rust`), if it is one: letters, digits and `_` after `#`,
/// not only digits.
pub fn of_word(word: &str) -> Option<String> {
    let tag = trailing(word).0.strip_prefix('#')?;
    let ok = !tag.is_empty()
        && tag.chars().count() <= MAX_LEN
        && tag.chars().all(|c| c.is_alphanumeric() || c == '_')
        && !tag.chars().all(|c| c.is_ascii_digit());
    ok.then(|| tag.to_lowercase())
}

/// The distinct tags of a text, in the order they first appear.
pub fn in_text(text: &str) -> Vec<String> {
    let mut tags = Vec::new();
    for word in text.split(|c: char| c.is_whitespace() || c == '(') {
        if let Some(t) = of_word(word) {
            if !tags.contains(&t) && tags.len() < MAX_PER_POST {
                tags.push(t);
            }
        }
    }
    tags
}

/// The stream of a tag's posts.
pub fn stream(tag: &str) -> String {
    format!("tag:{}", tag.to_lowercase())
}

/// The tags of an object (its name and content).
pub fn of_object(obj: &Value) -> Vec<String> {
    let field = |k: &str| obj.get(k).and_then(Value::as_str).unwrap_or("");
    in_text(&format!(
        "{} {}",
        to_text(field("displayName")),
        to_text(field("content"))
    ))
}

/// Places a public post in the streams of its tags, at `seq` when given (a backfill keeps the
/// order the posts were made in).
pub fn index(w: &W, aid: &str, act: &Activity, seq: Option<u64>) -> Result<()> {
    let Some(obj) = super::objects::stored_for(w, act.get("object"))? else {
        return Ok(());
    };
    for tag in of_object(&obj.doc) {
        match seq {
            Some(s) => w.stream_put_at(&stream(&tag), s, aid)?,
            None => w.stream_push(&stream(&tag), aid)?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::in_text;

    #[test]
    fn tags_are_words_after_a_hash() {
        assert_eq!(
            in_text("Hello #Rust and #rust. (#Pi_4) #42 a#b #ünïcode #"),
            ["rust", "pi_4", "ünïcode"]
        );
    }
}
