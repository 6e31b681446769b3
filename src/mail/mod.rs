//! Outgoing e-mail (config.md §2.4): confirmation and recovery messages, each with a plain
//! text body and an HTML alternative, sent over SMTP (STARTTLS when offered, or implicit TLS)
//! on the blocking pool so that a slow mail server never holds up the request thread.
pub mod messages;

use crate::config::{Config, MailConfig};
use crate::error::{Error, Result};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, CertificateStore, Tls, TlsParameters};
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

/// A relay on this machine: a certificate check there guards against nobody.
fn loopback(server: &str) -> bool {
    server.eq_ignore_ascii_case("localhost")
        || server
            .trim_matches(|c| c == '[' || c == ']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The TLS parameters for the relay: the system's roots, or `smtpca`'s; no check on loopback
/// unless `smtpca` is given (the original checked nothing anywhere).
fn tls_parameters(m: &MailConfig) -> Result<TlsParameters> {
    let mut b = TlsParameters::builder(m.server.clone());
    match &m.ca {
        Some(pem) => {
            let roots =
                Certificate::from_pem(pem).map_err(|e| Error::internal(format!("smtpca: {e}")))?;
            b = b
                .certificate_store(CertificateStore::None)
                .add_root_certificate(roots);
        }
        None if loopback(&m.server) => {
            b = b
                .dangerous_accept_invalid_certs(true)
                .dangerous_accept_invalid_hostnames(true);
        }
        None => {}
    }
    b.build().map_err(Error::internal)
}

fn transport(m: &MailConfig) -> Result<SmtpTransport> {
    let tls = |_: &str| tls_parameters(m);
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
