//! pump.io-compatible configuration (spec/config.md): files, `PUMPIO_*` environment variables and
//! command-line flags, merged as flags > env > file > defaults, then checked and typed.

use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};

/// Keys whose values are numbers / booleans / structured JSON (config.md §1), plus ours.
const NUMBER_KEYS: &[&str] = &[
    "port",
    "urlPort",
    "smtpport",
    "smtptimeout",
    "cleanupSession",
    "cleanupNonce",
    "children",
    "cacheSize",
    "maxBodySize",
    "maxRequestsInFlight",
    "maxConnections",
    "nonceCacheSize",
    "maxSessionsPerUser",
    "maxRequestTokens",
    "maxUploadSize",
    "maxImagePixels",
    "maxImageMemory",
    "imageWorkers",
    "maxLiveStreams",
    "maxJobs",
    "maxBlocks",
    "maxPicturesPerPost",
    "recentOnFollow",
    "jobWorkers",
    "jobAttempts",
    "jobRetryDelay",
    "maxBodyMemory",
    "responseCacheSize",
    "renderCacheSize",
    "changeLogSize",
    "headerTimeout",
    "shutdownTimeout",
    "bodyTimeout",
    "uploadTimeout",
    "minBodyRate",
    "bodyRateGrace",
    "maxConnectionsPerAddress",
    "maxRequestsPerAddress",
];
const BOOL_KEYS: &[&str] = &[
    "bounce",
    "noweb",
    "nologger",
    "enableUploads",
    "debugClient",
    "disableRegistration",
    "noCDN",
    "requireEmail",
    "smtpusetls",
    "smtpusessl",
    "compress",
    "sockjs",
    "redirectToCanonical",
    "redirectAddressToCanonical",
];
const STRUCTURED_KEYS: &[&str] = &[
    "params",
    "hsts",
    "clients",
    "users",
    "plugins",
    "scripts",
    "proxyWhitelist",
    "firehose",
];

/// Keys of the original that this server understands.
const KNOWN_KEYS: &[&str] = &[
    "hostname",
    "address",
    "port",
    "urlPort",
    "urlPath",
    "key",
    "cert",
    "bounce",
    "hsts",
    "redirectToCanonical",
    "redirectAddressToCanonical",
    "secret",
    "controlSocket",
    "driver",
    "params",
    "datadir",
    "enableUploads",
    "site",
    "owner",
    "ownerURL",
    "appendFooter",
    "mainImage",
    "favicon",
    "noweb",
    "sockjs",
    "compress",
    "disableRegistration",
    "smtpserver",
    "smtpport",
    "smtpuser",
    "smtppass",
    "smtpusetls",
    "smtpusessl",
    "smtptimeout",
    "smtpfrom",
    "smtpca",
    "requireEmail",
    "firehose",
    "spamhost",
    "spamclientid",
    "spamclientsecret",
    "proxyWhitelist",
    "nologger",
    "logLevel",
    "clients",
    "users",
    "cleanupNonce",
    "cleanupSession",
];

/// The `smtp*` keys (config.md §2.4).
#[derive(Clone, Debug)]
pub struct MailConfig {
    pub server: String,
    pub port: u16,
    pub user: Option<String>,
    pub pass: Option<String>,
    /// STARTTLS when the server offers it.
    pub starttls: bool,
    /// Implicit TLS from the first byte.
    pub ssl: bool,
    pub timeout_ms: u64,
    pub from: Option<String>,
    /// PEM roots the relay's certificate is checked against instead of the system's (for a
    /// self-signed relay); checked on loopback too when given.
    pub ca: Option<Vec<u8>>,
}

/// Calls to other servers (federation.md; README "Federation").
#[derive(Clone, Debug)]
pub struct FederationConfig {
    /// Peers may resolve to private, loopback and link-local addresses (tests, closed networks).
    pub allow_private: bool,
    /// The longest one exchange with another server may take, connection included.
    pub timeout_ms: u64,
    /// The largest answer read from another server, in bytes.
    pub max_response: usize,
    pub max_redirects: usize,
    /// Deliveries to one host at the same time.
    pub host_concurrency: usize,
    /// Seconds a delivery is retried before it is kept as failed.
    pub retry_period: i64,
    /// Sizes the Dialback ledger: ten times this many requests signed, and as many seen.
    pub cache_entries: usize,
    /// Dialback checks of incoming registrations running at once; more are refused.
    pub verifications: usize,
    /// The host pinged with every public local activity (federation.md §11); off by default.
    pub firehose: Option<String>,
    /// The spam service each local post is shown to first (federation.md §12).
    pub spam: Option<SpamConfig>,
    /// Which protocol a new contact is reached by when it speaks both.
    pub protocol: Protocol,
    /// ActivityPub GETs of our actors and objects must be signed (Mastodon's "secure mode").
    pub authorized_fetch: bool,
    /// Seconds a signed request's `Date` may be off from our clock, either way.
    pub signature_window: i64,
}

/// `federationProtocol`: ActivityPub when a contact offers it (`auto`), or always one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    Auto,
    ActivityPub,
    PumpIo,
}

fn protocol(m: &Map<String, Value>) -> Result<Protocol, String> {
    match get_str(m, "federationProtocol")?.as_deref() {
        None | Some("auto") => Ok(Protocol::Auto),
        Some("activitypub") => Ok(Protocol::ActivityPub),
        Some("pumpio") => Ok(Protocol::PumpIo),
        Some(other) => Err(format!(
            "`federationProtocol` must be auto, activitypub or pumpio, not {other}"
        )),
    }
}

