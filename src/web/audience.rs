//! Who a post is for: the posting forms' picker (Public, Followers, one of the user's lists,
//! or only the people named), the `to`/`cc` it gives, and the word and icon each card shows.
use super::layout::Ctx;
use crate::error::{Error, Result};
use crate::social::{objects, urls};
use crate::store::Read;
use crate::util::enc::html;
use serde_json::{json, Value};

/// People one post may name.
const MAX_PEOPLE: usize = 20;
/// Lists offered in the picker.
const MAX_LISTS: usize = 50;

/// The user's person lists: id and name, newest first.
fn lists(r: &impl Read, me: &str) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for id in r.stream_newest(&urls::stream(me, "lists:person"), None, 0, MAX_LISTS)? {
        if let Some(l) = objects::get(r, &id)? {
            let name = l
                .get("displayName")
                .and_then(Value::as_str)
                .unwrap_or("A list");
            out.push((id, name.to_string()));
        }
    }
    Ok(out)
}

/// The picker of a posting form: `id` names the select, `id-people` the people field.
pub fn picker(ctx: &Ctx, me: &str, id: &str) -> String {
    let lists = ctx.app.store.read(|r| lists(r, me)).unwrap_or_default();
    let mut options = String::new();
    if !lists.is_empty() {
        options.push_str("<optgroup label=\"Your lists\">");
        for (lid, name) in &lists {
            options.push_str(&format!(
                "<option value=\"list:{}\">List: {}</option>",
                html(lid),
                html(name)
            ));
        }
        options.push_str("</optgroup>");
    }
    format!(
        "<label for=\"{id}\">Who can see it</label><select id=\"{id}\" name=\"to\">\
         <option value=\"public\">Public</option><option value=\"followers\">Followers only</option>\
         {options}<option value=\"direct\">Only the people named below</option></select>\
         <label for=\"{id}-people\">People to address <span class=\"muted\">(@nick, or @nick@host elsewhere; a direct message with the choice above)</span></label>\
         <input type=\"text\" id=\"{id}-people\" name=\"people\" autocomplete=\"off\">"
    )
}

/// The person named `@nick` or `@nick@host`: a user here by nickname, someone elsewhere
/// looked up at their server.
pub async fn person(ctx: &Ctx<'_>, name: &str) -> Result<String> {
    let bare = name.trim_start_matches('@');
    let cfg = &ctx.app.cfg;
    let local = match bare.rsplit_once('@') {
        None => Some(bare),
        Some((nick, host)) if super::discover::is_here(ctx, host) => Some(nick),
        Some(_) => None,
    };
    if let Some(nick) = local {
        let known = ctx
            .app
            .store
            .read(|r| crate::store::users::get(r, nick).map(|u| u.is_some()))?;
        return match known {
            true => Ok(urls::person_id(cfg, nick)),
            false => Err(Error::bad(format!("Nobody here is called @{nick}"))),
        };
    }
    if !super::remote_person::is_address(bare) {
        return Err(Error::bad(format!("{name} is not @nick or @nick@host")));
    }
    crate::federation::fetch::person(ctx.app, bare)
        .await
        .map_err(|e| Error::bad(format!("Cannot find {bare}: {e}")))
}

