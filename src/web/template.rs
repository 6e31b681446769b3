//! The page templates in `assets/templates/`, embedded in the binary. `{{name}}` is replaced by
//! escaped text and `{{{name}}}` by HTML the caller built (and escaped) itself.
use crate::util::enc::html;

pub const PAGE: &str = include_str!("../../assets/templates/page.html");

pub enum Val<'a> {
    Text(&'a str),
    Html(&'a str),
}

/// Fills `tpl`; unknown names are left out.
pub fn fill(tpl: &str, vals: &[(&str, Val)]) -> String {
    let mut out = String::with_capacity(tpl.len() + 4096);
    let mut rest = tpl;
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i]);
        let raw = rest[i..].starts_with("{{{");
        let (open, close) = if raw { (3, "}}}") } else { (2, "}}") };
        let Some(end) = rest[i + open..].find(close) else {
            out.push_str(&rest[i..]);
            return out;
        };
        let name = rest[i + open..i + open + end].trim();
        match vals.iter().find(|(k, _)| *k == name).map(|(_, v)| v) {
            Some(Val::Text(t)) => out.push_str(&html(t)),
            Some(Val::Html(h)) => out.push_str(h),
            None => {}
        }
        rest = &rest[i + open + end + close.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_html_is_not() {
        let t = fill(
            "<p>{{a}}</p>{{{b}}}{{missing}}",
            &[("a", Val::Text("<x>")), ("b", Val::Html("<i>y</i>"))],
        );
        assert_eq!(t, "<p>&lt;x&gt;</p><i>y</i>");
    }
}
