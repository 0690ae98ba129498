//! Text helpers every module shares: escaping for HTML and XML, percent-encoding for URLs,
//! spreadsheet cells that cannot turn into formulas, and the checks and number parsing every
//! form field gets (control characters refused, full-width digits accepted).

use crate::error::FieldError;
use unicode_normalization::UnicodeNormalization;

/// Escapes `& < > " '` for HTML text and attribute values (and XML).
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Plain text as HTML with its web addresses (http, https) as links that open outside Kumiai:
/// a note that names its source (組合員数の出典: https://…) links to it.
pub fn linkify(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 32);
    let mut rest = s;
    while let Some(at) = ["https://", "http://"].iter().filter_map(|p| rest.find(p)).min() {
        out.push_str(&escape_html(&rest[..at]));
        let url_len = rest[at..].find(|c: char| c.is_whitespace() || !c.is_ascii() || matches!(c, '<' | '>' | '"' | '\'' | '(' | ')' | '、' | '。')).unwrap_or(rest.len() - at);
        let url = rest[at..at + url_len].trim_end_matches(['.', ',', ';', ':']);
        let e = escape_html(url);
        out.push_str(&format!("<a href=\"{e}\" rel=\"noopener noreferrer external\">{e}</a>"));
        rest = &rest[at + url.len()..];
    }
    out.push_str(&escape_html(rest));
    out
}

/// Percent-encodes everything but unreserved characters (RFC 3986), for a path segment or a
/// query value.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The inverse of [`percent_encode`] (a `+` stays a `+`); malformed escapes are kept as written.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (b[i], b.get(i + 1).copied().and_then(hex), b.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A query string from pairs, skipping empty values; ends with '&' (or is "?") so a page number
/// can follow.
pub fn query_string(pairs: &[(&str, String)]) -> String {
    let mut s = String::from("?");
    for (k, v) in pairs {
        if !v.is_empty() {
            s.push_str(k);
            s.push('=');
            s.push_str(&percent_encode(v));
            s.push('&');
        }
    }
    s
}

/// Characters a spreadsheet treats as the start of a formula (OWASP, CSV injection).
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell as written to a CSV file: text that a spreadsheet would run as a formula is prefixed
/// with an apostrophe, which Excel shows as text and does not display.
pub fn csv_cell(s: &str) -> String {
    if s.starts_with(FORMULA_START) { format!("'{s}") } else { s.to_string() }
}

/// The inverse on import, so an exported file imports back unchanged.
pub fn csv_cell_in(s: &str) -> String {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_START) => rest.to_string(),
        _ => s.to_string(),
    }
}

