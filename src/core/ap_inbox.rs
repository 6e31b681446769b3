//! Receiving an ActivityPub activity whose signature checked out: it goes through the same
//! checks and pipeline as the pump.io protocol's (`social::inbox`), once per local user it
//! reaches, in one transaction; a Follow of a local user is accepted in that transaction too.
use crate::app::App;
use crate::error::Result;
use crate::jobs::{self, Accept};
use crate::social::as2_in::Incoming;
use crate::social::inbox::{self, Dest};
use crate::social::objects::{self, id_of, type_of};
use crate::social::{activity, blocks, relations, shared_inbox, urls};
use crate::store::W;
use serde_json::{json, Value};

/// What the shared inbox or the user inbox `to` got from the actor `sender`; the activity's id
/// when something was stored or changed.
pub async fn receive(
    app: &App,
    sender: &str,
    followers: Option<String>,
    incoming: Incoming,
    to: Option<String>,
) -> Result<Option<String>> {
    let (cfg, watching) = (app.cfg.clone(), app.live.borrow().watching.clone());
    let sender = sender.to_string();
    app.store
        .write(move |w| {
            let as1 = match incoming.clone() {
                Incoming::Activity { as1, undoes } => match complete(w, as1, undoes)? {
                    Some(a) => a,
                    None => return Ok(None),
                },
                Incoming::Rejected { follower } => return rejected(w, &cfg, &sender, follower),
                Incoming::ActorGone => return gone(w, &cfg, &sender),
                Incoming::Accepted { .. } | Incoming::Ignored(_) | Incoming::ActorChanged => {
                    return Ok(None)
                }
            };
            let mut users = match &to {
                Some(nick) => vec![nick.clone()],
                None => shared_inbox::recipients(w, &cfg, &as1, &sender, followers.as_deref())?,
            };
            // Whoever blocks the sender gets nothing of theirs, and they are not told.
            let addressed = users.len();
            let mut open = Vec::with_capacity(addressed);
            for nick in users {
                if !blocks::blocks(w, &urls::person_id(&cfg, &nick), &sender)? {
                    open.push(nick);
                }
            }
            users = open;
            if users.is_empty() && addressed > 0 {
                return Ok(None);
            }
            if let Some(done) = repeated_follow(w, &cfg, &sender, &as1)? {
                return Ok(Some(done));
            }
            let mut id = None;
            let mut reached = Vec::new();
            for nick in &users {
                let posted = inbox::receive(w, &cfg, &sender, &as1, Dest::User(nick))?;
                reached.extend(posted.reached);
                id = Some(posted.id);
            }
            jobs::live(w, &cfg, watching.among(&reached))?;
            accept_follow(w, &cfg, &sender, &as1)?;
            Ok(id)
        })
        .await
}

/// The verb an Undo by id undoes, and the object types the inbox wants; None when there is
/// nothing to apply it to (an Undo or Delete of something we never had).
fn complete(w: &W, mut as1: Value, undoes: Option<String>) -> Result<Option<Value>> {
    if let Some(undone) = undoes {
        let Some(old) = activity::get(w, &undone)? else {
            return Ok(None);
        };
        let verb = match old.get("verb").and_then(Value::as_str) {
            Some("follow") => "stop-following",
            Some("favorite") => "unfavorite",
            Some("share") => "unshare",
            _ => return Ok(None),
        };
        as1["verb"] = json!(verb);
        as1["object"] = old.get("object").cloned().unwrap_or(Value::Null);
    }
    let verb = as1
        .get("verb")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let Some(obj) = as1.get_mut("object").filter(|o| type_of(o).is_empty()) else {
        return Ok(Some(as1));
    };
    let stored = match id_of(obj) {
        Some(id) => objects::get(w, id)?,
        None => return Ok(None),
    };
    let t = match (&stored, verb.as_str()) {
        (Some(s), _) => type_of(s).to_string(),
        (None, "delete" | "unfavorite" | "unshare") => return Ok(None),
        (None, "stop-following") => "person".into(),
        (None, _) => "note".into(),
    };
    obj["objectType"] = json!(t);
    Ok(Some(as1))
}

/// A Follow of a local user the sender already follows: accepted again, nothing stored.
fn repeated_follow(
    w: &W,
    cfg: &crate::config::Config,
    sender: &str,
    as1: &Value,
) -> Result<Option<String>> {
    let follows = as1.get("verb").and_then(Value::as_str) == Some("follow");
    let object = as1.get("object").and_then(id_of).unwrap_or_default();
    if !follows || !relations::exists(w, relations::FOLLOW, sender, object)? {
        return Ok(None);
    }
    accept_follow(w, cfg, sender, as1)?;
    Ok(id_of(as1).map(String::from))
}

/// Queues the Accept of a Follow of a local user (no one here approves followers by hand).
fn accept_follow(w: &W, cfg: &crate::config::Config, sender: &str, as1: &Value) -> Result<()> {
    if as1.get("verb").and_then(Value::as_str) != Some("follow") {
        return Ok(());
    }
    let object = as1.get("object").and_then(id_of).unwrap_or_default();
    let (Some(nick), Some(host)) = (urls::nick_of_person_id(cfg, object), urls::host_of(sender))
    else {
        return Ok(());
    };
    if blocks::blocks(w, object, sender)? {
        return Ok(());
    }
    let follow = id_of(as1).unwrap_or_default().to_string();
    jobs::accept(
        w,
        cfg,
        Accept {
            nick,
            follow,
            to: sender.to_string(),
            host,
        },
    )
}

/// The sender refused a local user's follow: the user no longer follows them.
fn rejected(
    w: &W,
    cfg: &crate::config::Config,
    sender: &str,
    follower: Option<String>,
) -> Result<Option<String>> {
    let Some(nick) = follower.and_then(|f| urls::nick_of_person_id(cfg, &f)) else {
        return Ok(None);
    };
    unfollow(w, cfg, &nick, sender)?;
    Ok(None)
}

/// The local user `nick` no longer follows the remote actor `other`.
fn unfollow(w: &W, cfg: &crate::config::Config, nick: &str, other: &str) -> Result<()> {
    if relations::remove(w, relations::FOLLOW, &urls::person_id(cfg, nick), other)? {
        w.stream_remove(&urls::stream(nick, "following"), other)?;
    }
    Ok(())
}

/// The sender's account was deleted: it follows no one here, and no one here follows it.
fn gone(w: &W, cfg: &crate::config::Config, sender: &str) -> Result<Option<String>> {
    for nick in shared_inbox::local_users(w)? {
        unfollow(w, cfg, &nick, sender)?;
        let me = urls::person_id(cfg, &nick);
        if relations::remove(w, relations::FOLLOW, sender, &me)? {
            w.stream_remove(&urls::stream(&nick, "followers"), sender)?;
        }
    }
    Ok(None)
}
