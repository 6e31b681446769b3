//! State shared by every request on the executor thread: the config, the store, and what the
//! process keeps in memory for its lifetime (replay guard, response cache, login throttle, open
//! live streams). Each part is plain state with its own rules; no request logic lives here.
pub mod dialback_ledger;
pub mod host_gates;
pub mod live_streams;
pub mod nonces;
pub mod pending_logins;
pub mod renders;
pub mod responses;
pub mod throttle;

use crate::config::Config;
use crate::store::Store;
use nonces::NonceCache;
use std::cell::RefCell;

pub struct App {
    pub cfg: std::sync::Arc<Config>,
    pub store: Store,
    pub nonces: RefCell<NonceCache>,
    pub responses: RefCell<responses::ResponseCache>,
    /// Activities kept rendered for feed pages (`renderCacheSize`).
    pub renders: RefCell<renders::RenderCache>,
    /// Requests being handled and body bytes held now (the transport counts them).
    pub load: crate::http::Load,
    /// This app itself, for what must outlive a request (live streams).
    pub this: RefCell<std::rc::Weak<App>>,
    /// Open live-update streams (`maxLiveStreams`).
    pub live: std::rc::Rc<RefCell<live_streams::Registry>>,
    /// Failed web logins, per account and address.
    pub throttle: RefCell<throttle::Throttle>,
    /// Turns for decoding pictures (`imageWorkers`).
    pub images: smol::lock::Semaphore,
    /// Unix time the process started.
    pub started: i64,
    /// Dialback requests signed and seen (federation.md §3).
    pub dialback: RefCell<dialback_ledger::Ledger>,
    /// Deliveries running per remote host, and hosts resting after failures.
    pub hosts: RefCell<host_gates::Gates>,
    /// Turns for checking incoming Dialback requests (`federationVerifications`).
    pub verifications: smol::lock::Semaphore,
    /// The firehose's ping URL, once found (federation.md §11).
    pub firehose: RefCell<Option<String>>,
    /// Remote web logins waiting for the person to come back (federation.md §8).
    pub pending_logins: RefCell<pending_logins::PendingLogins>,
}

impl App {
    pub fn new(cfg: Config, store: Store) -> App {
        let nonces = RefCell::new(NonceCache::new(cfg.nonce_cache_size));
        let responses = RefCell::new(responses::ResponseCache::new(cfg.response_cache_size));
        // Without a change log no kept rendering could ever be known current.
        let render_budget = match store.keeps_changes() {
            true => cfg.render_cache_size,
            false => 0,
        };
        let renders = RefCell::new(renders::RenderCache::new(render_budget));
        let images = smol::lock::Semaphore::new(cfg.image_workers);
        let verifications = smol::lock::Semaphore::new(cfg.federation.verifications);
        App {
            this: RefCell::new(std::rc::Weak::new()),
            live: Default::default(),
            throttle: Default::default(),
            images,
            cfg: std::sync::Arc::new(cfg),
            store,
            nonces,
            responses,
            renders,
            load: Default::default(),
            started: crate::util::time::now_secs(),
            dialback: Default::default(),
            hosts: Default::default(),
            pending_logins: Default::default(),
            firehose: Default::default(),
            verifications,
        }
    }

    /// An absolute URL on this server: `base + path` (path starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.cfg.base(), path)
    }
}
