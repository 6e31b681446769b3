//! `/`: the welcome page for visitors, the home page for a logged-in user (web-ui.md §2): the
//! forms to post a note or a picture, the major inbox and, beside it, "Meanwhile…".
use super::layout::Ctx;
use super::{audience, cards};
use crate::core::feeds::{Activities, FeedQuery};
use crate::core::paging::Page;
use crate::error::Result;
use crate::http::Resp;
use crate::social::render::Viewer;
use crate::social::urls;
use crate::util::enc::html;
use serde_json::Value;

/// The home page of a person logged in with their account on another server: a note form
/// that posts through their home server (`POST /main/proxy`).
pub fn remote_home(ctx: &Ctx, person: &str) -> Resp {
    let body = format!(
        "<h1>Welcome</h1><p>You are logged in as {} from your own server. What you post here goes \
         out through it.</p><form id=\"post-note\" method=\"post\" action=\"/main/proxy\">{}\
         <label for=\"note-content\">Note</label><textarea id=\"note-content\" name=\"content\" required></textarea>\
         <p><button type=\"submit\">Post</button></p></form>",
        html(person),
        ctx.hidden()
    );
    ctx.page(200, "Home", &body, false)
}

pub fn welcome(ctx: &Ctx) -> Resp {
    let app = ctx.app;
    let site = html(&app.cfg.site);
    let start = if app.cfg.disable_registration {
        "<p>Registration is closed on this server; ask its owner for an account.</p>".to_string()
    } else {
        "<p><a class=\"button\" href=\"/main/register\">Get Started &raquo;</a></p>".to_string()
    };
    let image = app
        .cfg
        .raw
        .get("mainImage")
        .and_then(Value::as_str)
        .map(|u| {
            format!(
                "<img src=\"{}\" alt=\"\" style=\"max-width:100%\">",
                cards::href(u)
            )
        })
        .unwrap_or_default();
    let body = format!(
        "<section class=\"hero\"><h1>Welcome to {site}</h1>\n<p>{site} runs pump.io-compatible software: a social server you can follow, and post to, from anywhere.</p>\n{start}{image}\
         <p><a class=\"alone\" href=\"https://github.com/pump-io/pump.io/wiki/User-Guide\">User guide</a></p></section>"
    );
    ctx.page(200, "Welcome", &body, false)
}

/// The forms to post a note and a picture, closed until opened (the navbar's buttons open
/// one with `?compose=`, without a script).
fn post_forms(ctx: &Ctx, me: &str) -> String {
    let compose = ctx.req.query_param("compose");
    let open = |which: &str| match compose.as_deref() == Some(which) {
        true => " open",
        false => "",
    };
    let mut f = format!(
        "<details class=\"card compose\" id=\"post-note\"{}><summary>Post a note…</summary>\
         <form id=\"post-note-form\" method=\"post\" action=\"/main/act\">{}\
         <input type=\"hidden\" name=\"verb\" value=\"post\">\
         <label for=\"note-content\">Note</label><textarea id=\"note-content\" name=\"content\" required></textarea>\
         <label for=\"note-cw\">Content warning <span class=\"muted\">(optional: the note stays hidden behind these words until opened)</span></label>\
         <input type=\"text\" id=\"note-cw\" name=\"summary\" maxlength=\"200\">\
         {}<button type=\"submit\" id=\"send-note\">Send</button></form></details>\n",
        open("note"),
        ctx.hidden(),
        audience::picker(ctx, me, "note-to")
    );
    if ctx.app.cfg.uploads.is_some() {
        f.push_str(&format!(
            "<details class=\"card compose\" id=\"post-picture\"{}><summary>Post a picture…</summary>\
             <form id=\"post-picture-form\" method=\"post\" action=\"/main/post-picture\" enctype=\"multipart/form-data\">{}\
             <label for=\"picture-file\">Picture</label><input type=\"file\" id=\"picture-file\" name=\"qqfile\" accept=\"image/jpeg,image/png,image/gif,image/webp\" required>\
             <label for=\"picture-title\">Title</label><input type=\"text\" id=\"picture-title\" name=\"title\">\
             <label for=\"picture-alt\">Alt text <span class=\"muted\">(what the picture shows, for people who cannot see it)</span></label><input type=\"text\" id=\"picture-alt\" name=\"alt\" maxlength=\"1000\">\
             {}<label for=\"picture-description\">Description</label><textarea id=\"picture-description\" name=\"description\"></textarea>\
             <label for=\"picture-cw\">Content warning <span class=\"muted\">(optional)</span></label><input type=\"text\" id=\"picture-cw\" name=\"summary\" maxlength=\"200\">\
             {}<button type=\"submit\" id=\"send-picture\">Send</button></form></details>\n",
            open("picture"),
            ctx.hidden(),
            more_pictures(ctx.app.cfg.max_pictures_per_post),
            audience::picker(ctx, me, "picture-to")
        ));
    }
    f
}

