//! Calls a route's handler with what its path captured, and maps its error to the response
//! of its adapter (the web UI answers with pages, everything else with `errors.rs`).
use super::table::{Params, Route, H};
use super::{errors::error_response, nickname};
use crate::api::objects::Key;
use crate::app::App;
use crate::error::{Error, Result};
use crate::http::{Req, Resp};
use crate::media::prepare::Purpose;
use crate::{api, discovery, oauth, web};

pub async fn run(app: &App, req: &Req, row: &Route, p: &Params) -> Resp {
    if let H::Web(page) = row.handler {
        let args = web::Args {
            nick: p.get("nick"),
            code: p.get("code"),
            tab: p.get("tab"),
            kind: p.get("kind"),
            uuid: p.get("uuid"),
            host: p.get("host"),
            tag: p.get("tag"),
        };
        let session = row.access == super::table::Access::Session;
        return web::serve(app, req, page, &args, session).await;
    }
    let result = call(app, req, row.handler, p).await;
    check_policy(req, row);
    result.unwrap_or_else(|e| error_response(app, req, e))
}

/// A handler that asked for another policy than its row declares is a mistake in the table
/// (the test harness fails a test whose server logs one).
fn check_policy(req: &Req, row: &Route) {
    let asked = req.asked.get();
    if asked.is_some() && asked != row.access.policy() {
        log::error!(
            "route table: {} {} declares {:?} but its handler asked for {}",
            row.method,
            row.path,
            row.access,
            asked.unwrap_or_default()
        );
    }
}

/// The object named by `{uuid}`, or by `?id=` when the pattern has none.
fn key(p: &Params) -> Key {
    if p.has("uuid") {
        Key::Uuid(p.get("uuid").to_string())
    } else {
        Key::Id
    }
}

/// The path after the nickname of a feed route (`feed`, `inbox/direct/major`, …).
fn feed_tail(req: &Req) -> Vec<String> {
    req.segments().into_iter().skip(3).collect()
}

