//! `POST /main/upload` and `/main/upload-avatar` (api.md §20): the web UI's uploads, with the
//! browser session instead of OAuth. The body is an XHR file or a multipart field `qqfile`.
//! `POST /main/post-picture`: the picture form, which uploads and posts in one request.
use super::layout::Ctx;
use super::settings::{checked, field};
use crate::app::App;
use crate::core::posting::post_activity;
use crate::core::uploads::{self, Upload};
use crate::error::{Error, Result};
use crate::http::{Req, Resp};
use crate::media::prepare::Purpose;
use crate::social::outbox::Feed;
use serde_json::{json, Map, Value};

pub async fn handle(app: &App, req: &Req, purpose: Purpose) -> Resp {
    let Some(nick) = super::session::user(app, req) else {
        return Resp::json_status(401, &json!({"success": false, "error": "Not logged in."}));
    };
    match create(app, req, &nick, purpose, Default::default()).await {
        Ok(obj) => Resp::json(&json!({"success": true, "obj": obj})),
        Err(e) => {
            if let Error::Internal(m) = &e {
                log::error!("web upload: {m}");
            }
            // The original answered 500 to every failure; the status says what went wrong.
            Resp::json_status(e.status(), &json!({"success": false, "error": e.message()}))
        }
    }
}

/// Stores the file of a web form or XHR upload as an unposted object of `nick`'s.
pub async fn create(
    app: &App,
    req: &Req,
    nick: &str,
    purpose: Purpose,
    extra: Map<String, Value>,
) -> Result<Value> {
    uploads::upload_dir(app)?;
    let (mime_type, file) = req
        .take_file()
        .ok_or_else(|| Error::bad("No file, or an empty one"))??;
    let upload = Upload {
        mime_type,
        file,
        title: req.upload_field("title"),
        description: req.upload_field("description"),
        extra,
    };
    uploads::create(app, nick, upload, purpose).await
}

/// The picture form without JavaScript: its pictures (the first, with the others attached,
/// each with its own alt text) are uploaded, then posted to the audience chosen.
pub async fn post_picture(ctx: &Ctx<'_>, me: &str) -> Result<Resp> {
    checked(ctx)?;
    // The audience is checked first: a wrong name leaves no upload behind.
    let (to, people) = (field(ctx, "to"), field(ctx, "people"));
    let (to, cc) = super::audience::addressing(ctx, me, to.as_deref(), people.as_deref()).await?;
    let mut uploads = ctx
        .req
        .take_files()?
        .into_iter()
        .map(|(name, mime_type, file)| {
            // Picture n's alt text is the field alt<n> (the first's is alt).
            let alt = name
                .strip_prefix("qqfile")
                .and_then(|n| field(ctx, &format!("alt{n}")));
            let mut extra = Map::new();
            if let Some(alt) = alt.map(|a| a.trim().to_string()).filter(|a| !a.is_empty()) {
                extra.insert("alt".into(), json!(alt));
            }
            Upload {
                mime_type,
                file,
                title: None,
                description: None,
                extra,
            }
        });
    let Some(mut main) = uploads.next() else {
        return Err(Error::bad("No file, or an empty one"));
    };
    main.title = field(ctx, "title");
    main.description = field(ctx, "description");
    main.extra
        .extend(super::act::warning(field(ctx, "summary").as_deref()));
    let img =
        uploads::with_attachments(ctx.app, me, main, uploads.collect(), Purpose::Post).await?;
    let client = super::act::web_client(ctx)?;
    let post = json!({"verb": "post", "to": to, "cc": cc, "object": {"id": img["id"], "objectType": img["objectType"]}});
    post_activity(ctx.app, me, post, &client, Feed::Major).await?;
    Ok(ctx.see_other("/"))
}
