//! `pump rehost`: moves a stopped server's data to the public address of its configuration,
//! rewriting every stored id and URL of the old address (the store is dumped, rewritten and
//! loaded into a new store file; the old file stays beside it as `pump.redb.before-rehost`).
use crate::config::Config;
use crate::social::address::{self, Address};
use crate::store::{self, Store};
use std::io::{BufReader, BufWriter, Write};

pub fn run(cfg: Config) -> Result<String, String> {
    if cfg.memory {
        return Err("the store is in memory (driver \"memory\"): there is nothing to move".into());
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
    let kept = file.with_extension("redb.before-rehost");
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
        return Err(format!(
            "could not load the rewritten store (the old one is back): {e}"
        ));
    }
    let _ = std::fs::remove_file(&dump);
    let _ = std::fs::remove_file(&rewritten);
    Ok(format!(
        "moved {records} records from {from} to {to}; the old store is kept as {}",
        kept.display()
    ))
}
