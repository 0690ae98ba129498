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
    while let Some(i) = rest.find("<!--") {
        out.push_str(&rest[..i]);
        rest = rest[i + 4..].find("-->").map(|j| &rest[i + 4 + j + 3..]).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// `convert`, except that a page the converter cannot handle (a bug, met on some real dump) is
/// kept whole as a code block and reported, instead of ending the import.
pub fn convert_or_keep(text: &str) -> Converted {
    std::panic::catch_unwind(|| convert(text)).unwrap_or_else(|_| {
        let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
        let fence = "`".repeat(longest.max(2) + 1);
        Converted {
            markdown: format!("{fence}wikitext\n{text}\n{fence}\n"),
            unconverted: vec!["the whole page, kept as wikitext (converter failure) / 変換に失敗したためページ全体を元の記法のまま保存".into()],
        }
    })
}

pub fn convert(text: &str) -> Converted {
    let mut unconverted = vec![];
    let text = strip_comments(text);
    let (text, refs) = footnotes(&text, &mut unconverted);
    let text = templates(&text, &mut unconverted);
    let mut out: Vec<String> = vec![];
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim();
        if trimmed.starts_with("{|") {
            let mut table = vec![line.to_string()];
            for l in lines.by_ref() {
                table.push(l.to_string());
                if l.trim().starts_with("|}") {
                    break;
                }
            }
            // A blank line first: a Markdown table cannot start inside a paragraph.
            out.push(String::new());
            out.push(convert_table(&table, &mut unconverted));
            continue;
        }
        out.push(convert_line(line, &mut unconverted));
    }
    let mut markdown = out.join("\n");
    for word in ["__TOC__", "__NOTOC__", "__FORCETOC__", "__NOEDITSECTION__"] {
        markdown = markdown.replace(word, "");
    }
    if !refs.is_empty() {
        markdown.push_str("\n\n");
        for (i, r) in refs.iter().enumerate() {
            markdown.push_str(&format!("[^{}]: {}\n", i + 1, inline(r, &mut unconverted)));
        }
    }
    unconverted.sort();
    unconverted.dedup();
    Converted { markdown: markdown.trim_end().to_string() + "\n", unconverted }
}

/// `<ref>…</ref>` and `<ref name="x">…</ref>` / `<ref name="x"/>` become `[^n]`; `<references/>` goes.
fn footnotes(text: &str, _unconverted: &mut Vec<String>) -> (String, Vec<String>) {
    let mut refs: Vec<String> = vec![];
    let mut names: Vec<(String, usize)> = vec![];
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("<ref") {
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
        let body_end = after.find("</ref>").unwrap_or(after.len());
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
    for tag in ["<references/>", "<references />", "<references></references>"] {
        out = out.replace(tag, "");
    }
    (out, refs)
}

/// `{{…}}` (nested, multi-line) become a visible quoted block naming the template.
fn templates(text: &str, unconverted: &mut Vec<String>) -> String {
    let mut out = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '{' && chars.get(i + 1) == Some(&'{') && chars.get(i + 2) != Some(&'{') {
            let mut depth = 0;
            let mut j = i;
            while j + 1 < chars.len() {
                if chars[j] == '{' && chars[j + 1] == '{' {
                    depth += 1;
                    j += 2;
                } else if chars[j] == '}' && chars[j + 1] == '}' {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    j += 1;
                }
            }
            let inner: String = chars[i + 2..j.saturating_sub(2).max(i + 2)].iter().collect();
            let name = inner.split('|').next().unwrap_or("").trim().to_string();
            unconverted.push(format!("template {{{{{name}}}}}"));
            let shown = inner.split_whitespace().collect::<Vec<_>>().join(" ");
            out.push_str(&format!("\n> 〔テンプレート: {shown}〕\n"));
            i = j;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
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
fn convert_table(lines: &[String], unconverted: &mut Vec<String>) -> String {
    let mut rows: Vec<Vec<String>> = vec![];
    let mut current: Vec<String> = vec![];
    let mut caption = None;
    let cell = |c: &str| -> String {
        // "style=…| text" keeps the text.
        let c = if let Some((attrs, text)) = c.split_once('|') { if attrs.contains('=') { text } else { c } } else { c };
        c.trim().replace('|', "\\|")
    };
    for l in lines.iter().skip(1) {
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