#[derive(Clone, Debug)]
pub struct SpamConfig {
    /// Its base URL: the service answers at `<host>/is-this-spam`.
    pub host: String,
    pub client_id: String,
    pub client_secret: String,
}

fn firehose(m: &Map<String, Value>) -> Result<Option<String>, String> {
    match m.get("firehose") {
        None | Some(Value::Null) | Some(Value::Bool(false)) => Ok(None),
        Some(Value::String(s)) if s.is_empty() || s == "false" => Ok(None),
        Some(Value::String(s)) if crate::util::authority::is_authority(s) => Ok(Some(s.clone())),
        Some(other) => Err(format!(
            "`firehose` must be a host name or false, not {other}"
        )),
    }
}

fn spam(m: &Map<String, Value>) -> Result<Option<SpamConfig>, String> {
    let Some(host) = get_str(m, "spamhost")?.filter(|h| !h.is_empty()) else {
        return Ok(None);
    };
    if !host.starts_with("http://") && !host.starts_with("https://") {
        return Err("`spamhost` must be an http(s) URL".into());
    }
    Ok(Some(SpamConfig {
        host: host.trim_end_matches('/').to_string(),
        client_id: get_str(m, "spamclientid")?.unwrap_or_default(),
        client_secret: get_str(m, "spamclientsecret")?.unwrap_or_default(),
    }))
}

fn federation(m: &Map<String, Value>) -> Result<FederationConfig, String> {
    Ok(FederationConfig {
        allow_private: get_bool(m, "federationAllowPrivate", false)?,
        timeout_ms: get_num(m, "federationTimeout", 20_000, 100, 600_000)?,
        max_response: get_num(m, "federationMaxResponse", 1 << 20, 1024, 1 << 30)? as usize,
        max_redirects: get_num(m, "federationMaxRedirects", 5, 0, 20)? as usize,
        host_concurrency: get_num(m, "federationHostConcurrency", 2, 1, 64)? as usize,
        retry_period: get_num(m, "federationRetryPeriod", 172_800, 60, 30 * 86_400)? as i64,
        cache_entries: get_num(m, "federationCacheSize", 1000, 1, 1 << 20)? as usize,
        verifications: get_num(m, "federationVerifications", 8, 1, 1024)? as usize,
        firehose: firehose(m)?,
        spam: spam(m)?,
        protocol: protocol(m)?,
        authorized_fetch: get_bool(m, "authorizedFetch", false)?,
        signature_window: get_num(m, "federationSignatureWindow", 3600, 30, 86_400)? as i64,
    })
}

/// Keys of the original accepted with a warning: they have no meaning for this server.
const IGNORED_KEYS: &[(&str, &str)] = &[
    (
        "children",
        "pump is one process; worker count does not apply",
    ),
    ("plugins", "Node.js plugins cannot be loaded"),
    ("noCDN", "assets are always served locally"),
    ("debugClient", "there are no minified client libraries"),
    ("scripts", "extra page scripts are not supported"),
    (
        "serverUser",
        "run under systemd's User=/DynamicUser= instead",
    ),
    ("logfile", "logs go to stderr (journald under systemd)"),
];

/// Keys of this server (not in the original).
const OWN_KEYS: &[&str] = &[
    "cacheSize",
    "maxBodySize",
    "maxRequestsInFlight",
    "maxConnections",
    "nonceCacheSize",
    "maxSessionsPerUser",
    "maxRequestTokens",
    "maxUploadSize",
    "maxImagePixels",
    "maxImageMemory",
    "imageWorkers",
    "maxJobs",
    "maxBlocks",
    "maxPicturesPerPost",
    "recentOnFollow",
    "jobWorkers",
    "jobAttempts",
    "jobRetryDelay",
    "maxBodyMemory",
    "responseCacheSize",
    "renderCacheSize",
    "changeLogSize",
    "headerTimeout",
    "shutdownTimeout",
    "bodyTimeout",
    "uploadTimeout",
    "minBodyRate",
    "bodyRateGrace",
    "maxConnectionsPerAddress",
    "maxRequestsPerAddress",
    "federationAllowPrivate",
    "federationTimeout",
    "federationMaxResponse",
    "federationMaxRedirects",
    "federationHostConcurrency",
    "federationRetryPeriod",
    "federationCacheSize",
    "federationVerifications",
    "federationProtocol",
    "authorizedFetch",
    "federationSignatureWindow",
];

/// Derived keys that may not be set (config.md §2.8).
const FORBIDDEN_KEYS: &[&str] = &[
    "nicknameBlacklist",
    "canUpload",
    "haveEmail",
    "workers",
    "uploaddir",
];

const SAMPLE_SECRET: &str = "my dog has fleas";

/// Where configuration came from, for `check-config` and the log.
#[derive(Debug, Default)]
pub struct Sources {
    pub files: Vec<PathBuf>,
    pub warnings: Vec<String>,
}

