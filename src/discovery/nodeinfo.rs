//! NodeInfo 2.1 (nodeinfo.diaspora.software): what software this server runs, which
//! protocols it speaks, whether it takes new accounts and how many it has, for the fediverse's
//! crawlers and for servers choosing how to talk to it.
use crate::app::App;
use crate::error::Result;
use crate::http::response::JSON;
use crate::http::Resp;
use serde_json::json;

const SCHEMA: &str = "http://nodeinfo.diaspora.software/ns/schema/2.1";

/// `GET /.well-known/nodeinfo`: where the document is.
pub fn links(app: &App) -> Resp {
    let doc = json!({"links": [{"rel": SCHEMA, "href": app.url("/nodeinfo/2.1")}]});
    Resp::new(200, JSON, doc.to_string())
}

/// `GET /nodeinfo/2.1`: both protocols this server speaks.
pub fn document(app: &App) -> Result<Resp> {
    let users = app.store.read(crate::social::users::listed_count)?;
    let doc = json!({
        "version": "2.1",
        "software": {
            "name": "pump",
            "version": env!("CARGO_PKG_VERSION"),
            "homepage": "https://github.com/pump-io/pump.io",
        },
        "protocols": ["activitypub", "pumpio"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": !app.cfg.disable_registration,
        "usage": {"users": {"total": users}},
        "metadata": {"nodeName": app.cfg.site},
    });
    let ct = format!("application/json; profile=\"{SCHEMA}#\"");
    Ok(Resp::new(200, &ct, doc.to_string()))
}
