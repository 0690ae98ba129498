//! Cookie reading and writing. Session cookies are HttpOnly, SameSite=Lax and Secure (unless the
//! operator turns Secure off for plain-HTTP testing).

use axum::http::HeaderMap;

pub const SESSION: &str = "kumiai_session";
pub const LANG: &str = "kumiai_lang";
pub const FLASH: &str = "kumiai_flash";
/// How years are written: 西暦 or 和暦.
pub const ERA: &str = "kumiai_era";
/// Double-submit token for forms sent before login.
pub const PRE: &str = "kumiai_pre";

pub fn get(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

pub fn set(name: &str, value: &str, max_age_secs: Option<i64>, http_only: bool, secure: bool) -> String {
    let mut c = format!("{name}={value}; Path=/; SameSite=Lax");
    if let Some(age) = max_age_secs {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if http_only {
        c.push_str("; HttpOnly");
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

pub fn clear(name: &str, secure: bool) -> String {
    set(name, "", Some(0), true, secure)
}

pub fn encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

pub fn decode(s: &str) -> String {
    form_urlencoded::parse(format!("v={s}").as_bytes()).next().map(|(_, v)| v.into_owned()).unwrap_or_default()
}
