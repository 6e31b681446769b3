//! The route table: every path this server answers, with its method, the body its handler
//! reads, the access policy it asks `principal` for, and the handler. Rows are tried in
//! order; the first pattern that matches a path owns it, and the rows with that same pattern
//! give its methods (OPTIONS answers them, HEAD is GET, anything else is a 404).
//!
//! Patterns: `/`-separated segments, each a literal, `{name}` (any one segment),
//! `{name..}` (the rest, at least one segment), `{name=a|b}` (one of these), `{name~nick}` (a
//! segment that can be a nickname: no routed word) or `{name~kind}` (a segment that can be an
//! object type: no word the API routes itself).
use crate::social::passwords::ROUTED;
use crate::web::Page;

/// What the handler reads from the body.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Body {
    None,
    Json,
    /// `application/x-www-form-urlencoded`, and nothing else (the route does not match).
    Form,
    /// Form fields, as the handler finds them.
    Fields,
    /// OAuth parameters in a form or the query.
    OAuthForm,
    /// A file streamed to disk (or JSON with base64 data for the API's uploads).
    File,
}

/// Who the handler lets in; `principal::` names each policy, and the handler asks for it.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Access {
    /// Anyone.
    Public,
    /// Anyone; a signed request (OAuth 1 in the header) is read as its user.
    Optional,
    AnyRead,
    UserRead,
    UserWrite,
    ClientWrite,
    RemoteWrite,
    /// The OAuth endpoints, which check their own signed parameters.
    Signed,
    /// The web UI, for anyone; a session is the reader.
    Browser,
    /// The web UI with a session: else a GET goes to the login page and a POST gets a 401.
    Session,
}

impl Access {
    /// The policy's name, as the handler's policy reports it (`Req::asked`).
    pub fn policy(self) -> Option<&'static str> {
        Some(match self {
            Access::Optional => "optional",
            Access::AnyRead => "any-read",
            Access::UserRead => "user-read",
            Access::UserWrite => "user-write",
            Access::ClientWrite => "client-write",
            Access::RemoteWrite => "remote-write",
            Access::Public | Access::Signed | Access::Browser | Access::Session => return None,
        })
    }
}

/// Which handler a row calls (`routes/dispatch.rs`).
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum H {
    /// A page of the web UI.
    Web(Page),
    /// The web UI's uploads (a picture, the avatar): JSON answers, also with `noweb`.
    WebUpload,
    WebUploadAvatar,
    MainLogin,
    MainRegister,
    MainRenew,
    MainRedeemCode,
    ApiHome,
    Health,
    Favicon,
    HostMeta,
    HostMetaJson,
    Webfinger,
    Lrdd,
    ClientRegister,
    Dialback,
    NodeInfoLinks,
    NodeInfo,
    /// The server's ActivityPub actor.
    ServerActor,
    /// ActivityPub's shared inbox.
    SharedInbox,
    Proxy,
    RequestToken,
    AuthorizePage,
    Authorize,
    AccessToken,
    OAuth2Token,
    UsersList,
    Register,
    UserGet,
    UserPut,
    UserDelete,
    ProfileGet,
    ProfilePut,
    Whoami,
    FeedGet,
    FeedPost,
    InboxPost,
    Followers,
    Following,
    Favorites,
    FollowShortcut,
    FavoriteShortcut,
    /// Whom a user blocks or mutes (ours: pump.io has neither).
    Hidden,
    HideShortcut,
    Lists,
    UploadsList,
    UploadPost,
    UploadFile,
    ActivityGet,
    ActivityPut,
    ActivityDelete,
    MembersGet,
    MemberAdd,
    GroupFeed,
    GroupInbox,
    SubFeed,
    ObjectGet,
    ObjectPut,
    ObjectDelete,
    Nickname,
}

pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub body: Body,
    pub access: Access,
    pub handler: H,
    /// A page of the web UI (not served with `noweb`).
    pub web: bool,
    /// Served only when mail is set up.
    pub mail: bool,
}

const fn r(
    method: &'static str,
    path: &'static str,
    body: Body,
    access: Access,
    handler: H,
) -> Route {
    Route {
        method,
        path,
        body,
        access,
        handler,
        web: false,
        mail: false,
    }
}

