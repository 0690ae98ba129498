//! Wikitext to Markdown, line by line, for what JCMpedia's pages use: headings, bold and italic,
//! lists, internal links (kept as `[[…]]`), categories (Japanese and English namespace names),
//! external links, tables (as HTML, in lists too), the HTML MediaWiki allows, `<ref>` footnotes,
//! redirects, files (`[[ファイル:…]]`, `<gallery>`, as Kumiai writes them too: see `crate::embed`)
//! and the export's own templates (see `templates`). What cannot be rendered — an unknown
//! template — is kept as visible, readable text and listed in the report; nothing is dropped.

use super::table::convert_table;
use super::templates::Templates;

/// The Markdown and the constructs that were not rendered as such.
pub struct Converted {
    pub markdown: String,
    pub unconverted: Vec<String>,
}

const CATEGORY_NS: [&str; 5] = ["Category:", "カテゴリ:", "カテゴリー:", "category:", "分類:"];

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
pub(super) fn strip_comments(text: &str) -> String {
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
    /// The export's templates, and the page's title (for `{{PAGENAME}}`).
    templates: std::sync::Arc<Templates>,
    page: String,
}

/// Wikitext → (Markdown, what was not converted). Keyed by foldhash (seeded per process): SipHash
/// over every line of every revision was a tenth of the reading thread.
#[derive(Default)]
struct Memo(std::collections::HashMap<String, (String, Vec<String>), foldhash::fast::RandomState>);

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
    /// A converter for the revisions of page `page`, with the export's templates.
    pub fn for_page(templates: std::sync::Arc<Templates>, page: &str) -> Converter {
        Converter { templates, page: page.to_string(), ..Converter::default() }
    }

    pub fn convert(&mut self, text: &str) -> Converted {
        let mut unconverted = vec![];
        let text = strip_comments(text);
        let text = nowiki(&text);
        let text = self.templates.expand(&text, &self.page, &mut unconverted);
        let (mut text, refs) = footnotes(&text, &mut unconverted);
        // Behaviour switches show nothing (and would be escaped as text below).
        if text.contains("__") {
            for word in ["__TOC__", "__NOTOC__", "__FORCETOC__", "__NOEDITSECTION__", "__NOGALLERY__", "__HIDDENCAT__"] {
                text = text.replace(word, "");
            }
        }
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
            let marks = list_marks(line);
            let rest = line[marks.len()..].trim_start();
            if rest.starts_with("{|") && (marks.is_empty() || marks.ends_with(':')) {
                let mut table = line.to_string();
                let mut depth = 1;
                for l in lines.by_ref() {
                    table.push('\n');
                    table.push_str(l);
                    // Tables nest: `{|` inside a cell opens one more.
                    let t = l.trim_start();
                    if t.starts_with("{|") {
                        depth += 1;
                    } else if t.starts_with("|}") {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                }
                emit(&mut markdown, "");
                emit(&mut markdown, self.tables.get(&table, &mut unconverted, convert_table));
                emit(&mut markdown, "");
                continue;
            }
            if line.trim_start().starts_with("<gallery") {
                let mut items = vec![];
                for l in lines.by_ref() {
                    if l.trim_start().starts_with("</gallery>") {
                        break;
                    }
                    items.push(l);
                }
                emit(&mut markdown, "");
                emit(&mut markdown, &gallery(&items, &mut unconverted));
                emit(&mut markdown, "");
                continue;
            }
            if let Some(at) = line.find("<pre") {
                // Preformatted text is kept as written, lines and all, up to `</pre>`.
                if !line[at..].contains("</pre>") {
                    emit(&mut markdown, "");
                    emit(&mut markdown, line);
                    for l in lines.by_ref() {
                        emit(&mut markdown, l);
                        if l.contains("</pre>") {
                            break;
                        }
                    }
                    emit(&mut markdown, "");
                    continue;
                }
            }
            emit(&mut markdown, self.lines.get(line, &mut unconverted, convert_line));
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
    let marks = list_marks(t);
    if !marks.is_empty() && !t.starts_with("#REDIRECT") {
        let rest = t[marks.len()..].trim();
        let last = marks.chars().last().unwrap_or(':');
        let outer = &marks[..marks.len() - 1];
        // `*:` / `#:` continue the list item above: a paragraph (or table, or HTML) inside it.
        if last == ':' && !outer.is_empty() && outer.chars().all(|c| matches!(c, '*' | '#')) {
            let indent = " ".repeat(list_column(outer));
            return blocks(rest, &indent, unconverted).unwrap_or_else(|| format!("\n{indent}{}", inline(rest, unconverted)));
        }
        let body = inline(rest, unconverted);
        let indent = " ".repeat(list_column(outer));
        return match last {
            '*' => format!("{indent}- {body}"),
            '#' => format!("{indent}1. {body}"),
            ';' => format!("{indent}**{body}**"),
            _ => format!("{}{body}", "> ".repeat(marks.chars().count())),
        };
    }
    blocks(t, "", unconverted).unwrap_or_else(|| inline(t, unconverted))
}

/// The list marks a line starts with (`*`, `#`, `:`, `;`).
pub(super) fn list_marks(line: &str) -> &str {
    let n = line.bytes().take_while(|c| matches!(c, b'*' | b'#' | b':' | b';')).count();
    &line[..n]
}

/// Where the content of a list item nested as `marks` says starts, in Markdown: each bullet
/// (`- `) takes two columns and each number (`1. `) three.
pub(super) fn list_column(marks: &str) -> usize {
    marks.chars().map(|c| if c == '#' { 3 } else { 2 }).sum()
}

/// HTML elements that make blocks. A line holding one is cut around each such tag, with blank
/// lines between, so that the text between the tags is still read as wikitext (Markdown) — as
/// MediaWiki reads wikitext inside `<li>` or `<td>` — instead of as raw HTML.
const BLOCK_TAGS: [&str; 21] = ["blockquote", "caption", "center", "dd", "div", "dl", "dt", "li", "ol", "p", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "h1", "h2", "h3"];

fn blocks(text: &str, indent: &str, unconverted: &mut Vec<String>) -> Option<String> {
    if !text.contains('<') {
        return None;
    }
    let mut pieces: Vec<String> = vec![];
    let mut copied = 0;
    for (i, _) in text.match_indices('<') {
        if i < copied {
            continue;
        }
        let after = &text[i + 1..];
        let name_from = usize::from(after.starts_with('/'));
        let name: String = after[name_from..].chars().take_while(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase();
        if !BLOCK_TAGS.contains(&name.as_str()) {
            continue;
        }
        let Some(end) = after.find('>') else { continue };
        pieces.push(text[copied..i].to_string());
        pieces.push(format!("\u{0}{}", &text[i..i + 1 + end + 1]));
        copied = i + 1 + end + 1;
    }
    if pieces.is_empty() {
        return None;
    }
    pieces.push(text[copied..].to_string());
    let out: Vec<String> = pieces
        .into_iter()
        .filter_map(|p| match p.strip_prefix('\u{0}') {
            Some(tag) => Some(format!("{indent}{tag}")),
            None => Some(p.trim()).filter(|t| !t.is_empty()).map(|t| format!("{indent}{}", inline(t, unconverted))),
        })
        .collect();
    Some(format!("\n{}\n", out.join("\n\n")))
}

/// Inline markup: bold/italic, links, categories, files, external links, a few HTML tags.
pub fn inline(text: &str, _unconverted: &mut Vec<String>) -> String {
    let text = &escape_markdown(text);
    // Most lines have none of the marks: look for them before searching for strings.
    let mut s = if text.contains("''") { text.replace("'''''", "***").replace("'''", "**").replace("''", "*") } else { text.to_string() };
    if s.contains('<') {
        for (from, to) in [("<nowiki/>", ""), ("<nowiki />", "")] {
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
        // A file's caption may hold links of its own: the link ends at the `]]` that closes it.
        let end = crate::embed::closing(after).unwrap_or(end);
        let inner = &after[..end];
        let target = inner.split('|').next().unwrap_or("").trim();
        if let Some(linked) = target.strip_prefix(':') {
            // `[[:カテゴリ:X]]` links to a category (or a file) instead of filing the page in it.
            let label = inner.split_once('|').map_or(linked, |(_, l)| l).trim();
            match CATEGORY_NS.iter().find_map(|p| linked.strip_prefix(p)) {
                Some(c) => out.push_str(&format!("[{label}](/wiki?category={})", kumiai_platform::text::percent_encode(c.trim()))),
                // `[[:ファイル:x]]` stays a link to the file's page, not the file shown.
                None => match crate::embed::file_of(linked) {
                    Some((name, _)) => out.push_str(&format!("[[:{}|{label}]]", crate::embed::page_title(&name))),
                    None => out.push_str(&format!("[[{}|{label}]]", linked.trim())),
                },
            }
        } else if let Some(c) = CATEGORY_NS.iter().find_map(|p| target.strip_prefix(p)) {
            out.push_str(&format!("[[カテゴリ:{}]]", c.trim()));
        } else if let Some((name, media)) = crate::embed::file_of(target) {
            // Kumiai writes files as MediaWiki does; links inside a caption keep their words.
            let prefix = if media { "メディア:" } else { crate::embed::FILE_PAGE_PREFIX };
            match inner.split_once('|') {
                Some((_, options)) => out.push_str(&format!("[[{prefix}{name}|{}]]", unlink(options))),
                None => out.push_str(&format!("[[{prefix}{name}]]")),
            }
        } else {
            out.push_str(&format!("[[{inner}]]"));
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    external_links(&out)
}

/// `[[a|b]]` → `b`, `[[a]]` → `a`: the words of the links inside a file's caption.
fn unlink(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("[[") {
        out.push_str(&rest[..i]);
        let Some(end) = rest[i + 2..].find("]]") else { break };
        let inner = &rest[i + 2..i + 2 + end];
        out.push_str(inner.rsplit('|').next().unwrap_or(inner).trim_start_matches(':'));
        rest = &rest[i + 2 + end + 2..];
    }
    out.push_str(rest);
    out
}

/// `<gallery>` lines (`ファイル:x.jpg|説明`) → one figure each, in a box of their own.
fn gallery(lines: &[&str], unconverted: &mut Vec<String>) -> String {
    let mut out = String::from("<div class=\"gallery\">\n");
    for l in lines.iter().map(|l| l.trim()).filter(|l| !l.is_empty()) {
        let (name, caption) = l.split_once('|').unwrap_or((l, ""));
        let name = crate::embed::file_of(name).map(|(n, _)| n).unwrap_or_else(|| name.trim().to_string());
        out.push_str(&format!("\n{}\n", inline(&format!("[[ファイル:{name}|thumb|none|{caption}]]"), unconverted)));
    }
    out.push_str("\n</div>");
    out
}

/// Characters that mean something in Markdown but nothing in wikitext (`\`, `` ` ``, `*`, `_`,
/// `~`), escaped so they show as written — except inside `[[…]]`, `[http…]` and HTML tags, where
/// they are part of a title, an address or an attribute.
fn escape_markdown(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(['\\', '`', '*', '_', '~']) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut closing: Option<&str> = None;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if let Some(end) = closing {
            if rest.starts_with(end) {
                out.push_str(end);
                rest = &rest[end.len()..];
                closing = None;
            } else {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
            continue;
        }
        closing = if rest.starts_with("[[") {
            Some("]]")
        } else if rest.starts_with("[http") || rest.starts_with("[mailto:") {
            Some("]")
        } else if c == '<' && rest[1..].starts_with(|n: char| n.is_ascii_alphabetic() || n == '/') {
            Some(">")
        } else {
            None
        };
        if closing.is_none() && matches!(c, '\\' | '`' | '*' | '_' | '~') {
            out.push('\\');
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    std::borrow::Cow::Owned(out)
}

/// `<nowiki>…</nowiki>`: what is inside shows as written. Its markup characters become character
/// references, which neither the rest of the conversion nor Markdown reads as markup.
pub(super) fn nowiki(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("<nowiki>") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("<nowiki>") {
        out.push_str(&rest[..i]);
        let inner = &rest[i + "<nowiki>".len()..];
        let end = inner.find("</nowiki>").unwrap_or(inner.len());
        for c in inner[..end].chars() {
            match c {
                '{' | '}' | '[' | ']' | '<' | '>' | '\'' | '*' | '#' | ':' | ';' | '=' | '|' | '_' | '~' | '`' | '\\' | '&' | '!' => out.push_str(&format!("&#{};", c as u32)),
                c => out.push(c),
            }
        }
        rest = inner.get(end + "</nowiki>".len()..).unwrap_or("");
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
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
            // Not `<…>`: an autolink would keep a backslash escape as part of the address.
            None => out.push_str(&format!("[{inner}]({inner})")),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
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
        assert!(md.contains("[[ファイル:写真.jpg|thumb]]"), "files are written as Kumiai writes them: {md}");
        assert!(md.contains("<table class=\"wikitable\">\n\n<tr>\n\n<th>\n\n年\n\n</th>\n\n<th>\n\n件数\n\n</th>\n\n</tr>"), "{md}");
        assert!(md.contains("[^1]: 2024年の報告"), "{md}");
        assert_eq!(c.unconverted, ["template {{Infobox 労組}}"]);
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

    /// Ours, rendered for a reader who may follow every link.
    fn rendered(md: &str) -> String {
        crate::render::render(md).for_reader(|t| {
            Some(match t {
                crate::render::Target::Page(p) => format!("/wiki/{p}"),
                crate::render::Target::Url(u) => u.clone(),
                crate::render::Target::File(f) => format!("/wiki/file/{f}"),
            })
        })
    }

    #[test]
    fn tables_with_attributes_in_lists_and_nested() {
        let wt = "* 第3回交渉\n*: {| class=\"wikitable\"\n|+ 出席者\n! scope=\"col\" | 組合側 !! 会社側\n|-\n| colspan=\"2\" style=\"text-align:center;\" | 計'''8'''名\n|-\n| [[労働協約|協約]] || 内側:\n{|\n| 入れ子\n|}\n|}\n* 第4回交渉";
        let html = rendered(&convert(wt).markdown);
        let li = html.find("<li>").unwrap();
        let table = html.find("<table class=\"wikitable\">").unwrap();
        let second = html.find("第4回交渉").unwrap();
        assert!(li < table && table < second && html[li..table].contains("第3回交渉") && !html[li..second].contains("</ul>"), "the table is inside the first item: {html}");
        for part in ["<caption>", "<th scope=\"col\">", "<td colspan=\"2\">", "計<strong>8</strong>名", "<a href=\"/wiki/労働協約\"", "入れ子"] {
            assert!(html.contains(part), "{part} in {html}");
        }
        assert_eq!(html.matches("<table").count(), 2, "nested: {html}");
        assert_eq!(html.matches("<div class=\"table-wrap\">").count(), 2);
    }

    #[test]
    fn html_tags_render_and_wikitext_inside_them_too() {
        let wt = "押す：<kbd>Ctrl</kbd>+<kbd>S</kbd><br>次の行\n<ul><li>[[団体交渉]]の'''記録'''</li></ul>\n<pre>\n* 箇条書きではない\n[[リンクでもない]]\n</pre>\n<blockquote>引用</blockquote>";
        let html = rendered(&convert(wt).markdown);
        for part in ["<kbd>Ctrl</kbd>+<kbd>S</kbd><br>次の行", "<a href=\"/wiki/団体交渉\"", "<strong>記録</strong>", "* 箇条書きではない\n[[リンクでもない]]", "<blockquote>"] {
            assert!(html.contains(part), "{part} in {html}");
        }
        assert!(!html.contains("&lt;"), "no tag shows as text: {html}");
    }

    #[test]
    fn markdown_characters_show_as_written() {
        let wt = "<code>\\\\jcm-share\\集計\\2024\\</code> a*b*c `x` ~~y~~ file_name [[a_b]] [http://x.org/a_b]\n<nowiki>{{人数|2}} [[x]] '''z'''</nowiki>";
        let html = rendered(&convert(wt).markdown);
        assert!(html.contains("<code>\\\\jcm-share\\集計\\2024\\</code>"), "{html}");
        assert!(html.contains("a*b*c `x` ~~y~~ file_name"), "{html}");
        assert!(html.contains("href=\"/wiki/a_b\"") && html.contains("href=\"http://x.org/a_b\""), "{html}");
        assert!(html.contains("{{人数|2}} [[x]] '''z'''"), "nowiki: {html}");
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
