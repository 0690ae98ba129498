//! A minimal W3C WebDriver client over a plain TCP connection (chromedriver speaks HTTP/1.1 with
//! JSON bodies on loopback), so the browser tests need no HTTP client crate.

use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

pub struct Driver {
    port: u16,
    child: Child,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn http(port: u16, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let body = body.map(Value::to_string).unwrap_or_default();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).map_err(|e| e.to_string())?;
    // chromedriver keeps the connection open: read the head, then exactly Content-Length bytes.
    let mut raw = vec![];
    let mut buf = [0u8; 65536];
    let split = loop {
        if let Some(p) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break p;
        }
        let n = s.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("connection closed before the response head".into());
        }
        raw.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&raw[..split]).to_lowercase();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .ok_or("no content-length")?;
    let mut payload = raw[split + 4..].to_vec();
    while payload.len() < length {
        let n = s.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        payload.extend_from_slice(&buf[..n]);
    }
    let v: Value = serde_json::from_slice(&payload).map_err(|e| format!("{e}: {}", String::from_utf8_lossy(&payload)))?;
    if v["value"]["error"].is_string() {
        return Err(format!("{}: {}", v["value"]["error"], v["value"]["message"]));
    }
    Ok(v["value"].clone())
}

impl Driver {
    /// Starts chromedriver, or None when the browser is not installed (and not required).
    pub fn start() -> Option<Driver> {
        let have = std::path::Path::new("/usr/bin/chromedriver").exists() && std::path::Path::new("/usr/bin/chromium").exists();
        if !have {
            if std::env::var("KUMIAI_REQUIRE_BROWSER").as_deref() == Ok("1") {
                panic!("chromium and chromedriver are required (run scripts/setup.sh)");
            }
            eprintln!("SKIP: chromium/chromedriver not installed");
            return None;
        }
        let port = free_port();
        let child = Command::new("/usr/bin/chromedriver").arg(format!("--port={port}")).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        let started = Instant::now();
        while http(port, "GET", "/status", None).map(|v| v["ready"] != true).unwrap_or(true) {
            assert!(started.elapsed() < Duration::from_secs(30), "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(Driver { port, child })
    }

    pub fn session(&self, lang: &str) -> Browser {
        let profile = std::env::temp_dir().join(format!("kumiai-chrome-{}-{}", std::process::id(), free_port()));
        let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", format!("--lang={lang}"), format!("--user-data-dir={}", profile.display()),
                     "--window-size=1280,900"],
            "prefs": {"intl.accept_languages": lang}
        }}}});
        let v = http(self.port, "POST", "/session", Some(&caps)).expect("new browser session");
        Browser { port: self.port, id: v["sessionId"].as_str().unwrap().to_string() }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Browser {
    port: u16,
    id: String,
}

pub struct Element<'a> {
    b: &'a Browser,
    id: String,
}

impl Browser {
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        http(self.port, method, &format!("/session/{}{path}", self.id), body.as_ref()).unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }
    pub fn goto(&self, url: &str) {
        self.call("POST", "/url", Some(json!({"url": url})));
    }
    pub fn url(&self) -> String {
        self.call("GET", "/url", None).as_str().unwrap_or_default().to_string()
    }
    pub fn source(&self) -> String {
        self.call("GET", "/source", None).as_str().unwrap_or_default().to_string()
    }
    /// The visible text of the page.
    pub fn text(&self) -> String {
        self.call("POST", "/execute/sync", Some(json!({"script": "return document.body.innerText", "args": []}))).as_str().unwrap_or_default().to_string()
    }
    /// Runs `js` (a function body) in the page and returns what it returns.
    pub fn script(&self, js: &str) -> Value {
        self.call("POST", "/execute/sync", Some(json!({"script": js, "args": []})))
    }
    /// Waits (up to 10 s) until the page text contains `needle`; returns the text either way.
    pub fn wait_for_text(&self, needle: &str) -> String {
        let started = Instant::now();
        loop {
            let t = self.text();
            if t.contains(needle) || started.elapsed() > Duration::from_secs(10) {
                return t;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    pub fn find(&self, css: &str) -> Element<'_> {
        let v = self.call("POST", "/element", Some(json!({"using": "css selector", "value": css})));
        Element { b: self, id: v[ELEMENT].as_str().unwrap().to_string() }
    }
    pub fn exists(&self, css: &str) -> bool {
        http(self.port, "POST", &format!("/session/{}/element", self.id), Some(&json!({"using": "css selector", "value": css}))).is_ok()
    }
    pub fn resize(&self, width: u32, height: u32) {
        self.call("POST", "/window/rect", Some(json!({"width": width, "height": height})));
    }
    /// Saves a PNG screenshot under the artifacts directory and returns its path.
    pub fn screenshot(&self, name: &str) -> std::path::PathBuf {
        let b64 = self.call("GET", "/screenshot", None);
        let dir = std::path::PathBuf::from(std::env::var("KUMIAI_ARTIFACTS").unwrap_or_else(|_| "target/artifacts".into())).join("screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, base64_decode(b64.as_str().unwrap())).unwrap();
        path
    }
    /// Fills the form fields by CSS selector and clicks `submit`.
    pub fn fill_and_submit(&self, fields: &[(&str, &str)], submit: &str) {
        for (css, value) in fields {
            let e = self.find(css);
            e.clear();
            e.type_text(value);
        }
        self.find(submit).click();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = http(self.port, "DELETE", &format!("/session/{}", self.id), None);
    }
}

impl Element<'_> {
    pub fn click(&self) {
        self.b.call("POST", &format!("/element/{}/click", self.id), Some(json!({})));
    }
    pub fn clear(&self) {
        self.b.call("POST", &format!("/element/{}/clear", self.id), Some(json!({})));
    }
    pub fn type_text(&self, text: &str) {
        self.b.call("POST", &format!("/element/{}/value", self.id), Some(json!({"text": text})));
    }
    pub fn text(&self) -> String {
        self.b.call("GET", &format!("/element/{}/text", self.id), None).as_str().unwrap_or_default().to_string()
    }
}

fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let bytes: Vec<u8> = s.bytes().filter(|c| !matches!(c, b'=' | b'\n' | b'\r')).collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, c)| acc | (u32::from(val(*c)) << (18 - 6 * i)));
        out.push((n >> 16) as u8);
        if chunk.len() > 2 {
            out.push((n >> 8) as u8);
        }
        if chunk.len() > 3 {
            out.push(n as u8);
        }
    }
    out
}
