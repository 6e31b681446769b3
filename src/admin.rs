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
    /// The jobs for other servers, per host.
    Federation,
    /// The store's tables: entries and bytes.
    Stats,
}

impl UserOp {
    fn line(&self) -> String {
        match self {
            UserOp::Add(n, p) => format!("USERADD {n} {p}"),
            UserOp::SetPassword(n, p) => format!("USERPASSWORD {n} {p}"),
            UserOp::Delete(n) => format!("USERDEL {n}"),
            UserOp::List => "USERS".into(),
            UserOp::Jobs | UserOp::Federation => "JOBS".into(),
            UserOp::Stats => "STATS".into(),
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
            UserOp::Federation => hosts_table(rest.trim())?,
            UserOp::Stats => crate::stats::table(rest.trim())?,
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

fn parse_jobs(json: &str) -> Result<Vec<crate::store::jobs::JobRecord>, String> {
    serde_json::from_str(json).map_err(|e| format!("unreadable answer: {e}"))
}

/// One line per remote host: jobs waiting and given up on, the oldest, and the error of the
/// newest job that has one.
fn hosts_table(json: &str) -> Result<String, String> {
    #[derive(Default)]
    struct Host {
        waiting: usize,
        failed: usize,
        oldest: i64,
        error: Option<(i64, String)>,
    }
    let mut hosts: std::collections::BTreeMap<String, Host> = Default::default();
    for j in parse_jobs(json)? {
        let Some(lane) = j.lane.clone() else { continue };
        let h = hosts.entry(lane).or_default();
        match j.failed {
            true => h.failed += 1,
            false => h.waiting += 1,
        }
        if h.oldest == 0 || j.created < h.oldest {
            h.oldest = j.created;
        }
        if let Some(e) = j.last_error {
            // Job numbers grow: the highest numbered error is the latest of those kept.
            if h.error.as_ref().is_none_or(|(id, _)| j.id as i64 > *id) {
                h.error = Some((j.id as i64, e));
            }
        }
    }
    let mut out = vec!["host\twaiting\tgiven up\toldest\tnewest job's error".to_string()];
    for (host, h) in hosts {
        out.push(format!(
            "{host}\t{}\t{}\t{}\t{}",
            h.waiting,
            h.failed,
            crate::util::time::iso(h.oldest),
            h.error.map(|(_, e)| e).unwrap_or_else(|| "-".into())
        ));
    }
    if out.len() == 1 {
        out.push("(nothing waits for another server)".into());
    }
    Ok(out.join("\n"))
}

/// One line per job: number, kind, state, runs, when, what it is for, and the last error.
fn jobs_table(json: &str) -> Result<String, String> {
    let jobs = parse_jobs(json)?;
    let when = crate::util::time::iso;
    let mut out = vec!["id\tkind\tstate\truns\tsince\tnext\tfor\tlast error".to_string()];
    for j in jobs {
        let kind = j.job.get("kind").and_then(|k| k.as_str()).unwrap_or("?");
        let (state, next) = match j.failed {
            true => ("given up", "-".to_string()),
            false => ("waiting", when(j.due)),
        };
        let target = ["to", "id"]
            .iter()
            .find_map(|k| j.job.get(*k).and_then(|v| v.as_str()))
            .unwrap_or("-");
        out.push(format!(
            "{}\t{kind}\t{state}\t{}\t{}\t{next}\t{target}\t{}",
            j.id,
            j.attempts,
            when(j.created),
            j.last_error.as_deref().unwrap_or("-")
        ));
    }
    Ok(out.join("\n"))
}
