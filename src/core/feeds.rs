//! Feeds (api.md §4): a page of a stream, walked past what the reader may not see and rendered
//! for them, with the links to go on. The API answers them as JSON; the web UI draws them.
use super::paging::{link, Mode, Page};
use super::walk::{walk, Walked};
use crate::error::Result;
use crate::social::render::{self, Viewer, DECORATED, FULL, PLAIN};
use crate::social::{addressing, objects, relations};
use crate::store::Read;
use serde_json::{json, Map, Value};

/// Which feed, for whom, and how it is labelled.
pub struct FeedQuery<'a> {
    pub stream: &'a str,
    pub viewer: Viewer<'a>,
    pub page: &'a Page,
    /// The feed's own URL ("" for a web page's feed, which links nowhere).
    pub url: &'a str,
    pub title: String,
    pub author: Option<Value>,
}

impl<'a> FeedQuery<'a> {
    /// An unlabelled feed, as the web UI draws it.
    pub fn new(stream: &'a str, viewer: Viewer<'a>, page: &'a Page) -> FeedQuery<'a> {
        FeedQuery {
            stream,
            viewer,
            page,
            url: "",
            title: String::new(),
            author: None,
        }
    }

    pub fn at(self, url: &'a str, title: String) -> FeedQuery<'a> {
        FeedQuery { url, title, ..self }
    }

    pub fn by(self, author: Option<Value>) -> FeedQuery<'a> {
        FeedQuery { author, ..self }
    }
}

/// How an activity feed is shown: major feeds render objects in full; `filter` hides what the
/// reader may not see (off for the owner of the stream, who sees all of it).
pub struct Activities {
    pub major: bool,
    pub filter: bool,
}

/// A feed of persons: `search` keeps those whose name contains it, `offset_given` says the
/// query named an offset (the links differ), `with_followed` marks whom the reader follows.
#[derive(Default)]
pub struct Persons {
    pub search: Option<String>,
    pub offset_given: bool,
    pub with_followed: bool,
}

impl Persons {
    /// The search and offset a request's query gives.
    pub fn from_query(q: &[(String, String)], with_followed: bool) -> Persons {
        let get = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        Persons {
            search: get("q").map(str::to_lowercase).filter(|s| !s.is_empty()),
            offset_given: get("offset").is_some(),
            with_followed,
        }
    }
}

/// An activity feed (api.md §4.1).
pub fn activities(r: &impl Read, q: FeedQuery, how: Activities) -> Result<Value> {
    let FeedQuery {
        stream,
        viewer,
        page,
        url,
        title,
        author,
    } = q;
    let Activities { major, filter } = how;
    let walked = walk_activities(r, stream, page, viewer, filter, |_| false)?;
    let total = r.stream_count(stream)?;
    let detail = if major { FULL } else { DECORATED };
    let mut items = Vec::new();
    for id in &walked.items {
        if let Some(a) = crate::social::activity::get(r, id)? {
            items.push(render::activity(r, viewer, &a, detail)?);
        }
    }
    let mut feed = shell(url, title, page, &walked, total, author);
    feed["items"] = Value::Array(items);
    Ok(feed)
}

/// A page of an activity stream: every entry when not `filter`ed (the owner's), else those
/// `viewer` may see; `known_public` tells of some that everyone may, without reading them.
pub fn walk_activities(
    r: &impl Read,
    stream: &str,
    page: &Page,
    viewer: Viewer,
    filter: bool,
    known_public: impl Fn(&str) -> bool,
) -> Result<Walked> {
    walk(r, stream, page, |id| {
        if !filter || known_public(id) {
            return Ok(true);
        }
        match crate::social::activity::get(r, id)? {
            Some(a) => addressing::may_see(r, &a, viewer.id),
            None => Ok(false),
        }
    })
}

/// An activity feed without its items (`items` is null): title, links, count and author.
pub fn shell(
    url: &str,
    title: String,
    page: &Page,
    walked: &Walked,
    total: u64,
    author: Option<Value>,
) -> Value {
    let last = walked
        .cut_at
        .as_deref()
        .or(walked.items.last().map(String::as_str));
    let mut links = page.links(
        url,
        walked.items.first().map(String::as_str),
        last,
        walked.items.len(),
        total,
    );
    if walked.cut_at.is_some() {
        links.insert("next".into(), link(url, "before", last.unwrap_or_default()));
    }
    let mut feed = json!({
        "displayName": title,
        "objectTypes": ["activity"],
        "url": url,
        "links": links,
        "items": null,
        "totalItems": total,
    });
    if let Some(a) = author {
        feed["author"] = a;
    }
    feed
}

/// A feed of persons: followers, following, likers, group members (api.md §4.2).
pub fn persons(r: &impl Read, q: FeedQuery, how: Persons) -> Result<Value> {
    let FeedQuery {
        stream,
        viewer,
        page,
        url,
        title,
        author,
    } = q;
    let Persons {
        search,
        offset_given,
        with_followed,
    } = how;
    let walked = walk(r, stream, page, |id| {
        let Some(q) = &search else { return Ok(true) };
        let p = render::expand(r, viewer, &json!({"id": id}))?;
        Ok(p.get("displayName")
            .and_then(Value::as_str)
            .is_some_and(|d| d.to_lowercase().contains(q.as_str())))
    })?;
    let total = r.stream_count(stream)?;
    let mut items = Vec::new();
    for id in &walked.items {
        let mut p = render::expand(r, viewer, &json!({"id": id, "objectType": "person"}))?;
        if let (true, Some(me), Some(m)) = (with_followed, viewer.id, p.as_object_mut()) {
            let follows = relations::exists(r, relations::FOLLOW, me, id)?;
            let mut pio = m
                .get("pump_io")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            pio.insert("followed".into(), json!(follows));
            m.insert("pump_io".into(), Value::Object(pio));
        }
        items.push(p);
    }
    let links = person_links(
        url,
        page,
        offset_given,
        walked.items.first().map(String::as_str),
        walked.items.last().map(String::as_str),
        walked.items.len(),
        total,
    );
    let mut feed = json!({"displayName": title, "url": url, "objectTypes": ["person"], "items": null, "totalItems": total, "links": links});
    feed["items"] = Value::Array(items);
    if let Some(a) = author {
        feed["author"] = a;
    }
    Ok(feed)
}

/// A feed of objects (api.md §4.3), hiding from others what they may not see.
/// `owner` sees the whole stream; others what they may see. `full` renders objects in full.
pub fn objects(
    r: &impl Read,
    q: FeedQuery,
    owner: Option<&str>,
    full: bool,
) -> Result<(Value, Vec<String>)> {
    let FeedQuery {
        stream,
        viewer,
        page,
        url,
        title,
        ..
    } = q;
    let walked = walk(r, stream, page, |id| {
        if owner.is_some() && owner == viewer.id {
            return Ok(true);
        }
        match objects::get(r, id)? {
            Some(o) => addressing::may_show(r, &o, viewer.id),
            None => Ok(false),
        }
    })?;
    let total = r.stream_count(stream)?;
    let mut items = Vec::new();
    for id in &walked.items {
        let shown = match objects::get(r, id)? {
            Some(o) => render::object(r, viewer, &o, if full { FULL } else { PLAIN })?,
            None => render::expand(r, viewer, &json!({"id": id}))?,
        };
        items.push(shown);
    }
    let mut feed = json!({"displayName": title, "url": url, "items": null, "totalItems": total,
        "links": {"first": {"href": url}, "self": {"href": url}}});
    feed["items"] = Value::Array(items);
    Ok((feed, walked.items))
}

/// Links of person feeds (api.md §3.3): `self` with offset and count, `current`, prev/next.
fn person_links(
    url: &str,
    page: &Page,
    offset_given: bool,
    first: Option<&str>,
    last: Option<&str>,
    len: usize,
    total: u64,
) -> Map<String, Value> {
    let mut l = Map::new();
    let offset = match &page.mode {
        Mode::Offset(o) => o.to_string(),
        _ => String::new(),
    };
    l.insert(
        "self".into(),
        json!({"href": format!("{url}?offset={offset}&count={}", page.count)}),
    );
    l.insert("current".into(), json!({"href": url}));
    if let (Some(f), Some(z)) = (first, last) {
        l.insert("prev".into(), link(url, "since", f));
        let o = match &page.mode {
            Mode::Offset(o) => *o as u64,
            _ => 0,
        };
        if total > len as u64 && (!offset_given || total > o + len as u64) {
            l.insert("next".into(), link(url, "before", z));
        }
    }
    l
}
