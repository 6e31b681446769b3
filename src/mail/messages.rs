//! The messages the server mails (web-ui.md §8): plain text with an HTML alternative.
use super::Mail;
use crate::config::Config;
use crate::util::enc::html;

pub fn confirmation(cfg: &Config, nick: &str, email: &str, code: &str) -> Mail {
    let site = &cfg.site;
    let link = format!("{}/main/confirm/{code}", cfg.base());
    Mail {
        to: email.to_string(),
        subject: format!("Confirm your email address for {site}"),
        text: format!(
            "Hello {nick},\n\nPlease confirm your e-mail address for {site} by opening this link:\n\n{link}\n\nIf you did not register, ignore this message.\n"
        ),
        html: format!(
            "<p>Hello {},</p><p>Please confirm your e-mail address for {} by opening this link:</p><p><a href=\"{link}\">{link}</a></p><p>If you did not register, ignore this message.</p>",
            html(nick),
            html(site)
        ),
    }
}

pub fn recovery(cfg: &Config, nick: &str, email: &str, code: &str) -> Mail {
    let site = &cfg.site;
    let link = format!("{}/main/recover/{code}", cfg.base());
    Mail {
        to: email.to_string(),
        subject: format!("Recover password for {site}"),
        text: format!(
            "Hello {nick},\n\nSomeone asked to reset the password of the account {nick} on {site}. To choose a new password, open this link within a day:\n\n{link}\n\nIf it was not you, ignore this message: your password stays as it is.\n"
        ),
        html: format!(
            "<p>Hello {0},</p><p>Someone asked to reset the password of the account <b>{0}</b> on {1}. To choose a new password, open this link within a day:</p><p><a href=\"{link}\">{link}</a></p><p>If it was not you, ignore this message: your password stays as it is.</p>",
            html(nick),
            html(site)
        ),
    }
}
