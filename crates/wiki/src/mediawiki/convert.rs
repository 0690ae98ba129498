//! Wikitext to Markdown, line by line, for what JCMpedia's pages use: headings, bold and italic,
//! lists, internal links (kept as `[[…]]`), categories (Japanese and English namespace names),
//! external links, simple tables, `<ref>` footnotes and redirects. What cannot be rendered —
//! templates, files, unknown HTML — is kept as visible, readable text and listed in the report;
//! nothing is dropped.

/// The Markdown and the constructs that were not rendered as such.
pub struct Converted {
    pub markdown: String,
    pub unconverted: Vec<String>,
}

const CATEGORY_NS: [&str; 5] = ["Category:", "カテゴリ:", "カテゴリー:", "category:", "分類:"];
const FILE_NS: [&str; 6] = ["File:", "ファイル:", "Image:", "画像:", "file:", "image:"];

/// `#REDIRECT [[Target]]` (also `#転送`) → Target.
pub fn redirect_target(text: &str) -> Option<String> {
    let t = text.trim_start();
    let upper = t.to_uppercase();
    if !(upper.starts_with("#REDIRECT") || t.starts_with("#転送") || t.starts_with("#リダイレクト")) {
        return None;
    }
    let start = t.find("[[")? + 2;
    let end = t[start..].find("]]")? + start;
    Some(t[start..end].split('|').next()?.trim().to_string())
}

/// `<!-- … -->` never shows in MediaWiki (an unclosed one hides the rest of the page).
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = memchr::memmem::find(rest.as_bytes(), b"<!--") {
        out.push_str(&rest[..i]);
        rest = memchr::memmem::find(&rest.as_bytes()[i + 4..], b"-->").map(|j| &rest[i + 4 + j + 3..]).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// `convert`, except that a page the converter cannot handle (a bug, met on some real dump) is
/// kept whole as a code block and reported, instead of ending the import.
pub fn convert_or_keep(converter: &mut Converter, text: &str) -> Converted {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| converter.convert(text))).unwrap_or_else(|_| {
        *converter = Converter::default();
        let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
        let fence = "`".repeat(longest.max(2) + 1);
        Converted {
            markdown: format!("{fence}wikitext\n{text}\n{fence}\n"),
            unconverted: vec!["the whole page, kept as wikitext (converter failure) / 変換に失敗したためページ全体を元の記法のまま保存".into()],
        }
    })
}

/// One text on its own (the import converts through a page's `Converter`).
#[cfg(test)]
fn convert(text: &str) -> Converted {
    Converter::default().convert(text)
}

/// Converts the revisions of one page. Revisions of a page share most of their lines, tables and
/// footnotes, so each distinct one is converted once (with what it could not convert) and reused.
#[derive(Default)]
pub struct Converter {
    lines: Memo,
    tables: Memo,
    notes: Memo,
}

/// Wikitext → (Markdown, what was not converted).
#[derive(Default)]
struct Memo(std::collections::HashMap<String, (String, Vec<String>)>);

impl Memo {
    /// Entries remembered before starting afresh, so memory stays bounded on huge pages.
    const MAX: usize = 20_000;

    fn get(&mut self, key: &str, unconverted: &mut Vec<String>, convert: impl FnOnce(&str, &mut Vec<String>) -> String) -> &str {
        if !self.0.contains_key(key) {
            if self.0.len() >= Self::MAX {
                self.0.clear();
            }
            let mut missed = vec![];
            let md = convert(key, &mut missed);
            self.0.insert(key.to_string(), (md, missed));
        }
        let (md, missed) = &self.0[key];
        unconverted.extend(missed.iter().cloned());
        md
    }
}

impl Converter {
    pub fn convert(&mut self, text: &str) -> Converted {
        let mut unconverted = vec![];
        let text = strip_comments(text);
        let (text, refs) = footnotes(&text, &mut unconverted);
        let text = templates(&text, &mut unconverted);
        let mut markdown = String::with_capacity(text.len() + text.len() / 8);
        let mut lines = text.lines();
        let mut first = true;
        let mut emit = |markdown: &mut String, piece: &str| {
            if !std::mem::take(&mut first) {
                markdown.push('\n');
            }
            markdown.push_str(piece);
        };
        while let Some(line) = lines.next() {
            let trimmed = line.trim();
            if trimmed.starts_with("{|") {
                let mut table = line.to_string();
                for l in lines.by_ref() {
                    table.push('\n');
                    table.push_str(l);
                    if l.trim().starts_with("|}") {
                        break;
                    }
                }
                // A blank line first: a Markdown table cannot start inside a paragraph.
                emit(&mut markdown, "");
                emit(&mut markdown, self.tables.get(&table, &mut unconverted, convert_table));
                continue;
            }
            emit(&mut markdown, self.lines.get(line, &mut unconverted, convert_line));
        }
        if markdown.contains("__") {
            for word in ["__TOC__", "__NOTOC__", "__FORCETOC__", "__NOEDITSECTION__"] {
                markdown = markdown.replace(word, "");
            }
        }
        if !refs.is_empty() {
            markdown.push_str("\n\n");
            for (i, r) in refs.iter().enumerate() {
                let note = self.notes.get(r, &mut unconverted, inline);
                markdown.push_str(&format!("[^{}]: {note}\n", i + 1));
            }
        }
        unconverted.sort();
        unconverted.dedup();
        markdown.truncate(markdown.trim_end().len());
        markdown.push('\n');
        Converted { markdown, unconverted }
    }
}

