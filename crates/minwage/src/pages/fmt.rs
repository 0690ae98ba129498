//! Figures as the pages write them: unknown is "—", never a zero.

use kumiai_core::Lang;

pub fn yen(v: Option<i64>) -> String {
    v.map(kumiai_platform::db::group_digits).unwrap_or_else(|| "—".into())
}

/// A difference with its sign ("+52", "−12", "±0").
pub fn signed(v: Option<i64>) -> String {
    match v {
        Some(0) => "±0".into(),
        Some(d) if d > 0 => format!("+{}", kumiai_platform::db::group_digits(d)),
        Some(d) => format!("−{}", kumiai_platform::db::group_digits(-d)),
        None => "—".into(),
    }
}

pub fn avg(v: Option<f64>) -> String {
    match v {
        Some(x) if x > 0.0 => format!("+{x:.1}"),
        Some(x) if x < 0.0 => format!("−{:.1}", -x),
        Some(_) => "±0.0".into(),
        None => "—".into(),
    }
}

pub fn yes_no(v: Option<bool>, l: Lang) -> &'static str {
    match v {
        Some(true) => l.t("はい", "Yes"),
        Some(false) => l.t("いいえ", "No"),
        None => "—",
    }
}

pub fn pref_name(code: &str, l: Lang) -> String {
    crate::prefecture::by_code(code).map_or_else(|| code.to_string(), |p| p.name(l).to_string())
}
