//! Headless Chromium driven over WebDriver (Debian's `chromium` and `chromium-driver`), for
//! testing the web UI as a person uses it: a fresh profile each time, optionally without
//! JavaScript.
use super::http::raw;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Runs axe-core on the page and hands back its serious and critical violations as lines.
const AXE_RUN: &str = r#"
var done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations"]}).then(function (r) {
  done(r.violations.filter(function (v) { return v.impact === "serious" || v.impact === "critical"; })
    .map(function (v) {
      return v.impact + " " + v.id + ": " + v.help + " at " +
        v.nodes.slice(0, 4).map(function (n) { return n.target.join(" "); }).join(", ");
    }));
}, function (e) { done(["axe failed: " + e]); });
"#;

pub struct Browser {
    driver: Child,
    addr: String,
    session: String,
    profile: PathBuf,
}

impl Browser {
    pub fn start(javascript: bool) -> Browser {
        let port = super::server::free_port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (Debian package chromium-driver) is needed for the web UI tests");
        let addr = format!("127.0.0.1:{port}");
        let start = Instant::now();
        while std::net::TcpStream::connect(&addr).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = super::server::temp_dir("chromium-profile");
        let mut prefs = json!({});
        if !javascript {
            prefs["profile.managed_default_content_settings.javascript"] = json!(2);
        }
        let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1000,900", format!("--user-data-dir={}", profile.display())],
            "prefs": prefs,
        }}}});
        let mut b = Browser {
            driver,
            addr,
            session: String::new(),
            profile,
        };
        let v = b.call("POST", "/session", Some(caps));
        b.session = v["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session: {v}"))
            .to_string();
        b
    }

    fn try_call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let data = body.map(|b| b.to_string()).unwrap_or_default();
        let r = raw(
            &self.addr,
            method,
            path,
            &[("Content-Type", "application/json")],
            data.as_bytes(),
        );
        let v: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
        if r.status != 200 {
            return Err(format!(
                "WebDriver {method} {path}: {} {}",
                r.status,
                String::from_utf8_lossy(&r.body)
                    .chars()
                    .take(300)
                    .collect::<String>()
            ));
        }
        Ok(v["value"].clone())
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.try_call(method, path, body)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn s(&self, rest: &str) -> String {
        format!("/session/{}{rest}", self.session)
    }

    pub fn goto(&self, url: &str) {
        self.call("POST", &self.s("/url"), Some(json!({"url": url})));
    }

    pub fn title(&self) -> String {
        self.call("GET", &self.s("/title"), None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub fn url(&self) -> String {
        self.call("GET", &self.s("/url"), None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// The elements matching a CSS selector.
    pub fn all(&self, css: &str) -> Vec<String> {
        let v = self.call(
            "POST",
            &self.s("/elements"),
            Some(json!({"using": "css selector", "value": css})),
        );
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e[ELEMENT].as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The first element matching `css`, waiting up to `secs` for it.
    pub fn wait(&self, css: &str, secs: u64) -> String {
        let start = Instant::now();
        loop {
            if let Some(e) = self.all(css).into_iter().next() {
                return e;
            }
            assert!(
                start.elapsed() < Duration::from_secs(secs),
                "no {css} on {} after {secs} s; page:\n{}",
                self.url(),
                self.text("body")
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn find(&self, css: &str) -> String {
        self.wait(css, 5)
    }

    pub fn click(&self, css: &str) {
        let e = self.find(css);
        self.call(
            "POST",
            &self.s(&format!("/element/{e}/click")),
            Some(json!({})),
        );
    }

    /// Answers OK to the confirmation dialog a click opened (a script's `confirm`).
    pub fn accept_dialog(&self) {
        let start = Instant::now();
        while self
            .try_call("POST", &self.s("/alert/accept"), Some(json!({})))
            .is_err()
        {
            assert!(start.elapsed() < Duration::from_secs(5), "no dialog opened");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Types into a field (for a file input: the file's path).
    pub fn fill(&self, css: &str, text: &str) {
        let e = self.find(css);
        self.call(
            "POST",
            &self.s(&format!("/element/{e}/clear")),
            Some(json!({})),
        );
        self.call(
            "POST",
            &self.s(&format!("/element/{e}/value")),
            Some(json!({"text": text})),
        );
    }

    pub fn attach(&self, css: &str, path: &std::path::Path) {
        let e = self.find(css);
        self.call(
            "POST",
            &self.s(&format!("/element/{e}/value")),
            Some(json!({"text": path.display().to_string()})),
        );
    }

    /// The text of the first match; empty when there is none (or the page is changing).
    pub fn text(&self, css: &str) -> String {
        let Ok(found) = self.try_call(
            "POST",
            &self.s("/elements"),
            Some(json!({"using": "css selector", "value": css})),
        ) else {
            return String::new();
        };
        let Some(e) = found
            .as_array()
            .and_then(|a| a.first())
            .and_then(|e| e[ELEMENT].as_str())
        else {
            return String::new();
        };
        self.try_call("GET", &self.s(&format!("/element/{e}/text")), None)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default()
    }

    /// Runs a script in the page (only with JavaScript on).
    pub fn run(&self, script: &str) -> Value {
        self.call(
            "POST",
            &self.s("/execute/sync"),
            Some(json!({"script": script, "args": []})),
        )
    }

    /// Waits until the page's text contains `needle`.
    pub fn wait_text(&self, css: &str, needle: &str, secs: u64) {
        let start = Instant::now();
        while !self.text(css).contains(needle) {
            assert!(
                start.elapsed() < Duration::from_secs(secs),
                "{needle:?} never appeared in {css} on {}:\n{}",
                self.url(),
                self.text("body")
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until exactly `n` elements match `css` (a page that is still being replaced
    /// shows none, or the old ones).
    pub fn wait_count(&self, css: &str, n: usize, secs: u64) {
        let start = Instant::now();
        loop {
            let found = self.all(css).len();
            if found == n {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(secs),
                "{found} of {css} on {} after {secs} s, not {n}",
                self.url()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The first match's box on the page: x, y, width, height in CSS pixels.
    pub fn rect(&self, css: &str) -> (f64, f64, f64, f64) {
        let e = self.find(css);
        let v = self.call("GET", &self.s(&format!("/element/{e}/rect")), None);
        let f = |k: &str| v[k].as_f64().unwrap_or(f64::NAN);
        (f("x"), f("y"), f("width"), f("height"))
    }

    /// Whether the first match is shown (not hidden, nor inside a closed `details`).
    pub fn displayed(&self, css: &str) -> bool {
        let e = self.find(css);
        self.call("GET", &self.s(&format!("/element/{e}/displayed")), None) == json!(true)
    }

    /// Every element matching `css` that is shown, with its box.
    pub fn shown_rects(&self, css: &str) -> Vec<(f64, f64, f64, f64)> {
        self.all(css)
            .into_iter()
            .filter(|e| {
                self.call("GET", &self.s(&format!("/element/{e}/displayed")), None) == json!(true)
            })
            .map(|e| {
                let v = self.call("GET", &self.s(&format!("/element/{e}/rect")), None);
                let f = |k: &str| v[k].as_f64().unwrap_or(f64::NAN);
                (f("x"), f("y"), f("width"), f("height"))
            })
            .collect()
    }

    /// Sets the window to `width` × `height` CSS pixels (headless: no browser frame).
    pub fn resize(&self, width: u32, height: u32) {
        self.call(
            "POST",
            &self.s("/window/rect"),
            Some(json!({"width": width, "height": height})),
        );
    }

    /// axe-core's serious and critical findings on the page (scripts must be on), one line
    /// each; None when axe-core is not installed (`scripts/axe-install`), which fails under CI.
    pub fn accessibility(&self, page: &str) -> Option<Vec<String>> {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("target/axe/node_modules/axe-core/axe.min.js");
        let Ok(axe) = std::fs::read_to_string(&path) else {
            assert!(
                std::env::var_os("CI").is_none(),
                "{page}: axe-core is missing: run scripts/axe-install"
            );
            super::skipped(page, "axe-core is not installed (scripts/axe-install)");
            return None;
        };
        self.run(&axe);
        let found = self.call(
            "POST",
            &self.s("/execute/async"),
            Some(json!({"script": AXE_RUN, "args": []})),
        );
        Some(
            found
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|v| format!("{page}: {}", v.as_str().unwrap_or_default()))
                        .collect()
                })
                .unwrap_or_default(),
        )
    }

    /// Saves a PNG of the window under `target/screenshots/`.
    pub fn screenshot(&self, name: &str) {
        use base64::Engine;
        let v = self.call("GET", &self.s("/screenshot"), None);
        let png = base64::engine::general_purpose::STANDARD
            .decode(v.as_str().unwrap_or_default())
            .expect("screenshot is base64");
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("screenshot");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = raw(&self.addr, "DELETE", &self.s(""), &[], b"");
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}
