//! Outgoing delivery (federation.md §6.1): one job per remote recipient, queued in the
//! transaction that stored the activity. The job finds the recipient's inbox, renders the
//! activity as that recipient may see it (no bto/bcc, nothing private), and POSTs it signed
//! two-legged as the actor's identity. Network failures, timeouts and 5xx are retried with
//! back-off for `federationRetryPeriod`; any other refusal is final.
use super::client::{Failure, Method, Request};
use super::credentials::{identity_for, signed};
use super::discover;
use crate::app::App;
use crate::error::{Error, Result};
use crate::jobs::Delivery;
use crate::social::objects::{self, id_of};
use crate::social::render::{self, Viewer, PLAIN};
use crate::social::urls;

/// How a delivery ended.
enum Outcome {
    Done,
    /// Worth trying again later; the host may be down.
    Retry(String),
    /// Refused for good.
    Final(String),
}

/// The recipient's inbox: the stored copy's `activity-inbox` link when it is on the
/// recipient's own host (anyone may have sent us a copy with links), else WebFinger's.
async fn inbox(app: &App, to: &str) -> std::result::Result<String, Failure> {
    let stored = app.store.read(|r| objects::get(r, to)).ok().flatten();
    let known = stored
        .as_deref()
        .and_then(|o| objects::own_inbox(o).map(String::from));
    if let Some(i) = known {
        return Ok(i);
    }
    let links = discover::webfinger(app, to).await?;
    discover::href(&links, "activity-inbox")
        .filter(|i| urls::host_of(i) == urls::host_of(to))
        .map(String::from)
        .ok_or_else(|| Failure::Refused(format!("{to} has no activity-inbox on its host")))
}

/// The activity as the recipient sees it, and its actor's id; None when it is gone.
fn body(app: &App, d: &Delivery) -> Result<Option<(Vec<u8>, String)>> {
    app.store.read(|r| {
        let Some(a) = crate::social::activity::get(r, &d.activity)? else {
            return Ok(None);
        };
        let actor = a
            .get("actor")
            .and_then(id_of)
            .unwrap_or_default()
            .to_string();
        let doc = render::activity(r, Viewer { id: Some(&d.to) }, &a, PLAIN)?;
        Ok(Some((serde_json::to_vec(&doc)?, actor)))
    })
}

/// Delivers `d`: Ok, or the error the worker records (a network error is retried).
pub async fn run(app: &App, d: &Delivery) -> Result<()> {
    as_error(attempt(app, d).await)
}

async fn attempt(app: &App, d: &Delivery) -> Outcome {
    if let Some(inbox) = &d.inbox {
        return match super::ap_deliver::activity(app, d, inbox).await {
            Ok(()) => Outcome::Done,
            Err(f) => failure(f),
        };
    }
    let (payload, actor) = match body(app, d) {
        Ok(Some(b)) => b,
        Ok(None) => return Outcome::Final(format!("activity {} is gone", d.activity)),
        Err(e) => return Outcome::Retry(e.to_string()),
    };
    let url = match inbox(app, &d.to).await {
        Ok(u) => u,
        Err(f) => return failure(f),
    };
    let who = identity_for(app, Some(&actor));
    let make = || Request {
        method: Method::Post,
        url: url.clone(),
        headers: vec![("content-type", "application/json".into())],
        body: payload.clone(),
        sign: None,
    };
    match signed(app, &who, &make).await {
        Ok(r) if r.ok() => Outcome::Done,
        Ok(r) => failure(r.failure(&url)),
        Err(f) => failure(f),
    }
}

fn failure(f: Failure) -> Outcome {
    match f {
        Failure::Network(m) => Outcome::Retry(m),
        Failure::Refused(m) | Failure::TooLarge(m) => Outcome::Final(m),
    }
}

/// The error the worker records for an outcome.
fn as_error(o: Outcome) -> Result<()> {
    match o {
        Outcome::Done => Ok(()),
        Outcome::Retry(m) => Err(Error::Internal(m)),
        Outcome::Final(m) => Err(Error::BadRequest(m)),
    }
}
