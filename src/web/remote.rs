//! Logging in with an account on another server, and posting through it (federation.md §8):
//! `POST /main/remote` sends the browser to its home server to authorize us,
//! `/main/authorized/<host>` brings it back logged in, and `POST /main/proxy` posts for it.
use super::auth::remote_page;
use super::layout::Ctx;
use crate::error::{Error, Result};
use crate::federation::remote_login;
use crate::http::Resp;
use serde_json::{json, Value};

fn form_value(ctx: &Ctx, k: &str) -> Option<String> {
    ctx.req
        .form_pairs()
        .into_iter()
        .find(|(n, _)| n == k)
        .map(|(_, v)| v)
}

/// `POST /main/remote`: `webfinger=user@host`.
pub async fn begin(ctx: &Ctx<'_>) -> Resp {
    if !super::csrf::valid(
        ctx.app,
        ctx.req,
        form_value(ctx, super::csrf::FIELD).as_deref(),
    ) {
        return remote_page(ctx, 400, Some("Your form expired; try again."));
    }
    let wf = form_value(ctx, "webfinger").unwrap_or_default();
    let wf = wf.trim().trim_start_matches("acct:");
    let well_formed = wf.split_once('@').is_some_and(|(u, h)| {
        !u.is_empty() && (h.contains('.') || h.contains(':') || h == "localhost")
    });
    if !well_formed {
        return remote_page(ctx, 400, Some("Bad format for webfinger"));
    }
    match remote_login::begin(ctx.app, wf, "/").await {
        Ok(to) => ctx.see_other(&to),
        Err(e) => {
            log::info!("remote login of {wf}: {e}");
            let msg = format!("Could not reach your server: {e}");
            remote_page(ctx, 502, Some(&msg))
        }
    }
}

/// `GET /main/authorized/<host>?oauth_token=…&oauth_verifier=…`.
pub async fn finish(ctx: &Ctx<'_>, a: &super::Args<'_>) -> Result<Resp> {
    let (Some(token), Some(verifier)) = (
        ctx.req.query_param("oauth_token"),
        ctx.req.query_param("oauth_verifier"),
    ) else {
        return Err(Error::bad("oauth_token and oauth_verifier are required"));
    };
    match remote_login::finish(ctx.app, a.host, &token, &verifier).await {
        Ok((person, back_to)) => {
            let resp = ctx.see_other(&back_to);
            super::session::log_in_remote(ctx.app, resp, &person).await
        }
        Err(e) => {
            log::info!("remote login at {}: {e}", a.host);
            Ok(remote_page(ctx, 400, Some(&format!("Login failed: {e}"))))
        }
    }
}

/// `POST /main/proxy`: an activity (JSON), or a note from the page's form, for the remote
/// person of this session, sent to their outbox at home.
pub async fn proxy(ctx: &Ctx<'_>) -> Result<Resp> {
    let Some((person, _)) = crate::principal::remote_session(ctx.app, ctx.req) else {
        return Err(Error::Unauthorized(
            "Not logged in with a remote account.".into(),
        ));
    };
    let body = if ctx.req.content_type().contains("json") {
        ctx.req.json()?
    } else {
        if !super::csrf::valid(
            ctx.app,
            ctx.req,
            form_value(ctx, super::csrf::FIELD).as_deref(),
        ) {
            return Err(Error::bad("Your form expired; try again."));
        }
        let content = form_value(ctx, "content").unwrap_or_default();
        json!({"verb": "post", "object": {"objectType": "note", "content": content}})
    };
    if !body.is_object() {
        return Err(Error::bad("An activity must be a JSON object"));
    }
    let bytes = serde_json::to_vec(&body)?;
    let resp = remote_login::post(ctx.app, &person, &bytes)
        .await
        .map_err(|e| Error::Busy(format!("Your server did not take it: {e}")))?;
    if !resp.ok() {
        let said: Value = serde_json::from_slice(&resp.body).unwrap_or(Value::Null);
        let msg = said["error"]
            .as_str()
            .map(String::from)
            .unwrap_or(resp.excerpt());
        return Err(Error::bad(format!("Your server refused it: {msg}")));
    }
    if ctx.req.content_type().contains("json") {
        let doc: Value = serde_json::from_slice(&resp.body).unwrap_or(Value::Null);
        return Ok(Resp::json(&doc));
    }
    Ok(ctx.see_other("/"))
}
