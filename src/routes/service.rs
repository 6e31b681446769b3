//! The server as the transport sees it: `App` behind an `Rc`, answering through the route table.
use crate::app::App;
use crate::config::Config;
use crate::http::{Load, Req, Resp, Service};
use std::rc::Rc;

impl Service for Rc<App> {
    fn cfg(&self) -> &Config {
        &self.cfg
    }

    fn load(&self) -> &Load {
        &self.load
    }

    fn admit_file_body(&self, head: &mut Req) -> Result<Option<usize>, Resp> {
        super::uploads::admit(self, head)
    }

    async fn call(&self, req: Req) -> Resp {
        super::route(self, req).await
    }
}
