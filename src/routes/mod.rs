//! The routing table, OPTIONS/HEAD and the canonical-host redirect (api.md §1): the one place
//! that knows every adapter (API, web UI, OAuth, discovery) and hands each request to one.
mod errors;
mod nickname;
mod service;
mod uploads;

pub use errors::error_response;

use crate::app::App;
use crate::error::{Error, Result};
use crate::http::response::{HTML, TEXT};
use crate::http::{Req, Resp};
use crate::media::prepare::Purpose;
use crate::{api, discovery, oauth, web};

/// Every route this server answers, with its path parameters.
enum Ep {
    Home,
    HostMeta,
    HostMetaJson,
    Webfinger,
    Lrdd,
    ClientRegister,
    RequestToken,
    Authorize,
    AccessToken,
    Users,
    User(String),
    Profile(String),
    Whoami,
    /// `/api/user/<nick>/feed…` and `/inbox…`, with the path after the nickname.
    Feed(String, Vec<String>),
    Social(String, &'static str),
    Lists(String, String),
    Activity(String),
    Members(String),
    Group(Key, String),
    SubFeed(String, Key, String),
    Object(String, Key),
    Nickname(String),
    Uploads(String),
    UploadFile(String),
    /// The web UI's upload routes; true for the avatar.
    WebUpload(bool),
    Health,
}

/// An object named by uuid in the path, or by `?id=`.
enum Key {
    Uuid(String),
    Id,
}

impl Key {
    fn api(self) -> api::objects::Key {
        match self {
            Key::Uuid(u) => api::objects::Key::Uuid(u),
            Key::Id => api::objects::Key::Id,
        }
    }
}

impl Ep {
    fn find(segs: &[String]) -> Option<Ep> {
        let s: Vec<&str> = segs.iter().map(String::as_str).collect();
        let sub = |w: &str| ["likes", "replies", "shares"].contains(&w);
        Some(match s.as_slice() {
            [] => Ep::Home,
            [".well-known", "host-meta"] => Ep::HostMeta,
            [".well-known", "host-meta.json"] => Ep::HostMetaJson,
            [".well-known", "webfinger"] => Ep::Webfinger,
            ["api", "lrdd"] => Ep::Lrdd,
            ["api", "client", "register"] => Ep::ClientRegister,
            ["oauth", "request_token"] => Ep::RequestToken,
            ["oauth", "authorize"] => Ep::Authorize,
            ["main", "upload"] => Ep::WebUpload(false),
            ["main", "upload-avatar"] => Ep::WebUpload(true),
            ["oauth", "access_token"] => Ep::AccessToken,
            ["api", "users"] => Ep::Users,
            ["api", "user", nick] => Ep::User(nick.to_string()),
            ["api", "user", nick, "profile"] => Ep::Profile(nick.to_string()),
            ["api", "user", nick, rest @ ..]
                if matches!(
                    rest,
                    ["feed"]
                        | ["feed", "major" | "minor"]
                        | ["inbox"]
                        | ["inbox", "major" | "minor" | "direct"]
                        | ["inbox", "direct", "major" | "minor"]
                ) =>
            {
                Ep::Feed(
                    nick.to_string(),
                    rest.iter().map(|x| x.to_string()).collect(),
                )
            }
            ["api", "user", nick, "followers"] => Ep::Social(nick.to_string(), "followers"),
            ["api", "user", nick, "following"] => Ep::Social(nick.to_string(), "following"),
            ["api", "user", nick, "favorites"] => Ep::Social(nick.to_string(), "favorites"),
            ["api", "user", nick, "lists", kind] => Ep::Lists(nick.to_string(), kind.to_string()),
            ["api", "user", nick, "uploads"] => Ep::Uploads(nick.to_string()),
            ["uploads", rest @ ..] if !rest.is_empty() => Ep::UploadFile(rest.join("/")),
            ["api", "whoami"] => Ep::Whoami,
            ["api", "health"] => Ep::Health,
            ["api", "activity", uuid] => Ep::Activity(uuid.to_string()),
            ["api", "collection", uuid, "members"] => Ep::Members(uuid.to_string()),
            ["api", "group", which @ ("members" | "inbox" | "documents")] => {
                Ep::Group(Key::Id, which.to_string())
            }
            ["api", "group", uuid, which @ ("members" | "inbox" | "documents")] => {
                Ep::Group(Key::Uuid(uuid.to_string()), which.to_string())
            }
            ["api", kind, which] if sub(which) => {
                Ep::SubFeed(kind.to_string(), Key::Id, which.to_string())
            }
            ["api", kind, uuid, which] if sub(which) => Ep::SubFeed(
                kind.to_string(),
                Key::Uuid(uuid.to_string()),
                which.to_string(),
            ),
            ["api", "user" | "users" | "activity" | "client" | "lrdd" | "whoami", ..] => {
                return None
            }
            ["api", kind, uuid] => Ep::Object(kind.to_string(), Key::Uuid(uuid.to_string())),
            ["api", kind] => Ep::Object(kind.to_string(), Key::Id),
            [nick] if !nick.is_empty() => Ep::Nickname(nick.to_string()),
            _ => return None,
        })
    }

