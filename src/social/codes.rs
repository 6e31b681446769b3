//! Codes mailed to users: e-mail confirmation and password recovery. Each is a random token
//! kept in the store with its purpose, user and expiry; it can be used once.
use crate::config::Config;
use crate::error::{Error, Result};
use crate::mail::Mail;
use crate::records::MailCode;
use crate::store::{self, Read, Store, W};
use crate::util::time::now_secs;
use std::sync::Arc;

pub const CONFIRM: &str = "confirm";
pub const RECOVER: &str = "recover";

/// How long a recovery code lasts; confirmation codes last a week.
pub const RECOVER_SECS: i64 = 24 * 3600;
pub const CONFIRM_SECS: i64 = 7 * 24 * 3600;
/// The shortest time between two recovery links for one account.
pub const RESEND_SECS: i64 = 300;

pub fn new_code() -> String {
    crate::util::rand::token(24)
}

/// Stores `code` for `nick` (inside a write job), and remembers it as the user's latest.
pub fn put(w: &W, code: &str, kind: &str, nick: &str, ttl: i64) -> Result<()> {
    let rec = MailCode {
        kind: kind.to_string(),
        nick: nick.to_string(),
        expires: now_secs() + ttl,
        used: false,
    };
    store::codes::put(w, code, &rec)
}

/// A code's record, whatever its state.
pub fn record(r: &impl Read, code: &str) -> Result<Option<MailCode>> {
    store::codes::get(r, code)
}

/// A code's record if it is of `kind`, unused and unexpired.
pub fn valid(r: &impl Read, code: &str, kind: &str) -> Result<Option<MailCode>> {
    Ok(record(r, code)?.filter(|c| c.kind == kind && !c.used && c.expires > now_secs()))
}

/// The user's latest code of `kind`, if still valid.
pub fn outstanding(r: &impl Read, kind: &str, nick: &str) -> Result<Option<String>> {
    match store::codes::latest(r, kind, nick)? {
        Some(c) if valid(r, &c, kind)?.is_some() => Ok(Some(c)),
        _ => Ok(None),
    }
}

/// Marks a code used (inside a write job).
pub fn use_up(w: &W, code: &str) -> Result<()> {
    if let Some(mut rec) = record(w, code)? {
        rec.used = true;
        store::codes::update(w, code, &rec)?;
    }
    Ok(())
}

/// Issues a recovery code for `nick` and queues the mail `mail_for` makes of it, in one write.
pub async fn issue_recovery(
    store: &Store,
    cfg: &Arc<Config>,
    nick: &str,
    mail_for: impl FnOnce(&str) -> Mail,
) -> Result<()> {
    let code = new_code();
    let mail = crate::jobs::Job::Mail(mail_for(&code));
    let (n, cfg) = (nick.to_string(), cfg.clone());
    store
        .write(move |w| {
            // Even when asked to send another, not more often than every RESEND_SECS: each
            // link is a mail, and the mail queue is shared by everyone.
            if let Some(prev) = outstanding(w, RECOVER, &n)? {
                let issued = record(w, &prev)?.map_or(0, |c| c.expires) - RECOVER_SECS;
                if issued > now_secs() - RESEND_SECS {
                    return Err(Error::Conflict(
                        "A link was sent less than five minutes ago; wait a little before asking for another.".into(),
                    ));
                }
            }
            put(w, &code, RECOVER, &n, RECOVER_SECS)?;
            crate::jobs::queue(w, &cfg, &mail).map(|_| ())
        })
        .await
}
