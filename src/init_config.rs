//! `pump init-config FILE`: writes the config a board install starts with (used by the Debian
//! package and scripts/install.sh): a generated secret, the state directory of the systemd
//! unit, uploads on. An existing file keeps its secret and other keys; only the host name and
//! port given are changed. The file is readable by its owner only: it holds the secret.
use serde_json::{json, Map, Value};
use std::path::Path;

pub fn run(
    path: &Path,
    hostname: Option<&str>,
    port: Option<u16>,
    state_dir: &Path,
) -> Result<String, String> {
    let existing = std::fs::read(path).ok();
    let mut cfg: Map<String, Value> = match &existing {
        Some(bytes) => serde_json::from_slice(bytes)
            .map_err(|e| format!("{} is not a JSON object: {e}", path.display()))?,
        None => {
            let mut m = Map::new();
            m.insert("hostname".into(), json!("localhost"));
            m.insert("address".into(), json!("0.0.0.0"));
            m.insert("port".into(), json!(80));
            m.insert("site".into(), json!("pump"));
            m.insert("driver".into(), json!("disk"));
            m.insert("params".into(), json!({"dir": state_dir.join("db")}));
            m.insert("datadir".into(), json!(state_dir));
            m.insert("enableUploads".into(), json!(true));
            m
        }
    };
    if cfg
        .get("secret")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        cfg.insert("secret".into(), json!(crate::util::rand::token(32)));
    }
    if let Some(h) = hostname {
        if h.is_empty() || h.contains(['/', ' ', '@']) {
            return Err(format!("{h:?} is not a host name"));
        }
        cfg.insert("hostname".into(), json!(h));
    }
    if let Some(p) = port {
        cfg.insert("port".into(), json!(p));
    }
    let text = serde_json::to_string_pretty(&Value::Object(cfg)).map_err(|e| e.to_string())? + "\n";
    if existing.as_deref() == Some(text.as_bytes()) {
        return Ok(format!("{} is up to date", path.display()));
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let tmp = path.with_extension("json.new");
    crate::config::write_private(&tmp, text.as_bytes())
        .map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(format!("wrote {}", path.display()))
}
