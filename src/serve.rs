//! `pump serve`: logging, the store, provisioning from the config, the listeners, and a clean
//! stop on SIGTERM/SIGINT.
use crate::app::App;
use crate::config::{Config, Sources};
use crate::error::Result;
use crate::social::clients::{put_access_token, put_bearer_token, AccessToken, BearerToken};
use crate::social::users::{self, NewUser};
use crate::store::Store;
use crate::{control, http};
use serde_json::Value;
use smol::stream::StreamExt;
use smol::LocalExecutor;
use std::rc::Rc;
use std::time::{Duration, Instant};

fn init_logging(cfg: &Config) {
    if cfg.nologger {
        return;
    }
    let logger = simple_logger::SimpleLogger::new()
        .with_level(log::LevelFilter::Warn)
        .with_module_level("pump", cfg.log_level);
    // journald stamps lines itself.
    let logger = if std::env::var_os("JOURNAL_STREAM").is_some() {
        logger.without_timestamps()
    } else {
        logger.with_utc_timestamps()
    };
    if let Err(e) = logger.init() {
        eprintln!("pump: cannot start logging: {e}");
    }
    log::set_max_level(cfg.log_level);
}

fn make_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if !dir.exists() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
    }
    Ok(())
}

pub fn run(mut cfg: Config, sources: Sources) -> std::result::Result<(), String> {
    init_logging(&cfg);
    for f in &sources.files {
        log::info!("config: read {}", f.display());
    }
    for w in &sources.warnings {
        log::warn!("config: {w}");
    }
    let started = Instant::now();
    let fresh = !cfg.data_dir.exists();
    make_private_dir(&cfg.data_dir)
        .map_err(|e| format!("cannot create {}: {e}", cfg.data_dir.display()))?;
    let nonces = crate::app::nonces::restore(&cfg.data_dir, cfg.nonce_cache_size, fresh)?;
    let interrupted = crate::rehost::in_progress(&cfg);
    if !cfg.memory && interrupted.exists() {
        return Err(format!(
            "a pump rehost did not finish ({} names the store it kept): put that file back as \
             {} and run pump rehost again",
            interrupted.display(),
            crate::store::file_in(&cfg.store_dir).display()
        ));
    }
    let store = if cfg.memory {
        log::info!("store: in memory (driver \"memory\"): nothing survives a restart");
        Store::open_logged(None, cfg.cache_size, change_log_size(&cfg))
    } else {
        make_private_dir(&cfg.store_dir)
            .map_err(|e| format!("cannot create {}: {e}", cfg.store_dir.display()))?;
        log::info!("store: {}", crate::store::file_in(&cfg.store_dir).display());
        Store::open_logged(Some(&cfg.store_dir), cfg.cache_size, change_log_size(&cfg))
    }
    .map_err(|e| e.to_string())?;
    // After the store is open, so no other server of this data dir is writing there.
    sweep_partial_uploads(&cfg);
    // Blocking work (password hashing, later images and outgoing HTTP) gets a small pool.
    if std::env::var_os("BLOCKING_MAX_THREADS").is_none() {
        std::env::set_var("BLOCKING_MAX_THREADS", "4");
    }
    let listener = match listen(&mut cfg) {
        Ok(l) => l,
        Err(e) => {
            store.close();
            return Err(e);
        }
    };
    // After the port is known: the data migrations tell local ids by the server's URL.
    // Before the migrations, which tell local ids by the configured address.
    if let Err(e) = crate::social::address::check(&store, &cfg) {
        store.close();
        return Err(e);
    }
    match store.compress_documents(&cfg.base()) {
        Ok(0) => {}
        Ok(n) => log::info!("store: {n} stored documents compressed"),
        Err(e) => {
            store.close();
            return Err(format!("cannot compress the stored documents: {e}"));
        }
    }
    crate::social::migrate::run(&store, &cfg).map_err(|e| format!("migration failed: {e}"))?;
    let app = Rc::new(App::new(cfg, store));
    if let Some(n) = nonces {
        app.nonces.replace(n);
    }
    app.this.replace(Rc::downgrade(&app));
    let ex: Rc<LocalExecutor<'static>> = Rc::new(LocalExecutor::new());
    let result = smol::block_on(ex.run(main_task(app.clone(), ex.clone(), listener, started)));
    // A clean stop after serving (not a failed start, maybe beside a running server): nothing
    // runs any more, so the cache is complete for the next start.
    if result.is_ok() {
        crate::app::nonces::keep(&app);
    }
    let _ = std::fs::remove_file(&app.cfg.control_socket);
    if app.cfg.ephemeral_dir {
        // The private place of a memory store: nothing in it outlives the process.
        let _ = std::fs::remove_dir_all(&app.cfg.data_dir);
    }
    // Drop every task (and with them their handles on the app) before closing the store.
    drop(ex);
    match Rc::try_unwrap(app) {
        Ok(app) => app.store.close(),
        Err(_) => log::warn!(
            "stopping with the app still in use; the store will be checked at the next start"
        ),
    }
    result
}

