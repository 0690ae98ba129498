//! Test harness: `TestApp::spawn(backend)` builds a fresh database (a temporary SQLite file, or a
//! new PostgreSQL database, dropped when the test ends, even by a panic), fills it with the lean
//! demo fixture and returns the real router. `Session` is one browser-like client: cookies, CSRF
//! token, and requests through the router.
#![allow(dead_code)]

pub mod webdriver;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use kumiai::app;
use kumiai_directory::demo;
use kumiai_platform::module::{DemoSize, Module};
use kumiai_platform::{Config, Db};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use tower::ServiceExt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub router: axum::Router,
    pub state: kumiai_platform::web::AppState,
    pub db: Db,
    pub config: Config,
    _dir: tempdir::Dir,
    pg_name: Option<String>,
    _pg: Option<PgGuard>,
}

/// The maintenance database PostgreSQL tests connect to, to create their own.
pub fn pg_admin_url() -> String {
    std::env::var("KUMIAI_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// PostgreSQL tests run when the server answers; `KUMIAI_REQUIRE_PG=1` (set by .ci/run) turns an
/// unreachable server into a failure instead of a skip.
pub async fn pg_available() -> bool {
    sqlx::any::install_default_drivers();
    let ok = sqlx::AnyPool::connect(&pg_admin_url()).await.is_ok();
    if !ok && std::env::var("KUMIAI_REQUIRE_PG").as_deref() == Ok("1") {
        panic!("PostgreSQL is required (KUMIAI_REQUIRE_PG=1) but {} does not answer", pg_admin_url());
    }
    if !ok {
        eprintln!("SKIP: PostgreSQL not reachable at {}", pg_admin_url());
    }
    ok
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

pub mod tempdir {
    pub struct Dir(pub std::path::PathBuf);
    impl Dir {
        pub fn new() -> Dir {
            let n = super::COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let p = std::env::temp_dir().join(format!("kumiai-test-{}-{n}-{}", std::process::id(), kumiai_core::time::now_ms()));
            std::fs::create_dir_all(&p).unwrap();
            Dir(p)
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// Drops a test's PostgreSQL database when the test ends, however it ends (a panic included).
struct PgGuard(String);

impl Drop for PgGuard {
    fn drop(&mut self) {
        let name = self.0.clone();
        // Drop runs inside the test's runtime: a thread of its own with its own runtime.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            rt.block_on(async {
                if let Ok(admin) = sqlx::AnyPool::connect(&pg_admin_url()).await {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))).execute(&admin).await;
                    admin.close().await;
                }
            });
        })
        .join();
    }
}

/// An empty database of its own (nothing migrated yet) and the settings that open it.
pub struct FreshDb {
    pub config: Config,
    pub dir: tempdir::Dir,
    pub pg_name: Option<String>,
    guard: Option<PgGuard>,
}

impl FreshDb {
    pub async fn new(backend: Backend) -> Option<FreshDb> {
        let _ = tracing_subscriber::fmt().with_test_writer().with_env_filter("warn").try_init();
        let dir = tempdir::Dir::new();
        let mut pg_name = None;
        let url = match backend {
            Backend::Sqlite => format!("sqlite://{}?mode=rwc", dir.0.join("kumiai.db").display()),
            Backend::Postgres => {
                if !pg_available().await {
                    return None;
                }
                let name = format!("kumiai_t_{}_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed), kumiai_core::time::now_ms() % 1_000_000);
                let admin = sqlx::AnyPool::connect(&pg_admin_url()).await.unwrap();
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&admin).await.unwrap();
                admin.close().await;
                pg_name = Some(name.clone());
                let base = pg_admin_url();
                let (prefix, _) = base.rsplit_once('/').unwrap();
                format!("{prefix}/{name}")
            }
        };
        // The config is built explicitly: tests set no environment.
        let mut config = Config::from_env(Some(dir.0.clone()), Some(url)).unwrap();
        config.cookie_secure = None;
        config.login_limit = 5;
        // One compiled dictionary for every test process (scripts/test.sh builds it first).
        config.dictionary_dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("ipadic");
        let guard = pg_name.clone().map(PgGuard);
        Some(FreshDb { config, dir, pg_name, guard })
    }
}

/// What a test database starts with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fixture {
    /// Nothing: the migrated schema only.
    Empty,
    /// The lean demo: every kind of record, every reach, the planted cases (most tests).
    Lean,
    /// The full demo, as `kumiai demo` makes it.
    Demo,
}

