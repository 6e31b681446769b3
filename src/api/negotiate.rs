//! AS1 or AS2 for JSON reads, chosen from `Accept` (api.md §1.4).
use crate::error::Result;
use crate::http::response::JSON;
use crate::http::{Req, Resp};
use crate::social::as2;
use serde_json::Value;

pub const AS2: &str = "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"";

/// One `Accept` range: type, subtype, the profile parameter and its quality.
fn ranges(accept: &str) -> Vec<(String, String, Option<String>, f32)> {
    accept
        .split(',')
        .filter_map(|part| {
            let mut params = part.split(';');
            let (t, s) = params
                .next()?
                .trim()
                .to_ascii_lowercase()
                .split_once('/')
                .map(|(a, b)| (a.to_string(), b.to_string()))?;
            let mut q = 1.0;
            let mut profile = None;
            for p in params {
                let (k, v) = p.split_once('=')?;
                match k.trim().to_ascii_lowercase().as_str() {
                    "q" => q = v.trim().parse().unwrap_or(0.0),
                    "profile" => profile = Some(v.trim().trim_matches('"').to_string()),
                    _ => {}
                }
            }
            Some((t, s, profile, q))
        })
        .collect()
}

/// True when the reader gets AS2: the best match is one of the AS2 types, or nothing matches.
pub fn wants_as2(req: &Req) -> bool {
    let Some(accept) = req.header("accept").filter(|a| !a.trim().is_empty()) else {
        return false;
    };
    let offered: [(&str, &str, Option<&str>); 3] = [
        ("application", "stream+json", None),
        (
            "application",
            "ld+json",
            Some("https://www.w3.org/ns/activitystreams"),
        ),
        ("application", "activity+json", None),
    ];
    let ranges = ranges(accept);
    let mut best: Option<(usize, f32)> = None;
    for (i, (t, s, profile)) in offered.iter().enumerate() {
        // The most specific matching range gives the quality.
        let mut q: Option<(u8, f32)> = None;
        for (rt, rs, rp, rq) in &ranges {
            let spec = if rt == "*" && rs == "*" {
                0
            } else if rt == t && rs == "*" {
                1
            } else if rt == t && rs == s && (rp.is_none() || rp.as_deref() == *profile) {
                if rp.is_some() {
                    3
                } else {
                    2
                }
            } else {
                continue;
            };
            if q.is_none_or(|(sp, _)| spec > sp) {
                q = Some((spec, *rq));
            }
        }
        if let Some((_, q)) = q.filter(|(_, q)| *q > 0.0) {
            if best.is_none_or(|(_, bq)| q > bq) {
                best = Some((i, q));
            }
        }
    }
    !matches!(best, Some((0, _)))
}

/// A JSON read in the negotiated format.
pub fn respond(req: &Req, body: Value) -> Result<Resp> {
    if wants_as2(req) {
        Ok(Resp::new(
            200,
            AS2,
            serde_json::to_vec(&as2::convert(&body))?,
        ))
    } else {
        // `to_vec` writes bytes straight; `to_string` (Display) goes through `fmt::Write`.
        Ok(Resp::new(200, JSON, serde_json::to_vec(&body)?))
    }
}

/// A JSON read through the response cache: `compute` runs only when no answer computed at the
/// current store generation is kept for this reader, format and URL.
pub fn cached(
    app: &crate::app::App,
    req: &Req,
    viewer: Option<&str>,
    compute: impl FnOnce() -> Result<Value>,
) -> Result<Resp> {
    kept(app, req, viewer, |_| {
        let mut body = compute()?;
        if viewer.is_some() {
            crate::social::proxies::decorate(&app.cfg, &mut body);
        }
        respond(req, body)
    })
}

/// The same for an AS1 answer that `compute` writes as bytes, decorated for the reader as
/// `cached` would; it gets the generation read before any snapshot it takes.
pub fn cached_json(
    app: &crate::app::App,
    req: &Req,
    viewer: Option<&str>,
    compute: impl FnOnce(u64) -> Result<Vec<u8>>,
) -> Result<Resp> {
    kept(app, req, viewer, |generation| {
        Ok(Resp::new(200, JSON, compute(generation)?))
    })
}

fn kept(
    app: &crate::app::App,
    req: &Req,
    viewer: Option<&str>,
    compute: impl FnOnce(u64) -> Result<Resp>,
) -> Result<Resp> {
    let as2 = wants_as2(req);
    let key = format!(
        "{}\n{}\n{}?{}",
        viewer.unwrap_or(""),
        as2 as u8,
        req.path,
        req.query
    );
    // Read before the snapshot is taken: an answer is filed under the generation it is at least as new as.
    let generation = app.store.generation();
    if let Some((content_type, body)) = app.responses.borrow_mut().get(&key, generation) {
        return Ok(Resp::new(200, &content_type, body));
    }
    let resp = compute(generation)?;
    let content_type = if as2 { AS2 } else { JSON };
    app.responses
        .borrow_mut()
        .put(key, generation, content_type, resp.body.clone());
    Ok(resp)
}