/// `<ref>…</ref>` and `<ref name="x">…</ref>` / `<ref name="x"/>` become `[^n]`; `<references/>` goes.
fn footnotes(text: &str, _unconverted: &mut Vec<String>) -> (String, Vec<String>) {
    let mut refs: Vec<String> = vec![];
    let mut names: Vec<(String, usize)> = vec![];
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = memchr::memmem::find(rest.as_bytes(), b"<ref") {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let Some(close) = after.find('>') else { break };
        let tag = &after[..=close];
        let name = tag.split("name=").nth(1).map(|n| n.trim_matches(|c: char| c == '"' || c == '\'' || c == '/' || c == '>' || c.is_whitespace()).to_string());
        if tag.ends_with("/>") {
            let n = name.and_then(|n| names.iter().find(|(k, _)| *k == n).map(|(_, i)| *i));
            if let Some(n) = n {
                out.push_str(&format!("[^{n}]"));
            }
            rest = &after[close + 1..];
            continue;
        }
        let body_end = memchr::memmem::find(after.as_bytes(), b"</ref>").unwrap_or(after.len());
        let body = &after[close + 1..body_end.max(close + 1)];
        refs.push(body.trim().to_string());
        let n = refs.len();
        if let Some(name) = name {
            names.push((name, n));
        }
        out.push_str(&format!("[^{n}]"));
        rest = &after[(body_end + "</ref>".len()).min(after.len())..];
    }
    out.push_str(rest);
    if out.contains("<references") {
        for tag in ["<references/>", "<references />", "<references></references>"] {
            out = out.replace(tag, "");
        }
    }
    (out, refs)
}

/// `{{…}}` (nested, multi-line) become a visible quoted block naming the template; an unclosed
/// one stays as written, as MediaWiki shows it. Braces are ASCII, so the scan runs over bytes.
fn templates(text: &str, unconverted: &mut Vec<String>) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut copied, mut from) = (0, 0);
    while let Some(k) = memchr::memmem::find(&b[from..], b"{{") {
        let i = from + k;
        // `{{{x}}}` is a parameter, shown as written outside a template.
        if b.get(i + 2) == Some(&b'{') {
            from = memchr::memmem::find(&b[i + 3..], b"}}}").map_or(b.len(), |e| i + 3 + e + 3);
            continue;
        }
        let (mut depth, mut j) = (0, i);
        while j + 1 < b.len() {
            match &b[j..j + 2] {
                b"{{" => {
                    depth += 1;
                    j += 2;
                }
                b"}}" => {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                }
                _ => j += 1,
            }
        }
        if depth != 0 {
            break;
        }
        out.push_str(&text[copied..i]);
        let inner = &text[i + 2..j - 2];
        let name = inner.split('|').next().unwrap_or("").trim();
        unconverted.push(format!("template {{{{{name}}}}}"));
        let shown = inner.split_whitespace().collect::<Vec<_>>().join(" ");
        out.push_str(&format!("\n> 〔テンプレート: {shown}〕\n"));
        (copied, from) = (j, j);
    }
    out.push_str(&text[copied..]);
    out
}