impl TestApp {
    /// A fresh database with the lean fixture.
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        Self::spawn_with(backend, Fixture::Lean).await
    }

    /// A fresh database with `fixture`. None when the backend is unavailable (PostgreSQL on a
    /// machine without it).
    pub async fn spawn_with(backend: Backend, fixture: Fixture) -> Option<TestApp> {
        Self::spawn_modules(backend, fixture, app::modules()).await
    }

    /// As [`spawn_with`](Self::spawn_with), with these modules registered.
    pub async fn spawn_modules(backend: Backend, fixture: Fixture, modules: Vec<Module>) -> Option<TestApp> {
        Self::spawn_configured(backend, fixture, modules, |_| {}).await
    }

    /// As [`spawn_modules`](Self::spawn_modules), with settings changed by `tweak`.
    pub async fn spawn_configured(backend: Backend, fixture: Fixture, modules: Vec<Module>, tweak: impl FnOnce(&mut Config)) -> Option<TestApp> {
        let FreshDb { mut config, dir, pg_name, guard: pg_guard } = FreshDb::new(backend).await?;
        tweak(&mut config);
        let db = app::open(&config, &modules).await.unwrap();
        match fixture {
            Fixture::Empty => {}
            Fixture::Lean => drop(app::demo(&db, &config, &modules, DemoSize::Lean).await.unwrap()),
            Fixture::Demo => drop(app::demo(&db, &config, &modules, DemoSize::Demo).await.unwrap()),
        }
        let (router, state) = app::start(db.clone(), config.clone(), modules).await.unwrap();
        Some(TestApp { router, state, db, config, _dir: dir, pg_name, _pg: pg_guard })
    }

    /// An anonymous visitor who has not loaded a page yet.
    pub fn session(&self) -> Session {
        Session { router: self.router.clone(), cookies: HashMap::new(), csrf: String::new(), bearer: None }
    }

    /// An anonymous visitor who has loaded a page (and so holds a form token).
    pub async fn visitor(&self) -> Session {
        let mut s = self.session();
        s.get("/login").await;
        s
    }

    /// A session logged in as a demo login.
    pub async fn login(&self, login: &str) -> Session {
        let mut s = self.session();
        let r = s.login(login, demo::DEMO_PASSWORD).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "login {login}: {}", r.body);
        // A new session has its own CSRF token: load a page, as a browser would after the redirect.
        s.get("/").await;
        s
    }

    pub async fn org_id(&self, code: &str) -> i64 {
        sqlx::query_scalar("SELECT id FROM organisations WHERE code = $1").bind(code.to_string()).fetch_optional(&self.db.pool).await.unwrap().unwrap_or_else(|| panic!("no org {code}"))
    }

    /// The id of a knowledge-base page by its exact title.
    pub async fn page_id(&self, title: &str) -> i64 {
        sqlx::query_scalar("SELECT id FROM wiki_pages WHERE title = $1").bind(title.to_string()).fetch_optional(&self.db.pool).await.unwrap().unwrap_or_else(|| panic!("no page {title}"))
    }

    /// The id of the first organisation matching a SQL condition over `o`.
    pub async fn org_where(&self, cond: &str) -> (i64, String) {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT o.id, o.code FROM organisations o WHERE {cond} ORDER BY o.id LIMIT 1")))
            .fetch_one(&self.db.pool)
            .await
            .unwrap_or_else(|e| panic!("no organisation where {cond}: {e}"))
    }

    /// Closes the pool before the database is dropped (the guard drops it in any case).
    pub async fn cleanup(self) {
        self.db.pool.close().await;
    }
}

pub struct Reply {
    pub status: StatusCode,
    pub body: String,
    pub location: Option<String>,
    pub headers: axum::http::HeaderMap,
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

#[derive(Clone)]
pub struct Session {
    router: axum::Router,
    pub cookies: HashMap<String, String>,
    pub csrf: String,
    pub bearer: Option<String>,
}

fn csrf_in(body: &str) -> Option<String> {
    let i = body.find("name=\"_csrf\" value=\"")? + "name=\"_csrf\" value=\"".len();
    Some(body[i..].chars().take_while(|c| c.is_ascii_hexdigit()).collect())
}

impl Session {
    pub fn new(router: axum::Router) -> Session {
        Session { router, cookies: HashMap::new(), csrf: String::new(), bearer: None }
    }

