//! pump: a pump.io-compatible federated social server for small boards.
mod admin;
mod api;
mod app;
mod archive_cmd;
mod backup;
mod config;
mod control;
mod control_stream;
mod core;
mod discovery;
mod error;
mod federation;
mod http;
mod init_config;
mod jobs;
mod mail;
mod media;
mod notify;
mod oauth;
mod principal;
mod records;
mod rehost;
mod routes;
mod serve;
mod social;
mod stats;
mod store;
mod util;
mod web;
mod worker;

use argh::FromArgs;
use std::path::PathBuf;
use std::process::ExitCode;

/// pump: a pump.io social server for small boards.
#[derive(FromArgs)]
struct Cli {
    /// print the version and exit
    #[argh(switch, short = 'v')]
    version: bool,
    #[argh(subcommand)]
    cmd: Option<Cmd>,
}

#[derive(FromArgs)]
#[argh(subcommand)]
enum Cmd {
    Serve(ServeCmd),
    User(UserCmd),
    Jobs(JobsCmd),
    Stats(StatsCmd),
    Federation(FederationCmd),
    CheckConfig(CheckCmd),
    Backup(BackupCmd),
    Restore(RestoreCmd),
    Rehost(RehostCmd),
    ExportUser(ExportCmd),
    InitConfig(InitConfigCmd),
    SystemdUnit(UnitCmd),
    Routes(RoutesCmd),
}

/// Move a stopped server's data to the public address (hostname, urlPort, urlPath) of the
/// config: every stored id and URL of the old address is rewritten.
#[derive(FromArgs)]
#[argh(subcommand, name = "rehost")]
struct RehostCmd {
    /// config file (default: /etc/pump.io.json then ~/.pump.io.json)
    #[argh(option, short = 'c')]
    config: Option<PathBuf>,
}

/// Print the route table: every method and path the server answers, the body each reads and
/// the access policy it asks for.
#[derive(FromArgs)]
#[argh(subcommand, name = "routes")]
struct RoutesCmd {}

/// Print the systemd unit this binary is meant to run under (scripts/install.sh uses it).
#[derive(FromArgs)]
#[argh(subcommand, name = "systemd-unit")]
struct UnitCmd {}

/// Write a starting config with a generated secret (keeps an existing one's secret and keys).
#[derive(FromArgs)]
#[argh(subcommand, name = "init-config")]
struct InitConfigCmd {
    /// host name the server is reached by (e.g. pump.example.org)
    #[argh(option)]
    hostname: Option<String>,
    /// port to listen on (default 80 for a new file)
    #[argh(option)]
    port: Option<u16>,
    /// where the data lives (default /var/lib/pump, the systemd unit's state directory)
    #[argh(option, default = "PathBuf::from(\"/var/lib/pump\")")]
    state_dir: PathBuf,
    /// the config file to write
    #[argh(positional)]
    file: PathBuf,
}

/// Write a backup archive (store, secret, uploads), also while the server runs.
#[derive(FromArgs)]
#[argh(subcommand, name = "backup")]
struct BackupCmd {
    /// config file (default: /etc/pump.io.json then ~/.pump.io.json)
    #[argh(option, short = 'c')]
    config: Option<PathBuf>,
    /// the archive to write
    #[argh(positional)]
    file: PathBuf,
}

/// Restore a backup archive into the new, empty data dir of the config (server stopped).
#[derive(FromArgs)]
#[argh(subcommand, name = "restore")]
struct RestoreCmd {
    /// config file (default: /etc/pump.io.json then ~/.pump.io.json)
    #[argh(option, short = 'c')]
    config: Option<PathBuf>,
    /// the archive to read
    #[argh(positional)]
    file: PathBuf,
}

/// Write a user's activities as an ActivityStreams collection (to FILE or standard output).
#[derive(FromArgs)]
#[argh(subcommand, name = "export-user")]
struct ExportCmd {
    /// config file (default: /etc/pump.io.json then ~/.pump.io.json)
    #[argh(option, short = 'c')]
    config: Option<PathBuf>,
    /// nickname
    #[argh(positional)]
    nick: String,
    /// the file to write (default: standard output)
    #[argh(positional)]
    file: Option<PathBuf>,
}

/// Run the server. Any config key can follow as `--<key> VALUE` (e.g. `--url-port 443`).
#[derive(FromArgs)]
#[argh(subcommand, name = "serve")]
struct ServeCmd {
    /// config file (default: /etc/pump.io.json then ~/.pump.io.json)
    #[argh(option, short = 'c')]
    config: Option<PathBuf>,
}

