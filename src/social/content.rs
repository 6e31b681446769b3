//! The generated `content` of an activity (activities.md §3.2.1).
use crate::util::enc::html;
use serde_json::Value;

fn past(verb: &str) -> String {
    let irregular = [
        ("at", "was at"),
        ("build", "built"),
        ("checkin", "checked into"),
        ("find", "found"),
        ("give", "gave"),
        ("leave", "left"),
        ("lose", "lost"),
        ("make-friend", "made a friend of"),
        ("play", "played"),
        ("read", "read"),
        ("rsvp-maybe", "may attend"),
        ("rsvp-no", "will not attend"),
        ("rsvp-yes", "will attend"),
        ("sell", "sold"),
        ("send", "sent"),
        ("stop-following", "stopped following"),
        ("submit", "submitted"),
        ("tag", "tagged"),
        ("win", "won"),
        ("remove-friend", "removed as a friend"),
    ];
    if let Some((_, p)) = irregular.iter().find(|(v, _)| *v == verb) {
        return p.to_string();
    }
    if let Some(stem) = verb.strip_suffix('y') {
        format!("{stem}ied")
    } else if verb.ends_with('e') {
        format!("{verb}d")
    } else {
        format!("{verb}ed")
    }
}

/// `displayName`, or "a/an <type>", linked to the object's `url` when it has one.
fn name(obj: &Value) -> String {
    let label = match obj
        .get("displayName")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        Some(d) => html(d),
        None => match obj.get("objectType").and_then(Value::as_str) {
            Some(t) if t.starts_with(['a', 'e', 'i', 'o', 'u']) => format!("an {}", html(t)),
            Some(t) => format!("a {}", html(t)),
            None => "an object".into(),
        },
    };
    match obj.get("url").and_then(Value::as_str) {
        Some(u) => format!("<a href='{}'>{label}</a>", html(u)),
        None => label,
    }
}

/// `<actor> <past verb> <object>[ in reply to <inReplyTo>][ to <target>]`, from full objects.
pub fn generate(actor: &Value, verb: &str, object: &Value, target: Option<&Value>) -> String {
    let mut s = format!("{} {} {}", name(actor), past(verb), name(object));
    if let Some(parent) = object.get("inReplyTo") {
        s.push_str(&format!(" in reply to {}", name(parent)));
    }
    if let (Some(t), true) = (target, object.get("target").is_some()) {
        s.push_str(&format!(" to {}", name(t)));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sentences() {
        let alice =
            json!({"objectType": "person", "displayName": "alice", "url": "http://h/alice"});
        let note = json!({"objectType": "note", "url": "http://h/alice/note/x"});
        assert_eq!(
            generate(&alice, "post", &note, None),
            "<a href='http://h/alice'>alice</a> posted <a href='http://h/alice/note/x'>a note</a>"
        );
        let img = json!({"objectType": "image", "displayName": "<script>"});
        assert_eq!(
            generate(&alice, "favorite", &img, None),
            "<a href='http://h/alice'>alice</a> favorited &lt;script&gt;"
        );
        assert_eq!(past("stop-following"), "stopped following");
        assert_eq!(past("unfollow"), "unfollowed");
        assert_eq!(past("deny"), "denied");
        assert_eq!(past("share"), "shared");
    }
}