/// The effective, checked configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Every key as merged, for keys read later by other issues and for `check-config`.
    pub raw: Map<String, Value>,
    pub hostname: String,
    pub address: String,
    pub port: u16,
    pub url_port: u16,
    pub url_path: Option<String>,
    pub key: Option<PathBuf>,
    pub cert: Option<PathBuf>,
    pub bounce: bool,
    pub hsts: Option<String>,
    pub redirect_to_canonical: bool,
    pub redirect_address_to_canonical: bool,
    /// Signs session cookies.
    pub secret: String,
    pub memory: bool,
    /// The data dir is this process's own (a memory store without `datadir`): removed at a
    /// clean stop.
    pub ephemeral_dir: bool,
    pub store_dir: PathBuf,
    pub data_dir: PathBuf,
    pub control_socket: PathBuf,
    pub site: String,
    /// A file served at `/favicon.ico` instead of the built-in icon.
    pub favicon: Option<PathBuf>,
    pub noweb: bool,
    pub disable_registration: bool,
    pub require_email: bool,
    /// Outgoing mail, when `smtpserver` is set.
    pub mail: Option<MailConfig>,
    pub federation: FederationConfig,
    pub nologger: bool,
    pub log_level: log::LevelFilter,
    pub clients: Vec<Value>,
    pub users: Vec<Value>,
    pub cache_size: usize,
    pub max_body_size: usize,
    /// `<datadir>/uploads` when uploads are enabled.
    pub uploads: Option<PathBuf>,
    pub max_upload_size: u64,
    /// Largest picture accepted, in pixels (width × height).
    pub max_image_pixels: u64,
    /// Largest allocation one image decoder may make, in bytes.
    pub max_image_memory: u64,
    /// Pictures decoded at the same time, on the blocking pool.
    pub image_workers: usize,
    /// Open live-update streams of the web UI.
    pub max_live_streams: usize,
    /// Background jobs waiting to run (and, as many again, given up on and kept).
    pub max_jobs: usize,
    /// People one user may block, and as many muted.
    pub max_blocks: usize,
    /// Pictures one web form may post together (the first with the others attached).
    pub max_pictures_per_post: usize,
    /// Newest public posts of a person put into a new follower's inbox (0: none).
    pub recent_on_follow: usize,
    /// Background jobs running at the same time.
    pub job_workers: usize,
    /// Runs of a failing job before it is given up on.
    pub job_attempts: u32,
    /// Seconds before a failed job's first retry; each further retry waits twice as long.
    pub job_retry_delay: i64,
    /// Seconds an OAuth 2 authorization code stays valid.
    pub oauth2_code_secs: i64,
    pub max_body_memory: usize,
    pub max_requests_in_flight: usize,
    pub max_connections: usize,
    pub nonce_cache_size: usize,
    /// Web sessions one account keeps open at once; logging in again ends the oldest.
    pub max_sessions_per_user: usize,
    pub max_request_tokens: usize,
    pub response_cache_size: usize,
    /// Bytes of activities kept rendered for uncached feed pages; 0 turns it off.
    pub render_cache_size: usize,
    /// Changed keys and streams remembered, so kept renderings know whether they are current.
    pub change_log_size: usize,
    pub header_timeout_ms: u64,
    pub shutdown_timeout_ms: u64,
    /// Longest time a request body held in memory may take to arrive.
    pub body_timeout_ms: u64,
    /// Longest time an upload body (streamed to disk) may take to arrive.
    pub upload_timeout_ms: u64,
    /// Bytes per second a body must keep up after `body_rate_grace_ms`; 0: no such rule.
    pub min_body_rate: u64,
    pub body_rate_grace_ms: u64,
    /// Open connections of one client address (an IPv6 /64); more are closed at accept.
    pub max_connections_per_address: usize,
    /// Requests of one client address being read or handled at once; beyond it 503.
    pub max_requests_per_address: usize,
}

/// A config from these keys alone, for unit tests.
#[cfg(test)]
pub fn for_tests(v: Value) -> Config {
    let Value::Object(m) = v else {
        return for_tests(serde_json::json!({}));
    };
    check(m, &mut Sources::default(), false).unwrap_or_else(|e| panic!("{e}"))
}

/// Reads files, environment and flags, merges them and checks the result.
/// `generate_secret` lets `serve` make and keep a secret when nothing configures one.
pub fn load(
    config_file: Option<&Path>,
    flags: &[(String, Value)],
    env: &[(String, String)],
    generate_secret: bool,
) -> Result<(Config, Sources), String> {
    let mut sources = Sources::default();
    let mut merged = Map::new();
    let files: Vec<PathBuf> = match config_file {
        Some(p) => {
            if !p.exists() {
                return Err(format!("config file {} does not exist", p.display()));
            }
            vec![p.to_path_buf()]
        }
        None => {
            let mut v = vec![PathBuf::from("/etc/pump.io.json")];
            if let Some(home) = std::env::var_os("HOME") {
                v.push(PathBuf::from(home).join(".pump.io.json"));
            }
            v
        }
    };
    for f in files {
        let text = match std::fs::read_to_string(&f) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(format!("cannot read {}: {e}", f.display())),
        };
        let v: Value = serde_json::from_str(&text)
            .map_err(|e| format!("{} is not valid JSON: {e}", f.display()))?;
        let Value::Object(obj) = v else {
            return Err(format!("{} must hold a JSON object", f.display()));
        };
        merged.extend(obj);
        sources.files.push(f);
    }
    for (name, value) in env {
        if let Some(path) = env_key(name) {
            set_path(
                &mut merged,
                &path,
                typed(path.last().map(String::as_str), value),
            );
        }
    }
    for (path, value) in flags {
        let parts: Vec<String> = path.split('.').map(camel).collect();
        set_path(&mut merged, &parts, value.clone());
    }
    let no_config = sources.files.is_empty() && !merged.contains_key("secret");
    let cfg = check(merged, &mut sources, generate_secret && no_config)?;
    Ok((cfg, sources))
}

