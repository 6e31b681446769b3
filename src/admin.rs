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
}

impl UserOp {
    fn line(&self) -> String {
        match self {
            UserOp::Add(n, p) => format!("USERADD {n} {p}"),
            UserOp::SetPassword(n, p) => format!("USERPASSWORD {n} {p}"),
            UserOp::Delete(n) => format!("USERDEL {n}"),
            UserOp::List => "USERS".into(),
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
