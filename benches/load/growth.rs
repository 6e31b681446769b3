//! `--growth 1000,10000,…`: one server (response cache off), its store grown through the API to
//! each size in turn; at each size the POST rate, the uncached outbox and inbox pages, the RSS
//! and the disk per activity. Flat rows mean the store's cost does not grow with its size.
use crate::target::{Own, Target};
use crate::{cell, mib, run, status_field, Work};
use std::path::Path;
use std::time::Instant;

pub fn run_sizes(pump: &Path, dir: &Path, port: u16, sizes: &str, conns: usize, secs: f64) {
    let sizes: Vec<usize> = sizes
        .split(',')
        .map(|s| {
            s.trim()
                .replace('_', "")
                .parse()
                .expect("--growth: sizes like 1000,10000")
        })
        .collect();
    let mut extra = serde_json::Map::new();
    extra.insert("responseCacheSize".into(), 0.into());
    let own = Own::start(&pump.to_path_buf(), dir.to_path_buf(), port, extra);
    let t = Target::connect("pump", &format!("http://127.0.0.1:{port}"), Some(own));
    println!("| notes seeded | seeding | POST note | outbox page, uncached | inbox page, uncached | RSS now, peak | disk per activity |");
    println!("|---|---|---|---|---|---|---|");
    let (mut notes, mut posted) = (0, 0);
    for size in sizes {
        let t0 = Instant::now();
        let to = size.max(notes);
        t.post_notes(notes..to, conns);
        let seeding = (to - notes) as f64 / t0.elapsed().as_secs_f64().max(1e-9);
        notes = to;
        let post = run(&t, Work::PostNote, conns, secs);
        posted += post.requests as usize;
        let outbox = run(&t, Work::Outbox, conns, secs);
        let inbox = run(&t, Work::Inbox, conns, secs);
        let own = t.own.as_ref().expect("own server");
        let activities = notes + posted;
        println!(
            "| {notes} ({activities} after the POSTs) | {seeding:.0} activities/s | {} | {} | {} | {}, {} | {:.0} bytes |",
            cell(&post),
            cell(&outbox),
            cell(&inbox),
            mib(status_field(own.pid(), "VmRSS:")),
            mib(status_field(own.pid(), "VmHWM:")),
            own.store_bytes() as f64 / activities.max(1) as f64
        );
    }
}
