//! pump's load generator (run through `scripts/bench`): starts the release server on loopback
//! with a fresh data dir, seeds it through the API, drives each workload with C keep-alive
//! connections for a fixed time, samples memory, and prints a Markdown table. With
//! `--against URL` the same seed and workloads run against another pump.io-compatible server,
//! interleaved A B A B, and the table gains its column and the ratio.
// A test or a benchmark that meets the unexpected should stop loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod conn;
mod growth;
mod mixed;
#[path = "../../tests/common/oauth.rs"]
#[allow(dead_code)]
mod oauth;
mod picture;
mod target;

use argh::FromArgs;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use target::{Own, Target};

/// Load generator for pump (and any pump.io-compatible server).
#[derive(FromArgs)]
struct Args {
    /// the pump binary to start (default target/release/pump)
    #[argh(option, default = "PathBuf::from(\"target/release/pump\")")]
    pump: PathBuf,
    /// activities to seed (default 100000; 1000 with --quick)
    #[argh(option)]
    n: Option<usize>,
    /// concurrent keep-alive connections (default 8)
    #[argh(option, default = "8")]
    conns: usize,
    /// seconds per workload and round (default 10; 2 with --quick)
    #[argh(option)]
    secs: Option<f64>,
    /// a short run: 1000 activities, 2 s per workload
    #[argh(switch)]
    quick: bool,
    /// base URL of another pump.io server to measure in the same run (registration must be open)
    #[argh(option)]
    against: Option<String>,
    /// process id of the other server, to read its CPU time (Linux /proc) as ours is read
    #[argh(option)]
    against_pid: Option<u32>,
    /// name of the other server's column (default "other")
    #[argh(option, default = "String::from(\"other\")")]
    against_name: String,
    /// rounds per workload and server, interleaved A B A B (default 2; 1 with --quick)
    #[argh(option)]
    rounds: Option<usize>,
    /// run only the workloads whose label contains this text
    #[argh(option)]
    only: Option<String>,
    /// instead of the workloads: upload one JPEG of this many megapixels (e.g. 24) and print
    /// the server's memory before and at its peak
    #[argh(option)]
    picture: Option<u32>,
    /// instead of the workloads: grow the store through these sizes (comma-separated, e.g.
    /// 1000,10000,100000,1000000) and print POST rate, uncached page latency, RSS and disk at each
    #[argh(option)]
    growth: Option<String>,
    /// start our server with the response cache off (`responseCacheSize: 0`)
    #[argh(switch)]
    cache_off: bool,
    /// keep the server's data dir (its path is printed) instead of removing it
    #[argh(switch)]
    keep: bool,
    /// added by `cargo bench`; ignored
    #[argh(switch)]
    #[allow(dead_code)]
    bench: bool,
}

/// What one workload measured on one server.
#[derive(Default, Clone)]
struct Stat {
    requests: u64,
    errors: u64,
    secs: f64,
    lat_us: Vec<u32>,
    peak_rss_kib: u64,
    /// CPU time the server's threads used during the workload (0 when unknown).
    cpu_ns: u64,
}

impl Stat {
    fn rate(&self) -> f64 {
        self.requests as f64 / self.secs.max(1e-9)
    }
    fn pct(&self, p: f64) -> f64 {
        if self.lat_us.is_empty() {
            return 0.0;
        }
        let mut v = self.lat_us.clone();
        v.sort_unstable();
        v[((v.len() - 1) as f64 * p) as usize] as f64 / 1000.0
    }
    /// Server CPU time per answered request, in µs: steadier than req/s on a shared machine.
    fn cpu_us(&self) -> f64 {
        self.cpu_ns as f64 / 1000.0 / self.requests.max(1) as f64
    }
    fn merge(&mut self, o: Stat) {
        self.cpu_ns += o.cpu_ns;
        self.requests += o.requests;
        self.errors += o.errors;
        self.secs += o.secs;
        self.lat_us.extend(o.lat_us);
        self.peak_rss_kib = self.peak_rss_kib.max(o.peak_rss_kib);
    }
}