/// `PUMPIO_URL_PORT` → `["urlPort"]`, `PUMPIO_PARAMS__DIR` → `["params", "dir"]`.
fn env_key(name: &str) -> Option<Vec<String>> {
    let rest = name.strip_prefix("PUMPIO_")?;
    if rest.is_empty() {
        return None;
    }
    Some(
        rest.split("__")
            .map(|part| {
                let words: Vec<String> = part.split('_').map(|w| w.to_lowercase()).collect();
                let mut s = String::new();
                for (i, w) in words.iter().enumerate() {
                    if i == 0 {
                        s.push_str(w);
                    } else {
                        let mut c = w.chars();
                        if let Some(f) = c.next() {
                            s.extend(f.to_uppercase());
                            s.push_str(c.as_str());
                        }
                    }
                }
                s
            })
            .collect(),
    )
}

/// kebab-case flag name → camelCase key (`url-port` → `urlPort`).
pub fn camel(flag: &str) -> String {
    let mut out = String::new();
    let mut up = false;
    for c in flag.chars() {
        if c == '-' {
            up = true;
        } else if up {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Turns a string from the environment or a flag into the key's JSON type.
pub fn typed(key: Option<&str>, value: &str) -> Value {
    let key = key.unwrap_or("");
    if NUMBER_KEYS.contains(&key) {
        if let Ok(n) = value.parse::<i64>() {
            return json!(n);
        }
    }
    if BOOL_KEYS.contains(&key) {
        match value {
            "true" | "1" | "yes" | "" => return Value::Bool(true),
            "false" | "0" | "no" => return Value::Bool(false),
            _ => {}
        }
    }
    if STRUCTURED_KEYS.contains(&key) {
        if let Ok(v) = serde_json::from_str(value) {
            return v;
        }
    }
    Value::String(value.to_string())
}

fn set_path(map: &mut Map<String, Value>, path: &[String], value: Value) {
    match path {
        [] => {}
        [last] => {
            map.insert(last.clone(), value);
        }
        [first, rest @ ..] => {
            let entry = map.entry(first.clone()).or_insert_with(|| json!({}));
            if !entry.is_object() {
                *entry = json!({});
            }
            if let Value::Object(inner) = entry {
                set_path(inner, rest, value);
            }
        }
    }
}

fn get_str(m: &Map<String, Value>, k: &str) -> Result<Option<String>, String> {
    match m.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Err(format!("`{k}` must be a string, not {other}")),
    }
}

fn get_bool(m: &Map<String, Value>, k: &str, default: bool) -> Result<bool, String> {
    match m.get(k) {
        None | Some(Value::Null) => Ok(default),
        Some(Value::Bool(b)) => Ok(*b),
        // The original read config values as JavaScript does: `noweb: 1` is on.
        Some(Value::Number(n)) => Ok(n.as_f64().is_some_and(|f| f != 0.0)),
        Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Ok(true),
            "false" | "0" | "no" | "off" | "" => Ok(false),
            _ => Err(format!("`{k}` must be true or false, not {s:?}")),
        },
        Some(other) => Err(format!("`{k}` must be true or false, not {other}")),
    }
}

fn get_num(
    m: &Map<String, Value>,
    k: &str,
    default: u64,
    min: u64,
    max: u64,
) -> Result<u64, String> {
    let n = match m.get(k) {
        None | Some(Value::Null) => return Ok(default),
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.parse::<u64>().ok(),
        Some(_) => None,
    };
    match n {
        Some(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!("`{k}` must be a whole number from {min} to {max}")),
    }
}

/// Checks the merged keys and types them, one concern at a time.
fn check(
    mut m: Map<String, Value>,
    src: &mut Sources,
    generate_secret: bool,
) -> Result<Config, String> {
    check_keys(&m, src)?;
    let Listen {
        hostname,
        address,
        port,
        url_port,
        url_path,
        key,
        cert,
    } = listen(&m)?;
    let hsts = hsts(&m)?;
    let Places {
        memory,
        ephemeral,
        store_dir,
        data_dir,
        uploads,
        control_socket,
    } = places(&m, src)?;
    let secret = secret(&m, src, &data_dir, generate_secret)?;
    m.insert("secret".into(), Value::String(secret.clone()));
    let log_level = log_level(&m)?;
    let (clients, users) = accounts(&m)?;
    Ok(Config {
        hostname,
        address,
        port,
        url_port,
        url_path,
        key,
        cert,
        bounce: get_bool(&m, "bounce", false)?,
        hsts,
        redirect_to_canonical: get_bool(&m, "redirectToCanonical", true)?,
        redirect_address_to_canonical: get_bool(&m, "redirectAddressToCanonical", false)?,
        secret,
        memory,
        ephemeral_dir: ephemeral,
        store_dir,
        data_dir,
        control_socket,
        site: get_str(&m, "site")?.unwrap_or_else(|| "pump.io".into()),
        favicon: get_str(&m, "favicon")?.map(PathBuf::from),
        noweb: get_bool(&m, "noweb", false)?,
        disable_registration: get_bool(&m, "disableRegistration", false)?,
        require_email: get_bool(&m, "requireEmail", false)?,
        mail: mail(&m)?,
        federation: federation(&m)?,
        nologger: get_bool(&m, "nologger", false)?,
        log_level,
        clients,
        users,
        cache_size: get_num(&m, "cacheSize", 16 << 20, 1 << 20, 1 << 34)? as usize,
        max_body_size: get_num(&m, "maxBodySize", 1 << 20, 1024, 1 << 30)? as usize,
        uploads,
        max_upload_size: get_num(&m, "maxUploadSize", 64 << 20, 1024, 1 << 40)?,
        max_image_pixels: get_num(&m, "maxImagePixels", 50_000_000, 1, 1 << 40)?,
        max_image_memory: get_num(&m, "maxImageMemory", 80 << 20, 1 << 20, 1 << 40)?,
        image_workers: get_num(&m, "imageWorkers", 1, 1, 64)? as usize,
        max_live_streams: get_num(&m, "maxLiveStreams", 64, 0, 100_000)? as usize,
        max_jobs: get_num(&m, "maxJobs", 10_000, 1, 10_000_000)? as usize,
        max_blocks: get_num(&m, "maxBlocks", 1_000, 1, 100_000)? as usize,
        max_pictures_per_post: get_num(&m, "maxPicturesPerPost", 4, 1, 20)? as usize,
        recent_on_follow: get_num(&m, "recentOnFollow", 20, 0, 100)? as usize,
        job_workers: get_num(&m, "jobWorkers", 4, 1, 64)? as usize,
        job_attempts: get_num(&m, "jobAttempts", 10, 1, 1000)? as u32,
        job_retry_delay: get_num(&m, "jobRetryDelay", 60, 1, 86_400)? as i64,
        oauth2_code_secs: get_num(&m, "oauth2CodeLifetime", 600, 10, 86_400)? as i64,
        max_body_memory: get_num(&m, "maxBodyMemory", 16 << 20, 1024, 1 << 34)? as usize,
        max_requests_in_flight: get_num(&m, "maxRequestsInFlight", 256, 1, 1 << 20)? as usize,
        max_connections: get_num(&m, "maxConnections", 512, 1, 1 << 20)? as usize,
        nonce_cache_size: get_num(&m, "nonceCacheSize", 100_000, 100, 1 << 26)? as usize,
        max_sessions_per_user: get_num(&m, "maxSessionsPerUser", 32, 1, 10_000)? as usize,
        max_request_tokens: get_num(&m, "maxRequestTokens", 10_000, 1, 1 << 24)? as usize,
        response_cache_size: get_num(&m, "responseCacheSize", 4 << 20, 0, 1 << 30)? as usize,
        render_cache_size: get_num(&m, "renderCacheSize", 4 << 20, 0, 1 << 30)? as usize,
        change_log_size: get_num(&m, "changeLogSize", 32_768, 0, 1 << 24)? as usize,
        header_timeout_ms: get_num(&m, "headerTimeout", 30_000, 100, 3_600_000)?,
        shutdown_timeout_ms: get_num(&m, "shutdownTimeout", 10_000, 0, 3_600_000)?,
        body_timeout_ms: get_num(&m, "bodyTimeout", 60_000, 100, 3_600_000)?,
        upload_timeout_ms: get_num(&m, "uploadTimeout", 600_000, 100, 86_400_000)?,
        min_body_rate: get_num(&m, "minBodyRate", 1024, 0, 1 << 30)?,
        body_rate_grace_ms: get_num(&m, "bodyRateGrace", 10_000, 0, 3_600_000)?,
        max_connections_per_address: get_num(&m, "maxConnectionsPerAddress", 32, 1, 1 << 20)?
            as usize,
        max_requests_per_address: get_num(&m, "maxRequestsPerAddress", 64, 1, 1 << 20)? as usize,
        raw: m,
    })
}

/// Keys that may not be set, keys ignored (with a warning), and keys that need others.
fn check_keys(m: &Map<String, Value>, src: &mut Sources) -> Result<(), String> {
    for k in FORBIDDEN_KEYS {
        if m.contains_key(*k) {
            return Err(format!(
                "`{k}` is computed by the server and may not be configured"
            ));
        }
    }
    for k in m.keys() {
        if let Some((_, why)) = IGNORED_KEYS.iter().find(|(n, _)| n == k) {
            src.warnings
                .push(format!("config key `{k}` is ignored: {why}"));
        } else if !KNOWN_KEYS.contains(&k.as_str()) && !OWN_KEYS.contains(&k.as_str()) {
            src.warnings
                .push(format!("unknown config key `{k}` is ignored"));
        }
    }
    if m.contains_key("spamhost")
        && (!m.contains_key("spamclientid") || !m.contains_key("spamclientsecret"))
    {
        return Err("`spamhost` needs `spamclientid` and `spamclientsecret`".into());
    }
    Ok(())
}

/// Where the server listens and the URLs it gives out.
struct Listen {
    hostname: String,
    address: String,
    port: u16,
    url_port: u16,
    url_path: Option<String>,
    key: Option<PathBuf>,
    cert: Option<PathBuf>,
}

fn listen(m: &Map<String, Value>) -> Result<Listen, String> {
    let hostname = get_str(m, "hostname")?.unwrap_or_else(|| "127.0.0.1".into());
    if hostname.is_empty() || hostname.contains(['/', ' ', '@']) {
        return Err(format!("`hostname` {hostname:?} is not a host name"));
    }
    let address = get_str(m, "address")?.unwrap_or_else(|| hostname.clone());
    let port = get_num(m, "port", 31337, 0, 65535)? as u16;
    let url_port = get_num(m, "urlPort", port as u64, 1, 65535)? as u16;
    let url_path = get_str(m, "urlPath")?
        .map(|p| p.trim_matches('/').to_string())
        .filter(|p| !p.is_empty());
    let key = get_str(m, "key")?.map(PathBuf::from);
    let cert = get_str(m, "cert")?.map(PathBuf::from);
    if key.is_some() != cert.is_some() {
        return Err("`key` and `cert` must be set together".into());
    }
    Ok(Listen {
        hostname,
        address,
        port,
        url_port,
        url_path,
        key,
        cert,
    })
}

/// The Strict-Transport-Security header `hsts` asks for.
fn hsts(m: &Map<String, Value>) -> Result<Option<String>, String> {
    Ok(match m.get("hsts") {
        None | Some(Value::Null) | Some(Value::Bool(false)) => None,
        Some(Value::Bool(true)) => Some("max-age=15552000; includeSubDomains".to_string()),
        Some(Value::Object(o)) => {
            let max_age = o
                .get("maxAge")
                .and_then(Value::as_u64)
                .unwrap_or(15_552_000);
            let mut h = format!("max-age={max_age}");
            if o.get("includeSubDomains")
                .and_then(Value::as_bool)
                .unwrap_or(true)
            {
                h.push_str("; includeSubDomains");
            }
            if o.get("preload").and_then(Value::as_bool).unwrap_or(false) {
                h.push_str("; preload");
            }
            Some(h)
        }
        Some(other) => {
            return Err(format!(
                "`hsts` must be true, false or an object, not {other}"
            ))
        }
    })
}

/// Where the server keeps things: the store, the data dir, uploads, the control socket.
struct Places {
    memory: bool,
    ephemeral: bool,
    store_dir: PathBuf,
    data_dir: PathBuf,
    uploads: Option<PathBuf>,
    control_socket: PathBuf,
}

fn places(m: &Map<String, Value>, src: &mut Sources) -> Result<Places, String> {
    // Storage: `memory` is in-memory; any other driver is our persistent store.
    let driver = get_str(m, "driver")?.unwrap_or_else(|| "disk".into());
    let memory = driver == "memory";
    if !memory
        && !["disk", "redb", "leveldb", "mongodb", "redis", "mysql"].contains(&driver.as_str())
    {
        src.warnings.push(format!(
            "driver `{driver}` is not known; using the persistent store"
        ));
    }
    let params_dir = m
        .get("params")
        .and_then(|p| p.get("dir"))
        .and_then(Value::as_str)
        .map(PathBuf::from);
    let datadir = get_str(m, "datadir")?.map(PathBuf::from);
    let store_dir = params_dir
        .clone()
        .or_else(|| datadir.as_ref().map(|d| d.join("db")))
        .unwrap_or_else(|| PathBuf::from("pump-data"));
    let data_dir = match (&datadir, &params_dir) {
        (Some(d), _) => d.clone(),
        // A memory store keeps nothing: its files (control socket, session secret) go to a
        // private place of this process, so that servers started side by side never collide.
        // The name cannot be guessed, so nobody else can make it first.
        (None, None) if memory => std::env::temp_dir().join(format!(
            "pump-memory-{}-{}",
            std::process::id(),
            crate::util::rand::token(9)
        )),
        (None, _) => store_dir.clone(),
    };
    let uploads = match (get_bool(m, "enableUploads", false)?, &datadir) {
        (true, None) => return Err("`enableUploads` needs `datadir`".into()),
        (true, Some(d)) => Some(d.join("uploads")),
        (false, _) => None,
    };
    let control_socket = match get_str(m, "controlSocket")? {
        Some(s) if s.parse::<u64>().is_ok() => {
            return Err(format!(
                "`controlSocket` {s:?} looks like a port number; give a path"
            ))
        }
        Some(s) => PathBuf::from(s),
        None => data_dir.join("pump.socket"),
    };
    Ok(Places {
        memory,
        ephemeral: memory && datadir.is_none() && params_dir.is_none(),
        store_dir,
        data_dir,
        uploads,
        control_socket,
    })
}

/// The session secret: the configured one, or one generated and kept in the data dir.
fn secret(
    m: &Map<String, Value>,
    src: &mut Sources,
    data_dir: &Path,
    generate: bool,
) -> Result<String, String> {
    match get_str(m, "secret")? {
        Some(s) if s == SAMPLE_SECRET => {
            Err("`secret` is still the sample value; set a long random string".into())
        }
        Some(s) if !s.is_empty() => Ok(s),
        _ if generate => {
            let (s, note) = stored_secret(data_dir)?;
            src.warnings.push(note);
            Ok(s)
        }
        _ => Err("`secret` is required: set a long random string in the config".into()),
    }
}

fn log_level(m: &Map<String, Value>) -> Result<log::LevelFilter, String> {
    Ok(match get_str(m, "logLevel")?.as_deref().unwrap_or("info") {
        "fatal" | "error" => log::LevelFilter::Error,
        "warn" => log::LevelFilter::Warn,
        "info" => log::LevelFilter::Info,
        "debug" => log::LevelFilter::Debug,
        "trace" => log::LevelFilter::Trace,
        other => {
            return Err(format!(
                "`logLevel` {other:?} is not one of fatal, error, warn, info, debug, trace"
            ))
        }
    })
}

/// The `clients` and `users` the config file provisions.
fn accounts(m: &Map<String, Value>) -> Result<(Vec<Value>, Vec<Value>), String> {
    let list = |k: &str| -> Result<Vec<Value>, String> {
        match m.get(k) {
            None | Some(Value::Null) => Ok(vec![]),
            Some(Value::Array(a)) => Ok(a.clone()),
            Some(_) => Err(format!("`{k}` must be an array")),
        }
    };
    let clients = list("clients")?;
    for c in &clients {
        if c.get("client_id").and_then(Value::as_str).is_none()
            || c.get("client_secret").and_then(Value::as_str).is_none()
        {
            return Err("each of `clients` needs string `client_id` and `client_secret`".into());
        }
    }
    let users = list("users")?;
    for u in &users {
        if u.get("nickname").and_then(Value::as_str).is_none()
            || u.get("password").and_then(Value::as_str).is_none()
        {
            return Err("each of `users` needs string `nickname` and `password`".into());
        }
    }
    Ok((clients, users))
}

/// Outgoing mail, when `smtpserver` is set.
fn mail(m: &Map<String, Value>) -> Result<Option<MailConfig>, String> {
    Ok(match get_str(m, "smtpserver")? {
        Some(server) if !server.is_empty() => Some(MailConfig {
            server,
            port: get_num(m, "smtpport", 25, 1, 65535)? as u16,
            user: get_str(m, "smtpuser")?,
            pass: get_str(m, "smtppass")?,
            starttls: get_bool(m, "smtpusetls", true)?,
            ssl: get_bool(m, "smtpusessl", false)?,
            timeout_ms: get_num(m, "smtptimeout", 30_000, 100, 600_000)?,
            from: get_str(m, "smtpfrom")?,
            ca: match get_str(m, "smtpca")? {
                Some(path) => {
                    let pem = std::fs::read(&path)
                        .map_err(|e| format!("`smtpca` names {path}, which cannot be read: {e}"))?;
                    if !pem.windows(27).any(|w| w == b"-----BEGIN CERTIFICATE-----") {
                        return Err(format!(
                            "`smtpca` names {path}, which holds no PEM certificate"
                        ));
                    }
                    Some(pem)
                }
                None => None,
            },
        }),
        _ => None,
    })
}

/// Reads `<data dir>/secret`, or makes one and keeps it there (owner-only) for the next start.
fn stored_secret(data_dir: &Path) -> Result<(String, String), String> {
    let path = data_dir.join("secret");
    if let Ok(s) = std::fs::read_to_string(&path) {
        let s = s.trim().to_string();
        if !s.is_empty() {
            return Ok((
                s,
                format!(
                    "no config file: using the secret kept in {}",
                    path.display()
                ),
            ));
        }
    }
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(data_dir)
            .map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
    }
    let s = crate::util::rand::token(32);
    write_private(&path, s.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok((
        s,
        format!(
            "no config file: generated a secret and kept it in {}",
            path.display()
        ),
    ))
}

/// Writes a file readable by its owner only.
pub fn write_private(path: &Path, data: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(data)?;
    f.sync_all()
}

impl Config {
    /// `hostname[:urlPort]`, the port omitted for 80 and 443.
    pub fn host(&self) -> String {
        if self.url_port == 80 || self.url_port == 443 {
            self.hostname.clone()
        } else {
            format!("{}:{}", self.hostname, self.url_port)
        }
    }

    /// `http(s)://host[:port][/urlPath]`: https only when urlPort is 443 (spec README).
    pub fn base(&self) -> String {
        let scheme = if self.url_port == 443 {
            "https"
        } else {
            "http"
        };
        match &self.url_path {
            Some(p) => format!("{scheme}://{}/{p}", self.host()),
            None => format!("{scheme}://{}", self.host()),
        }
    }

    pub fn tls(&self) -> bool {
        self.key.is_some()
    }

    /// The effective configuration as JSON with secrets masked, for `check-config`.
    pub fn masked(&self) -> Value {
        let mut m = self.raw.clone();
        for k in ["secret", "smtppass", "spamclientsecret"] {
            if m.contains_key(k) {
                m.insert(k.into(), json!("********"));
            }
        }
        for list in ["clients", "users"] {
            if let Some(Value::Array(items)) = m.get_mut(list) {
                for item in items {
                    if let Value::Object(o) = item {
                        for k in ["client_secret", "password"] {
                            if o.contains_key(k) {
                                o.insert(k.into(), json!("********"));
                            }
                        }
                        if let Some(Value::Array(tokens)) = o.get_mut("tokens") {
                            for t in tokens {
                                if let Value::Object(t) = t {
                                    for k in ["token", "token_secret"] {
                                        if t.contains_key(k) {
                                            t.insert(k.into(), json!("********"));
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let set = |m: &mut Map<String, Value>, k: &str, v: Value| {
            m.entry(k.to_string()).or_insert(v);
        };
        set(&mut m, "hostname", json!(self.hostname));
        set(&mut m, "address", json!(self.address));
        set(&mut m, "port", json!(self.port));
        set(&mut m, "urlPort", json!(self.url_port));
        set(
            &mut m,
            "driver",
            json!(if self.memory { "memory" } else { "disk" }),
        );
        set(&mut m, "site", json!(self.site));
        if let Some(f) = &self.favicon {
            set(&mut m, "favicon", json!(f));
        }
        m.insert("storeDir".into(), json!(self.store_dir));
        m.insert("controlSocket".into(), json!(self.control_socket));
        set(&mut m, "cacheSize", json!(self.cache_size));
        set(&mut m, "maxBodySize", json!(self.max_body_size));
        set(&mut m, "maxUploadSize", json!(self.max_upload_size));
        set(&mut m, "maxImagePixels", json!(self.max_image_pixels));
        set(&mut m, "maxImageMemory", json!(self.max_image_memory));
        set(&mut m, "imageWorkers", json!(self.image_workers));
        set(&mut m, "maxLiveStreams", json!(self.max_live_streams));
        set(&mut m, "maxJobs", json!(self.max_jobs));
        set(&mut m, "maxBlocks", json!(self.max_blocks));
        set(&mut m, "recentOnFollow", json!(self.recent_on_follow));
        set(
            &mut m,
            "maxPicturesPerPost",
            json!(self.max_pictures_per_post),
        );
        set(&mut m, "jobWorkers", json!(self.job_workers));
        set(&mut m, "jobAttempts", json!(self.job_attempts));
        set(&mut m, "jobRetryDelay", json!(self.job_retry_delay));
        set(&mut m, "oauth2CodeLifetime", json!(self.oauth2_code_secs));
        let f = &self.federation;
        set(&mut m, "federationAllowPrivate", json!(f.allow_private));
        set(&mut m, "federationTimeout", json!(f.timeout_ms));
        set(&mut m, "federationMaxResponse", json!(f.max_response));
        set(&mut m, "federationMaxRedirects", json!(f.max_redirects));
        set(
            &mut m,
            "federationHostConcurrency",
            json!(f.host_concurrency),
        );
        set(&mut m, "federationRetryPeriod", json!(f.retry_period));
        set(&mut m, "federationCacheSize", json!(f.cache_entries));
        set(&mut m, "federationVerifications", json!(f.verifications));
        let proto = match f.protocol {
            Protocol::Auto => "auto",
            Protocol::ActivityPub => "activitypub",
            Protocol::PumpIo => "pumpio",
        };
        set(&mut m, "federationProtocol", json!(proto));
        set(&mut m, "authorizedFetch", json!(f.authorized_fetch));
        set(
            &mut m,
            "federationSignatureWindow",
            json!(f.signature_window),
        );
        set(&mut m, "maxBodyMemory", json!(self.max_body_memory));
        set(
            &mut m,
            "maxRequestsInFlight",
            json!(self.max_requests_in_flight),
        );
        set(&mut m, "maxConnections", json!(self.max_connections));
        set(
            &mut m,
            "maxConnectionsPerAddress",
            json!(self.max_connections_per_address),
        );
        set(
            &mut m,
            "maxRequestsPerAddress",
            json!(self.max_requests_per_address),
        );
        set(&mut m, "bodyTimeout", json!(self.body_timeout_ms));
        set(&mut m, "uploadTimeout", json!(self.upload_timeout_ms));
        set(&mut m, "minBodyRate", json!(self.min_body_rate));
        set(&mut m, "bodyRateGrace", json!(self.body_rate_grace_ms));
        set(&mut m, "nonceCacheSize", json!(self.nonce_cache_size));
        set(
            &mut m,
            "maxSessionsPerUser",
            json!(self.max_sessions_per_user),
        );
        set(&mut m, "maxRequestTokens", json!(self.max_request_tokens));
        set(&mut m, "responseCacheSize", json!(self.response_cache_size));
        set(&mut m, "renderCacheSize", json!(self.render_cache_size));
        set(&mut m, "changeLogSize", json!(self.change_log_size));
        Value::Object(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_names_become_camel_case_paths() {
        assert_eq!(env_key("PUMPIO_URL_PORT").unwrap(), vec!["urlPort"]);
        assert_eq!(env_key("PUMPIO_NO_C_D_N").unwrap(), vec!["noCDN"]);
        assert_eq!(
            env_key("PUMPIO_PARAMS__DIR").unwrap(),
            vec!["params", "dir"]
        );
        assert!(env_key("HOME").is_none());
        assert_eq!(camel("url-port"), "urlPort");
        assert_eq!(typed(Some("port"), "8000"), json!(8000));
        assert_eq!(typed(Some("bounce"), "true"), json!(true));
        assert_eq!(typed(Some("hostname"), "8000"), json!("8000"));
    }

    fn from(v: Value) -> Result<Config, String> {
        let Value::Object(m) = v else { unreachable!() };
        check(m, &mut Sources::default(), false)
    }

    #[test]
    fn defaults_and_derived_values() {
        let c = from(json!({"secret": "s3cret"})).unwrap();
        assert_eq!(
            (c.hostname.as_str(), c.port, c.url_port),
            ("127.0.0.1", 31337, 31337)
        );
        assert_eq!(c.base(), "http://127.0.0.1:31337");
        let c =
            from(json!({"secret": "x", "hostname": "h.example", "urlPort": 443, "urlPath": "/p/"}))
                .unwrap();
        assert_eq!(c.base(), "https://h.example/p");
    }

    #[test]
    fn startup_errors() {
        assert!(from(json!({})).is_err());
        assert!(from(json!({"secret": SAMPLE_SECRET})).is_err());
        assert!(from(json!({"secret": "x", "enableUploads": true})).is_err());
        assert!(from(json!({"secret": "x", "uploaddir": "/tmp"})).is_err());
        assert!(from(json!({"secret": "x", "workers": 2})).is_err());
        assert!(from(json!({"secret": "x", "controlSocket": "8080"})).is_err());
        assert!(from(json!({"secret": "x", "spamhost": "http://s"})).is_err());
        assert!(from(json!({"secret": "x", "port": "eighty"})).is_err());
    }
}
