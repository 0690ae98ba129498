//! Every setting in one place, with its default and environment variable. `kumiai serve` needs none.
//!
//! | setting | env | default |
//! |---|---|---|
//! | database URL | `KUMIAI_DATABASE_URL` | `sqlite://<data-dir>/kumiai.db` |
//! | data directory | `KUMIAI_DATA_DIR` | `./kumiai-data` |
//! | listen address | `KUMIAI_LISTEN` | `127.0.0.1:8080` |
//! | fiscal year start month | `KUMIAI_FISCAL_START_MONTH` | `9` (JCM) |
//! | Secure flag on cookies | `KUMIAI_COOKIE_SECURE` | automatic: set when the request came over HTTPS (`X-Forwarded-Proto: https` from the TLS proxy); `true`/`false` force it |
//! | login failures allowed per 15 min | `KUMIAI_LOGIN_LIMIT` | `5` |
//! | compiled search dictionary | `KUMIAI_DICTIONARY_DIR` | `<data-dir>/dictionary/ipadic` |
//! | IPADIC source it is compiled from | `KUMIAI_IPADIC_SOURCE` | `/usr/share/mecab/dic/ipadic` (Debian `mecab-ipadic`) |
//! | search index | — | `<data-dir>/search` |

use std::path::PathBuf;

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub data_dir: PathBuf,
    pub fiscal_start_month: i8,
    /// None: automatic (Secure when the request arrived over HTTPS through the proxy).
    pub cookie_secure: Option<bool>,
    pub login_limit: usize,
    pub login_window_secs: u64,
    pub dictionary_dir: PathBuf,
    pub ipadic_source: PathBuf,
}

impl Config {
    /// Defaults, then environment. Flags given on the command line override afterwards.
    pub fn from_env(data_dir: Option<PathBuf>, database_url: Option<String>) -> anyhow::Result<Config> {
        let data_dir = data_dir
            .or_else(|| std::env::var_os("KUMIAI_DATA_DIR").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from("kumiai-data"));
        let database_url = database_url
            .or_else(|| std::env::var("KUMIAI_DATABASE_URL").ok())
            .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", data_dir.join("kumiai.db").display()));
        let fiscal_start_month = match std::env::var("KUMIAI_FISCAL_START_MONTH") {
            Ok(v) => v.parse::<i8>().ok().filter(|m| (1..=12).contains(m)).ok_or_else(|| {
                anyhow::anyhow!("KUMIAI_FISCAL_START_MONTH must be 1–12 (年度開始月は1〜12で指定してください): {v}")
            })?,
            Err(_) => 9,
        };
        let cookie_secure = match std::env::var("KUMIAI_COOKIE_SECURE").as_deref() {
            Ok("true" | "1") => Some(true),
            Ok("false" | "0") => Some(false),
            Ok("auto") | Err(_) => None,
            Ok(v) => anyhow::bail!("KUMIAI_COOKIE_SECURE must be auto, true or false (auto / true / false で指定してください): {v}"),
        };
        let login_limit = std::env::var("KUMIAI_LOGIN_LIMIT").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
        let dictionary_dir = std::env::var_os("KUMIAI_DICTIONARY_DIR").map(PathBuf::from).unwrap_or_else(|| data_dir.join("dictionary").join("ipadic"));
        let ipadic_source = std::env::var_os("KUMIAI_IPADIC_SOURCE").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/usr/share/mecab/dic/ipadic"));
        Ok(Config { database_url, data_dir, fiscal_start_month, cookie_secure, login_limit, login_window_secs: 15 * 60, dictionary_dir, ipadic_source })
    }

    pub fn search_dir(&self) -> PathBuf {
        self.data_dir.join("search")
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }
}