/// Print the effective configuration (secrets masked); exit 1 when it is invalid.
#[derive(FromArgs)]
#[argh(subcommand, name = "check-config")]
struct CheckCmd {
    /// config file (default: /etc/pump.io.json then ~/.pump.io.json)
    #[argh(option, short = 'c')]
    config: Option<PathBuf>,
}

/// List the background jobs kept (mail waiting to go out, or given up on), with their last
/// error; whether or not the server runs.
#[derive(FromArgs)]
#[argh(subcommand, name = "jobs")]
struct JobsCmd {
    /// config file (default: /etc/pump.io.json then ~/.pump.io.json)
    #[argh(option, short = 'c')]
    config: Option<PathBuf>,
}

/// What the store holds and what it costs on disk, table by table, and per stored activity;
/// whether or not the server runs.
#[derive(FromArgs)]
#[argh(subcommand, name = "stats")]
struct StatsCmd {
    /// config file (default: /etc/pump.io.json then ~/.pump.io.json)
    #[argh(option, short = 'c')]
    config: Option<PathBuf>,
}

/// Deliveries to other servers per host: how many wait, how many were given up on, and the
/// last error; whether or not the server runs.
#[derive(FromArgs)]
#[argh(subcommand, name = "federation")]
struct FederationCmd {
    /// config file (default: /etc/pump.io.json then ~/.pump.io.json)
    #[argh(option, short = 'c')]
    config: Option<PathBuf>,
}

/// Manage accounts, whether or not the server runs.
#[derive(FromArgs)]
#[argh(subcommand, name = "user")]
struct UserCmd {
    /// config file (default: /etc/pump.io.json then ~/.pump.io.json)
    #[argh(option, short = 'c')]
    config: Option<PathBuf>,
    #[argh(subcommand)]
    op: UserSub,
}

#[derive(FromArgs)]
#[argh(subcommand)]
enum UserSub {
    Add(UserAdd),
    SetPassword(UserSetPassword),
    Delete(UserDelete),
    List(UserList),
}

/// Create an account.
#[derive(FromArgs)]
#[argh(subcommand, name = "add")]
struct UserAdd {
    /// nickname
    #[argh(positional)]
    nick: String,
    /// read the password from the first line of standard input
    #[argh(switch)]
    password_stdin: bool,
}

/// Change an account's password.
#[derive(FromArgs)]
#[argh(subcommand, name = "set-password")]
struct UserSetPassword {
    /// nickname
    #[argh(positional)]
    nick: String,
    /// read the password from the first line of standard input
    #[argh(switch)]
    password_stdin: bool,
}

/// Delete an account (its posts stay, as in pump.io).
#[derive(FromArgs)]
#[argh(subcommand, name = "delete")]
struct UserDelete {
    /// nickname
    #[argh(positional)]
    nick: String,
}

/// List the accounts, oldest first.
#[derive(FromArgs)]
#[argh(subcommand, name = "list")]
struct UserList {}

/// Splits `--<key> VALUE` config overrides (any key of config.md) from the argh arguments.
fn split_overrides(args: &[String]) -> (Vec<String>, Vec<(String, serde_json::Value)>) {
    let own = ["--config", "--help", "--version", "--password-stdin"];
    let mut kept = Vec::new();
    let mut overrides = Vec::new();
    let mut i = 0;
    let is_overridable = matches!(
        args.first().map(String::as_str),
        Some("serve") | Some("check-config")
    );
    while i < args.len() {
        let a = &args[i];
        if is_overridable && a.starts_with("--") && a.len() > 2 && !own.contains(&a.as_str()) {
            let (key, value) = match a[2..].split_once('=') {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => match args.get(i + 1).filter(|n| !n.starts_with("--")) {
                    Some(v) => {
                        i += 1;
                        (a[2..].to_string(), v.clone())
                    }
                    None => (a[2..].to_string(), "true".to_string()),
                },
            };
            let camel = config::camel(key.rsplit('.').next().unwrap_or(&key));
            overrides.push((key, config::typed(Some(&camel), &value)));
        } else {
            kept.push(a.clone());
        }
        i += 1;
    }
    (kept, overrides)
}

fn load(
    file: Option<&std::path::Path>,
    flags: &[(String, serde_json::Value)],
    generate: bool,
) -> Result<(config::Config, config::Sources), String> {
    let env: Vec<(String, String)> = std::env::vars()
        .filter(|(k, _)| k.starts_with("PUMPIO_"))
        .collect();
    config::load(file, flags, &env, generate)
}

