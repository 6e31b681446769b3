//! Outgoing e-mail (config.md §2.4): confirmation and recovery messages, each with a plain
//! text body and an HTML alternative, sent over SMTP (STARTTLS when offered, or implicit TLS)
//! on the blocking pool so that a slow mail server never holds up the request thread.
pub mod messages;

use crate::config::{Config, MailConfig};
use crate::error::{Error, Result};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};
use std::time::Duration;

/// One message; kept as it is in a background job until it is sent.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

fn transport(m: &MailConfig) -> Result<SmtpTransport> {
    let tls = |host: &str| TlsParameters::new(host.to_string()).map_err(Error::internal);
    let mode = if m.ssl {
        Tls::Wrapper(tls(&m.server)?)
    } else if m.starttls {
        Tls::Opportunistic(tls(&m.server)?)
    } else {
        Tls::None
    };
    let mut b = SmtpTransport::builder_dangerous(&m.server)
        .port(m.port)
        .tls(mode)
        .timeout(Some(Duration::from_millis(m.timeout_ms)));
    if let (Some(u), Some(p)) = (&m.user, &m.pass) {
        b = b.credentials(Credentials::new(u.clone(), p.clone()));
    }
    Ok(b.build())
}

/// Sends one message; Err when mail is not configured or the server refused it.
pub async fn send(cfg: &Config, mail: Mail) -> Result<()> {
    let Some(m) = cfg.mail.clone() else {
        return Err(Error::internal("e-mail is not configured"));
    };
    let from = m
        .from
        .clone()
        .unwrap_or_else(|| format!("no-reply@{}", cfg.hostname));
    let parse = |a: &str| {
        a.parse::<Mailbox>()
            .map_err(|e| Error::bad(format!("Bad e-mail address {a}: {e}")))
    };
    let message = Message::builder()
        .from(parse(&from)?)
        .to(parse(&mail.to)?)
        .subject(mail.subject)
        .multipart(MultiPart::alternative_plain_html(mail.text, mail.html))
        .map_err(Error::internal)?;
    smol::unblock(move || {
        let t = transport(&m)?;
        t.send(&message).map(|_| ()).map_err(|e| {
            log::warn!("mail to {}: {e}", mail.to);
            Error::internal(format!("sending mail: {e}"))
        })
    })
    .await
}
