//! Every setting in one place, with its default and environment variable. `kumiai serve` needs none.
//!
//! | setting | env | default |
//! |---|---|---|
//! | database URL | `KUMIAI_DATABASE_URL` | `sqlite://<data-dir>/kumiai.db` |
//! | data directory | `KUMIAI_DATA_DIR` | `./kumiai-data` |
//! | listen address | `KUMIAI_LISTEN` | `127.0.0.1:8080` |
//! | fiscal year start month | `KUMIAI_FISCAL_START_MONTH` | `9` (JCM) |
//! | fiscal year named by the year it `end`s or `start`s in | `KUMIAI_FISCAL_YEAR_NAMED_BY` | `end` (JCM: 2024年度 began in September 2023) |
//! | proxies whose `X-Forwarded-For` is trusted | `KUMIAI_TRUSTED_PROXIES` | none (addresses or CIDR blocks, comma-separated) |
//! | Secure flag on cookies | `KUMIAI_COOKIE_SECURE` | automatic: set when the request came over HTTPS (`X-Forwarded-Proto: https` from the TLS proxy); `true`/`false` force it |
//! | login failures allowed per 15 min | `KUMIAI_LOGIN_LIMIT` | `5` |
//! | compiled search dictionary | `KUMIAI_DICTIONARY_DIR` | `<data-dir>/dictionary/ipadic` |
//! | IPADIC source it is compiled from | `KUMIAI_IPADIC_SOURCE` | `/usr/share/mecab/dic/ipadic` (Debian `mecab-ipadic`) |
//! | search index | — | `<data-dir>/search` |

use kumiai_core::{FiscalCalendar, NamedBy};
use std::net::IpAddr;
use std::path::PathBuf;

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub data_dir: PathBuf,
    /// The federation's fiscal calendar (JCM's: September, named by the year it ends in).
    pub calendar: FiscalCalendar,
    /// Proxies whose `X-Forwarded-For` may name the client; empty: the peer is the client.
    pub trusted_proxies: Vec<IpNet>,
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
            Err(_) => FiscalCalendar::JCM.start_month(),
        };
        let named_by = match std::env::var("KUMIAI_FISCAL_YEAR_NAMED_BY") {
            Ok(v) => NamedBy::parse(&v)
                .ok_or_else(|| anyhow::anyhow!("KUMIAI_FISCAL_YEAR_NAMED_BY must be end or start (年度の呼び方は end か start で指定してください): {v}"))?,
            Err(_) => FiscalCalendar::JCM.named_by(),
        };
        let calendar = FiscalCalendar::new(fiscal_start_month, named_by).expect("month checked above");
        let trusted_proxies = match std::env::var("KUMIAI_TRUSTED_PROXIES") {
            Ok(v) => v
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| IpNet::parse(s).ok_or_else(|| anyhow::anyhow!("KUMIAI_TRUSTED_PROXIES: not an address or CIDR block (アドレスかCIDRで指定してください): {s}")))
                .collect::<anyhow::Result<Vec<_>>>()?,
            Err(_) => vec![],
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
        Ok(Config { database_url, data_dir, calendar, trusted_proxies, cookie_secure, login_limit, login_window_secs: 15 * 60, dictionary_dir, ipadic_source })
    }

    pub fn search_dir(&self) -> PathBuf {
        self.data_dir.join("search")
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }
}

/// An address block: `10.0.0.0/8`, `::1/128`, or one address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

impl IpNet {
    pub fn parse(s: &str) -> Option<IpNet> {
        let (a, p) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = a.trim().parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match p {
            Some(p) => p.trim().parse::<u8>().ok().filter(|p| *p <= max)?,
            None => max,
        };
        Some(IpNet { addr, prefix })
    }
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match (self.addr, ip) {
            (IpAddr::V4(_), IpAddr::V6(v6)) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            _ => ip,
        };
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = if self.prefix == 0 { 0 } else { u32::MAX << (32 - u32::from(self.prefix)) };
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = if self.prefix == 0 { 0 } else { u128::MAX << (128 - u32::from(self.prefix)) };
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_blocks() {
        let net = IpNet::parse("10.1.0.0/16").unwrap();
        assert!(net.contains("10.1.200.3".parse().unwrap()));
        assert!(!net.contains("10.2.0.1".parse().unwrap()));
        assert!(IpNet::parse("127.0.0.1").unwrap().contains("::ffff:127.0.0.1".parse().unwrap()));
        assert!(IpNet::parse("::1").unwrap().contains("::1".parse().unwrap()));
        assert!(IpNet::parse("10.0.0.0/33").is_none());
        assert!(IpNet::parse("proxy.local").is_none());
    }
}
