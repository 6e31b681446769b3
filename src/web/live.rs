//! Live updates (issue 6): `GET /main/events`, a server-sent event stream for the logged-in
//! home page. The stream sleeps until a live-update job wakes it (a commit reached the
//! reader's inbox or ended one of their sessions, `jobs::Job::Live`), or until its heartbeat.
//! Then new activities in the reader's inbox are sent as ready-made cards (rendered for that
//! reader, so visibility is the page's), with the navbar counts. Bounded: one stream per
//! session (a newer one ends the older), `maxLiveStreams` in all, a heartbeat, and each stream
//! ends after an hour (browsers reconnect by themselves) or when the server shuts down.
use super::cards;
use super::layout::Ctx;
use crate::app::live_streams::{Registry, Ticket};
use crate::app::App;
use crate::error::{Error, Result};
use crate::http::{Req, Resp};
use crate::social::render::{self, Viewer, FULL};
use crate::social::{objects, sessions, urls};
use crate::store::Read;
use serde_json::{json, Value};
use std::rc::Rc;
use std::time::{Duration, Instant};

const HEARTBEAT: Duration = Duration::from_secs(20);
const LIFETIME: Duration = Duration::from_secs(3600);

struct State {
    app: Rc<App>,
    ticket: Ticket,
    me: String,
    /// The session the stream belongs to: it ends with it (logout, password change, deletion).
    sid: String,
    csrf: String,
    /// Newest inbox entries already known, per stream.
    /// (The notifications stream, the third, changes cards on the page and adds none.)
    seen: [Option<String>; 3],
    counts: (u64, u64),
    started: Instant,
    last_sent: Instant,
    queue: Vec<String>,
}

fn event(name: &str, data: &Value) -> String {
    format!("event: {name}\ndata: {data}\n\n")
}

impl State {
    fn ctx<'a>(&'a self, req: &'a Req) -> Ctx<'a> {
        Ctx::with(&self.app, req, Some(self.me.clone()), self.csrf.clone())
    }

    /// Whether the session that opened the stream is still open.
    fn alive(&self) -> bool {
        self.app
            .store
            .read(|r| sessions::is_open(r, &self.me, &self.sid))
            .unwrap_or(false)
    }

    /// Everything new since the last look, as events.
    fn news(&mut self) -> Result<Vec<String>> {
        let req = Req::synthetic();
        let me_id = urls::person_id(&self.app.cfg, &self.me);
        let viewer = Viewer { id: Some(&me_id) };
        let mut out = Vec::new();
        let streams = ["inbox:major", "inbox:minor", urls::NOTIFICATIONS];
        let store = self.app.store.clone();
        let (found, counts) = store.read(|r| {
            let mut found = Vec::new();
            for (i, name) in streams.iter().enumerate() {
                let newest = r.stream_newest(&urls::stream(&self.me, name), None, 0, 20)?;
                let fresh: Vec<String> = match &self.seen[i] {
                    Some(s) => newest.iter().take_while(|id| *id != s).cloned().collect(),
                    None => Vec::new(),
                };
                if let Some(first) = newest.first() {
                    self.seen[i] = Some(first.clone());
                }
                for id in fresh.into_iter().rev() {
                    if let Some(a) = crate::social::activity::get(r, &id)? {
                        let shown = render::activity(r, viewer, &a, FULL)?;
                        // What the activity changed on a card already on the page.
                        let target = match a.get("verb").and_then(Value::as_str) {
                            Some("favorite" | "unfavorite" | "share" | "unshare") => {
                                a.get("object").cloned()
                            }
                            Some("post") => objects::stored_for(r, a.get("object"))?
                                .and_then(|o| o.get("inReplyTo").cloned()),
                            _ => None,
                        };
                        let target = match target.as_ref().and_then(objects::id_of) {
                            Some(tid) => match objects::get(r, tid)? {
                                Some(o) => Some(render::object(r, viewer, &o, FULL)?),
                                None => None,
                            },
                            None => None,
                        };
                        found.push((i, shown, target));
                    }
                }
            }
            Ok((found, super::layout::direct_counts(r, &self.me)?))
        })?;
        let ctx = self.ctx(&req);
        for (i, act, target) in found {
            if i == 2 {
                // A like or share of the reader's post, or a reply to it: its card changes.
                if let Some(t) = target {
                    let d = json!({"stream": "none", "replaces": t.get("id"),
                        "object_html": cards::object_section(&ctx, &t)});
                    out.push(event("activity", &d));
                }
                continue;
            }
            let html = if i == 0 {
                cards::major(&ctx, &act)
            } else {
                cards::minor(&act)
            };
            let mut d = json!({"stream": if i == 0 { "major" } else { "minor" }, "id": act.get("id"), "html": html});
            if let Some(t) = target {
                d["replaces"] = t.get("id").cloned().unwrap_or(Value::Null);
                d["object_html"] = json!(cards::object_section(&ctx, &t));
            }
            out.push(event("activity", &d));
        }
        if counts != self.counts {
            self.counts = counts;
            out.push(event(
                "counts",
                &json!({"messages": super::notifications::badge(counts.0),
                        "notifications": super::notifications::badge(counts.1)}),
            ));
        }
        Ok(out)
    }
}

