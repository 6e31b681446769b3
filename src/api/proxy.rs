//! `GET /api/proxy/<id>` (api.md §16): a remote feed or picture read through this server,
//! for a local user whose client cannot sign requests to other hosts.
use crate::app::App;
use crate::error::{Error, Result};
use crate::http::{Req, Resp};
use crate::principal as auth;
use crate::social::{proxies, urls};
use serde_json::json;

pub async fn get(app: &App, req: &Req, id: &str) -> Result<Resp> {
    let nick = auth::user_read(app, req)?;
    let url =
        proxies::target(&app.cfg, id).ok_or_else(|| Error::NotFound("No such proxy".into()))?;
    let mut conditions = Vec::new();
    for (ours, theirs) in [
        ("if-modified-since", "if-modified-since"),
        ("if-none-match", "if-none-match"),
    ] {
        if let Some(v) = req.header(ours) {
            conditions.push((theirs, v.to_string()));
        }
    }
    let person = urls::person_id(&app.cfg, &nick);
    let resp = match crate::federation::proxy::get(app, &person, &url, &conditions).await {
        Ok(r) if r.status == 304 => return Ok(Resp::new(304, "text/plain", String::new())),
        Ok(r) if r.ok() => r,
        Ok(r) => {
            log::info!("proxy {url}: status {}", r.status);
            return Ok(unable());
        }
        Err(e) => {
            log::info!("proxy {url}: {e}");
            return Ok(unable());
        }
    };
    let ct = resp
        .header("content-type")
        .unwrap_or("application/octet-stream")
        .to_string();
    let mut out = if ct.contains("json") && super::negotiate::wants_as2(req) {
        match serde_json::from_slice(&resp.body) {
            Ok(v) => super::negotiate::respond(req, v)?,
            Err(_) => Resp::new(200, &ct, resp.body.clone()),
        }
    } else {
        Resp::new(200, &ct, resp.body.clone())
    };
    for h in ["last-modified", "etag", "expires", "cache-control"] {
        if let Some(v) = resp.header(h) {
            out = out.with(h, v);
        }
    }
    Ok(out)
}

fn unable() -> Resp {
    Resp::new(
        500,
        crate::http::response::JSON,
        json!({"error": "Unable to retrieve proxy data"}).to_string(),
    )
}