    fn methods(&self) -> &'static [&'static str] {
        match self {
            Ep::Home
            | Ep::HostMeta
            | Ep::HostMetaJson
            | Ep::Webfinger
            | Ep::Lrdd
            | Ep::Whoami
            | Ep::Health => &["GET"],
            Ep::Lists(..) | Ep::SubFeed(..) | Ep::Nickname(_) | Ep::UploadFile(_) => &["GET"],
            Ep::Uploads(_) => &["GET", "POST"],
            Ep::Group(_, w) if w == "inbox" => &["GET", "POST"],
            Ep::Group(..) => &["GET"],
            Ep::ClientRegister | Ep::WebUpload(_) => &["POST"],
            Ep::RequestToken | Ep::Authorize | Ep::AccessToken | Ep::Users => &["GET", "POST"],
            Ep::Feed(..) | Ep::Members(_) => &["GET", "POST"],
            Ep::Social(_, "followers") => &["GET"],
            Ep::Social(..) => &["GET", "POST"],
            Ep::User(_) | Ep::Activity(_) => &["GET", "PUT", "DELETE"],
            Ep::Object(_, Key::Uuid(_)) => &["GET", "PUT", "DELETE"],
            Ep::Object(_, Key::Id) => &["GET"],
            Ep::Profile(_) => &["GET", "PUT"],
        }
    }
}

pub async fn route(app: &App, req: Req) -> Resp {
    if let Some(r) = canonical_redirect(app, &req) {
        return r;
    }
    if old_internet_explorer(&req) {
        let body = web::page(app, "Security error", "<h1>Security error</h1>\n<p>This browser is too old to use safely. Please upgrade it.</p>");
        return Resp::new(400, HTML, body);
    }
    if let Some(page) = web::route(app, &req).await {
        return page;
    }
    let not_found = || Resp::new(404, TEXT, format!("Cannot {} {}", req.method, req.path));
    let Some(ep) = Ep::find(&req.segments()) else {
        return not_found();
    };
    let methods = ep.methods();
    if req.method == "OPTIONS" {
        let mut allow: Vec<&str> = Vec::new();
        for m in methods {
            allow.push(m);
            if *m == "GET" {
                allow.push("HEAD");
            }
        }
        let allow = allow.join(",");
        return Resp::new(200, TEXT, allow.clone()).with("allow", allow);
    }
    let method = if req.method == "HEAD" {
        "GET"
    } else {
        req.method.as_str()
    };
    if !methods.contains(&method) {
        return not_found();
    }
    let result = dispatch(app, ep, method, &req).await;
    result.unwrap_or_else(|e| error_response(app, &req, e))
}

