//! The firehose (federation.md §11): every public activity of a local user is posted to
//! `<firehose>/ping`, over https or http, whichever first answers `OPTIONS /ping` with an
//! `Allow` that has POST (found once, then kept). A failed ping is not tried again.
use super::client::{self, Failure, Method, Request};
use crate::app::App;
use crate::social::render::{self, Viewer, PLAIN};

async fn endpoint(app: &App, host: &str) -> Result<String, Failure> {
    if let Some(u) = app.firehose.borrow().clone() {
        return Ok(u);
    }
    for scheme in ["https", "http"] {
        let url = format!("{scheme}://{host}/ping");
        let mut req = Request::get(&url);
        req.method = Method::Options;
        let Ok(resp) = client::send(&app.cfg.federation, req).await else {
            continue;
        };
        let allows = resp
            .header("allow")
            .is_some_and(|a| a.split(',').any(|m| m.trim().eq_ignore_ascii_case("POST")));
        if allows {
            *app.firehose.borrow_mut() = Some(url.clone());
            return Ok(url);
        }
    }
    Err(Failure::Refused(format!("{host} takes no pings")))
}

/// Pings the firehose with `activity` as the public sees it.
pub async fn ping(app: &App, host: &str, activity: &str) -> Result<(), Failure> {
    let body = app
        .store
        .read(|r| {
            let Some(a) = crate::social::activity::get(r, activity)? else {
                return Ok(None);
            };
            Ok(Some(serde_json::to_vec(&render::activity(
                r,
                Viewer { id: None },
                &a,
                PLAIN,
            )?)?))
        })
        .map_err(|e| Failure::Network(e.to_string()))?;
    let Some(body) = body else {
        return Ok(());
    };
    let url = endpoint(app, host).await?;
    let req = Request {
        method: Method::Post,
        url: url.clone(),
        headers: vec![("content-type", "application/json".into())],
        body,
        sign: None,
    };
    let resp = client::send(&app.cfg.federation, req).await?;
    match resp.ok() {
        true => Ok(()),
        false => Err(Failure::Refused(format!("{url}: status {}", resp.status))),
    }
}
