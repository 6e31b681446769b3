//! `POST /api/user/<nick>/inbox` and `POST /api/group/<uuid>/inbox`: deliveries from other
//! servers (api.md §10.4, federation.md §6.2-6.3).
use super::objects::Key;
use crate::app::App;
use crate::core::posting::{self, Inbox};
use crate::error::{Error, Result};
use crate::http::{Req, Resp};
use crate::social::objects;
use crate::social::render::{self, Viewer, FULL};

/// The remote identity behind a Dialback-bound client (remote-write, api.md §2.3).
fn principal(app: &App, req: &Req) -> Result<String> {
    crate::principal::remote_write(app, req)
}

fn answer(app: &App, id: &str, principal: &str) -> Result<Resp> {
    let out = app.store.read(|r| {
        let a = crate::social::activity::get(r, id)?
            .ok_or_else(|| Error::internal("activity vanished"))?;
        render::activity(
            r,
            Viewer {
                id: Some(principal),
            },
            &a,
            FULL,
        )
    })?;
    Ok(Resp::json(&out))
}

pub async fn post(app: &App, req: &Req, nick: &str) -> Result<Resp> {
    let who = principal(app, req)?;
    if !app.store.read(|r| crate::social::users::exists(r, nick))? {
        return Err(crate::social::users::no_such_user(nick));
    }
    let body = req.json()?;
    let id = posting::receive(app, &who, body, Inbox::User(nick.to_string())).await?;
    answer(app, &id, &who)
}

pub async fn post_group(app: &App, req: &Req, key: Key) -> Result<Resp> {
    let who = principal(app, req)?;
    let group = match key {
        Key::Uuid(u) => app.store.read(|r| objects::by_uuid(r, "group", &u))?,
        Key::Id => {
            let id = req
                .query_param("id")
                .ok_or_else(|| Error::bad("'id' required"))?;
            app.store.read(|r| objects::get(r, &id))?
        }
    }
    .filter(objects::is_local_group)
    .ok_or_else(|| Error::NotFound("No such group".into()))?;
    let body = req.json()?;
    let id = posting::receive(app, &who, body, Inbox::Group(group)).await?;
    answer(app, &id, &who)
}