/// Places for the pictures after the first (attached to it), each with its alt text, behind
/// "More pictures" (a `<details>`: no script needed).
fn more_pictures(most: usize) -> String {
    if most < 2 {
        return String::new();
    }
    let mut f = String::from("<details id=\"more-pictures\"><summary>More pictures</summary>\n");
    for i in 2..=most {
        f.push_str(&format!(
            "<label for=\"picture-file-{i}\">Picture {i}</label><input type=\"file\" id=\"picture-file-{i}\" name=\"qqfile{i}\" accept=\"image/jpeg,image/png,image/gif,image/webp\">\
             <label for=\"picture-alt-{i}\">Alt text of picture {i}</label><input type=\"text\" id=\"picture-alt-{i}\" name=\"alt{i}\" maxlength=\"1000\">\n"
        ));
    }
    f.push_str("</details>\n");
    f
}

/// "Meanwhile" without the reader's own housekeeping: joining, the lists every account
/// begins with, profile updates, whom they block or mute.
fn calm(minor: Vec<Value>, me_id: &str) -> Vec<Value> {
    let own_chore = |a: &Value| {
        let verb = a.get("verb").and_then(Value::as_str).unwrap_or("");
        a.pointer("/actor/id").and_then(Value::as_str) == Some(me_id)
            && [
                "join", "create", "update", "block", "unblock", "mute", "unmute",
            ]
            .contains(&verb)
    };
    minor.into_iter().filter(|a| !own_chore(a)).collect()
}

/// Each object once: a post shared by several people the reader follows (or posted and then
/// shared) shows as its newest card only.
fn once(major: Vec<Value>) -> Vec<Value> {
    let mut seen = std::collections::HashSet::new();
    major
        .into_iter()
        .filter(|a| {
            let object = a.pointer("/object/id").and_then(Value::as_str);
            object.is_none_or(|id| seen.insert(id.to_string()))
        })
        .collect()
}

/// A first page with fewer posts than this also shows people to follow and public posts.
const SPARSE: usize = 5;

/// The reader's inbox: major activities as cards, minor ones as lines.
pub fn home(ctx: &Ctx, me: &str) -> Result<Resp> {
    let app = ctx.app;
    let page = Page::parse(&ctx.req.query_pairs())?;
    let me_id = urls::person_id(&app.cfg, me);
    let viewer = Viewer { id: Some(&me_id) };
    // Read before the snapshot: kept renderings are current for it.
    let generation = app.store.generation();
    let (major, minor) = app.store.read(|r| {
        let feed = |name: &str, major: bool, page: &Page| {
            crate::core::feed_json::document(
                app,
                generation,
                r,
                FeedQuery::new(&urls::stream(me, name), viewer, page).at("/", String::new()),
                Activities {
                    major,
                    filter: false,
                },
            )
        };
        Ok((
            feed("inbox:major", true, &page)?,
            feed("inbox:minor", false, &Page::newest(20))?,
        ))
    })?;
    let mut body = post_forms(ctx, me);
    body.push_str(&super::remote_person::follow_form(ctx));
    // A home with little in it (a new user's has the welcome note) suggests where to begin.
    let first_page = matches!(page.mode, crate::core::paging::Mode::Offset(0));
    let shown = once(super::blocking::without_hidden(ctx, cards::items(&major)));
    if first_page && shown.len() < SPARSE {
        body.push_str(&super::discover::getting_started(ctx, me, &shown)?);
    }
    body.push_str(&cards::columns(
        ctx,
        "Inbox",
        &shown,
        &calm(
            super::blocking::without_hidden(ctx, cards::items(&minor)),
            &me_id,
        ),
        &page,
        "/",
    ));
    Ok(ctx.page(200, "Home", &body, true))
}