/// A value as an error message quotes it: control characters shown as `\u{1b}`, at most 60
/// characters.
pub fn quote_value(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == 60 {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// "20 MB", "4 MB", "512 KB".
pub fn megabytes(bytes: usize) -> String {
    if bytes >= 1024 * 1024 { format!("{} MB", bytes / (1024 * 1024)) } else { format!("{} KB", bytes.div_ceil(1024)) }
}

/// Refuses control characters (ESC, BEL, NUL, line breaks…) in a one-line field.
pub fn check_line(field: &str, value: &str, errs: &mut Vec<FieldError>) {
    if value.chars().any(char::is_control) {
        errs.push(FieldError::refused(
            field,
            value,
            "制御文字（改行・タブなど）は使えません。",
            "Control characters (line breaks, tabs, escapes) are not allowed here.",
        ));
    }
}

/// Refuses control characters other than line breaks and tabs in a multi-line field.
pub fn check_text(field: &str, value: &str, errs: &mut Vec<FieldError>) {
    if value.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        errs.push(FieldError::refused(field, value, "制御文字は使えません。", "Control characters are not allowed."));
    }
}

/// Line breaks as `\n` only: browsers send a textarea with `\r\n`, and a file from Windows or an
/// old Mac may have `\r\n` or `\r`. Without this a one-word edit marks every line changed.
pub fn unix_newlines(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains('\r') { std::borrow::Cow::Owned(s.replace("\r\n", "\n").replace('\r', "\n")) } else { std::borrow::Cow::Borrowed(s) }
}

/// Short forms people type for words in organisations' names, and the long forms they stand for.
pub const SHORT_FORMS: [(&str, &str); 1] = [("労組", "労働組合")];

/// A search word as typed, and with a short form written out (東海精機労組 → 東海精機労働組合) or a
/// long form shortened, so either finds a name written the other way.
pub fn spellings(word: &str) -> Vec<String> {
    let mut out = vec![word.to_string()];
    for (short, long) in SHORT_FORMS {
        if word.contains(long) {
            out.push(word.replace(long, short));
        } else if word.contains(short) {
            out.push(word.replace(short, long));
        }
    }
    out
}

/// Width-folded (NFKC) and trimmed: "１５，５００" → "15,500".
pub fn fold(s: &str) -> String {
    s.nfkc().collect::<String>().trim().to_string()
}

/// A whole number as people type it: full-width digits, thousands separators (, or ，) allowed.
pub fn parse_int(s: &str) -> Option<i64> {
    let t: String = fold(s).chars().filter(|c| *c != ',').collect();
    t.parse().ok()
}

#[cfg(test)]
mod tests {

    #[test]
    fn notes_link_their_sources() {
        assert_eq!(
            linkify("組合員数の出典: https://www.jaw.or.jp/about/（2024年） & <b>"),
            "組合員数の出典: <a href=\"https://www.jaw.or.jp/about/\" rel=\"noopener noreferrer external\">https://www.jaw.or.jp/about/</a>（2024年） &amp; &lt;b&gt;"
        );
        assert_eq!(linkify("see http://x.org/a?b=1&c=2."), "see <a href=\"http://x.org/a?b=1&amp;c=2\" rel=\"noopener noreferrer external\">http://x.org/a?b=1&amp;c=2</a>.");
        assert_eq!(linkify("javascript:alert(1) https://"), "javascript:alert(1) <a href=\"https://\" rel=\"noopener noreferrer external\">https://</a>");
    }

    use super::*;

    #[test]
    fn escapes_and_encodes() {
        assert_eq!(escape_html("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
        assert_eq!(percent_encode("TEAM（タイ） a/b"), "TEAM%EF%BC%88%E3%82%BF%E3%82%A4%EF%BC%89%20a%2Fb");
        assert_eq!(query_string(&[("q", "労組 A".into()), ("kind", String::new())]), "?q=%E5%8A%B4%E7%B5%84%20A&");
        assert_eq!(percent_decode(&percent_encode("労組 a+b%")), "労組 a+b%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }

    #[test]
    fn formulas_are_neutralised_and_come_back() {
        for bad in ["=HYPERLINK(\"http://x\",\"y\")", "+81 3", "-1", "@SUM(A1)", "\tx"] {
            let out = csv_cell(bad);
            assert!(out.starts_with('\''), "{bad}");
            assert_eq!(csv_cell_in(&out), bad);
        }
        assert_eq!(csv_cell("金属労協"), "金属労協");
        assert_eq!(csv_cell_in("'quoted"), "'quoted", "an apostrophe before ordinary text is the user's own");
    }

    #[test]
    fn numbers_and_control_characters() {
        assert_eq!(parse_int("１５，５００"), Some(15_500));
        assert_eq!(parse_int(" 2,026 "), Some(2026));
        assert_eq!(parse_int("x"), None);
        let mut errs = vec![];
        check_line("name_ja", "労組\u{1b}[31m", &mut errs);
        assert_eq!(errs.len(), 1);
        assert!(errs[0].message.en.contains("\\u{1b}"), "{:?}", errs[0].message);
        check_text("note", "一行目\n二行目", &mut errs);
        assert_eq!(errs.len(), 1, "line breaks are fine in a note");
        assert_eq!(megabytes(20 * 1024 * 1024), "20 MB");
    }
}
