//! `GET /api/health`: for monitoring (issue 7). 200 with a small JSON body when the store can
//! be read; the error path (500/503) otherwise. No authentication, and nothing private in it.
use crate::app::App;
use crate::error::Result;
use crate::http::Resp;
use serde_json::json;

pub fn get(app: &App) -> Result<Resp> {
    app.store.read(crate::store::meta::schema_recorded)?;
    let uptime = crate::util::time::now_secs() - app.started;
    Ok(Resp::json(&json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "uptimeSeconds": uptime,
        "liveStreams": app.live.borrow().open(),
    }))
    .with("cache-control", "no-store"))
}
