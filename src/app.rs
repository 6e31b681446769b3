//! State shared by every request on the executor thread.
use crate::config::Config;
use crate::oauth::nonce::NonceCache;
use crate::store::Store;
use std::cell::{Cell, RefCell};

pub struct App {
    pub cfg: std::sync::Arc<Config>,
    pub store: Store,
    pub nonces: RefCell<NonceCache>,
    pub responses: RefCell<crate::http::cache::ResponseCache>,
    /// Requests being handled now (bounded by `maxRequestsInFlight`).
    pub in_flight: Cell<usize>,
    /// Bytes of request bodies held right now (bounded by `maxBodyMemory`).
    pub body_bytes: Cell<usize>,
    /// This app itself, for what must outlive a request (live streams).
    pub this: RefCell<std::rc::Weak<App>>,
    /// Open live-update streams (`maxLiveStreams`).
    pub live: std::rc::Rc<RefCell<crate::web::live::Registry>>,
    /// Failed web logins, per account and address.
    pub throttle: RefCell<crate::web::throttle::Throttle>,
    /// Turns for decoding pictures (`imageWorkers`).
    pub images: smol::lock::Semaphore,
    /// Unix time the process started.
    pub started: i64,
}

impl App {
    pub fn new(cfg: Config, store: Store) -> App {
        let nonces = RefCell::new(NonceCache::new(cfg.nonce_cache_size));
        let responses = RefCell::new(crate::http::cache::ResponseCache::new(
            cfg.response_cache_size,
        ));
        let images = smol::lock::Semaphore::new(cfg.image_workers);
        App {
            this: RefCell::new(std::rc::Weak::new()),
            live: Default::default(),
            throttle: Default::default(),
            images,
            cfg: std::sync::Arc::new(cfg),
            store,
            nonces,
            responses,
            in_flight: Cell::new(0),
            body_bytes: Cell::new(0),
            started: crate::util::time::now_secs(),
        }
    }

    /// An absolute URL on this server: `base + path` (path starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.cfg.base(), path)
    }
}