/// Partial uploads of a previous run that crashed or was killed mid-upload.
fn sweep_partial_uploads(cfg: &Config) {
    let Some(dir) = &cfg.uploads else { return };
    match crate::util::tempfile::sweep_incoming(dir) {
        Ok(0) => {}
        Ok(n) => log::info!("uploads: removed {n} partial file(s) left by an interrupted run"),
        Err(e) => log::warn!(
            "uploads: cannot clear partial files in {}: {e}",
            dir.display()
        ),
    }
}

/// Binds the configured address. Port 0 takes any free port, which then is the port (and,
/// when `urlPort` is not given, the URL's port) for the rest of the run.
fn listen(cfg: &mut Config) -> std::result::Result<smol::net::TcpListener, String> {
    let listener = smol::block_on(http::bind(&cfg.address, cfg.port))
        .map_err(|e| format!("cannot listen on {}:{}: {e}", cfg.address, cfg.port))?;
    if cfg.port == 0 {
        let bound = listener
            .local_addr()
            .map_err(|e| format!("cannot read the bound address: {e}"))?
            .port();
        cfg.port = bound;
        if cfg.url_port == 0 {
            cfg.url_port = bound;
        }
    }
    Ok(listener)
}

async fn main_task(
    app: Rc<App>,
    ex: Rc<LocalExecutor<'static>>,
    listener: smol::net::TcpListener,
    started: Instant,
) -> std::result::Result<(), String> {
    provision(&app)
        .await
        .map_err(|e| format!("provisioning from the config failed: {e}"))?;
    let cfg = app.cfg.clone();
    let tls: http::Tls = Rc::new(std::cell::RefCell::new(match (&cfg.key, &cfg.cert) {
        (Some(k), Some(c)) => Some(http::tls::config(k, c)?),
        _ => None,
    }));
    let control = control::bind(&cfg.control_socket).map_err(|e| format!("control socket: {e}"))?;
    let bounce = if cfg.bounce && cfg.tls() {
        match http::bind(&cfg.address, 80).await {
            Ok(l) => Some(l),
            Err(e) => {
                log::warn!("bounce: cannot listen on port 80: {e}");
                None
            }
        }
    } else {
        None
    };
    let signals = async_signal::Signals::new([
        async_signal::Signal::Term,
        async_signal::Signal::Int,
        async_signal::Signal::Hup,
    ])
    .map_err(|e| format!("cannot watch signals: {e}"))?;
    let scheme = if cfg.tls() { "https" } else { "http" };
    log::info!(
        "pump {} listening on {scheme}://{}:{} as {} (ready in {} ms)",
        env!("CARGO_PKG_VERSION"),
        cfg.address,
        cfg.port,
        cfg.base(),
        started.elapsed().as_millis()
    );
    crate::notify::notify(&format!("READY=1\nSTATUS=serving {}", cfg.base()));
    let server = async {
        if let Err(e) = http::serve(app.clone(), ex.clone(), listener, tls.clone()).await {
            log::error!("server stopped: {e}");
        }
        None
    };
    // The listeners run inside this task (not detached), so that nothing holds the executor
    // once it returns and the store can be closed cleanly.
    let control = async {
        control::serve(app.clone(), ex.clone(), control).await;
        None
    };
    let bounce = async {
        match bounce {
            Some(l) => http::serve_bounce(app.clone(), ex.clone(), l).await,
            None => smol::future::pending::<()>().await,
        }
        None
    };
    let jobs = async {
        crate::worker::run(app.clone(), ex.clone()).await;
        None
    };
    let mut signals = signals;
    let stop = async {
        loop {
            match signals.next().await {
                Some(Ok(async_signal::Signal::Hup)) => reload(&cfg, &tls),
                other => return other,
            }
        }
    };
    let sig = smol::future::or(
        smol::future::or(smol::future::or(server, control), jobs),
        smol::future::or(bounce, stop),
    )
    .await;
    log::info!("stopping ({sig:?}): finishing requests in flight");
    crate::notify::notify("STOPPING=1");
    app.live.borrow_mut().close();
    let deadline = Instant::now() + Duration::from_millis(cfg.shutdown_timeout_ms);
    while app.load.in_flight.get() > 0 && Instant::now() < deadline {
        smol::Timer::after(Duration::from_millis(20)).await;
    }
    log::info!("stopped");
    Ok(())
}

