//! `pump stats`: what the store holds and what it costs on disk, table by table and per stored
//! activity, so that a change to the stored formats is measured where it lands.
use crate::app::App;
use crate::error::Result;
use crate::store::SpaceSize;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct Stats {
    /// Size of the store's file (0 for a store in memory).
    file_bytes: u64,
    /// What the file takes on disk: redb grows its file ahead of use, sparsely, so this is
    /// the figure a small SD card feels.
    #[serde(default)]
    disk_bytes: u64,
    tables: Vec<SpaceSize>,
}

/// The figures as one line of JSON (the control socket's answer).
pub fn collect(app: &App) -> Result<String> {
    use std::os::unix::fs::MetadataExt;
    let meta = match app.cfg.memory {
        true => None,
        false => std::fs::metadata(crate::store::file_in(&app.cfg.store_dir)).ok(),
    };
    let stats = Stats {
        file_bytes: meta.as_ref().map_or(0, |m| m.len()),
        disk_bytes: meta.as_ref().map_or(0, |m| m.blocks() * 512),
        tables: app.store.sizes()?,
    };
    Ok(serde_json::to_string(&stats)?)
}

/// One line per table that holds anything, then the totals, tab-separated.
pub fn table(json: &str) -> std::result::Result<String, String> {
    let s: Stats = serde_json::from_str(json).map_err(|e| format!("unreadable answer: {e}"))?;
    let activities = s
        .tables
        .iter()
        .find(|t| t.name == "id_activity")
        .map_or(0, |t| t.entries);
    let per = |b: u64| match activities {
        0 => "-".to_string(),
        n => format!("{:.0}", b as f64 / n as f64),
    };
    let mut out =
        vec!["table\tentries\tstored bytes\tindex bytes\tunused bytes\tpages bytes\tpages bytes per activity".to_string()];
    let (mut stored, mut pages) = (0, 0);
    for t in s.tables.iter().filter(|t| t.entries > 0) {
        stored += t.stored;
        pages += t.pages_bytes;
        out.push(format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            t.name,
            t.entries,
            t.stored,
            t.metadata,
            t.fragmented,
            t.pages_bytes,
            per(t.pages_bytes)
        ));
    }
    out.push(format!(
        "all tables\t\t{stored}\t\t\t{pages}\t{}",
        per(pages)
    ));
    out.push(format!(
        "file\t\t\t\t\t{}\t{}",
        s.file_bytes,
        per(s.file_bytes)
    ));
    out.push(format!(
        "on disk\t\t\t\t\t{}\t{}",
        s.disk_bytes,
        per(s.disk_bytes)
    ));
    out.push(format!("activities stored: {activities}"));
    Ok(out.join("\n"))
}
