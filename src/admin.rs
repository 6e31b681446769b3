//! `pump user …`: through the running server's control socket, or on the store directly when no
//! server runs (only one process may open the store).
use crate::app::App;
use crate::config::Config;
use crate::control;
use crate::store::Store;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;

pub enum UserOp {
    Add(String, String),
    SetPassword(String, String),
    Delete(String),
    List,
    /// The background jobs kept: waiting, or given up on.
    Jobs,
}

impl UserOp {
    fn line(&self) -> String {
        match self {
            UserOp::Add(n, p) => format!("USERADD {n} {p}"),
            UserOp::SetPassword(n, p) => format!("USERPASSWORD {n} {p}"),
            UserOp::Delete(n) => format!("USERDEL {n}"),
            UserOp::List => "USERS".into(),
            UserOp::Jobs => "JOBS".into(),
        }
    }
}

/// Runs `op`, returning what to print, or the error to report.
pub fn run(cfg: Config, op: UserOp) -> Result<String, String> {
    if let UserOp::Add(_, p) | UserOp::SetPassword(_, p) = &op {
        if p.contains('\n') {
            return Err("passwords cannot contain a newline".into());
        }
    }
    let reply = match UnixStream::connect(&cfg.control_socket) {
        Ok(s) => ask(s, &op.line()).map_err(|e| format!("control socket {}: {e}", cfg.control_socket.display()))?,
        Err(_) if cfg.memory => {
            return Err("no server is running and the store is in memory (driver \"memory\"): nothing to manage".into())
        }
        Err(_) => local(cfg, &op)?,
    };
    match reply.strip_prefix("ACK") {
        Some(rest) => Ok(match op {
            UserOp::List => rest.split_whitespace().collect::<Vec<_>>().join("\n"),
            UserOp::Add(n, _) => format!("created user {n}"),
            UserOp::SetPassword(n, _) => format!("changed the password of {n}"),
            UserOp::Delete(n) => format!("deleted user {n}"),
            UserOp::Jobs => jobs_table(rest.trim())?,
        }),
        None => Err(reply.strip_prefix("NACK ").unwrap_or(&reply).to_string()),
    }
}

fn ask(mut s: UnixStream, line: &str) -> std::io::Result<String> {
    s.write_all(format!("{line}\n").as_bytes())?;
    let mut reply = String::new();
    BufReader::new(s).read_line(&mut reply)?;
    Ok(reply.trim_end().to_string())
}

/// No server: open the store here and answer as the server would.
fn local(cfg: Config, op: &UserOp) -> Result<String, String> {
    let store = Store::open(Some(&cfg.store_dir), cfg.cache_size).map_err(|e| e.to_string())?;
    let app = App::new(cfg, store);
    Ok(smol::block_on(control::answer(&app, &op.line())))
}

/// One line per job: number, kind, state, runs, when, and the last error.
fn jobs_table(json: &str) -> Result<String, String> {
    let jobs: Vec<crate::store::jobs::JobRecord> =
        serde_json::from_str(json).map_err(|e| format!("unreadable answer: {e}"))?;
    let when = crate::util::time::iso;
    let mut out = vec!["id\tkind\tstate\truns\tsince\tnext\tlast error".to_string()];
    for j in jobs {
        let kind = j.job.get("kind").and_then(|k| k.as_str()).unwrap_or("?");
        let (state, next) = match j.failed {
            true => ("given up", "-".to_string()),
            false => ("waiting", when(j.due)),
        };
        out.push(format!(
            "{}\t{kind}\t{state}\t{}\t{}\t{next}\t{}",
            j.id,
            j.attempts,
            when(j.created),
            j.last_error.as_deref().unwrap_or("-")
        ));
    }
    Ok(out.join("\n"))
}
