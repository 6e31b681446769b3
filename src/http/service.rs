//! What the transport asks of the server it carries: its limits, the counters it shares with
//! the rest of the process, a say on file bodies before they are read, and the answer.
use super::request::Req;
use super::response::Resp;
use crate::config::Config;
use std::cell::Cell;
use std::future::Future;

/// Load the transport keeps count of: requests being handled, body bytes held in memory.
#[derive(Default)]
pub struct Load {
    /// Requests being handled now (bounded by `maxRequestsInFlight`).
    pub in_flight: Cell<usize>,
    /// Bytes of request bodies held right now (bounded by `maxBodyMemory`).
    pub body_bytes: Cell<usize>,
}

pub trait Service: Clone + 'static {
    fn cfg(&self) -> &Config;
    fn load(&self) -> &Load;
    /// With uploads configured: whether this request's body is a file to stream to disk
    /// (instead of holding it in memory), and how many files a form may hold. The service authenticates such a head first and may
    /// note in `head.admitted` who it let in; Err is the answer, sent before the body is read.
    fn admit_file_body(&self, head: &mut Req) -> Result<Option<usize>, Resp>;
    /// The answer to a request whose body has been read.
    fn call(&self, req: Req) -> impl Future<Output = Resp>;
}
