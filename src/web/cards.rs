//! Activity and object cards (web-ui.md §3), built from the same JSON the API serves to the
//! reader, so a page never shows what the API would refuse. Every text is escaped and every
//! HTML field is sanitised again here, whatever its origin.
use super::layout::{avatar_url, Ctx};
use crate::social::{addressing, objects, sanitize};
use crate::util::enc::html;
use serde_json::Value;

fn s<'v>(v: &'v Value, k: &str) -> Option<&'v str> {
    v.get(k).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// The items of a feed.
pub fn items(feed: &Value) -> Vec<Value> {
    feed.get("items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// Only web links are followed; anything else (`javascript:`…) becomes `#`.
pub fn href(u: &str) -> String {
    let l = u.trim_start().to_ascii_lowercase();
    if l.starts_with("http://") || l.starts_with("https://") || l.starts_with('/') {
        html(u)
    } else {
        "#".into()
    }
}

pub fn name(p: &Value) -> String {
    s(p, "displayName")
        .or_else(|| s(p, "preferredUsername"))
        .or_else(|| s(p, "id"))
        .unwrap_or("someone")
        .to_string()
}

/// A person as a link to their page.
pub fn person_link(p: &Value) -> String {
    format!(
        "<a href=\"{}\">{}</a>",
        href(s(p, "url").unwrap_or("#")),
        html(&name(p))
    )
}

/// A `time` element saying how long ago (`5 min`, `3 h`, `2 d`; the date after a week), with
/// the exact time on hover (the script turns it into the reader's local time).
pub fn time(iso: &str) -> String {
    let exact = format!("{} UTC", iso.get(..16).unwrap_or(iso).replace('T', " "));
    let ago = crate::util::time::parse_iso(iso).map(|t| crate::util::time::now_secs() - t);
    let shown = match ago {
        Some(s) if s < 60 => "now".to_string(),
        Some(s) if s < 3600 => format!("{} min", s / 60),
        Some(s) if s < 86_400 => format!("{} h", s / 3600),
        Some(s) if s < 7 * 86_400 => format!("{} d", s / 86_400),
        _ => iso.get(..10).unwrap_or(iso).to_string(),
    };
    format!(
        "<time datetime=\"{}\" title=\"{}\">{}</time>",
        html(iso),
        html(&exact),
        html(&shown)
    )
}

fn names(list: Option<&Value>) -> Vec<String> {
    list.and_then(|l| l.get("items"))
        .and_then(Value::as_array)
        .map(|a| a.iter().map(person_link).collect())
        .unwrap_or_default()
}

/// A small form posting one verb about one object to `/main/act`.
pub(super) fn verb_button(ctx: &Ctx, verb: &str, obj: &Value, label: &str, class: &str) -> String {
    let confirm = if verb == "delete" {
        " data-confirm=\"Delete this?\""
    } else {
        ""
    };
    format!(
        "<form method=\"post\" action=\"/main/act\"{confirm}>{}<input type=\"hidden\" name=\"verb\" value=\"{verb}\">\
         <input type=\"hidden\" name=\"object\" value=\"{}\"><input type=\"hidden\" name=\"objectType\" value=\"{}\">\
         <button type=\"submit\" class=\"{class}\">{label}</button></form>",
        ctx.hidden(),
        html(s(obj, "id").unwrap_or("")),
        html(s(obj, "objectType").unwrap_or("note")),
    )
}

/// Pictures attached to a note (as ActivityPub servers and some clients attach them), each
/// with its own alt text.
fn attached_pictures(obj: &Value) -> String {
    let Some(list) = obj.get("attachments").and_then(Value::as_array) else {
        return String::new();
    };
    let mut out = String::new();
    for a in list.iter().filter(|a| s(a, "objectType") == Some("image")) {
        let Some(src) = a
            .pointer("/image/url")
            .or_else(|| a.get("url"))
            .and_then(Value::as_str)
        else {
            continue;
        };
        let full = a.pointer("/fullImage/url").and_then(Value::as_str);
        let alt = s(a, "alt").or_else(|| s(a, "displayName")).unwrap_or("");
        out.push_str(&format!(
            "<a href=\"{}\"><img class=\"picture attached\" src=\"{}\" alt=\"{}\" loading=\"lazy\"></a>\n",
            href(full.unwrap_or(src)),
            href(src),
            html(alt)
        ));
    }
    match out.is_empty() {
        true => out,
        false => format!("<div class=\"attachments\">\n{out}</div>\n"),
    }
}

/// When the object was changed after it was published (in a later second), if it was.
fn edited(obj: &Value) -> Option<&str> {
    use crate::util::time::parse_iso;
    let (published, updated) = (s(obj, "published")?, s(obj, "updated")?);
    let (p, u) = (parse_iso(published)?, parse_iso(updated)?);
    (u > p).then_some(updated)
}

/// The author's form to change an object's text (an `update` activity).
fn edit_form(ctx: &Ctx, obj: &Value) -> String {
    let text = crate::util::html_text::to_text(s(obj, "content").unwrap_or(""));
    format!(
        "<details class=\"edit-box\"><summary>Edit</summary>\
         <form class=\"edit\" method=\"post\" action=\"/main/act\">{}\
         <input type=\"hidden\" name=\"verb\" value=\"update\">\
         <input type=\"hidden\" name=\"object\" value=\"{}\"><input type=\"hidden\" name=\"objectType\" value=\"{}\">\
         <label>Text<textarea name=\"content\" required>{}</textarea></label>\
         <button type=\"submit\">Save</button></form></details>\n",
        ctx.hidden(),
        html(s(obj, "id").unwrap_or("")),
        html(s(obj, "objectType").unwrap_or("note")),
        html(&text)
    )
}

/// The comment form under an object.
pub fn comment_form(ctx: &Ctx, obj: &Value) -> String {
    // A reply to a reply goes to the thread's object, as the original's client does.
    let target = obj
        .get("inReplyTo")
        .filter(|p| p.get("id").is_some())
        .unwrap_or(obj);
    format!(
        "<form class=\"post-comment\" method=\"post\" action=\"/main/act\">{}\
         <input type=\"hidden\" name=\"verb\" value=\"reply\">\
         <input type=\"hidden\" name=\"object\" value=\"{}\"><input type=\"hidden\" name=\"objectType\" value=\"{}\">\
         <label>Comment<textarea name=\"content\" required></textarea></label>\
         <button type=\"submit\">Comment</button></form>",
        ctx.hidden(),
        html(s(target, "id").unwrap_or("")),
        html(s(target, "objectType").unwrap_or("note")),
    )
}

/// Only public objects may be shared (the server refuses the rest), so only they get a button.
fn shareable(ctx: &Ctx, obj: &Value) -> bool {
    let Some(id) = s(obj, "id") else { return false };
    ctx.app
        .store
        .read(|r| match objects::get(r, id)? {
            Some(stored) => addressing::is_public(r, &stored),
            None => Ok(false),
        })
        .unwrap_or(false)
}

/// The object itself: heading, picture, content, summaries, actions and first replies.
pub fn object_body(ctx: &Ctx, obj: &Value, all_replies: Option<&[Value]>) -> String {
    let mut b = String::new();
    // What the reader may not see comes as a bare reference (render::object): say so, no more.
    let bare = |m: &serde_json::Map<String, Value>| {
        m.keys()
            .all(|k| ["id", "objectType", "author"].contains(&k.as_str()))
    };
    if obj.as_object().is_some_and(bare) {
        let kind = s(obj, "objectType").unwrap_or("object");
        return format!(
            "<p class=\"muted hidden-object\">This {} is not shown: it was not addressed to you.</p>\n",
            html(kind)
        );
    }
    if let Some(t) = s(obj, "displayName") {
        b.push_str(&format!("<h3>{}</h3>\n", html(t)));
    }
    // A content warning (ActivityPub's `sensitive` with its `summary`) hides the picture and
    // the text until the reader opens it; no script needed.
    let warned = obj.get("sensitive") == Some(&Value::Bool(true));
    if warned {
        let why = s(obj, "summary")
            .filter(|w| !w.is_empty())
            .unwrap_or("Sensitive content");
        b.push_str(&format!(
            "<details class=\"warning\"><summary>{}</summary>\n",
            html(why)
        ));
    }
    if let Some(img) = obj.pointer("/image/url").and_then(Value::as_str) {
        if s(obj, "objectType") != Some("person") {
            let full = obj
                .pointer("/fullImage/url")
                .and_then(Value::as_str)
                .unwrap_or(img);
            // The object's own page (with all its replies) shows the picture in full.
            let (src, class) = match all_replies {
                Some(_) => (full, "picture full"),
                None => (img, "picture"),
            };
            b.push_str(&format!(
                "<a href=\"{}\"><img class=\"{class}\" src=\"{}\" alt=\"{}\"></a>\n",
                href(full),
                href(src),
                html(
                    s(obj, "alt")
                        .or_else(|| s(obj, "displayName"))
                        .unwrap_or("picture")
                )
            ));
        }
    }
    if let Some(c) = s(obj, "content") {
        b.push_str(&format!(
            "<div class=\"content\">{}</div>\n",
            sanitize::html(c)
        ));
    }
    b.push_str(&attached_pictures(obj));
    if warned {
        b.push_str("</details>\n");
    }
    if let Some(when) = edited(obj) {
        b.push_str(&format!(
            "<p class=\"muted edited\">Edited {}</p>\n",
            time(when)
        ));
    }
    let likers = names(obj.get("likes"));
    if !likers.is_empty() {
        b.push_str(&format!(
            "<p class=\"muted likes\">{} like{} this.</p>\n",
            likers.join(", "),
            if likers.len() == 1 { "s" } else { "" }
        ));
    }
    let sharers = names(obj.get("shares"));
    if !sharers.is_empty() {
        b.push_str(&format!(
            "<p class=\"muted shares\">{} shared this.</p>\n",
            sharers.join(", ")
        ));
    }
    if let Some(me) = ctx.me_id() {
        let mine = obj.pointer("/author/id").and_then(Value::as_str) == Some(me.as_str());
        b.push_str("<div class=\"actions\">");
        if obj.get("liked") == Some(&Value::Bool(true)) {
            b.push_str(&verb_button(
                ctx,
                "unfavorite",
                obj,
                "Unlike",
                "link unlike",
            ));
        } else {
            b.push_str(&verb_button(ctx, "favorite", obj, "Like", "link like"));
        }
        if !mine {
            if obj.pointer("/pump_io/shared") == Some(&Value::Bool(true)) {
                b.push_str(&verb_button(ctx, "unshare", obj, "Unshare", "link unshare"));
            } else if shareable(ctx, obj) {
                b.push_str(&verb_button(ctx, "share", obj, "Share", "link share"));
            }
        } else {
            b.push_str(&verb_button(ctx, "delete", obj, "Delete", "link delete"));
        }
        b.push_str("</div>\n");
        if mine && matches!(s(obj, "objectType"), Some("note" | "comment")) {
            b.push_str(&edit_form(ctx, obj));
        }
    }
    let previews: Vec<Value> = obj
        .pointer("/replies/items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let replies = all_replies.unwrap_or(&previews);
    if !replies.is_empty() {
        b.push_str("<div class=\"replies\">\n");
        // Oldest first, as a conversation reads.
        for r in replies.iter().rev() {
            let author = r.get("author").cloned().unwrap_or(Value::Null);
            b.push_str(&format!(
                "<div class=\"reply\" data-object=\"{}\"><strong>{}</strong> <span class=\"content\">{}</span> <span class=\"muted\">{}</span></div>\n",
                html(s(r, "id").unwrap_or("")),
                person_link(&author),
                sanitize::html(s(r, "content").unwrap_or("")),
                time(s(r, "published").unwrap_or(""))
            ));
        }
        let total = obj
            .pointer("/replies/totalItems")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        if all_replies.is_none() && total > replies.len() as u64 {
            b.push_str(&format!(
                "<a href=\"{}\">Show all {total} replies</a>\n",
                href(s(obj, "url").unwrap_or("#"))
            ));
        }
        b.push_str("</div>\n");
    }
    if ctx.me.is_some() {
        // Closed behind a Reply button on cards; open on the object's own page.
        let open = if all_replies.is_some() { " open" } else { "" };
        b.push_str(&format!(
            "<details class=\"reply-box\"{open}><summary>Reply</summary>{}</details>\n",
            comment_form(ctx, obj)
        ));
    }
    b
}

/// The object part of a card, replaceable as a whole when likes or replies change.
pub fn object_section(ctx: &Ctx, obj: &Value) -> String {
    format!(
        "<div class=\"object-body\" data-object=\"{}\">\n{}</div>\n",
        html(s(obj, "id").unwrap_or("")),
        object_body(ctx, obj, None)
    )
}

/// A major activity: posts and shares, with the object in full.
pub fn major(ctx: &Ctx, act: &Value) -> String {
    major_marked(ctx, act, "")
}

/// A major activity's card with more classes (` unread`).
pub fn major_marked(ctx: &Ctx, act: &Value, class: &str) -> String {
    let actor = act.get("actor").cloned().unwrap_or(Value::Null);
    let mut obj = act.get("object").cloned().unwrap_or(Value::Null);
    // A post's object is shown without its author (api.md): it is the actor.
    if let (Some(m), Some("post")) = (obj.as_object_mut(), s(act, "verb")) {
        m.entry("author").or_insert_with(|| actor.clone());
    }
    if obj.get("deleted").is_some() {
        return String::new();
    }
    let shared = s(act, "verb") == Some("share");
    let author = if shared {
        obj.get("author").cloned().unwrap_or(Value::Null)
    } else {
        actor.clone()
    };
    let mut line = person_link(&author);
    if shared {
        line.push_str(&format!(" shared by {}", person_link(&actor)));
    }
    let when = s(act, "published").unwrap_or("");
    let link = s(&obj, "url").or_else(|| s(act, "url")).unwrap_or("#");
    line.push_str(&format!(
        " at <a href=\"{}\">{}</a>",
        href(link),
        time(when)
    ));
    line.push_str(" · ");
    line.push_str(&super::audience::label(ctx, act));
    if let Some(place) = act.pointer("/location/displayName").and_then(Value::as_str) {
        line.push_str(&format!(" in {}", html(place)));
    }
    if let Some(g) = act
        .pointer("/generator/displayName")
        .and_then(Value::as_str)
    {
        line.push_str(&format!(" via {}", html(g)));
    }
    format!(
        "<article class=\"card major{class}\" data-activity=\"{}\">\n<header><img class=\"avatar\" src=\"{}\" alt=\"\"><div class=\"meta\">{line}</div></header>\n{}</article>\n",
        html(s(act, "id").unwrap_or("")),
        href(&avatar_url(&author)),
        object_section(ctx, &obj)
    )
}

/// A minor activity: one line with its generated content.
pub fn minor(act: &Value) -> String {
    minor_marked(act, "", "", "")
}

/// A minor activity's line with more classes, and HTML before and after its text.
pub fn minor_marked(act: &Value, class: &str, lead: &str, tail: &str) -> String {
    let text = s(act, "content")
        .map(sanitize::html)
        .unwrap_or_else(|| html(s(act, "verb").unwrap_or("")));
    format!(
        "<li class=\"minor{class}\" data-activity=\"{}\">{lead}{text} <a href=\"{}\">{}</a>{tail}</li>\n",
        html(s(act, "id").unwrap_or("")),
        href(s(act, "url").unwrap_or("#")),
        time(s(act, "published").unwrap_or(""))
    )
}

/// The two columns of the home and profile pages: major activities as cards under `heading`,
/// with "More" (to `more_path?before=`) when the page is full, and minor ones as lines.
pub fn columns(
    ctx: &Ctx,
    heading: &str,
    major: &[Value],
    minor: &[Value],
    page: &crate::core::paging::Page,
    more_path: &str,
) -> String {
    let mut c = format!(
        "<div class=\"columns\"><section><h2>{}</h2><div id=\"major-stream\">\n",
        html(heading)
    );
    for a in major {
        c.push_str(&self::major(ctx, a));
    }
    c.push_str("</div>\n");
    c.push_str(&page_links(major, page, more_path));
    c.push_str("</section><aside><h2>Meanwhile...</h2><ul id=\"minor-stream\" class=\"people\">\n");
    for a in minor {
        c.push_str(&self::minor(a));
    }
    c.push_str("</ul></aside></div>\n");
    c
}

/// "Newer" (to `path?since=` the first item) on every page but the newest, and "Older" (to
/// `path?before=` the last item) when the page of `items` is full.
pub fn page_links(items: &[Value], page: &crate::core::paging::Page, path: &str) -> String {
    use crate::core::paging::Mode;
    let link = |class: &str, rel: &str, which: &str, id: &str, label: &str| {
        format!(
            "<a class=\"{class}\" rel=\"{rel}\" href=\"{}?{which}={}\">{label}</a>",
            href(path),
            crate::util::enc::pct(id)
        )
    };
    let mut links = Vec::new();
    let newest = matches!(page.mode, Mode::Offset(0));
    if let (false, Some(first)) = (newest, items.first().and_then(|a| s(a, "id"))) {
        links.push(link("newer", "prev", "since", first, "&larr; Newer"));
    }
    if let (true, Some(last)) = (
        items.len() == page.count,
        items.last().and_then(|a| s(a, "id")),
    ) {
        links.push(link("more", "next", "before", last, "Older &rarr;"));
    }
    match links.is_empty() {
        true => String::new(),
        false => format!(
            "<nav class=\"pages\" aria-label=\"Pages\">{}</nav>\n",
            links.join(" ")
        ),
    }
}

/// A person in a list, with a follow button for logged-in readers.
pub fn person(ctx: &Ctx, p: &Value) -> String {
    let mut out = format!(
        "<li class=\"card person\"><header><img class=\"avatar\" src=\"{}\" alt=\"\"><div>{}<br><span class=\"muted\">{}</span></div></header>",
        href(&avatar_url(p)),
        person_link(p),
        s(p, "preferredUsername")
            .map(|u| format!("@{}", html(u)))
            .unwrap_or_default()
    );
    out.push_str(&follow_button(ctx, p));
    out.push_str("</li>\n");
    out
}

/// Follow / Stop following, for someone other than the reader.
pub fn follow_button(ctx: &Ctx, p: &Value) -> String {
    let Some(me) = ctx.me_id() else {
        return "<a class=\"button follow\" href=\"/main/login\">Follow</a>".into();
    };
    if s(p, "id") == Some(me.as_str()) {
        return String::new();
    }
    if p.pointer("/pump_io/followed") == Some(&Value::Bool(true)) {
        verb_button(ctx, "stop-following", p, "Stop following", "link unfollow")
    } else {
        verb_button(ctx, "follow", p, "Follow", "follow")
    }
}