fn convert_line(line: &str, unconverted: &mut Vec<String>) -> String {
    let t = line.trim_end();
    // Headings: == Title == is a second-level heading.
    if t.starts_with('=') && t.ends_with('=') && t.len() > 2 {
        // A line of only "=" (===) has no title between the marks.
        let level = t.chars().take_while(|c| *c == '=').count().min(t.chars().rev().take_while(|c| *c == '=').count()).min(6).min((t.len() - 1) / 2);
        let inner = t[level..t.len() - level].trim();
        if !inner.is_empty() {
            return format!("{} {}", "#".repeat(level), inline(inner, unconverted));
        }
    }
    if t == "----" {
        return "---".into();
    }
    let marks: String = t.chars().take_while(|c| matches!(c, '*' | '#' | ':' | ';')).collect();
    if !marks.is_empty() && !t.starts_with("#REDIRECT") {
        let body = inline(t[marks.len()..].trim(), unconverted);
        let depth = marks.chars().count() - 1;
        let indent = "  ".repeat(depth);
        return match marks.chars().last().unwrap() {
            '*' => format!("{indent}- {body}"),
            '#' => format!("{indent}1. {body}"),
            ';' => format!("{indent}**{body}**"),
            _ => format!("{}{body}", "> ".repeat(depth + 1)),
        };
    }
    inline(t, unconverted)
}