/// SIGHUP: reads the TLS certificate and key again (certbot renewals need no restart). A bad
/// pair is logged and the current one kept.
fn reload(cfg: &crate::config::Config, tls: &http::Tls) {
    crate::notify::notify("RELOADING=1");
    if let (Some(k), Some(c)) = (&cfg.key, &cfg.cert) {
        match http::tls::config(k, c) {
            Ok(new) => {
                tls.replace(Some(new));
                log::info!("reload: read {} and {} again", c.display(), k.display());
            }
            Err(e) => log::error!("reload: keeping the current certificate: {e}"),
        }
    } else {
        log::info!("reload: nothing to reload (no TLS)");
    }
    crate::notify::notify("READY=1");
}

/// Creates the `clients` and `users` of the config with their fixed keys and tokens.
async fn provision(app: &App) -> Result<()> {
    for u in app.cfg.users.clone() {
        let s = |k: &str| {
            u.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let (nick, password) = (s("nickname"), s("password"));
        let exists = app.store.read(|r| crate::social::users::exists(r, &nick))?;
        if exists {
            let hash = crate::social::passwords::hash(password).await?;
            users::set_password_hash(&app.store, &app.cfg, &nick, hash, users::Ends::None).await?;
            users::unlist(&app.store, &nick).await?;
        } else {
            let mut extra = u.as_object().cloned().unwrap_or_default();
            extra.remove("tokens");
            extra.remove("password");
            users::create(
                &app.store,
                &app.cfg,
                NewUser {
                    nick: nick.clone(),
                    password,
                    extra,
                    client: None,
                    activities: false,
                    confirm: None,
                },
            )
            .await?;
        }
        let tokens: Vec<Value> = u
            .get("tokens")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        app.store
            .write(move |w| {
                for t in &tokens {
                    let s = |k: &str| t.get(k).and_then(Value::as_str).map(String::from);
                    let (Some(token), Some(client)) = (s("token"), s("client_id")) else {
                        continue;
                    };
                    match s("token_secret").filter(|_| t.get("scope").is_none()) {
                        Some(secret) => put_access_token(
                            w,
                            &AccessToken {
                                token,
                                secret,
                                consumer_key: client,
                                nick: nick.clone(),
                                created: 0,
                            },
                        )?,
                        None => put_bearer_token(
                            w,
                            &BearerToken {
                                token,
                                consumer_key: client,
                                nick: Some(nick.clone()),
                                scope: s("scope"),
                                created: 0,
                            },
                        )?,
                    }
                }
                Ok(())
            })
            .await?;
    }
    Ok(())
}

/// The store keeps a change log only for the render cache, the one thing that reads it.
fn change_log_size(cfg: &Config) -> usize {
    if cfg.render_cache_size == 0 {
        0
    } else {
        cfg.change_log_size
    }
}