const fn web(
    method: &'static str,
    path: &'static str,
    body: Body,
    access: Access,
    handler: H,
) -> Route {
    Route {
        web: true,
        ..r(method, path, body, access, handler)
    }
}

const fn mail(method: &'static str, path: &'static str, body: Body, handler: H) -> Route {
    Route {
        web: true,
        mail: true,
        ..r(method, path, body, Access::Browser, handler)
    }
}

use Access::*;
use Body::{Fields, File, Form, Json, OAuthForm};
use H::*;
const NONE: Body = Body::None;

pub const ROUTES: &[Route] = &[
    // The web UI.
    web("GET", "/assets/{file}", NONE, Public, Web(Page::Asset)),
    web("GET", "/images/{file}", NONE, Public, Web(Page::Asset)),
    web("GET", "/", NONE, Browser, Web(Page::Home)),
    web("GET", "/main/login", NONE, Browser, Web(Page::LoginForm)),
    web("POST", "/main/login", Form, Browser, Web(Page::Login)),
    // The single-page client's JSON (api.md §21): any body that is not a form.
    web("POST", "/main/login", Json, ClientWrite, MainLogin),
    web(
        "GET",
        "/main/register",
        NONE,
        Browser,
        Web(Page::RegisterForm),
    ),
    web("POST", "/main/register", Form, Browser, Web(Page::Register)),
    web("POST", "/main/register", Json, ClientWrite, MainRegister),
    web("POST", "/main/renew", NONE, UserWrite, MainRenew),
    Route {
        mail: true,
        ..web(
            "POST",
            "/main/redeem-code",
            Json,
            ClientWrite,
            MainRedeemCode,
        )
    },
    web("GET", "/main/logout", NONE, Browser, Web(Page::LogoutForm)),
    web("POST", "/main/logout", Form, Browser, Web(Page::Logout)),
    mail("GET", "/main/recover", NONE, Web(Page::RecoverForm)),
    mail("POST", "/main/recover", Fields, Web(Page::Recover)),
    mail("GET", "/main/recover-sent", NONE, Web(Page::RecoverSent)),
    mail(
        "GET",
        "/main/recover/{code}",
        NONE,
        Web(Page::NewPasswordForm),
    ),
    mail(
        "POST",
        "/main/recover/{code}",
        Fields,
        Web(Page::SetPassword),
    ),
    mail("GET", "/main/confirm/{code}", NONE, Web(Page::Confirm)),
    web("GET", "/main/remote", NONE, Browser, Web(Page::RemoteForm)),
    web("POST", "/main/remote", Form, Browser, Web(Page::Remote)),
    web(
        "GET",
        "/main/authorized/{host}",
        NONE,
        Browser,
        Web(Page::Authorized),
    ),
    web("POST", "/main/proxy", Form, Browser, Web(Page::Proxy)),
    web(
        "POST",
        "/main/follow-remote",
        Form,
        Session,
        Web(Page::FollowRemote),
    ),
    web(
        "GET",
        "/main/person",
        NONE,
        Browser,
        Web(Page::RemotePerson),
    ),
    web("POST", "/main/lookup", Form, Session, Web(Page::Lookup)),
    web("GET", "/main/people", NONE, Browser, Web(Page::People)),
    web("GET", "/main/public", NONE, Browser, Web(Page::Public)),
    web("GET", "/main/tag/{tag}", NONE, Browser, Web(Page::Tag)),
    web("POST", "/main/proxy", Json, Browser, Web(Page::Proxy)),
    web(
        "GET",
        "/main/javascript-disabled",
        NONE,
        Public,
        Web(Page::NoScript),
    ),
    web(
        "POST",
        "/main/javascript-disabled",
        NONE,
        Public,
        Web(Page::NoScript),
    ),
    web("GET", "/main/settings", NONE, Session, Web(Page::Settings)),
    web(
        "POST",
        "/main/settings",
        File,
        Session,
        Web(Page::SaveSettings),
    ),
    web("GET", "/main/account", NONE, Session, Web(Page::Account)),
    web(
        "POST",
        "/main/account",
        Fields,
        Session,
        Web(Page::SaveAccount),
    ),
    web("POST", "/main/revoke", Fields, Session, Web(Page::Revoke)),
    web("GET", "/main/messages", NONE, Session, Web(Page::Messages)),
    web(
        "GET",
        "/main/notifications",
        NONE,
        Session,
        Web(Page::Notifications),
    ),
    web("GET", "/main/events", NONE, Session, Web(Page::Events)),
    web("POST", "/main/act", Fields, Session, Web(Page::Act)),
    web(
        "POST",
        "/main/post-picture",
        File,
        Session,
        Web(Page::PostPicture),
    ),
    r("POST", "/main/upload", File, Browser, WebUpload),
    r(
        "POST",
        "/main/upload-avatar",
        File,
        Browser,
        WebUploadAvatar,
    ),
    web(
        "GET",
        "/{nick~nick}/{tab=favorites|followers|following|lists}",
        NONE,
        Browser,
        Web(Page::ProfileTab),
    ),
    web(
        "GET",
        "/{nick~nick}/list/{uuid}",
        NONE,
        Browser,
        Web(Page::List),
    ),
    web(
        "GET",
        "/{nick~nick}/activity/{uuid}",
        NONE,
        Browser,
        Web(Page::Activity),
    ),
    web(
        "GET",
        "/{nick~nick}/{kind}/{uuid}",
        NONE,
        Browser,
        Web(Page::Object),
    ),
    // Discovery and OAuth.
    r("GET", "/", NONE, Public, ApiHome),
    r("GET", "/.well-known/host-meta", NONE, Public, HostMeta),
    r(
        "GET",
        "/.well-known/host-meta.json",
        NONE,
        Public,
        HostMetaJson,
    ),
    r("GET", "/.well-known/webfinger", NONE, Public, Webfinger),
    r("GET", "/.well-known/nodeinfo", NONE, Public, NodeInfoLinks),
    r("GET", "/nodeinfo/2.1", NONE, Public, NodeInfo),
    r("GET", "/api/actor", NONE, AnyRead, ServerActor),
    r("POST", "/api/inbox", Json, RemoteWrite, SharedInbox),
    r("GET", "/api/lrdd", NONE, Public, Lrdd),
    r("POST", "/api/client/register", Json, Signed, ClientRegister),
    r("POST", "/api/dialback", Form, Public, Dialback),
    r("GET", "/oauth/request_token", NONE, Signed, RequestToken),
    r(
        "POST",
        "/oauth/request_token",
        OAuthForm,
        Signed,
        RequestToken,
    ),
    r("GET", "/oauth/authorize", NONE, Browser, AuthorizePage),
    r("POST", "/oauth/authorize", Form, Browser, Authorize),
    r("GET", "/oauth/access_token", NONE, Signed, AccessToken),
    r(
        "POST",
        "/oauth/access_token",
        OAuthForm,
        Signed,
        AccessToken,
    ),
    // OAuth 2: the pages need the web UI, the token endpoint does not.
    web(
        "GET",
        "/oauth2/authz",
        NONE,
        Browser,
        Web(Page::OAuth2Consent),
    ),
    web(
        "POST",
        "/oauth2/authz",
        Form,
        Browser,
        Web(Page::OAuth2Decide),
    ),
    web(
        "GET",
        "/oauth2/authc",
        NONE,
        Browser,
        Web(Page::OAuth2LoginForm),
    ),
    web(
        "POST",
        "/oauth2/authc",
        Form,
        Browser,
        Web(Page::OAuth2Login),
    ),
    r("POST", "/oauth2/token", Form, Public, OAuth2Token),
    // The API.
    r("GET", "/api/health", NONE, Public, Health),
    r("GET", "/favicon.ico", NONE, Public, Favicon),
    r("GET", "/api/users", NONE, AnyRead, UsersList),
    r("POST", "/api/users", Json, ClientWrite, Register),
    r("GET", "/api/user/{nick}", NONE, AnyRead, UserGet),
    r("PUT", "/api/user/{nick}", Json, UserWrite, UserPut),
    r("DELETE", "/api/user/{nick}", NONE, UserWrite, UserDelete),
    r("GET", "/api/user/{nick}/profile", NONE, AnyRead, ProfileGet),
    r(
        "PUT",
        "/api/user/{nick}/profile",
        Json,
        UserWrite,
        ProfilePut,
    ),
    r("GET", "/api/user/{nick}/feed", NONE, AnyRead, FeedGet),
    r("POST", "/api/user/{nick}/feed", Json, UserWrite, FeedPost),
    r(
        "GET",
        "/api/user/{nick}/feed/{which=major|minor}",
        NONE,
        AnyRead,
        FeedGet,
    ),
    r(
        "POST",
        "/api/user/{nick}/feed/{which=major|minor}",
        Json,
        UserWrite,
        FeedPost,
    ),
    r("GET", "/api/user/{nick}/inbox", NONE, UserRead, FeedGet),
    r(
        "POST",
        "/api/user/{nick}/inbox",
        Json,
        RemoteWrite,
        InboxPost,
    ),
    r(
        "GET",
        "/api/user/{nick}/inbox/{which=major|minor|direct}",
        NONE,
        UserRead,
        FeedGet,
    ),
    r(
        "POST",
        "/api/user/{nick}/inbox/{which=major|minor|direct}",
        Json,
        RemoteWrite,
        InboxPost,
    ),
    r(
        "GET",
        "/api/user/{nick}/inbox/direct/{which=major|minor}",
        NONE,
        UserRead,
        FeedGet,
    ),
    r(
        "POST",
        "/api/user/{nick}/inbox/direct/{which=major|minor}",
        Json,
        RemoteWrite,
        InboxPost,
    ),
    r(
        "GET",
        "/api/user/{nick}/followers",
        NONE,
        AnyRead,
        Followers,
    ),
    r(
        "GET",
        "/api/user/{nick}/following",
        NONE,
        AnyRead,
        Following,
    ),
    r(
        "POST",
        "/api/user/{nick}/following",
        Json,
        UserWrite,
        FollowShortcut,
    ),
    r(
        "GET",
        "/api/user/{nick}/{which=blocked|muted}",
        NONE,
        UserRead,
        Hidden,
    ),
    r(
        "POST",
        "/api/user/{nick}/{which=blocked|muted}",
        Json,
        UserWrite,
        HideShortcut,
    ),
    r(
        "GET",
        "/api/user/{nick}/favorites",
        NONE,
        AnyRead,
        Favorites,
    ),
    r(
        "POST",
        "/api/user/{nick}/favorites",
        Json,
        UserWrite,
        FavoriteShortcut,
    ),
    r("GET", "/api/user/{nick}/lists/{kind}", NONE, AnyRead, Lists),
    r(
        "GET",
        "/api/user/{nick}/uploads",
        NONE,
        UserRead,
        UploadsList,
    ),
    r(
        "POST",
        "/api/user/{nick}/uploads",
        File,
        UserWrite,
        UploadPost,
    ),
    r("GET", "/uploads/{path..}", NONE, Optional, UploadFile),
    r("GET", "/api/whoami", NONE, UserRead, Whoami),
    r("GET", "/api/proxy/{id}", NONE, UserRead, Proxy),
    r("GET", "/api/activity/{uuid}", NONE, AnyRead, ActivityGet),
    r("PUT", "/api/activity/{uuid}", Json, UserWrite, ActivityPut),
    r(
        "DELETE",
        "/api/activity/{uuid}",
        NONE,
        UserWrite,
        ActivityDelete,
    ),
    r(
        "GET",
        "/api/collection/{uuid}/members",
        NONE,
        AnyRead,
        MembersGet,
    ),
    r(
        "POST",
        "/api/collection/{uuid}/members",
        Json,
        UserWrite,
        MemberAdd,
    ),
    r(
        "GET",
        "/api/group/{which=members|documents}",
        NONE,
        AnyRead,
        GroupFeed,
    ),
    r("GET", "/api/group/inbox", NONE, AnyRead, GroupFeed),
    r("POST", "/api/group/inbox", Json, RemoteWrite, GroupInbox),
    r(
        "GET",
        "/api/group/{uuid}/{which=members|documents}",
        NONE,
        AnyRead,
        GroupFeed,
    ),
    r("GET", "/api/group/{uuid}/inbox", NONE, AnyRead, GroupFeed),
    r(
        "POST",
        "/api/group/{uuid}/inbox",
        Json,
        RemoteWrite,
        GroupInbox,
    ),
    r(
        "GET",
        "/api/{kind~kind}/{which=likes|replies|shares}",
        NONE,
        AnyRead,
        SubFeed,
    ),
    r(
        "GET",
        "/api/{kind~kind}/{uuid}/{which=likes|replies|shares}",
        NONE,
        AnyRead,
        SubFeed,
    ),
    r("GET", "/api/{kind~kind}/{uuid}", NONE, AnyRead, ObjectGet),
    r("PUT", "/api/{kind~kind}/{uuid}", Json, UserWrite, ObjectPut),
    r(
        "DELETE",
        "/api/{kind~kind}/{uuid}",
        NONE,
        UserWrite,
        ObjectDelete,
    ),
    r("GET", "/api/{kind~kind}", NONE, AnyRead, ObjectGet),
    // JSON asks for any-read; the HTML profile page is for anyone.
    r("GET", "/{nick}", NONE, AnyRead, Nickname),
];

