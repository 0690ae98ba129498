//! The real Japanese corpus the search benchmarks share: Debian's manpages-ja, manpages-ja-dev and
//! libreoffice-help-ja, unpacked by bench/corpus.sh (nobody in this project wrote a word of it).
//! Each document gets a stable id (`man1/ls`, `lo/scalc/guide/filters`) that bench/relevance.tsv
//! refers to.

#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};

pub struct CorpusDoc {
    pub id: String,
    pub title: String,
    pub body: String,
}

/// The unpacked packages: $KUMIAI_CORPUS_DIR, else target/corpus (where bench/corpus.sh puts them).
pub fn root() -> PathBuf {
    match std::env::var_os("KUMIAI_CORPUS_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/corpus"),
    }
}

pub fn load() -> Vec<CorpusDoc> {
    let root = root();
    let man = root.join("usr/share/man/ja");
    let help = root.join("usr/share/libreoffice/help/ja/text");
    if !man.is_dir() || !help.is_dir() {
        eprintln!("no corpus in {}: run bench/corpus.sh first", root.display());
        std::process::exit(2);
    }
    let mut docs = vec![];
    for f in files(&man) {
        // Aliases (symlinks and `.so` pages) repeat another page; skip them.
        if f.is_symlink() {
            continue;
        }
        let Some(src) = gunzip(&f) else { continue };
        if src.trim_start().starts_with(".so ") {
            continue;
        }
        let rel = f.strip_prefix(&man).unwrap().to_string_lossy().to_string();
        let id = rel.trim_end_matches(".gz").rsplit_once('.').map(|(a, _)| a.to_string()).unwrap_or(rel);
        let (title, body) = roff_to_text(&src);
        docs.push(CorpusDoc { title: if title.is_empty() { id.clone() } else { title }, id, body });
    }
    for f in files(&help) {
        if f.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let Ok(src) = std::fs::read_to_string(&f) else { continue };
        let rel = f.strip_prefix(&help).unwrap().to_string_lossy().to_string();
        let (title, body) = html_to_text(&src);
        docs.push(CorpusDoc { id: format!("lo/{}", rel.trim_end_matches(".html")), title, body });
    }
    docs
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![];
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() && !p.is_symlink() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

fn gunzip(path: &Path) -> Option<String> {
    let file = std::fs::File::open(path).ok()?;
    let mut s = String::new();
    flate2::read::GzDecoder::new(file).read_to_string(&mut s).ok()?;
    Some(s)
}

/// Man page source to plain text. The title is the NAME section's line ("ls - ディレクトリの内容を
/// リスト表示する"), the page's own heading; font and character escapes are resolved.
fn roff_to_text(src: &str) -> (String, String) {
    let mut title = String::new();
    let mut out = String::new();
    let mut in_name = false;
    for line in src.lines() {
        if line.starts_with(".\\\"") || line.starts_with("'\\\"") {
            continue;
        }
        let text = if let Some(rest) = line.strip_prefix('.') {
            let mut parts = rest.splitn(2, char::is_whitespace);
            let mac = parts.next().unwrap_or("");
            let arg = parts.next().unwrap_or("").replace('"', "");
            if mac == "SH" {
                in_name = matches!(arg.trim(), "名前" | "名称" | "NAME");
            }
            // Keep the words of formatting macros (.B, .I, .SH …); drop the rest.
            if matches!(mac, "B" | "I" | "BR" | "BI" | "IR" | "RB" | "IB" | "RI" | "SH" | "SS" | "TP" | "IP" | "Nm" | "Nd") { arg } else { continue }
        } else {
            line.to_string()
        };
        let mut t = text.replace("\\-", "-").replace("\\e", "\\").replace("\\&", "").replace("\\ ", " ").replace("\\,", "").replace("\\/", "");
        for f in ["\\fB", "\\fI", "\\fR", "\\fP", "\\f(CW", "\\fC"] {
            t = t.replace(f, "");
        }
        if in_name && !line.starts_with(".SH") && title.chars().count() < 200 {
            if !title.is_empty() {
                title.push(' ');
            }
            title.push_str(t.trim());
        }
        out.push_str(&t);
        out.push('\n');
    }
    (title, out)
}

/// LibreOffice help page to plain text: the first heading is the title; the body is the display
/// area's text plus the index keywords the page declares.
fn html_to_text(src: &str) -> (String, String) {
    let heading = between(src, "<h1", "</h1>").map(|h| strip_tags(h.split_once('>').map(|(_, b)| b).unwrap_or(h)));
    let title = heading.filter(|t| !t.trim().is_empty()).or_else(|| between(src, "<title>", "</title>").map(strip_tags)).unwrap_or_default();
    let area = src.find("id=\"DisplayArea\"").map(|i| &src[i..]).unwrap_or(src);
    let mut body = String::new();
    let mut rest = area;
    while let Some(i) = rest.find("itemprop=\"keywords\" content=\"") {
        rest = &rest[i + 29..];
        if let Some(end) = rest.find('"') {
            body.push_str(&decode_entities(&rest[..end]));
            body.push('\n');
        }
    }
    body.push_str(&strip_tags(area));
    (title.trim().to_string(), body)
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = s.find(start)? + start.len();
    let j = s[i..].find(end)? + i;
    Some(&s[i..j])
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        // Script and style contents are not text.
        for skip in ["<script", "<style"] {
            if rest.starts_with(skip) {
                let close = if skip == "<script" { "</script>" } else { "</style>" };
                rest = rest.find(close).map(|j| &rest[j..]).unwrap_or("");
            }
        }
        match rest.find('>') {
            Some(j) => {
                // Block-level boundaries become line breaks so words do not run together.
                if rest[1..].starts_with(['p', 'h', 'l', 't', 'd', 'b']) {
                    out.push('\n');
                }
                rest = &rest[j + 1..];
            }
            None => rest = "",
        }
    }
    out.push_str(rest);
    decode_entities(&out)
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.char_indices().take(12).find(|c| c.1 == ';').map(|c| c.0) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..end];
        let c = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            _ => name.strip_prefix("#x").and_then(|h| u32::from_str_radix(h, 16).ok()).or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok())).and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}
