//! The control socket (config.md §4): a line protocol on a Unix socket in the data dir, owner
//! only. Besides the original's commands it carries the admin commands of `pump user …`, so they
//! work while the server holds the store open.
use crate::app::App;
use crate::error::{Error, Result};
use crate::social::passwords;
use crate::social::users::{self, NewUser};
use smol::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use smol::net::unix::{UnixListener, UnixStream};
use smol::LocalExecutor;
use std::path::Path;
use std::rc::Rc;

/// Longest command line accepted.
const MAX_LINE: usize = 4096;

pub async fn user_add(app: &App, nick: &str, password: &str) -> Result<()> {
    users::create(
        &app.store,
        &app.cfg,
        NewUser {
            nick: nick.to_string(),
            password: password.to_string(),
            extra: Default::default(),
            client: None,
            activities: true,
            confirm: None,
        },
    )
    .await
    .map(|_| ())
}

pub async fn user_set_password(app: &App, nick: &str, password: &str) -> Result<()> {
    passwords::check_password(password)?;
    if app.store.read(|r| users::user_record(r, nick))?.is_none() {
        return Err(users::no_such_user(nick));
    }
    let hash = passwords::hash(password.to_string()).await?;
    users::set_password_hash(&app.store, &app.cfg, nick, hash, users::Ends::All)
        .await
        .map(|_| ())
}

pub fn user_list(app: &App) -> Result<Vec<String>> {
    app.store.read(users::all_nicks)
}

/// Answers one command line.
pub async fn answer(app: &App, line: &str) -> String {
    let line = line.trim();
    let (cmd, rest) = line.split_once(' ').unwrap_or((line, ""));
    let nack = |e: Error| format!("NACK {}", e.message().replace('\n', " "));
    match cmd.to_ascii_uppercase().as_str() {
        "CMDS" => {
            "ACK CMDS VERSION EASTER LOGLEVEL RESTART USERS USERADD USERPASSWORD USERDEL JOBS STATS BACKUP EXPORT".into()
        }
        "VERSION" => format!("ACK {}", env!("CARGO_PKG_VERSION")),
        "EASTER" => "ACK EGG".into(),
        "RESTART" => "NACK no workers".into(),
        "LOGLEVEL" => {
            let level = match rest.trim().to_ascii_lowercase().as_str() {
                "restore" => Some(app.cfg.log_level),
                "fatal" | "error" => Some(log::LevelFilter::Error),
                "warn" => Some(log::LevelFilter::Warn),
                "info" => Some(log::LevelFilter::Info),
                "debug" => Some(log::LevelFilter::Debug),
                "trace" => Some(log::LevelFilter::Trace),
                _ => None,
            };
            match level {
                Some(l) if !app.cfg.nologger => {
                    log::set_max_level(l);
                    "ACK".into()
                }
                Some(_) => "ACK".into(),
                None => "NACK invalid".into(),
            }
        }
        "USERS" => match user_list(app) {
            Ok(v) => format!("ACK {}", v.join(" ")).trim_end().to_string(),
            Err(e) => nack(e),
        },
        "USERADD" | "USERPASSWORD" => {
            let (nick, pw) = rest.split_once(' ').unwrap_or((rest, ""));
            let r = if cmd.eq_ignore_ascii_case("USERADD") {
                user_add(app, nick, pw).await
            } else {
                user_set_password(app, nick, pw).await
            };
            r.map(|_| "ACK".to_string()).unwrap_or_else(nack)
        }
        "USERDEL" => users::delete(&app.store, &app.cfg, rest.trim())
            .await
            .map(|_| "ACK".to_string())
            .unwrap_or_else(nack),
        // The kept jobs as one line of JSON, without the mails' bodies: they carry live links.
        "JOBS" => match app.store.read(|r| crate::store::jobs::list(r, app.cfg.max_jobs * 2)) {
            Ok(mut v) => {
                for j in &mut v {
                    if let Some(m) = j.job.as_object_mut() {
                        m.remove("text");
                        m.remove("html");
                    }
                }
                format!("ACK {}", serde_json::to_string(&v).unwrap_or_default())
            }
            Err(e) => nack(e),
        },
        "STATS" => match crate::stats::collect(app) {
            Ok(v) => format!("ACK {v}"),
            Err(e) => nack(e),
        },
        "" => String::new(),
        _ => "NACK unknown".into(),
    }
}

/// Binds the socket with owner-only permissions, replacing a stale one.
pub fn bind(path: &Path) -> std::io::Result<UnixListener> {
    use std::os::unix::fs::PermissionsExt;
    if path.exists() {
        if std::os::unix::net::UnixStream::connect(path).is_ok() {
            return Err(std::io::Error::other(format!(
                "{} is in use: is another pump serving this data dir?",
                path.display()
            )));
        }
        std::fs::remove_file(path)?;
    }
    let l = UnixListener::bind(path)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    Ok(l)
}

pub async fn serve(app: Rc<App>, ex: Rc<LocalExecutor<'static>>, listener: UnixListener) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let app = app.clone();
        ex.spawn(async move {
            if let Err(e) = session(&app, stream).await {
                log::debug!("control socket: {e}");
            }
        })
        .detach();
    }
}

async fn session(app: &App, stream: UnixStream) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.clone());
    let mut out = stream;
    loop {
        let mut line = String::new();
        let n = (&mut reader)
            .take(MAX_LINE as u64)
            .read_line(&mut line)
            .await?;
        if n == 0 {
            return Ok(());
        }
        if crate::control_stream::handles(&line) {
            crate::control_stream::run(app, &line, &mut out).await?;
            continue;
        }
        let reply = answer(app, &line).await;
        if !reply.is_empty() {
            out.write_all(format!("{reply}\n").as_bytes()).await?;
        }
    }
}