/// Path segments the API routes itself: never an object type.
const API_WORDS: &[&str] = &[
    "user", "users", "activity", "client", "lrdd", "whoami", "dialback", "proxy", "actor", "inbox",
];

/// The values a matched pattern captured, by name.
#[derive(Default, Debug)]
pub struct Params(Vec<(&'static str, String)>);

impl Params {
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(n, _)| *n == name)
    }
}

/// One segment of a pattern, parsed once.
#[derive(Debug)]
enum Part {
    Lit(&'static str),
    /// Any one non-empty segment.
    Any(&'static str),
    /// One of the alternatives.
    Alt(&'static str, Vec<&'static str>),
    /// A segment that can be a nickname.
    Nick(&'static str),
    /// A segment that can be an object type.
    Kind(&'static str),
    /// The rest, at least one segment.
    Rest(&'static str),
    /// A class this table does not know: matches nothing.
    Never,
}

fn part(s: &'static str) -> Part {
    let Some(inner) = s.strip_prefix('{').and_then(|p| p.strip_suffix('}')) else {
        return Part::Lit(s);
    };
    if let Some(name) = inner.strip_suffix("..") {
        return Part::Rest(name);
    }
    if let Some((name, alts)) = inner.split_once('=') {
        return Part::Alt(name, alts.split('|').collect());
    }
    match inner.split_once('~') {
        Some((name, "nick")) => Part::Nick(name),
        Some((name, "kind")) => Part::Kind(name),
        Some(_) => Part::Never,
        None => Part::Any(inner),
    }
}

/// A pattern, parsed.
#[derive(Debug)]
pub struct Pattern(Vec<Part>);

impl Pattern {
    pub fn parse(pattern: &'static str) -> Pattern {
        Pattern(
            pattern
                .split('/')
                .filter(|s| !s.is_empty())
                .map(part)
                .collect(),
        )
    }

    /// Whether the pattern matches the (decoded) path segments; what it captured.
    pub fn matches(&self, segs: &[String]) -> Option<Params> {
        // Most rows fail on a literal: try them before capturing anything.
        let literal_fails =
            self.0.iter().enumerate().any(
                |(i, p)| matches!(p, Part::Lit(l) if segs.get(i).map(String::as_str) != Some(*l)),
            );
        if literal_fails {
            return None;
        }
        let mut out = Params::default();
        for (i, p) in self.0.iter().enumerate() {
            if let Part::Rest(name) = p {
                // Only last in a pattern.
                if i + 1 != self.0.len() || i >= segs.len() {
                    return None;
                }
                out.0.push((name, segs[i..].join("/")));
                return Some(out);
            }
            let seg = segs.get(i)?;
            let name = match p {
                Part::Lit(_) => continue,
                Part::Any(n) => (!seg.is_empty()).then_some(*n),
                Part::Alt(n, alts) => alts.contains(&seg.as_str()).then_some(*n),
                Part::Nick(n) => (!seg.is_empty() && !ROUTED.contains(&seg.as_str())).then_some(*n),
                Part::Kind(n) => (!API_WORDS.contains(&seg.as_str())).then_some(*n),
                Part::Rest(_) | Part::Never => None,
            }?;
            out.0.push((name, seg.clone()));
        }
        (self.0.len() == segs.len()).then_some(out)
    }
}

/// Each row's pattern, parsed once, and the index of the first row with the same pattern
/// (the rows that share it give the path's methods).
pub fn compiled() -> &'static [(Pattern, usize)] {
    static TABLE: std::sync::OnceLock<Vec<(Pattern, usize)>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        ROUTES
            .iter()
            .map(|r| {
                let first = ROUTES.iter().position(|o| o.path == r.path).unwrap_or(0);
                (Pattern::parse(r.path), first)
            })
            .collect()
    })
}

/// Whether `pattern` matches the (decoded) path segments; what it captured.
#[cfg(test)]
pub fn matches(pattern: &'static str, segs: &[String]) -> Option<Params> {
    Pattern::parse(pattern).matches(segs)
}

/// The table as text, one row a line (`pump routes`).
pub fn print() -> String {
    let mut out = String::new();
    for r in ROUTES {
        let mut notes = Vec::new();
        if r.web {
            notes.push("web UI");
        }
        if r.mail {
            notes.push("with mail");
        }
        out.push_str(&format!(
            "{:<7} {:<58} {:<10} {:<12} {:?}{}\n",
            r.method,
            r.path,
            format!("{:?}", r.body),
            format!("{:?}", r.access),
            r.handler,
            if notes.is_empty() {
                String::new()
            } else {
                format!(" ({})", notes.join(", "))
            }
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_is_well_formed_and_printed() {
        for r in ROUTES {
            assert!(
                ["GET", "POST", "PUT", "DELETE"].contains(&r.method),
                "{}",
                r.path
            );
            for part in r.path.split('/').filter(|p| p.starts_with('{')) {
                let inner = &part[1..part.len() - 1];
                let known = match inner.split_once('~') {
                    Some((_, class)) => ["nick", "kind"].contains(&class),
                    None => !inner.is_empty(),
                };
                assert!(known, "{}: {part}", r.path);
            }
            // The same method and path twice only as a web page and its API fallback, or as
            // a form and the JSON of the same endpoint.
            let twins: Vec<&Route> = ROUTES
                .iter()
                .filter(|o| o.method == r.method && o.path == r.path)
                .collect();
            let form_then_json =
                twins.len() == 2 && twins[0].body == Body::Form && twins[1].body == Body::Json;
            assert!(
                twins.len() == 1 || (twins.len() == 2 && r.path == "/") || form_then_json,
                "{} {}",
                r.method,
                r.path
            );
        }
        assert_eq!(print().lines().count(), ROUTES.len());
    }

    #[test]
    fn patterns_capture_what_they_name() {
        let segs = |p: &str| -> Vec<String> {
            p.split('/')
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        };
        let p = matches(
            "/api/user/{nick}/feed/{which=major|minor}",
            &segs("/api/user/bob/feed/minor"),
        )
        .unwrap();
        assert_eq!((p.get("nick"), p.get("which")), ("bob", "minor"));
        assert!(matches(
            "/api/user/{nick}/feed/{which=major|minor}",
            &segs("/api/user/bob/feed/other")
        )
        .is_none());
        assert_eq!(
            matches("/uploads/{path..}", &segs("/uploads/a/b/c.png"))
                .unwrap()
                .get("path"),
            "a/b/c.png"
        );
        assert!(matches("/uploads/{path..}", &segs("/uploads")).is_none());
        assert!(matches("/{nick~nick}/{tab=lists}", &segs("/main/lists")).is_none());
        assert!(matches("/api/{kind~kind}/{uuid}", &segs("/api/user/x")).is_none());
    }
}
