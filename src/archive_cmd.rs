//! The commands `pump backup FILE`, `pump restore FILE` and `pump export-user NICK [FILE]`:
//! through the running server's control socket when there is one (only one process may open
//! the store), else on the store directly. Progress shows on a terminal.
use crate::backup;
use crate::config::Config;
use crate::store::Store;
use std::io::{BufRead, BufReader, IsTerminal, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};

struct Progress {
    on: bool,
    shown: bool,
}

impl Progress {
    fn new() -> Progress {
        Progress {
            on: std::io::stderr().is_terminal(),
            shown: false,
        }
    }

    fn show(&mut self, what: &str, line: &str) {
        if self.on {
            eprint!("\r{what}: {line}\x1b[K");
            self.shown = true;
        }
    }

    fn end(&mut self) {
        if self.shown {
            eprintln!();
        }
    }
}

/// Where a file is written until it is complete.
fn partial(dest: &Path) -> PathBuf {
    let mut name = dest.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    dest.with_file_name(name)
}

/// Sends `line` to the server and writes the file it streams back to `out`.
fn from_server(
    s: UnixStream,
    line: &str,
    out: &mut dyn Write,
    what: &str,
) -> Result<String, String> {
    let mut w = s.try_clone().map_err(|e| e.to_string())?;
    w.write_all(format!("{line}\n").as_bytes())
        .map_err(|e| e.to_string())?;
    let mut r = BufReader::new(s);
    let mut p = Progress::new();
    let mut header = String::new();
    loop {
        header.clear();
        if r.read_line(&mut header).map_err(|e| e.to_string())? == 0 {
            p.end();
            return Err("the server closed the connection".into());
        }
        let h = header.trim_end();
        if let Some(text) = h.strip_prefix("PROGRESS ") {
            p.show(what, text);
        } else if let Some(n) = h.strip_prefix("DATA ") {
            let n: u64 = n.parse().map_err(|_| format!("bad frame {h}"))?;
            std::io::copy(&mut (&mut r).take(n), out).map_err(|e| e.to_string())?;
        } else if let Some(s) = h.strip_prefix("ACK") {
            p.end();
            return Ok(s.trim().to_string());
        } else {
            p.end();
            return Err(h.strip_prefix("NACK ").unwrap_or(h).to_string());
        }
    }
}

fn open_local(cfg: &Config) -> Result<Store, String> {
    if cfg.memory {
        return Err(
            "the store is in memory (driver \"memory\"): there is nothing to back up".into(),
        );
    }
    Store::open(Some(&cfg.store_dir), cfg.cache_size).map_err(|e| e.to_string())
}

pub fn backup(cfg: Config, dest: &Path) -> Result<String, String> {
    let tmp = partial(dest);
    let mut file = std::fs::File::create(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
    let result = match UnixStream::connect(&cfg.control_socket) {
        Ok(s) => from_server(s, "BACKUP", &mut file, "backup"),
        Err(_) => {
            let store = open_local(&cfg)?;
            let mut p = Progress::new();
            let r = backup::write_archive(&store, &cfg, &mut file, &mut |l| p.show("backup", &l))
                .map(|n| format!("{n} records"))
                .map_err(|e| e.to_string());
            p.end();
            store.close();
            r
        }
    };
    let done = result.and_then(|s| {
        file.sync_all().map_err(|e| e.to_string())?;
        std::fs::rename(&tmp, dest).map_err(|e| e.to_string())?;
        Ok(s)
    });
    if done.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    done.map(|s| format!("wrote {} ({s})", dest.display()))
}

pub fn restore(cfg: Config, src: &Path) -> Result<String, String> {
    let file = std::fs::File::open(src).map_err(|e| format!("{}: {e}", src.display()))?;
    let mut p = Progress::new();
    let r = backup::restore(&cfg, std::io::BufReader::new(file), &mut |l| {
        p.show("restore", &l)
    })
    .map_err(|e| e.to_string());
    p.end();
    r
}

pub fn export_user(cfg: Config, nick: &str, dest: Option<&Path>) -> Result<String, String> {
    let mut buf: Vec<u8> = Vec::new();
    let summary = match UnixStream::connect(&cfg.control_socket) {
        Ok(s) => from_server(s, &format!("EXPORT {nick}"), &mut buf, "export")?,
        Err(_) => {
            let store = open_local(&cfg)?;
            let r = backup::export_user(&store, &cfg, nick, &mut buf).map_err(|e| e.to_string());
            store.close();
            format!("{} activities", r?)
        }
    };
    match dest {
        Some(d) => {
            std::fs::write(d, &buf).map_err(|e| format!("{}: {e}", d.display()))?;
            Ok(format!("wrote {} ({summary})", d.display()))
        }
        None => {
            std::io::stdout()
                .write_all(&buf)
                .map_err(|e| e.to_string())?;
            Ok(String::new())
        }
    }
}
