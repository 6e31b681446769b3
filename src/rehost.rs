//! `pump rehost`: moves a stopped server's data to the public address of its configuration,
//! rewriting every stored id and URL of the old address (the store is dumped, rewritten and
//! loaded into a new store file; the old file stays beside it as `pump.redb.before-rehost`).
use crate::config::Config;
use crate::social::address::{self, Address};
use crate::store::{self, Store};
use std::io::{BufReader, BufWriter, Write};

/// The file that says a rehost has not finished (it names the kept store).
pub fn in_progress(cfg: &Config) -> std::path::PathBuf {
    cfg.store_dir.join("rehost.in-progress")
}

pub fn run(cfg: Config) -> Result<String, String> {
    if cfg.memory {
        return Err("the store is in memory (driver \"memory\"): there is nothing to move".into());
    }
    if cfg.url_port == 0 {
        return Err("the config gives port 0: name the public port (urlPort or port)".into());
    }
    if std::os::unix::net::UnixStream::connect(&cfg.control_socket).is_ok() {
        return Err("a server is running on this data dir: stop it first".into());
    }
    let err = |e: crate::error::Error| e.to_string();
    let io = |e: std::io::Error| e.to_string();
    let file = store::file_in(&cfg.store_dir);
    if !file.exists() {
        return Err(format!("there is no store at {}", file.display()));
    }
    let old = Store::open(Some(&cfg.store_dir), cfg.cache_size).map_err(err)?;
    let from = old.read(address::of_store).map_err(err);
    let to = cfg.base();
    let from = match from {
        Ok(Some(a)) if a == to => {
            old.close();
            return Ok(format!("the data dir is already at {to}"));
        }
        Ok(Some(a)) => a,
        Ok(None) => {
            old.close();
            return Err("the store holds no accounts: there is nothing to move".into());
        }
        Err(e) => {
            old.close();
            return Err(e);
        }
    };
    let dump = cfg.store_dir.join("rehost.dump");
    let rewritten = cfg.store_dir.join("rehost.dump.new");
    let written = (|| {
        let mut out = BufWriter::new(std::fs::File::create(&dump).map_err(io)?);
        old.dump(&mut out, &mut |_| {}).map_err(err)?;
        out.flush().map_err(io)
    })();
    old.close();
    written?;
    let (a, b) = (Address::parse(&from), Address::parse(&to));
    if !a.same_form(&b) {
        let _ = std::fs::remove_file(&dump);
        return Err(format!(
            "moving from {from} to {to} changes the form of person ids (acct: ids go with port 80 \
             and 443 only); pump rehost cannot do that yet"
        ));
    }
    let records = (|| {
        let mut input = BufReader::new(std::fs::File::open(&dump).map_err(io)?);
        let mut out = BufWriter::new(std::fs::File::create(&rewritten).map_err(io)?);
        let n = store::rewrite_dump(
            &mut input,
            &mut out,
            &mut |f| match std::str::from_utf8(f) {
                Ok(t) => address::rewrite(t, &a, &b).into_bytes(),
                Err(_) => f.to_vec(),
            },
        )
        .map_err(err)?;
        out.flush().map_err(io)?;
        Ok::<_, String>(n)
    })()?;
    let kept = file.with_extension(format!(
        "redb.before-rehost-{}",
        crate::util::time::now_secs()
    ));
    // Until the new store is whole, no server may start on it (serve.rs looks for this).
    let marker = in_progress(&cfg);
    std::fs::write(&marker, format!("{}\n", kept.display())).map_err(io)?;
    std::fs::rename(&file, &kept).map_err(io)?;
    let loaded = (|| {
        let new = Store::open(Some(&cfg.store_dir), cfg.cache_size).map_err(err)?;
        let mut input = BufReader::new(std::fs::File::open(&rewritten).map_err(io)?);
        let r = new
            .load(&mut input, &mut |_| {})
            .map_err(err)
            .and_then(|_| {
                let to = to.clone();
                new.write_blocking(move |w| store::meta::set_address(w, &to))
                    .map_err(err)
            });
        new.close();
        r
    })();
    if let Err(e) = loaded {
        let _ = std::fs::remove_file(&file);
        let _ = std::fs::rename(&kept, &file);
        let _ = std::fs::remove_file(&marker);
        return Err(format!(
            "could not load the rewritten store (the old one is back): {e}"
        ));
    }
    std::fs::remove_file(&marker).map_err(io)?;
    let _ = std::fs::remove_file(&dump);
    let _ = std::fs::remove_file(&rewritten);
    Ok(format!(
        "moved {records} records from {from} to {to}; the old store is kept as {}",
        kept.display()
    ))
}
