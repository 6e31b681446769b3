//! Our actors' keys: made once per actor, on first need, off the async thread, and kept in
//! the store (so in backups). Two first needs at once both make a key; one is kept. And the
//! actor document that publishes a user's key.
use crate::app::App;
use crate::error::{Error, Result};
use crate::store::ap::{self, KeyPair};

/// The key pair of `owner` (a nickname, or `store::ap::SERVER`).
pub async fn ensure(app: &App, owner: &str) -> Result<KeyPair> {
    if let Some(k) = app.store.read(|r| ap::key(r, owner))? {
        return Ok(k);
    }
    let (private, public_pem) = smol::unblock(crate::util::rsa_keys::generate)
        .await
        .map_err(|e| Error::internal(format!("cannot make a key: {e}")))?;
    let made = KeyPair {
        private,
        public_pem,
    };
    let owner = owner.to_string();
    app.store
        .write(move |w| ap::put_key_once(w, &owner, &made))
        .await
}

/// The actor of the local user `nick`, with their public key (made now if need be).
pub async fn actor_document(app: &App, nick: &str) -> Result<serde_json::Value> {
    let key = ensure(app, nick).await?;
    let p = app
        .store
        .read(|r| crate::social::person::show(r, &app.cfg, nick, None))?
        .ok_or_else(|| crate::social::users::no_such_user(nick))?;
    let as2 = crate::social::as2::convert(&p);
    Ok(crate::social::actor::person(
        &app.cfg,
        nick,
        as2,
        &key.public_pem,
    ))
}