/// `to` and `cc` for what a form picked (`to`) and the people it named.
pub async fn addressing(
    ctx: &Ctx<'_>,
    me: &str,
    to: Option<&str>,
    people: Option<&str>,
) -> Result<(Value, Value)> {
    let cfg = &ctx.app.cfg;
    let followers = json!({"objectType": "collection", "id": urls::user_api(cfg, me, "followers")});
    let public = json!({"objectType": "collection", "id": urls::PUBLIC});
    let (mut to, cc) = match to.unwrap_or("public") {
        "public" => (vec![public], vec![followers]),
        "followers" => (vec![followers], vec![]),
        "direct" => (vec![], vec![]),
        list => {
            let id = list
                .strip_prefix("list:")
                .ok_or_else(|| Error::bad(format!("Unknown audience: {list}")))?;
            let mine = ctx
                .app
                .store
                .read(|r| r.stream_seq(&urls::stream(me, "lists:person"), id))?;
            if mine.is_none() {
                return Err(Error::bad("That list is not one of yours"));
            }
            (vec![json!({"objectType": "collection", "id": id})], vec![])
        }
    };
    let names: Vec<&str> = people
        .unwrap_or("")
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|n| !n.is_empty())
        .collect();
    if names.len() > MAX_PEOPLE {
        return Err(Error::bad(format!("Name at most {MAX_PEOPLE} people")));
    }
    for name in names {
        let id = person(ctx, name).await?;
        to.push(json!({"objectType": "person", "id": id}));
    }
    if to.is_empty() {
        return Err(Error::bad("Name at least one person for a direct message"));
    }
    Ok((Value::Array(to), Value::Array(cc)))
}

/// The people a post mentions are addressed too (in `cc`), unless it names them already.
pub fn add_mentioned(to: &Value, cc: &mut Value, mentioned: &[String]) {
    let named = |id: &str, v: &Value| {
        v.as_array().is_some_and(|a| {
            a.iter()
                .any(|x| x.get("id").and_then(Value::as_str) == Some(id))
        })
    };
    for id in mentioned {
        if !named(id, to) && !named(id, cc) {
            if let Some(list) = cc.as_array_mut() {
                list.push(json!({"objectType": "person", "id": id}));
            }
        }
    }
}

/// What a card says of its activity's audience (as the reader sees its `to` and `cc`): an
/// icon and a word. A list's name is shown to its owner only.
pub fn label(ctx: &Ctx, act: &Value) -> String {
    let all: Vec<&Value> = ["to", "cc"]
        .iter()
        .filter_map(|k| act.get(*k).and_then(Value::as_array))
        .flatten()
        .collect();
    let id = |v: &Value| {
        v.get("id")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let reader = ctx.me_id();
    let mine =
        reader.is_some() && act.pointer("/actor/id").and_then(Value::as_str) == reader.as_deref();
    let (icon, word, class) = if all.iter().any(|v| id(v) == urls::PUBLIC) {
        ("&#9728;", "Public".to_string(), "public")
    } else if all.iter().any(|v| is_followers(ctx, act, &id(v))) {
        ("&#9863;", "Followers".to_string(), "followers")
    } else if let Some(list) = all
        .iter()
        .find(|v| v.get("objectType").and_then(Value::as_str) == Some("collection"))
    {
        // The name only of a list of the reader's own.
        let name = match mine {
            true => list_name(ctx, &id(list)),
            false => None,
        };
        let word = name.map_or("List".to_string(), |n| format!("List: {n}"));
        ("&#9776;", word, "list")
    } else {
        ("&#9993;", "Direct".to_string(), "direct")
    };
    format!(
        "<span class=\"audience {class}\" title=\"Who can see this\"><span aria-hidden=\"true\">{icon}</span> {}</span>",
        html(&word)
    )
}

/// Whether `id` is the followers collection of the activity's actor.
fn is_followers(ctx: &Ctx, act: &Value, id: &str) -> bool {
    let own = act
        .pointer("/actor/followers/url")
        .and_then(Value::as_str)
        .is_some_and(|f| f == id);
    let local = act
        .pointer("/actor/id")
        .and_then(Value::as_str)
        .and_then(|a| urls::nick_of_person_id(&ctx.app.cfg, a))
        .is_some_and(|n| urls::user_api(&ctx.app.cfg, &n, "followers") == id);
    own || local
}

fn list_name(ctx: &Ctx, id: &str) -> Option<String> {
    let me = ctx.me.as_deref()?;
    let lists = urls::stream(me, "lists:person");
    let mine = ctx
        .app
        .store
        .read(|r| r.stream_seq(&lists, id))
        .ok()
        .flatten();
    mine?;
    let list = ctx.app.store.read(|r| objects::get(r, id)).ok().flatten()?;
    list.get("displayName")
        .and_then(Value::as_str)
        .map(str::to_string)
}
