//! Percent-encoding (RFC 3986 unreserved set, as OAuth 1.0a requires) and escaping.
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything but ALPHA / DIGIT / "-" / "." / "_" / "~" is encoded.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

pub fn pct(s: &str) -> String {
    utf8_percent_encode(s, UNRESERVED).to_string()
}

/// Decodes `%XX` escapes; `+` stays a plus (it is only a space in form bodies).
pub fn unpct(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// Escapes text for HTML element content and double- or single-quoted attributes.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Escapes an XML attribute value (`&apos;` for the quote the original got wrong).
pub fn xml_attr(s: &str) -> String {
    html(s).replace("&#39;", "&apos;")
}

/// Parses `a=b&c=d` (form or query) into ordered pairs, `+` as space.
pub fn form_pairs(s: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(s.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oauth_encoding_is_rfc3986() {
        assert_eq!(pct("a b+c~d*e/é"), "a%20b%2Bc~d%2Ae%2F%C3%A9");
        assert_eq!(unpct("a%20b%2B"), "a b+");
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            html("<a href=\"x\">'&"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;"
        );
        assert_eq!(xml_attr("'"), "&apos;");
    }
}
