//! The pages of the web UI, each named by a `Page` that the route table (`routes/table.rs`)
//! points at, and served here with the reader's session and the web UI's error pages.
use super::layout::Ctx;
use super::{act, assets, auth, home, live, oauth2, profile, recover, settings, single};
use crate::app::App;
use crate::error::{Error, Result};
use crate::http::{Req, Resp};
use crate::util::enc::pct;

#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Page {
    Asset,
    Home,
    LoginForm,
    Login,
    RegisterForm,
    Register,
    LogoutForm,
    Logout,
    RecoverForm,
    Recover,
    RecoverSent,
    NewPasswordForm,
    SetPassword,
    Confirm,
    RemoteForm,
    Remote,
    /// Back from another server's authorization page (federation.md §8).
    Authorized,
    /// A remote person's activity, posted through their home server.
    Proxy,
    /// Following someone on another server by address.
    FollowRemote,
    /// What we know of a remote person.
    RemotePerson,
    /// Looking up someone on another server by address.
    Lookup,
    /// The directory of this server's people, and searching it.
    People,
    /// The public timeline of this server's users.
    Public,
    /// The public posts with a hashtag.
    Tag,
    NoScript,
    Settings,
    SaveSettings,
    Account,
    SaveAccount,
    Revoke,
    Messages,
    Notifications,
    Events,
    Act,
    PostPicture,
    ProfileTab,
    List,
    Activity,
    Object,
    OAuth2Consent,
    OAuth2Decide,
    OAuth2LoginForm,
    OAuth2Login,
}

/// What a page's path named: the values of its pattern's `{…}` parts.
pub struct Args<'a> {
    pub nick: &'a str,
    pub code: &'a str,
    pub tab: &'a str,
    pub kind: &'a str,
    pub uuid: &'a str,
    pub host: &'a str,
    pub tag: &'a str,
}

/// Serves `page`. With `session` the reader must be logged in: a GET goes to the login page
/// (and back after), anything else is a 401.
pub async fn serve(app: &App, req: &Req, page: Page, a: &Args<'_>, session: bool) -> Resp {
    if page == Page::Asset {
        return assets::get(req).unwrap_or_else(|| {
            Resp::new(
                404,
                crate::http::response::TEXT,
                format!("Cannot GET {}", req.path),
            )
        });
    }
    let ctx = Ctx::new(app, req);
    let result = match (&ctx.me, session) {
        (None, true) if req.method == "GET" || req.method == "HEAD" => {
            Ok(ctx.see_other(&format!("/main/login?continue={}", pct(&req.path))))
        }
        (None, true) => Err(Error::Unauthorized("Not logged in.".into())),
        (me, _) => {
            let me = me.clone().unwrap_or_default();
            run(&ctx, page, a, &me).await
        }
    };
    result.unwrap_or_else(|e| super::error(&ctx, e))
}

/// `me` is the reader's nickname, empty when nobody is logged in.
async fn run(ctx: &Ctx<'_>, page: Page, a: &Args<'_>, me: &str) -> Result<Resp> {
    match page {
        Page::Asset => Err(Error::NotFound("No such file".into())),
        Page::Home if me.is_empty() => Ok(match ctx.remote.clone() {
            Some(person) => home::remote_home(ctx, &person),
            None => home::welcome(ctx),
        }),
        Page::Home => home::home(ctx, me),
        Page::LoginForm => Ok(auth::login_page(ctx, 200, None, "")),
        Page::Login => auth::login(ctx).await,
        Page::RegisterForm if !me.is_empty() => Ok(ctx.see_other("/")),
        Page::RegisterForm => Ok(auth::register_page(ctx, 200, None, "")),
        Page::Register => auth::register(ctx).await,
        Page::LogoutForm => Ok(auth::logout_page(ctx)),
        Page::Logout => auth::logout(ctx).await,
        Page::RecoverForm => Ok(recover::recover_page(ctx, 200, None, false)),
        Page::Recover => recover::recover(ctx).await,
        Page::RecoverSent => Ok(recover::sent(ctx)),
        Page::NewPasswordForm => recover::new_password_page(ctx, a.code, 200, None),
        Page::SetPassword => recover::set_password(ctx, a.code).await,
        Page::Confirm => recover::confirm(ctx, a.code).await,
        Page::RemoteForm => Ok(auth::remote_page(ctx, 200, None)),
        Page::Remote => Ok(super::remote::begin(ctx).await),
        Page::Authorized => super::remote::finish(ctx, a).await,
        Page::Proxy => super::remote::proxy(ctx).await,
        Page::FollowRemote => super::remote_person::follow(ctx, me).await,
        Page::RemotePerson => super::remote_person::page(ctx),
        Page::Lookup => super::remote_person::lookup(ctx).await,
        Page::People => super::discover::people(ctx),
        Page::Public => super::discover::public(ctx),
        Page::Tag => super::discover::tag(ctx, a.tag),
        Page::NoScript => Ok(ctx.page(
            200,
            "JavaScript",
            "<h1>No JavaScript needed</h1><p>Every page of this server works without JavaScript; it only adds live updates.</p>",
            false,
        )),
        Page::Settings => settings::settings_page(ctx, me, None),
        Page::SaveSettings => settings::save_settings(ctx, me).await,
        Page::Account => Ok(settings::account_page(ctx, me, 200, None)),
        Page::SaveAccount => settings::save_account(ctx, me).await,
        Page::Revoke => settings::revoke(ctx, me).await,
        Page::Messages => super::notifications::messages(ctx, me).await,
        Page::Notifications => super::notifications::notifications(ctx, me).await,
        Page::Events => live::open(ctx, me),
        Page::Act => act::handle(ctx, me).await,
        Page::PostPicture => super::upload::post_picture(ctx, me).await,
        Page::ProfileTab => {
            let tab = match a.tab {
                "favorites" => profile::Tab::Favorites,
                "followers" => profile::Tab::Followers,
                "following" => profile::Tab::Following,
                _ => profile::Tab::Lists,
            };
            profile::page(ctx, a.nick, tab)
        }
        Page::List => profile::list(ctx, a.nick, a.uuid),
        Page::Activity => single::activity(ctx, a.nick, a.uuid),
        Page::Object => single::object(ctx, a.nick, a.kind, a.uuid),
        Page::OAuth2Consent => oauth2::authz_page(ctx),
        Page::OAuth2Decide => oauth2::authz(ctx).await,
        Page::OAuth2LoginForm => oauth2::authc_page(ctx),
        Page::OAuth2Login => oauth2::authc(ctx).await,
    }
}

/// `/<nick>` when the reader wants HTML.
pub fn profile_page(app: &App, req: &Req, nick: &str) -> Resp {
    let ctx = Ctx::new(app, req);
    profile::page(&ctx, nick, profile::Tab::Activity).unwrap_or_else(|e| super::error(&ctx, e))
}