/// `GET /main/events`.
pub fn open(ctx: &Ctx, me: &str) -> Result<Resp> {
    let app = ctx
        .app
        .this
        .borrow()
        .upgrade()
        .ok_or_else(|| Error::internal("app is gone"))?;
    let reg = app.live.clone();
    // One stream per session, keyed by the session (not by the Cookie header, which a client
    // can vary at will to take every place).
    let Some((_, sid)) = crate::principal::session(ctx.app, ctx.req) else {
        return Err(Error::Unauthorized("Not logged in.".into()));
    };
    let Some(ticket) = Registry::admit(&reg, sid.clone(), me, app.cfg.max_live_streams) else {
        return Err(Error::Busy("Too many live streams; try again later".into()));
    };
    let mut state = State {
        app: app.clone(),
        ticket,
        me: me.to_string(),
        sid,
        csrf: ctx.csrf.clone(),
        seen: [None, None, None],
        counts: (0, 0),
        started: Instant::now(),
        last_sent: Instant::now(),
        queue: vec!["retry: 3000\n\n".into()],
    };
    // Note where the inbox is now: only what comes after is news.
    let _ = state.news();
    let stream = smol::stream::unfold(state, |mut s| async move {
        loop {
            if let Some(next) = s.queue.pop() {
                s.last_sent = Instant::now();
                return Some((bytes::Bytes::from(next), s));
            }
            if s.ticket.superseded() || s.started.elapsed() > LIFETIME {
                return None;
            }
            // Asleep until woken, or until the heartbeat or the end of the stream's life is due.
            let idle = HEARTBEAT.saturating_sub(s.last_sent.elapsed());
            let left = LIFETIME.saturating_sub(s.started.elapsed());
            let timer = async {
                smol::Timer::after(idle.min(left)).await;
            };
            smol::future::or(s.ticket.woken(), timer).await;
            if s.ticket.superseded() || !s.alive() {
                return None;
            }
            // Also at a heartbeat: what a missed wake-up (a full queue) held back comes now.
            match s.news() {
                Ok(mut events) => {
                    events.reverse();
                    s.queue = events;
                }
                Err(e) => log::warn!("live stream: {e}"),
            }
            if s.queue.is_empty() && s.last_sent.elapsed() >= HEARTBEAT {
                s.queue.push(": heartbeat\n\n".into());
            }
        }
    });
    Ok(
        Resp::stream("text/event-stream; charset=utf-8", Box::pin(stream))
            .with("cache-control", "no-cache")
            .with("x-accel-buffering", "no"),
    )
}
