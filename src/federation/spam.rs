//! The spam service (federation.md §12): each activity a local user posts is shown to
//! `<spamhost>/is-this-spam` first, signed two-legged with `spamclientid`/`spamclientsecret`.
//! A 2xx JSON verdict `{"isSpam": true}` refuses the post; any failure of the service lets it
//! through (and is logged).
use super::client::{self, Method, Request};
use crate::app::App;
use crate::config::SpamConfig;
use serde_json::Value;

/// Whether the service calls `activity` spam.
pub async fn is_spam(app: &App, spam: &SpamConfig, activity: &Value) -> bool {
    let url = format!("{}/is-this-spam", spam.host);
    let sign = super::sign::signer((&spam.client_id, &spam.client_secret), None, &[]);
    let req = Request {
        method: Method::Post,
        url: url.clone(),
        headers: vec![("content-type", "application/json".into())],
        body: serde_json::to_vec(activity).unwrap_or_default(),
        sign: Some(&sign),
    };
    match client::send(&app.cfg.federation, req).await {
        Ok(r) if r.ok() && r.media_type().contains("json") => {
            let verdict: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
            verdict.get("isSpam") == Some(&Value::Bool(true))
        }
        Ok(r) => {
            log::warn!(
                "spam check: {url} answered {}; the post goes through",
                r.status
            );
            false
        }
        Err(e) => {
            log::warn!("spam check: {e}; the post goes through");
            false
        }
    }
}