/// Inline markup: bold/italic, links, categories, files, external links, a few HTML tags.
pub fn inline(text: &str, unconverted: &mut Vec<String>) -> String {
    // Most lines have none of the marks: look for them before searching for strings.
    let mut s = if text.contains("''") { text.replace("'''''", "***").replace("'''", "**").replace("''", "*") } else { text.to_string() };
    if s.contains('<') {
        for (from, to) in [("<br>", "  \n"), ("<br/>", "  \n"), ("<br />", "  \n"), ("<nowiki>", ""), ("</nowiki>", ""), ("<small>", ""), ("</small>", "")] {
            s = s.replace(from, to);
        }
    }
    if !s.contains('[') {
        return s;
    }
    // [[…]] links: categories normalised, files shown as a note, others kept.
    let mut out = String::new();
    let mut rest = s.as_str();
    while let Some(i) = rest.find("[[") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let Some(end) = after.find("]]") else {
            out.push_str(&rest[i..]);
            rest = "";
            break;
        };
        let inner = &after[..end];
        let target = inner.split('|').next().unwrap_or("").trim();
        if let Some(c) = CATEGORY_NS.iter().find_map(|p| target.strip_prefix(p)) {
            out.push_str(&format!("[[カテゴリ:{}]]", c.trim()));
        } else if let Some(f) = FILE_NS.iter().find_map(|p| target.strip_prefix(p)) {
            unconverted.push(format!("file [[{target}]]"));
            out.push_str(&format!("〔ファイル: {}〕", f.trim()));
        } else {
            out.push_str(&format!("[[{inner}]]"));
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    external_links(&out)
}

/// `[http://x label]` → `[label](http://x)`, `[http://x]` → `<http://x>`.
fn external_links(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("[http") {
        // Skip Markdown links already produced (`](http`).
        if i > 0 && rest[..i].ends_with(']') {
            out.push_str(&rest[..i + 1]);
            rest = &rest[i + 1..];
            continue;
        }
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let Some(end) = after.find(']') else {
            out.push_str(&rest[i..]);
            rest = "";
            break;
        };
        let inner = &after[..end];
        match inner.split_once(' ') {
            Some((url, label)) => out.push_str(&format!("[{}]({url})", label.trim())),
            None => out.push_str(&format!("<{inner}>")),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// A `{| … |}` table as a Markdown table (attributes dropped, the first row as header).
fn convert_table(table: &str, unconverted: &mut Vec<String>) -> String {
    let mut rows: Vec<Vec<String>> = vec![];
    let mut current: Vec<String> = vec![];
    let mut caption = None;
    let cell = |c: &str| -> String {
        // "style=…| text" keeps the text.
        let c = if let Some((attrs, text)) = c.split_once('|') { if attrs.contains('=') { text } else { c } } else { c };
        c.trim().replace('|', "\\|")
    };
    for l in table.lines().skip(1) {
        let t = l.trim();
        if t.starts_with("|}") {
            break;
        } else if let Some(c) = t.strip_prefix("|+") {
            caption = Some(c.trim().to_string());
        } else if t.starts_with("|-") {
            if !current.is_empty() {
                rows.push(std::mem::take(&mut current));
            }
        } else if let Some(c) = t.strip_prefix('!') {
            current.extend(c.split("!!").map(|x| cell(x)));
        } else if let Some(c) = t.strip_prefix('|') {
            current.extend(c.split("||").map(|x| cell(x)));
        } else if let Some(last) = current.last_mut() {
            last.push(' ');
            last.push_str(t);
        }
    }
    if !current.is_empty() {
        rows.push(current);
    }
    if rows.is_empty() {
        unconverted.push("empty table".into());
        return String::new();
    }
    let width = rows.iter().map(Vec::len).max().unwrap_or(1);
    let mut md = String::new();
    if let Some(c) = caption {
        md.push_str(&format!("**{}**\n\n", inline(&c, unconverted)));
    }
    for (i, r) in rows.iter().enumerate() {
        let cells: Vec<String> = (0..width).map(|k| r.get(k).map(|c| inline(c, unconverted)).unwrap_or_default()).collect();
        md.push_str(&format!("| {} |\n", cells.join(" | ")));
        if i == 0 {
            md.push_str(&format!("|{}\n", "---|".repeat(width)));
        }
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_the_common_constructs() {
        let wt = "== 概要 ==\n'''TEAM''' は''タイ''の労組。[[金属労協|JCM]]と協力。<ref>2024年の報告</ref>\n\
                  * 項目1\n** 項目2\n# 手順\n[http://example.org 公式サイト] [[カテゴリ:タイ]] [[Category:友誼組織]]\n\
                  {{Infobox 労組\n| 名称 = TEAM\n}}\n[[ファイル:写真.jpg|thumb]]\n\
                  {| class=\"wikitable\"\n! 年 !! 件数\n|-\n| 2025 || 3\n|}\n<references/>";
        let c = convert(wt);
        let md = &c.markdown;
        assert!(md.contains("## 概要"), "{md}");
        assert!(md.contains("**TEAM** は*タイ*の労組。[[金属労協|JCM]]と協力。[^1]"), "{md}");
        assert!(md.contains("- 項目1\n  - 項目2\n1. 手順"), "{md}");
        assert!(md.contains("[公式サイト](http://example.org) [[カテゴリ:タイ]] [[カテゴリ:友誼組織]]"), "{md}");
        assert!(md.contains("> 〔テンプレート: Infobox 労組 | 名称 = TEAM〕"), "templates stay readable: {md}");
        assert!(md.contains("〔ファイル: 写真.jpg〕"), "{md}");
        assert!(md.contains("| 年 | 件数 |\n|---|---|\n| 2025 | 3 |"), "{md}");
        assert!(md.contains("[^1]: 2024年の報告"), "{md}");
        assert_eq!(c.unconverted, ["file [[ファイル:写真.jpg]]", "template {{Infobox 労組}}"]);
        assert_eq!(redirect_target("#転送 [[新しい題名]]").as_deref(), Some("新しい題名"));
        assert_eq!(redirect_target("#REDIRECT [[Target|x]]").as_deref(), Some("Target"));
        assert_eq!(redirect_target("本文"), None);
    }

    #[test]
    fn templates_nested_unclosed_and_parameters() {
        let c = convert("前{{外|{{内}}|x}}後 {{{引数}}} {{閉じていない");
        assert_eq!(c.markdown, "前\n> 〔テンプレート: 外|{{内}}|x〕\n後 {{{引数}}} {{閉じていない\n");
        assert_eq!(c.unconverted, ["template {{外}}"]);
    }

    #[test]
    fn a_page_converter_gives_what_a_fresh_one_gives() {
        // Revisions grow, shrink and repeat lines, tables and footnotes; what one converter
        // remembers must never change a later revision's result.
        let revisions = [
            "== 概要 ==\n[[ファイル:a.jpg]] 本文<ref>注1</ref>\n{| \n! 年\n|-\n| 2025\n|}",
            "== 概要 ==\n[[ファイル:a.jpg]] 本文<ref>注1</ref><ref>注2</ref>\n{| \n! 年\n|-\n| 2025\n|}\n* 追加 {{未確認}}",
            "== 概要 ==\n本文<ref>注2</ref>",
            "== 概要 ==\n[[ファイル:a.jpg]] 本文<ref>注1</ref>\n{| \n! 年\n|-\n| 2025\n|}",
        ];
        let mut page = Converter::default();
        for r in revisions {
            let (kept, fresh) = (page.convert(r), convert(r));
            assert_eq!((kept.markdown, kept.unconverted), (fresh.markdown, fresh.unconverted), "{r}");
        }
        assert_eq!(page.lines.0.len(), 6, "six distinct lines in the four revisions, each converted once");
    }

    #[test]
    fn comments_are_dropped() {
        assert_eq!(convert("年<!-- 要確認\n -->は2003<!-- 閉じていない").markdown.trim(), "年は2003");
    }

    #[test]
    fn lines_of_equals_signs() {
        // Met in a real Wikipedia export: "===" alone used to slice past itself. MediaWiki reads it
        // as a heading whose title is "=".
        for (wt, md) in [("===", "# ="), ("=", "="), ("==", "=="), ("=====", "## ="), ("== ==", "== =="), ("=x=", "# x")] {
            assert_eq!(convert(wt).markdown.trim(), md, "{wt:?}");
        }
    }
}