async fn call(app: &App, req: &Req, h: H, p: &Params) -> Result<Resp> {
    let nick = p.get("nick");
    match h {
        H::Web(_) => Err(Error::internal("a web page routed as the API")),
        H::WebUpload | H::WebUploadAvatar if app.cfg.uploads.is_none() => {
            Err(Error::NotFound("Uploads are not enabled".into()))
        }
        H::WebUpload => Ok(web::upload::handle(app, req, Purpose::Post).await),
        H::WebUploadAvatar => Ok(web::upload::handle(app, req, Purpose::Avatar).await),
        H::ApiHome => Ok(web::api_home(app)),
        H::Health => api::health::get(app),
        H::Favicon => web::assets::favicon(app).await,
        H::HostMeta => Ok(discovery::host_meta(app, req, false)),
        H::HostMetaJson => Ok(discovery::host_meta(app, req, true)),
        H::Webfinger => discovery::webfinger(app, req, true),
        H::Lrdd => discovery::webfinger(app, req, false),
        H::ClientRegister => oauth::register::handle(app, req).await,
        H::Dialback => Ok(crate::discovery::dialback(app, req)),
        H::NodeInfoLinks => Ok(crate::discovery::nodeinfo::links(app)),
        H::NodeInfo => crate::discovery::nodeinfo::document(app),
        H::Proxy => api::proxy::get(app, req, p.get("id")).await,
        H::RequestToken => oauth::tokens::request_token(app, req).await,
        H::AccessToken => oauth::tokens::access_token(app, req).await,
        H::OAuth2Token => oauth::token2::token(app, req).await,
        H::MainLogin => web::session_api::login(app, req).await,
        H::MainRegister => web::session_api::register(app, req).await,
        H::MainRenew => web::session_api::renew(app, req).await,
        H::MainRedeemCode => web::session_api::redeem_code(app, req).await,
        H::AuthorizePage => web::authorize::show(app, req).await,
        H::Authorize => web::authorize::submit(app, req).await,
        H::UsersList => api::users::list(app, req),
        H::Register => api::users::register(app, req).await,
        H::UserGet => api::users::get(app, req, nick),
        H::UserPut => api::users::put(app, req, nick).await,
        H::UserDelete => api::users::delete(app, req, nick).await,
        H::ProfileGet if api::ap_read::wants_ap(req) => api::ap_read::person(app, req, nick).await,
        H::ProfileGet => api::profile::get(app, req, nick),
        H::ProfilePut => api::profile::put(app, req, nick).await,
        H::Whoami => api::users::whoami(app, req),
        H::FeedGet | H::FeedPost => {
            let tail = feed_tail(req);
            let tail: Vec<&str> = tail.iter().map(String::as_str).collect();
            match h {
                H::FeedGet if tail == ["feed"] && api::ap_read::wants_ap(req) => {
                    api::ap_read::outbox(app, req, nick).await
                }
                H::FeedGet => api::feeds::get(app, req, nick, &tail),
                _ => api::feeds::post(app, req, nick, &tail).await,
            }
        }
        H::InboxPost if api::ap_inbox::is_ap(req) => {
            api::ap_inbox::post(app, req, Some(nick)).await
        }
        H::InboxPost => api::inbox::post(app, req, nick).await,
        H::SharedInbox => api::ap_inbox::post(app, req, None).await,
        H::ServerActor => api::ap_read::server(app, req).await,
        H::Followers | H::Following if api::ap_read::wants_ap(req) => {
            let which = if h == H::Followers {
                "followers"
            } else {
                "following"
            };
            api::ap_read::people(app, req, nick, which).await
        }
        H::Followers => api::graph::followers(app, req, nick, "followers"),
        H::Following => api::graph::followers(app, req, nick, "following"),
        H::Favorites => api::graph::favorites(app, req, nick),
        H::FollowShortcut => api::graph::post_shortcut(app, req, nick, "follow").await,
        H::FavoriteShortcut => api::graph::post_shortcut(app, req, nick, "favorite").await,
        H::Lists => api::graph::lists(app, req, nick, p.get("kind")),
        H::Hidden => api::graph::hidden(app, req, nick, p.get("which")),
        H::HideShortcut => {
            let verb = if p.get("which") == "blocked" {
                "block"
            } else {
                "mute"
            };
            api::graph::post_shortcut(app, req, nick, verb).await
        }
        H::UploadsList => api::uploads::list(app, req, nick),
        H::UploadPost => api::uploads::post(app, req, nick).await,
        H::UploadFile => api::uploads::file(app, req, p.get("path")),
        H::ActivityGet => api::objects::activity_get(app, req, p.get("uuid")),
        H::ActivityPut => api::objects::activity_put(app, req, p.get("uuid")).await,
        H::ActivityDelete => api::objects::activity_delete(app, req, p.get("uuid")).await,
        H::MembersGet => api::groups::members(app, req, p.get("uuid")),
        H::MemberAdd => api::groups::add_member(app, req, p.get("uuid")).await,
        H::GroupFeed => {
            let which = if p.has("which") {
                p.get("which")
            } else {
                "inbox"
            };
            api::groups::group_feed(app, req, key(p), which)
        }
        H::GroupInbox => api::inbox::post_group(app, req, key(p)).await,
        H::SubFeed => api::objects::sub_feed(app, req, p.get("kind"), key(p), p.get("which")),
        H::ObjectGet if api::ap_read::wants_ap(req) => {
            api::ap_read::object(app, req, p.get("kind"), key(p)).await
        }
        H::ObjectGet => api::objects::get(app, req, p.get("kind"), key(p)),
        H::ObjectPut => api::objects::put(app, req, p.get("kind"), key(p)).await,
        H::ObjectDelete => api::objects::delete(app, req, p.get("kind"), key(p)).await,
        H::Nickname if api::ap_read::wants_ap(req) => api::ap_read::person(app, req, nick).await,
        H::Nickname => nickname::page(app, req, nick),
    }
}
