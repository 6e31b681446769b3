//! An activity feed written straight as JSON bytes, from activities kept rendered
//! (`app/renders.rs`): what `feeds::activities` answers, serialized, with the reader's own
//! decorations spliced in. Activities that cannot be kept for this reader are rendered as before.
use super::feeds::{self, Activities, FeedQuery};
use crate::app::App;
use crate::error::Result;
use crate::social::prerender::Prerendered;
use crate::social::render::{self, Viewer, DECORATED, FULL};
use crate::social::{activity, proxies};
use crate::store::{Read, R};
use std::rc::Rc;

/// The feed as `feeds::activities` gives it after `proxies::decorate` for a user, as bytes.
/// `generation` was read before `r` was taken.
pub fn activities(
    app: &App,
    generation: u64,
    r: &R,
    q: FeedQuery,
    how: Activities,
) -> Result<Vec<u8>> {
    let proxied = q.viewer.id.is_some();
    write(app, generation, r, q, how, proxied)
}

/// The feed exactly as `feeds::activities` gives it, for the web UI's pages.
pub fn document(
    app: &App,
    generation: u64,
    r: &R,
    q: FeedQuery,
    how: Activities,
) -> Result<serde_json::Value> {
    // Parsing a page back costs a fraction of rendering its activities again.
    Ok(serde_json::from_slice(&write(
        app, generation, r, q, how, false,
    )?)?)
}

/// The feed's bytes; `proxied`: with the proxy URLs a user's API client gets.
fn write(
    app: &App,
    generation: u64,
    r: &R,
    q: FeedQuery,
    how: Activities,
    proxied: bool,
) -> Result<Vec<u8>> {
    let FeedQuery {
        stream,
        viewer,
        page,
        url,
        title,
        author,
    } = q;
    let Activities { major, filter } = how;
    // Only what is kept already: a walk past many hidden entries must not render them.
    let known_public = |id: &str| {
        let kept = app
            .renders
            .borrow_mut()
            .get(&app.store, id, major, generation);
        kept.is_some_and(|p| p.public)
    };
    let walked = feeds::walk_activities(r, stream, page, viewer, filter, known_public)?;
    let total = r.stream_count(stream)?;
    let mut shell = feeds::shell(url, title, page, &walked, total, author);
    if proxied {
        proxies::decorate(&app.cfg, &mut shell);
    }
    let shell = serde_json::to_vec(&shell)?;
    // Nothing before `items` holds that text but the member itself (strings escape quotes).
    let marker = b"\"items\":null";
    let at = crate::util::find(&shell, marker)
        .ok_or_else(|| crate::error::Error::internal("a feed without items"))?;
    let mut out = Vec::with_capacity(shell.len() + walked.items.len() * 2048);
    out.extend_from_slice(&shell[..at]);
    out.extend_from_slice(b"\"items\":[");
    let mut first = true;
    for id in &walked.items {
        let start = out.len();
        if !first {
            out.push(b',');
        }
        let kept = kept(app, generation, r, id, major);
        if item(app, r, viewer, id, (major, proxied), kept, &mut out)? {
            first = false;
        } else {
            out.truncate(start);
        }
    }
    out.push(b']');
    out.extend_from_slice(&shell[at + marker.len()..]);
    Ok(out)
}

/// Writes one activity for `viewer` (`major`: in full; `proxied`: with proxy URLs); false
/// when it is gone.
fn item(
    app: &App,
    r: &R,
    viewer: Viewer,
    id: &str,
    (major, proxied): (bool, bool),
    kept: Option<Rc<Prerendered>>,
    out: &mut Vec<u8>,
) -> Result<bool> {
    if let Some(p) = kept.filter(|p| p.fits(viewer.id)) {
        p.write(r, viewer.id, proxied, out)?;
        return Ok(true);
    }
    let Some(a) = activity::get(r, id)? else {
        return Ok(false);
    };
    let mut doc = render::activity(r, viewer, &a, if major { FULL } else { DECORATED })?;
    if proxied {
        proxies::decorate(&app.cfg, &mut doc);
    }
    serde_json::to_writer(&mut *out, &doc)?;
    Ok(true)
}

/// The kept rendering of activity `id`, rendered and kept now when there is none; None when
/// the cache is off.
fn kept(app: &App, generation: u64, r: &R, id: &str, major: bool) -> Option<Rc<Prerendered>> {
    if !app.renders.borrow().enabled() {
        return None;
    }
    if let Some(p) = app
        .renders
        .borrow_mut()
        .get(&app.store, id, major, generation)
    {
        return Some(p);
    }
    let detail = if major { FULL } else { DECORATED };
    let (p, reads) = Prerendered::build(r, &app.cfg, id, detail);
    let p = Rc::new(p);
    app.renders
        .borrow_mut()
        .put(id, major, generation, reads.deps, p.clone());
    Some(p)
}