fn read_password(from_stdin: bool) -> Result<String, String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    let a = rpassword::prompt_password("Password: ")
        .map_err(|e| format!("cannot read the password: {e}"))?;
    let b = rpassword::prompt_password("Again: ")
        .map_err(|e| format!("cannot read the password: {e}"))?;
    if a != b {
        return Err("the passwords differ".into());
    }
    Ok(a)
}

fn main() -> ExitCode {
    util::panics::install();
    let all: Vec<String> = std::env::args().collect();
    let prog = all.first().map(String::as_str).unwrap_or("pump");
    let (args, overrides) = split_overrides(&all[1..]);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let cli = match Cli::from_args(&[prog], &refs) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.status.is_ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            };
            if e.status.is_ok() {
                println!("{}", e.output);
            } else {
                eprintln!("{}", e.output);
            }
            return code;
        }
    };
    if cli.version {
        println!("pump {}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    let result = match cli.cmd {
        None => Err("no command given; try `pump --help`".to_string()),
        Some(Cmd::Serve(s)) => {
            load(s.config.as_deref(), &overrides, true).and_then(|(cfg, src)| serve::run(cfg, src))
        }
        Some(Cmd::CheckConfig(c)) => {
            load(c.config.as_deref(), &overrides, false).map(|(cfg, src)| {
                for f in &src.files {
                    eprintln!("read {}", f.display());
                }
                for w in &src.warnings {
                    eprintln!("warning: {w}");
                }
                println!(
                    "{}",
                    serde_json::to_string_pretty(&cfg.masked()).unwrap_or_default()
                );
            })
        }
        Some(Cmd::SystemdUnit(_)) => {
            print!("{}", include_str!("../systemd/pump.service"));
            Ok(())
        }
        Some(Cmd::InitConfig(i)) => {
            init_config::run(&i.file, i.hostname.as_deref(), i.port, &i.state_dir)
                .map(|s| println!("{s}"))
        }
        Some(Cmd::Backup(b)) => load(b.config.as_deref(), &[], true)
            .and_then(|(cfg, _)| archive_cmd::backup(cfg, &b.file))
            .map(|s| println!("{s}")),
        Some(Cmd::Rehost(r)) => load(r.config.as_deref(), &[], true)
            .and_then(|(cfg, _)| rehost::run(cfg))
            .map(|s| println!("{s}")),
        Some(Cmd::Restore(b)) => load(b.config.as_deref(), &[], true)
            .and_then(|(cfg, _)| archive_cmd::restore(cfg, &b.file))
            .map(|s| println!("{s}")),
        Some(Cmd::ExportUser(x)) => load(x.config.as_deref(), &[], true)
            .and_then(|(cfg, _)| archive_cmd::export_user(cfg, &x.nick, x.file.as_deref()))
            .map(|s| {
                if !s.is_empty() {
                    eprintln!("{s}");
                }
            }),
        Some(Cmd::Routes(_)) => {
            print!("{}", routes::table::print());
            Ok(())
        }
        Some(Cmd::Jobs(j)) => load(j.config.as_deref(), &[], true)
            .and_then(|(cfg, _)| admin::run(cfg, admin::UserOp::Jobs))
            .map(|out| println!("{out}")),
        Some(Cmd::Stats(x)) => load(x.config.as_deref(), &[], true)
            .and_then(|(cfg, _)| admin::run(cfg, admin::UserOp::Stats))
            .map(|out| println!("{out}")),
        Some(Cmd::Federation(f)) => load(f.config.as_deref(), &[], true)
            .and_then(|(cfg, _)| admin::run(cfg, admin::UserOp::Federation))
            .map(|out| println!("{out}")),
        Some(Cmd::User(u)) => load(u.config.as_deref(), &[], true).and_then(|(cfg, _)| {
            let op = match u.op {
                UserSub::Add(a) => admin::UserOp::Add(a.nick, read_password(a.password_stdin)?),
                UserSub::SetPassword(a) => {
                    admin::UserOp::SetPassword(a.nick, read_password(a.password_stdin)?)
                }
                UserSub::Delete(d) => admin::UserOp::Delete(d.nick),
                UserSub::List(_) => admin::UserOp::List,
            };
            admin::run(cfg, op).map(|out| {
                if !out.is_empty() {
                    println!("{out}");
                }
            })
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pump: {e}");
            ExitCode::FAILURE
        }
    }
}
