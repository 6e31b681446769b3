//! ActivityPub deliveries: `POST` to a user's inbox (told from the pump.io protocol's by its
//! content type or its HTTP Signature) and to the shared inbox `POST /api/inbox`. The
//! signature names the sender; the activity must be its own, with an id on its host.
use crate::app::App;
use crate::error::{Error, Result};
use crate::http::{Req, Resp};
use crate::social::{as2_in, urls};
use crate::store::ap;
use serde_json::json;

/// Is this an ActivityPub delivery rather than the pump.io protocol's?
pub fn is_ap(req: &Req) -> bool {
    let ct = req
        .header("content-type")
        .unwrap_or("")
        .to_ascii_lowercase();
    ct.starts_with("application/activity+json")
        || ct.starts_with("application/ld+json")
        || crate::federation::ap_verify::is_signed(req)
}

/// Receives one delivery, for the user `to` or (None) for whoever it reaches here. A refusal
/// is logged: the sender's operator sees only its status.
pub async fn post(app: &App, req: &Req, to: Option<&str>) -> Result<Resp> {
    let answer = receive(app, req, to).await;
    if let Err(e) = &answer {
        log::info!("activitypub: refused a delivery to {}: {e}", req.path);
    }
    answer
}

async fn receive(app: &App, req: &Req, to: Option<&str>) -> Result<Resp> {
    let sender = crate::principal::remote_actor(app, req).await?;
    if let Some(nick) = to {
        if !app.store.read(|r| crate::social::users::exists(r, nick))? {
            return Err(crate::social::users::no_such_user(nick));
        }
    }
    let body = req.json()?;
    let actor = body
        .get("actor")
        .and_then(as2_in::id_of)
        .unwrap_or_default();
    if actor != sender {
        return Err(Error::Unauthorized(format!(
            "The request is signed by {sender}, not by the activity's actor {actor}"
        )));
    }
    let id = as2_in::id_of(&body).unwrap_or_default();
    if id.is_empty() || urls::host_of(id) != urls::host_of(&sender) {
        return Err(Error::bad(format!(
            "Activity {id} is not on the host of {sender}"
        )));
    }
    let rec = app
        .store
        .read(|r| ap::actor(r, &sender))?
        .ok_or_else(|| Error::internal("the signer's record vanished"))?;
    let incoming = as2_in::activity(&app.cfg, &body, &rec).map_err(Error::bad)?;
    match &incoming {
        as2_in::Incoming::Ignored(why) => {
            log::info!("activitypub: {id} from {sender} ignored: {why}")
        }
        as2_in::Incoming::ActorChanged => {
            crate::federation::ap_actor::fetch(app, &sender)
                .await
                .map_err(|e| Error::bad(format!("Cannot fetch {sender} again: {e}")))?;
        }
        as2_in::Incoming::Activity { as1, .. } => shared_object(app, as1).await,
        _ => {}
    }
    let stored = crate::core::ap_inbox::receive(
        app,
        &sender,
        rec.followers.clone(),
        incoming,
        to.map(String::from),
    )
    .await?;
    Ok(Resp::json_status(
        202,
        &json!({"id": id, "stored": stored.is_some()}),
    ))
}

/// A share of an object we do not have: fetched from its own server first, so that the
/// share shows it (a failure leaves a reference, as before).
async fn shared_object(app: &App, as1: &serde_json::Value) {
    use crate::social::objects;
    if as1.get("verb").and_then(serde_json::Value::as_str) != Some("share") {
        return;
    }
    let Some(oid) = as1.get("object").and_then(objects::id_of) else {
        return;
    };
    let known = app
        .store
        .read(|r| objects::get(r, oid))
        .ok()
        .flatten()
        .is_some();
    if known || objects::is_local_id(&app.cfg, oid) {
        return;
    }
    if let Err(e) = crate::federation::ap_actor::object(app, oid).await {
        log::info!("activitypub: cannot fetch the shared {oid}: {e}");
    }
}
