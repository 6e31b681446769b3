//! `pump backup`, `pump restore` and `pump export-user` (issue 7). A backup is one tar archive:
//! `pump-backup/store.dump` (every table, from one read transaction, so it is consistent while
//! the server keeps writing), the generated `secret` if there is one, and the uploaded files.
//! While the server runs it makes the archive itself, asked over the control socket, and
//! streams it to the command, which writes the file.
use crate::config::Config;
use crate::error::{Error, Result};
use crate::social::render::{self, Viewer, PLAIN};
use crate::social::urls;
use crate::store::{Read as _, Store};
use crate::util::tempfile::TempFile;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

const ROOT: &str = "pump-backup";

/// Where uploads live: the configured directory, or where they would be.
pub fn uploads_dir(cfg: &Config) -> PathBuf {
    cfg.uploads
        .clone()
        .unwrap_or_else(|| cfg.data_dir.join("uploads"))
}

/// Every file under `dir` (not hidden ones, such as bodies in transit), relative to it.
fn files_under(dir: &Path, rel: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let Ok(rd) = std::fs::read_dir(dir.join(rel)) else {
        return Ok(());
    };
    for e in rd {
        let e = e?;
        let name = e.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let r = rel.join(&name);
        if e.file_type()?.is_dir() {
            files_under(dir, &r, out)?;
        } else if e.file_type()?.is_file() {
            out.push(r);
        }
    }
    Ok(())
}

/// Writes the archive to `out`; `progress` gets a short status line now and then.
pub fn write_archive(
    store: &Store,
    cfg: &Config,
    out: impl Write,
    progress: &mut dyn FnMut(String),
) -> Result<u64> {
    let tmp_path = cfg
        .data_dir
        .join(format!(".backup-{}.dump", crate::util::rand::token(8)));
    let _tmp = TempFile::new(tmp_path.clone(), 0);
    let records = {
        let mut w = BufWriter::new(std::fs::File::create(&tmp_path)?);
        let n = store.dump(&mut w, &mut |n| progress(format!("store: {n} records")))?;
        w.flush()?;
        n
    };
    let mut tar = tar::Builder::new(out);
    tar.mode(tar::HeaderMode::Deterministic);
    tar.append_path_with_name(&tmp_path, format!("{ROOT}/store.dump"))?;
    let secret = cfg.data_dir.join("secret");
    if secret.is_file() {
        tar.append_path_with_name(&secret, format!("{ROOT}/secret"))?;
    }
    let dir = uploads_dir(cfg);
    let mut files = Vec::new();
    files_under(&dir, Path::new(""), &mut files)?;
    let total = files.len();
    for (i, rel) in files.iter().enumerate() {
        tar.append_path_with_name(dir.join(rel), Path::new(ROOT).join("uploads").join(rel))?;
        if i.is_multiple_of(20) || i + 1 == total {
            progress(format!(
                "store: {records} records; files: {}/{total}",
                i + 1
            ));
        }
    }
    tar.into_inner()?.flush()?;
    Ok(records)
}

/// A path inside the archive's `uploads/` that stays inside the upload directory.
fn safe_rel(p: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::Normal(s) if !s.to_string_lossy().starts_with('.') => out.push(s),
            _ => return None,
        }
    }
    (!out.as_os_str().is_empty()).then_some(out)
}

/// Restores an archive into the (new, empty) data dir of `cfg`.
pub fn restore(cfg: &Config, input: impl Read, progress: &mut dyn FnMut(String)) -> Result<String> {
    if std::os::unix::net::UnixStream::connect(&cfg.control_socket).is_ok() {
        return Err(Error::bad(
            "a server is running on this data dir: stop it first",
        ));
    }
    let store = Store::open(Some(&cfg.store_dir), cfg.cache_size)?;
    let uploads = uploads_dir(cfg);
    let (mut records, mut files) = (0u64, 0usize);
    let mut archive = tar::Archive::new(input);
    for entry in archive.entries()? {
        let mut entry = entry?;
        let path = entry.path()?.into_owned();
        let Ok(inner) = path.strip_prefix(ROOT) else {
            continue;
        };
        if inner == Path::new("store.dump") {
            records = store.load(&mut entry, &mut |n| progress(format!("store: {n} records")))?;
        } else if inner == Path::new("secret") {
            // The original server's secret: its sessions stay valid.
            let mut s = String::new();
            entry.read_to_string(&mut s)?;
            crate::config::write_private(&cfg.data_dir.join("secret"), s.as_bytes())?;
        } else if let Some(rel) = inner.strip_prefix("uploads").ok().and_then(safe_rel) {
            let dest = uploads.join(&rel);
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent)?;
            }
            let mut f = std::fs::File::create(&dest)?;
            std::io::copy(&mut entry, &mut f)?;
            f.sync_all()?;
            files += 1;
            if files.is_multiple_of(20) {
                progress(format!("store: {records} records; files: {files}"));
            }
        }
    }
    store.close();
    if records == 0 {
        return Err(Error::bad("the archive has no store in it"));
    }
    Ok(format!("restored {records} records and {files} files"))
}

/// A user's activities, newest first, as an ActivityStreams collection (`pump export-user`).
pub fn export_user(store: &Store, cfg: &Config, nick: &str, out: &mut impl Write) -> Result<usize> {
    store.read(|r| {
        if !crate::social::users::exists(r, nick)? {
            return Err(crate::social::users::no_such_user(nick));
        }
        let me = urls::person_id(cfg, nick);
        let viewer = Viewer { id: Some(&me) };
        let stream = urls::stream(nick, "outbox");
        let total = r.stream_count(&stream)? as usize;
        let head = serde_json::json!({
            "objectType": "collection",
            "displayName": format!("Activities by {nick}"),
            "id": urls::user_api(cfg, nick, "feed"),
            "totalItems": total,
        });
        let head = head.to_string();
        // Everything but the closing brace, then the items one by one.
        out.write_all(&head.as_bytes()[..head.len() - 1])?;
        out.write_all(b",\"items\":[")?;
        let mut below = None;
        let mut n = 0;
        loop {
            let batch = r.stream_desc(&stream, below.unwrap_or(u64::MAX), 500)?;
            let Some(last) = batch.last() else { break };
            below = Some(last.0);
            for (_, id) in &batch {
                if let Some(a) = crate::social::activity::get(r, id)? {
                    if n > 0 {
                        out.write_all(b",\n")?;
                    }
                    out.write_all(
                        render::activity(r, viewer, &a, PLAIN)?
                            .to_string()
                            .as_bytes(),
                    )?;
                    n += 1;
                }
            }
        }
        out.write_all(b"]}\n")?;
        Ok(n)
    })
}
