//! What every page shares (web-ui.md §1): the frame, the navigation bar for anonymous and
//! logged-in readers, the footer, and the per-request context pages are built with.
use super::notifications::badge;
use super::template::{fill, Val, PAGE};
use super::{csrf, session};
use crate::app::App;
use crate::http::{Req, Resp};
use crate::social::urls;
use crate::store::Read;
use crate::util::enc::html;
use serde_json::Value;

/// Who is asking, and the token their forms carry.
pub struct Ctx<'a> {
    pub app: &'a App,
    pub req: &'a Req,
    /// The session user's nickname.
    pub me: Option<String>,
    /// The person of another server logged in with their account there, if that is who.
    pub remote: Option<String>,
    pub csrf: String,
    set_csrf: Option<String>,
}

impl<'a> Ctx<'a> {
    pub fn new(app: &'a App, req: &'a Req) -> Ctx<'a> {
        let (csrf, set_csrf) = csrf::token(app, req);
        Ctx {
            app,
            req,
            me: session::user(app, req),
            remote: crate::principal::remote_session(app, req).map(|(p, _)| p),
            csrf,
            set_csrf,
        }
    }

    /// A context for rendering outside the request that opened it (live streams).
    pub fn with(app: &'a App, req: &'a Req, me: Option<String>, csrf: String) -> Ctx<'a> {
        Ctx {
            app,
            req,
            me,
            remote: None,
            csrf,
            set_csrf: None,
        }
    }

    pub fn me_id(&self) -> Option<String> {
        self.me.as_ref().map(|n| urls::person_id(&self.app.cfg, n))
    }

    /// The hidden CSRF field of every form.
    pub fn hidden(&self) -> String {
        format!(
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
            csrf::FIELD,
            html(&self.csrf)
        )
    }

    /// A whole page. `live` turns on the live-update script (home page).
    pub fn page(&self, status: u16, title: &str, content: &str, live: bool) -> Resp {
        let body_attrs = if live && self.me.is_some() {
            " data-live=\"1\""
        } else {
            ""
        };
        let page = fill(
            PAGE,
            &[
                ("title", Val::Text(title)),
                ("site", Val::Text(&self.app.cfg.site)),
                ("body_attrs", Val::Html(body_attrs)),
                ("navbar", Val::Html(&self.navbar(false))),
                ("content", Val::Html(content)),
                ("footer", Val::Html(&footer(self.app))),
            ],
        );
        self.finish(Resp::html(status, page))
    }

    /// Adds the CSRF cookie when the browser has none, and keeps pages out of shared caches.
    pub fn finish(&self, resp: Resp) -> Resp {
        let resp = resp.with("cache-control", "private, no-cache");
        match &self.set_csrf {
            Some(c) => resp.with("set-cookie", c.clone()),
            None => resp,
        }
    }

    /// 303 to `to` (after a form POST).
    pub fn see_other(&self, to: &str) -> Resp {
        self.finish(Resp::redirect(303, to))
    }

    /// A person logged in with their account elsewhere: who they are, and logging out.
    fn remote_navbar(&self, person: &str) -> String {
        let stored = self
            .app
            .store
            .read(|r| crate::social::objects::get(r, person))
            .ok()
            .flatten();
        let name = stored
            .as_ref()
            .and_then(|p| p.get("displayName").and_then(Value::as_str))
            .unwrap_or(person);
        format!(
            "<span id=\"remote-user\">{}</span>\n<form id=\"logout-form\" method=\"post\" action=\"/main/logout\">{}<button id=\"logout\" type=\"submit\">Log out</button></form>\n",
            html(name),
            self.hidden()
        )
    }

    fn navbar(&self, oauth: bool) -> String {
        let site = html(&self.app.cfg.site);
        let mut n = format!("<a class=\"brand\" href=\"/\">{site}</a>\n");
        if let Some(person) = &self.remote {
            return n + &self.remote_navbar(person);
        }
        let Some(me) = &self.me else {
            if !oauth {
                n.push_str(&discover_links(""));
                if !self.app.cfg.disable_registration {
                    n.push_str("<a id=\"register\" href=\"/main/register\">Register</a>\n");
                }
                n.push_str("<a id=\"login\" href=\"/main/login\">Login</a>\n");
            }
            return n;
        };
        if !oauth {
            n.push_str(&discover_links(" class=\"wide-only\""));
            n.push_str(&self.post_buttons());
            n.push_str(&self.badges(me));
        }
        n.push_str(&self.account_menu(me));
        n
    }

    /// The navbar's Note and Picture buttons (Picture only with uploads).
    fn post_buttons(&self) -> String {
        let mut n = String::from(
            "<a id=\"post-note-button\" class=\"button\" href=\"/?compose=note#post-note\"><span aria-hidden=\"true\">&#9998;</span> <span class=\"label\">Note</span></a>\n",
        );
        if self.app.cfg.uploads.is_some() {
            n.push_str(
                "<a id=\"post-picture-button\" class=\"button wide-only\" href=\"/?compose=picture#post-picture\">Picture</a>\n",
            );
        }
        n
    }

    /// The messages and notifications links with their counts.
    fn badges(&self, me: &str) -> String {
        let (messages, notifications) = self
            .app
            .store
            .read(|r| direct_counts(r, me))
            .unwrap_or((0, 0));
        let (messages, notifications) = (badge(messages), badge(notifications));
        format!(
            "<a href=\"/main/messages\" id=\"messages\"><span aria-hidden=\"true\">&#9993;</span> <span class=\"label\">Messages</span> <span class=\"badge\" id=\"messages-count\">{messages}</span><span class=\"visually-hidden\"> new</span></a>\n\
             <a href=\"/main/notifications\" id=\"notifications\"><span aria-hidden=\"true\">&#9873;</span> <span class=\"label\">Notifications</span> <span class=\"badge\" id=\"notifications-count\">{notifications}</span><span class=\"visually-hidden\"> new</span></a>\n"
        )
    }

    /// The account drop-down: avatar and name, the reader's own pages, logging out.
    fn account_menu(&self, me: &str) -> String {
        let person = self
            .app
            .store
            .read(|r| crate::social::person::show(r, &self.app.cfg, me, Some(me)))
            .ok()
            .flatten();
        let name = person
            .as_ref()
            .and_then(|p| p.get("displayName"))
            .and_then(Value::as_str)
            .unwrap_or(me);
        let avatar = person.as_ref().map(avatar_url).unwrap_or_default();
        let m = html(me);
        format!(
            "<details id=\"profile-menu\"><summary><img class=\"avatar\" style=\"width:24px;height:24px\" src=\"{}\" alt=\"\"> <span class=\"label\">{}</span></summary><ul>\n\
             <li><a href=\"/{m}\">Activity</a></li><li><a href=\"/{m}/favorites\">Favorites</a></li>\
             <li><a href=\"/{m}/followers\">Followers</a></li><li><a href=\"/{m}/following\">Following</a></li>\
             <li><a href=\"/{m}/lists\">Lists</a></li><li class=\"narrow-only\"><a href=\"/main/public\">Public posts</a></li>\
             <li class=\"narrow-only\"><a href=\"/main/people\">People</a></li><li><a href=\"/main/settings\">Profile</a></li>\
             <li><a href=\"/main/account\">Account</a></li><li><a id=\"logout\" href=\"/main/logout\">Log out</a></li></ul></details>\n\
             <form id=\"logout-form\" method=\"post\" action=\"/main/logout\" hidden>{}</form>\n",
            html(&avatar),
            html(name),
            self.hidden()
        )
    }
}