    pub async fn send(&mut self, req: Request<Body>) -> Reply {
        let resp = self.router.clone().oneshot(req).await.unwrap();
        for c in resp.headers().get_all(header::SET_COOKIE) {
            let c = c.to_str().unwrap();
            let (kv, _) = c.split_once(';').unwrap_or((c, ""));
            let (k, v) = kv.split_once('=').unwrap();
            if c.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), v.to_string());
            }
        }
        let status = resp.status();
        let location = resp.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_string());
        let headers = resp.headers().clone();
        let bytes = axum::body::to_bytes(resp.into_body(), 64 * 1024 * 1024).await.unwrap().to_vec();
        let body = String::from_utf8_lossy(&bytes).to_string();
        if let Some(t) = csrf_in(&body) {
            self.csrf = t;
        }
        Reply { status, body, location, headers, bytes }
    }

    pub fn builder(&self, method: &str, path: &str) -> axum::http::request::Builder {
        let mut b = Request::builder().method(method).uri(path).header(header::HOST, "localhost");
        if !self.cookies.is_empty() {
            let c: Vec<String> = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
            b = b.header(header::COOKIE, c.join("; "));
        }
        if let Some(t) = &self.bearer {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        b
    }

    pub async fn get(&mut self, path: &str) -> Reply {
        let req = self.builder("GET", path).body(Body::empty()).unwrap();
        self.send(req).await
    }

    /// A multipart form POST as a browser sends an upload: the CSRF token, `fields`, then the file.
    pub async fn upload(&mut self, path: &str, fields: &[(&str, &str)], file_name: &str, bytes: &[u8]) -> Reply {
        let boundary = "XkumiaiUploadX";
        let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n", self.csrf).into_bytes();
        for (k, v) in fields {
            body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").into_bytes());
        }
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").into_bytes());
        body.extend_from_slice(bytes);
        body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
        let req = self.builder("POST", path).header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}")).body(Body::from(body)).unwrap();
        self.send(req).await
    }

    /// A GET from a browser set to `lang` (Accept-Language).
    pub async fn get_lang(&mut self, path: &str, lang: &str) -> Reply {
        let req = self.builder("GET", path).header(header::ACCEPT_LANGUAGE, lang).body(Body::empty()).unwrap();
        self.send(req).await
    }

    /// A form POST carrying the session's CSRF token.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let csrf = self.csrf.clone();
        self.post_raw(path, fields, Some(&csrf)).await
    }

    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)], csrf: Option<&str>) -> Reply {
        let mut ser = form_urlencoded::Serializer::new(String::new());
        if let Some(t) = csrf {
            ser.append_pair("_csrf", t);
        }
        for (k, v) in fields {
            ser.append_pair(k, v);
        }
        let req = self
            .builder("POST", path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(ser.finish()))
            .unwrap();
        self.send(req).await
    }

    pub async fn json(&mut self, method: &str, path: &str, body: &serde_json::Value) -> Reply {
        let mut b = self.builder(method, path).header(header::CONTENT_TYPE, "application/json");
        if self.bearer.is_none() {
            b = b.header("x-csrf-token", self.csrf.clone());
        }
        let req = b.body(Body::from(body.to_string())).unwrap();
        self.send(req).await
    }

    pub async fn login(&mut self, login: &str, password: &str) -> Reply {
        self.get("/login").await;
        self.post("/login", &[("login", login), ("password", password), ("next", "/")]).await
    }
}

/// Runs each listed `async fn NAME(app: &TestApp)` as two tests, `sqlite::NAME` and
/// `postgres::NAME`, each on a fresh database with the small demo federation.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let app = $crate::common::TestApp::spawn($crate::common::Backend::Sqlite).await.expect("sqlite");
                    super::$name(&app).await;
                    app.cleanup().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(app) = $crate::common::TestApp::spawn($crate::common::Backend::Postgres).await else { return };
                    super::$name(&app).await;
                    app.cleanup().await;
                }
            )*
        }
    };
}

/// The titles `/api/v1/search` gives for `q`, asked again (the index follows writes within a
/// moment) until `want` holds or 5 s have passed.
pub async fn search_titles(s: &mut Session, q: &str, want: impl Fn(&[String]) -> bool) -> Vec<String> {
    let url = format!("/api/v1/search?q={}&per_page=100", kumiai_platform::text::percent_encode(q));
    let started = std::time::Instant::now();
    loop {
        let r = s.get(&url).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let t: Vec<String> = r.json()["hits"].as_array().unwrap().iter().map(|h| h["title"].as_str().unwrap().to_string()).collect();
        if want(&t) || started.elapsed() > std::time::Duration::from_secs(5) {
            return t;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
