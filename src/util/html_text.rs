//! Plain text as the HTML a post carries, and back: what the web UI's forms write and edit,
//! and what tags and titles are read from.
use super::enc::html;

/// Plain text as HTML: escaped, paragraphs and line breaks kept, and each word as `link` makes
/// it (None: the word escaped as it is).
pub fn to_html(text: &str, link: impl Fn(&str) -> Option<String>) -> String {
    let word = |w: &str| link(w).unwrap_or_else(|| html(w));
    text.replace("\r\n", "\n")
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let lines: Vec<String> = p
                .lines()
                .map(|l| l.split(' ').map(word).collect::<Vec<_>>().join(" "))
                .collect();
            format!("<p>{}</p>", lines.join("<br>"))
        })
        .collect()
}

/// HTML content as plain text, as `to_html` had it: paragraphs and line breaks kept, other
/// tags dropped, entities read.
pub fn to_text(content: &str) -> String {
    let spaced = content
        .replace("</p><p>", "\n\n")
        .replace("<br>", "\n")
        .replace("<br/>", "\n")
        .replace("<br />", "\n");
    let mut text = String::with_capacity(spaced.len());
    let mut in_tag = false;
    for c in spaced.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
        .trim()
        .to_string()
}

/// A word split into its core and the punctuation that ends a sentence after it.
pub fn trailing(word: &str) -> (&str, &str) {
    let core = word.trim_end_matches(['.', ',', '!', '?', ':', ';', ')', '"', '\'']);
    word.split_at(core.len())
}

/// Web addresses as links.
pub fn web_link(word: &str) -> Option<String> {
    (word.starts_with("http://") || word.starts_with("https://"))
        .then(|| format!("<a href=\"{0}\">{0}</a>", html(word)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_comes_back_as_it_was_written() {
        for text in [
            "one line",
            "Tom & Jerry <3 \"quotes\" it's",
            "first\nsecond\n\nnew paragraph",
            "see https://example.org/a?b=1&c=2 now",
        ] {
            let html = super::to_html(text, super::web_link);
            assert_eq!(super::to_text(&html), text, "{html}");
        }
    }

    #[test]
    fn sentence_ends_are_not_part_of_a_word() {
        assert_eq!(super::trailing("#rust."), ("#rust", "."));
        assert_eq!(
            super::trailing("@bob@example.org!"),
            ("@bob@example.org", "!")
        );
        assert_eq!(super::trailing("plain"), ("plain", ""));
    }
}