pub fn status_field(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// CPU time all threads of `pid` have used so far, in ns (from /proc/PID/task/*/schedstat).
fn cpu_ns(pid: Option<u32>) -> u64 {
    let Some(pid) = pid else { return 0 };
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return 0;
    };
    tasks
        .flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}

/// Samples VmRSS every 20 ms until stopped; returns the peak in KiB.
fn sample_rss(pid: Option<u32>, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<u64> {
    std::thread::spawn(move || {
        let mut peak = 0;
        while !stop.load(Ordering::Relaxed) {
            if let Some(p) = pid {
                peak = peak.max(status_field(p, "VmRSS:"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        peak
    })
}

#[derive(Clone, Copy)]
enum Work {
    Trivial,
    Outbox,
    Inbox,
    PostNote,
    Object,
    Mixed,
}

const WORKS: [(Work, &str); 6] = [
    (Work::Trivial, "GET /.well-known/host-meta.json (trivial)"),
    (
        Work::Outbox,
        "GET public outbox page, 20 items (two-legged)",
    ),
    (Work::Inbox, "GET inbox page, 20 items (three-legged)"),
    (Work::PostNote, "POST note (signed, durable)"),
    (Work::Object, "GET note with likes/replies previews"),
    (
        Work::Mixed,
        "mixed: 50 people, 1 write per 10 reads (inbox, outboxes, notes, web home)",
    ),
];

fn run(t: &Target, work: Work, conns: usize, secs: f64) -> Stat {
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = sample_rss(t.pid(), stop.clone());
    let cpu_before = cpu_ns(t.pid());
    let counter = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs_f64(secs);
    let start = Instant::now();
    let mut stats: Vec<Stat> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..conns)
            .map(|k| {
                let counter = counter.clone();
                s.spawn(move || {
                    let mut c = t.conn();
                    let mut st = Stat::default();
                    let mut rng = mixed::Rng::new(k as u64 + 1);
                    let mut step = 0;
                    while Instant::now() < deadline {
                        let i = counter.fetch_add(1, Ordering::Relaxed) as usize;
                        let t0 = Instant::now();
                        step += 1;
                        let status = match work {
                            Work::Mixed => t
                                .mixed
                                .as_ref()
                                .map_or(0, |m| m.step(t, &mut c, k, step, &mut rng)),
                            Work::Trivial => c
                                .send("GET", "/.well-known/host-meta.json", &[], b"")
                                .map_or(0, |a| a.status),
                            Work::Outbox => {
                                let path = format!("/api/user/{}/feed", t.alice.0);
                                t.signed(&mut c, &t.client, "GET", &path, None).status
                            }
                            Work::Inbox => {
                                let path = format!("/api/user/{}/inbox", t.bob.0);
                                t.signed(&mut c, &t.bob.1, "GET", &path, None).status
                            }
                            Work::PostNote => {
                                let path = format!("/api/user/{}/feed", t.alice.0);
                                let note = Target::note(1_000_000 + i);
                                t.signed(&mut c, &t.alice.1, "POST", &path, Some(&note))
                                    .status
                            }
                            Work::Object => {
                                t.signed(&mut c, &t.bob.1, "GET", &t.object_path, None)
                                    .status
                            }
                        };
                        st.lat_us
                            .push(t0.elapsed().as_micros().min(u32::MAX as u128) as u32);
                        if status == 200 {
                            st.requests += 1;
                        } else {
                            st.errors += 1;
                        }
                    }
                    st
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let secs = start.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let mut total = Stat {
        secs,
        cpu_ns: cpu_ns(t.pid()).saturating_sub(cpu_before),
        ..Stat::default()
    };
    for s in stats.drain(..) {
        total.requests += s.requests;
        total.errors += s.errors;
        total.lat_us.extend(s.lat_us);
    }
    total.peak_rss_kib = sampler.join().unwrap_or(0);
    total
}

fn mib(kib: u64) -> String {
    if kib == 0 {
        "–".into()
    } else {
        format!("{:.1} MiB", kib as f64 / 1024.0)
    }
}

fn main() {
    let args: Args = argh::from_env();
    let n = args.n.unwrap_or(if args.quick { 1000 } else { 100_000 });
    let secs = args.secs.unwrap_or(if args.quick { 2.0 } else { 10.0 });
    let rounds = args.rounds.unwrap_or(if args.quick { 1 } else { 2 }).max(1);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port");
    let dir = std::env::temp_dir().join(format!("pump-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let pump = if args.pump.is_absolute() {
        args.pump.clone()
    } else {
        std::env::current_dir().expect("cwd").join(&args.pump)
    };

    if let Some(mp) = args.picture {
        picture::measure(&pump, &dir, port, mp);
        let _ = std::fs::remove_dir_all(&dir);
        return;
    }
    let mut extra = serde_json::Map::new();
    if let Some(sizes) = &args.growth {
        growth::run_sizes(&pump, &dir, port, sizes, args.conns, secs);
        let _ = std::fs::remove_dir_all(&dir);
        return;
    }
    if args.cache_off {
        extra.insert("responseCacheSize".into(), 0.into());
    }
    let own = Own::start(&pump, dir.clone(), port, extra);
    std::thread::sleep(Duration::from_millis(300));
    let idle = status_field(own.pid(), "VmRSS:");
    let mut ours = Target::connect("pump", &format!("http://127.0.0.1:{port}"), Some(own));
    let mut others: Vec<Target> = args
        .against
        .iter()
        .map(|u| Target {
            other_pid: args.against_pid,
            ..Target::connect(&args.against_name, u, None)
        })
        .collect();
    let other_idle: Vec<u64> = others
        .iter()
        .map(|o| o.pid().map_or(0, |p| status_field(p, "VmRSS:")))
        .collect();

    eprintln!("seeding {n} activities on each server…");
    let seed_start = Instant::now();
    ours.seed(n, args.conns);
    let seed_secs = seed_start.elapsed().as_secs_f64();
    let mut seed_peak = 0;
    if let Some(o) = &ours.own {
        seed_peak = status_field(o.pid(), "VmHWM:");
    }
    for o in &mut others {
        o.seed(n, args.conns);
    }
    let selected = |label: &str| {
        args.only
            .as_ref()
            .is_none_or(|o| label.contains(o.as_str()))
    };
    if selected(WORKS[5].1) {
        eprintln!("seeding the mixed workload's people, follows and notes…");
        for t in std::iter::once(&mut ours).chain(others.iter_mut()) {
            t.seed_mixed();
        }
    }
    let bytes = ours.own.as_ref().map(Own::store_bytes).unwrap_or(0);
    let restart = ours.own.as_mut().map(Own::restart).unwrap_or_default();
    // The restart dropped the page cache of the store: warm it like a running server would be.
    let _ = run(&ours, Work::Outbox, 1, 0.3);
    let threads = ours
        .own
        .as_ref()
        .map(|o| status_field(o.pid(), "Threads:"))
        .unwrap_or(0);

    let mut rows: Vec<(String, Stat, Vec<Stat>)> = Vec::new();
    for (work, label) in WORKS {
        if !selected(label) && !matches!(work, Work::Trivial) {
            continue;
        }
        eprintln!("{label}…");
        let mut mine = Stat::default();
        let mut theirs: Vec<Stat> = others.iter().map(|_| Stat::default()).collect();
        for _ in 0..rounds {
            mine.merge(run(&ours, work, args.conns, secs));
            for (o, st) in others.iter().zip(theirs.iter_mut()) {
                st.merge(run(o, work, args.conns, secs));
            }
        }
        rows.push((label.to_string(), mine, theirs));
    }
    let after = ours
        .own
        .as_ref()
        .map(|o| status_field(o.pid(), "VmRSS:"))
        .unwrap_or(0);

    let header = std::iter::once("pump".to_string())
        .chain(
            others
                .iter()
                .flat_map(|o| [o.name.clone(), format!("pump / {}", o.name)]),
        )
        .collect::<Vec<_>>();
    println!(
        "\n{n} activities stored, {} connections, {rounds} × {secs} s per workload and server\n",
        args.conns
    );
    println!("| workload | {} |", header.join(" | "));
    println!("|---|{}", "---|".repeat(header.len()));
    for (label, mine, theirs) in &rows {
        let mut cells = vec![cell(mine)];
        for st in theirs {
            cells.push(cell(st));
            let mut ratio = format!("{:.2}× req/s", mine.rate() / st.rate().max(1e-9));
            if mine.cpu_ns > 0 && st.cpu_ns > 0 {
                ratio += &format!(", {:.2}× CPU/req", mine.cpu_us() / st.cpu_us().max(1e-9));
            }
            cells.push(ratio);
        }
        println!("| {label} | {} |", cells.join(" | "));
    }
    println!();
    let mem_cols = other_idle.iter().filter(|&&k| k > 0).count();
    println!(
        "| measure | pump |{}",
        others
            .iter()
            .zip(&other_idle)
            .filter(|(_, &k)| k > 0)
            .map(|(o, _)| format!(" {} | pump / {} |", o.name, o.name))
            .collect::<String>()
    );
    println!("|---|---|{}", "---|---|".repeat(mem_cols));
    let theirs_idle: Vec<u64> = other_idle.iter().copied().filter(|&k| k > 0).collect();
    mem_row("RSS idle after start", idle, &theirs_idle);
    println!(
        "| RSS peak while seeding {n} activities | {} ({:.0} activities/s over {} connections) |",
        mib(seed_peak),
        n as f64 / seed_secs,
        args.conns
    );
    for (label, mine, theirs) in &rows {
        let peaks: Vec<u64> = theirs
            .iter()
            .map(|t| t.peak_rss_kib)
            .filter(|&k| k > 0)
            .collect();
        mem_row(&format!("RSS peak: {label}"), mine.peak_rss_kib, &peaks);
    }
    println!("| RSS after the run | {} |", mib(after));
    println!(
        "| store on disk | {} bytes, {:.0} bytes per activity |",
        bytes,
        bytes as f64 / n.max(1) as f64
    );
    println!(
        "| start to first answer with {n} activities stored | {} ms |",
        restart.as_millis()
    );
    println!("| threads | {threads} |");
    let trivial = rows[0].1.rate();
    if let Some((_, outbox, _)) = rows.iter().find(|(l, _, _)| l.contains("outbox")) {
        println!(
            "| outbox GET as a share of the trivial endpoint | {:.0} % |",
            100.0 * outbox.rate() / trivial.max(1e-9)
        );
    }
    if let Some(o) = &ours.own {
        print_sizes(o);
    }
    drop(ours);
    if args.keep {
        eprintln!("data dir kept: {}", dir.display());
    } else {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// `pump stats` of our server after the run, as a Markdown table: where the disk goes.
fn print_sizes(o: &Own) {
    let out = std::process::Command::new(&o.bin)
        .args(["stats", "-c"])
        .arg(o.dir.join("pump.json"))
        .output();
    let Ok(out) = out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()) else {
        return;
    };
    println!();
    for (i, line) in out.lines().enumerate() {
        println!("| {} |", line.replace('\t', " | "));
        if i == 0 {
            println!("|{}", "---|".repeat(line.split('\t').count()));
        }
    }
}

/// A memory row: ours, then each other server's with the ratio.
fn mem_row(label: &str, mine: u64, theirs: &[u64]) {
    let cells: String = theirs
        .iter()
        .map(|&k| format!(" {} | {:.3}× |", mib(k), mine as f64 / k.max(1) as f64))
        .collect();
    println!("| {label} | {} |{cells}", mib(mine));
}

/// One server's figures for one workload.
fn cell(s: &Stat) -> String {
    let cpu = if s.cpu_ns > 0 {
        format!(", {:.0} µs CPU/req", s.cpu_us())
    } else {
        String::new()
    };
    format!(
        "{:.0} req/s, p50 {:.2} ms, p99 {:.2} ms{cpu}{}",
        s.rate(),
        s.pct(0.5),
        s.pct(0.99),
        errs(s)
    )
}

fn errs(s: &Stat) -> String {
    if s.errors == 0 {
        String::new()
    } else {
        format!(", {} errors", s.errors)
    }
}