async fn dispatch(app: &App, ep: Ep, method: &str, req: &Req) -> Result<Resp> {
    match (ep, method) {
        (Ep::Home, _) => Ok(web::api_home(app)),
        (Ep::Health, _) => api::health::get(app),
        (Ep::HostMeta, _) => Ok(discovery::host_meta(app, req, false)),
        (Ep::HostMetaJson, _) => Ok(discovery::host_meta(app, req, true)),
        (Ep::Webfinger, _) => discovery::webfinger(app, req, true),
        (Ep::Lrdd, _) => discovery::webfinger(app, req, false),
        (Ep::ClientRegister, _) => oauth::register::handle(app, req).await,
        (Ep::RequestToken, _) => oauth::tokens::request_token(app, req).await,
        (Ep::AccessToken, _) => oauth::tokens::access_token(app, req).await,
        (Ep::Authorize, "GET") => web::authorize::show(app, req).await,
        (Ep::Authorize, _) => web::authorize::submit(app, req).await,
        (Ep::WebUpload(_), _) if app.cfg.uploads.is_none() => {
            Err(Error::NotFound("Uploads are not enabled".into()))
        }
        (Ep::WebUpload(avatar), _) => {
            let purpose = if avatar {
                Purpose::Avatar
            } else {
                Purpose::Post
            };
            Ok(crate::web::upload::handle(app, req, purpose).await)
        }
        (Ep::Users, "GET") => api::users::list(app, req),
        (Ep::Users, _) => api::users::register(app, req).await,
        (Ep::User(n), "GET") => api::users::get(app, req, &n),
        (Ep::User(n), "PUT") => api::users::put(app, req, &n).await,
        (Ep::User(n), _) => api::users::delete(app, req, &n).await,
        (Ep::Profile(n), "GET") => api::profile::get(app, req, &n),
        (Ep::Profile(n), _) => api::profile::put(app, req, &n).await,
        (Ep::Whoami, _) => api::users::whoami(app, req),
        (Ep::Feed(n, tail), m) => {
            let tail: Vec<&str> = tail.iter().map(String::as_str).collect();
            match (m, tail.first()) {
                ("GET", _) => api::feeds::get(app, req, &n, &tail),
                (_, Some(&"inbox")) => api::inbox::post(app, req, &n).await,
                _ => api::feeds::post(app, req, &n, &tail).await,
            }
        }
        (Ep::Social(n, "favorites"), "GET") => api::graph::favorites(app, req, &n),
        (Ep::Social(n, which), "GET") => api::graph::followers(app, req, &n, which),
        (Ep::Social(n, "following"), _) => api::graph::post_shortcut(app, req, &n, "follow").await,
        (Ep::Social(n, _), _) => api::graph::post_shortcut(app, req, &n, "favorite").await,
        (Ep::Lists(n, kind), _) => api::graph::lists(app, req, &n, &kind),
        (Ep::Activity(u), "GET") => api::objects::activity_get(app, req, &u),
        (Ep::Activity(u), "PUT") => api::objects::activity_put(app, req, &u).await,
        (Ep::Activity(u), _) => api::objects::activity_delete(app, req, &u).await,
        (Ep::Members(u), "GET") => api::groups::members(app, req, &u),
        (Ep::Members(u), _) => api::groups::add_member(app, req, &u).await,
        (Ep::Group(k, which), "GET") => api::groups::group_feed(app, req, k.api(), &which),
        (Ep::Group(k, _), _) => api::inbox::post_group(app, req, k.api()).await,
        (Ep::SubFeed(kind, k, which), _) => {
            api::objects::sub_feed(app, req, &kind, k.api(), &which)
        }
        (Ep::Object(kind, k), "GET") => api::objects::get(app, req, &kind, k.api()),
        (Ep::Object(kind, k), "PUT") => api::objects::put(app, req, &kind, k.api()).await,
        (Ep::Object(kind, k), _) => api::objects::delete(app, req, &kind, k.api()).await,
        (Ep::Nickname(n), _) => nickname::page(app, req, &n),
        (Ep::Uploads(n), "GET") => api::uploads::list(app, req, &n),
        (Ep::Uploads(n), _) => api::uploads::post(app, req, &n).await,
        (Ep::UploadFile(rel), _) => api::uploads::file(app, req, &rel),
    }
}

/// Internet Explorer before 11 is refused (api.md §1.1): it cannot be kept safe.
fn old_internet_explorer(req: &Req) -> bool {
    let Some(ua) = req.header("user-agent") else {
        return false;
    };
    let Some(rest) = ua.split("MSIE ").nth(1) else {
        return false;
    };
    let major: String = rest.chars().take_while(char::is_ascii_digit).collect();
    major.parse::<u32>().is_ok_and(|v| v < 11)
}

/// 301 to the canonical URL when `Host` names neither the canonical host nor `address:port`.
fn canonical_redirect(app: &App, req: &Req) -> Option<Resp> {
    let cfg = &app.cfg;
    if !cfg.redirect_to_canonical {
        return None;
    }
    let host = req.header("host")?.to_ascii_lowercase();
    let canonical = cfg.host().to_ascii_lowercase();
    if host == canonical
        || (cfg.url_port == cfg.port && host == format!("{}:{}", cfg.hostname, cfg.port))
    {
        return None;
    }
    let address = format!("{}:{}", cfg.address, cfg.port).to_ascii_lowercase();
    if !cfg.redirect_address_to_canonical && host == address {
        return None;
    }
    let mut target = format!("{}{}", cfg.base(), req.path);
    if !req.query.is_empty() {
        target.push('?');
        target.push_str(&req.query);
    }
    Some(Resp::redirect(301, &target))
}

#[cfg(test)]
mod tests {
    use super::Ep;

    fn find(p: &str) -> Option<&'static [&'static str]> {
        let segs: Vec<String> = p
            .split('/')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        Ep::find(&segs).map(|e| e.methods())
    }

    #[test]
    fn routes_and_methods() {
        assert_eq!(find("/api/user/bob"), Some(&["GET", "PUT", "DELETE"][..]));
        assert_eq!(find("/api/user/bob/profile"), Some(&["GET", "PUT"][..]));
        assert_eq!(find("/api/client/register"), Some(&["POST"][..]));
        assert!(find("/api/nothing/here/at/all").is_none());
    }
}
