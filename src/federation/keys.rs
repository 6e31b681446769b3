//! Our actors' keys: made once per actor, on first need, off the async thread, and kept in
//! the store (so in backups). Two first needs at once both make a key; one is kept.
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