/// The links to the public timeline and the directory (a user's phone has them in the menu).
fn discover_links(attrs: &str) -> String {
    format!(
        "<a{attrs} href=\"/main/public\">Public</a>\n<a{attrs} href=\"/main/people\">People</a>\n"
    )
}

/// The navbar badges: new messages (direct major) and notifications (direct minor) of `nick`.
pub fn direct_counts(r: &impl Read, nick: &str) -> crate::error::Result<(u64, u64)> {
    use super::notifications::unread;
    Ok((
        unread(r, nick, urls::MESSAGES)?,
        unread(r, nick, urls::NOTIFICATIONS)?,
    ))
}

/// The avatar of a person object, or the default picture.
pub fn avatar_url(p: &Value) -> String {
    p.pointer("/image/url")
        .and_then(Value::as_str)
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
        .unwrap_or("/images/default.png")
        .to_string()
}

fn footer(app: &App) -> String {
    let raw = |k: &str| app.cfg.raw.get(k).and_then(Value::as_str);
    let mut f = String::new();
    if let Some(owner) = raw("owner") {
        let who = match raw("ownerURL") {
            Some(u) if u.starts_with("http") => {
                format!("<a href=\"{}\">{}</a>", html(u), html(owner))
            }
            _ => html(owner),
        };
        f.push_str(&format!(
            "<p><strong>{}</strong> brought to you by {who}.</p>\n",
            html(&app.cfg.site)
        ));
    }
    if let Some(extra) = raw("appendFooter") {
        // Set by the server's owner in the config: their HTML, sanitised all the same.
        f.push_str(&crate::social::sanitize::html(extra));
    }
    f.push_str(
        "<p>Powered by <a href='http://pump.io/'>pump.io</a>-compatible software, available under the Apache License 2.0. \
         <a href=\"/assets/pump.js\" rel=\"jslicense\">JavaScript license information</a></p>",
    );
    f
}
