//! Outgoing ActivityPub deliveries: an activity as its recipient may see it, in AS2, POSTed to
//! the recipient's (or its host's shared) inbox, signed with the local actor's key; and the
//! Accept of a Follow. The queue, retries and per-host bounds are the pump.io protocol's.
use super::client::{self, Failure, Method, Request};
use super::{ap_sign, keys};
use crate::app::App;
use crate::jobs::{Accept, Delivery};
use crate::social::render::{self, Viewer, PLAIN};
use crate::social::{actor, as2_out, objects, urls};
use serde_json::{json, Value};

pub const CONTENT_TYPE: &str = "application/activity+json";

/// POSTs `doc` to `inbox`, signed by the local user `nick`.
pub async fn post(app: &App, nick: &str, inbox: &str, doc: &Value) -> Result<(), Failure> {
    let key = keys::ensure(app, nick)
        .await
        .map_err(|e| Failure::Network(e.to_string()))?;
    let key_id = actor::key_id(&actor::id(&app.cfg, nick));
    let body = serde_json::to_vec(doc).map_err(|e| Failure::Refused(e.to_string()))?;
    log::debug!("activitypub: POST {inbox} {doc}");
    let sign = ap_sign::signer(&key, &key_id, &body);
    let req = Request {
        method: Method::Post,
        url: inbox.to_string(),
        headers: vec![
            ("content-type", CONTENT_TYPE.into()),
            ("accept", super::ap_actor::ACCEPT.into()),
        ],
        body: body.clone(),
        sign: Some(&sign),
    };
    let resp = client::send(&app.cfg.federation, req).await?;
    if resp.ok() {
        Ok(())
    } else {
        Err(resp.failure(inbox))
    }
}

/// Delivers `d` to `inbox`.
pub async fn activity(app: &App, d: &Delivery, inbox: &str) -> Result<(), Failure> {
    let (doc, actor) = app
        .store
        .read(|r| {
            let Some(a) = crate::social::activity::get(r, &d.activity)? else {
                return Ok(None);
            };
            let actor = a
                .get("actor")
                .and_then(objects::id_of)
                .unwrap_or_default()
                .to_string();
            let doc = render::activity(r, Viewer { id: Some(&d.to) }, &a, PLAIN)?;
            Ok(Some((doc, actor)))
        })
        .map_err(|e: crate::error::Error| Failure::Network(e.to_string()))?
        .ok_or_else(|| Failure::Refused(format!("activity {} is gone", d.activity)))?;
    let nick = urls::nick_of_person_id(&app.cfg, &actor)
        .ok_or_else(|| Failure::Refused(format!("{actor} is not ours to speak for")))?;
    let mut out = as2_out::activity(&app.cfg, &doc);
    // A profile update carries the whole actor, as ActivityPub servers refresh it from that.
    let me = actor::id(&app.cfg, &nick);
    if out.get("type") == Some(&json!("Update")) && out.get("object") == Some(&json!(me)) {
        out["object"] = keys::actor_document(app, &nick)
            .await
            .map_err(|e| Failure::Network(e.to_string()))?;
    }
    post(app, &nick, inbox, &out).await
}

/// Sends the Accept of a Follow.
pub async fn accept(app: &App, a: &Accept) -> Result<(), Failure> {
    let me = actor::id(&app.cfg, &a.nick);
    let rec = super::ap_actor::known(app, &a.to).await?;
    let tag = crate::util::rand::token(12);
    let doc = json!({
        "@context": actor::CONTEXT,
        "id": format!("{me}#accepts/{tag}"),
        "type": "Accept",
        "actor": me,
        "object": {"id": a.follow, "type": "Follow", "actor": a.to, "object": me},
        "to": [a.to],
    });
    post(app, &a.nick, &rec.inbox, &doc).await
}
