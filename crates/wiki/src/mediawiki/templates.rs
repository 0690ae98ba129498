//! Templates (namespace 10) of the same export, expanded as MediaWiki's preprocessor does for the
//! cases wikis use: named and numbered parameters with defaults (`{{{1|既定}}}`), templates that
//! call templates (up to [`MAX_DEPTH`]), `<noinclude>` / `<includeonly>` / `<onlyinclude>`, the
//! parser functions `#if`, `#ifeq` and `#switch`, and the magic words `PAGENAME`, `!` and `=`.
//! A call that cannot be expanded (an unknown template, another parser function, too deep) stays
//! a readable block and is reported, as before templates were expanded.

use std::collections::HashMap;

/// How deep templates may call templates (MediaWiki's own limit is 40).
pub const MAX_DEPTH: usize = 40;
/// Expanded text per page, beyond which calls are left as written (a loop or a bomb).
const MAX_OUTPUT: usize = 2_000_000;

/// Cloned only if a template arrives while a converter still holds the set (never, in the import:
/// each page's converter is done before the next page is read).
#[derive(Clone, Default)]
pub struct Templates {
    /// By normalised name: the template's text as a call includes it, parsed once.
    by_name: HashMap<String, Vec<Node>>,
}

/// A parsed piece of wikitext: text, a `{{call|…}}` or a `{{{parameter|default}}}`, each with
/// its `|`-separated parts.
#[derive(Clone, Debug)]
enum Node {
    Text(String),
    Call(Vec<Vec<Node>>),
    Param(Vec<Vec<Node>>),
}

/// "Template:情報_業" / "テンプレート:情報 業" / "情報 業" → one key.
fn key(name: &str) -> String {
    let name = name.trim();
    let name = ["Template:", "template:", "テンプレート:", "Tl:"].iter().find_map(|p| name.strip_prefix(p)).unwrap_or(name);
    let name = name.replace('_', " ");
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut chars = name.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// What a call includes of a template's page.
fn included(text: &str) -> String {
    let text = super::convert::strip_comments(text);
    if text.contains("<onlyinclude>") {
        let mut out = String::new();
        for part in text.split("<onlyinclude>").skip(1) {
            out.push_str(part.split("</onlyinclude>").next().unwrap_or(""));
        }
        return out;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find("<noinclude>") {
        out.push_str(&rest[..i]);
        rest = rest[i..].find("</noinclude>").map(|e| &rest[i + e + "</noinclude>".len()..]).unwrap_or("");
    }
    out.push_str(rest);
    out.replace("<includeonly>", "").replace("</includeonly>", "")
}

impl Templates {
    /// Adds a template page by its title (with or without the namespace).
    pub fn add(&mut self, title: &str, text: &str) {
        let body = super::convert::nowiki(&included(text)).into_owned();
        self.by_name.insert(key(title), parse(&body));
    }

    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    /// Whether `text` calls a template this set does not (yet) hold.
    pub fn lacks_any(&self, text: &str) -> bool {
        let mut rest = text;
        while let Some(i) = rest.find("{{") {
            rest = &rest[i + 2..];
            if rest.starts_with('{') {
                rest = rest.trim_start_matches('{');
                continue;
            }
            let end = rest.find(['|', '}', '\n']).unwrap_or(rest.len());
            let name = rest[..end].trim();
            if !name.is_empty() && !name.starts_with('#') && !is_magic(name) && !name.contains("{{") && !self.by_name.contains_key(&key(name)) {
                return true;
            }
        }
        false
    }

    /// `text` with every call it can expand expanded; the calls it cannot are kept as blocks and
    /// named in `unconverted`.
    pub fn expand(&self, text: &str, page: &str, unconverted: &mut Vec<String>) -> String {
        if !text.contains("{{") {
            return text.to_string();
        }
        let mut ctx = Ctx { templates: self, page, unconverted, size: 0 };
        let mut out = String::with_capacity(text.len());
        ctx.eval(&parse(text), None, 0, &mut out);
        out
    }
}

fn is_magic(name: &str) -> bool {
    matches!(name, "!" | "=" | "PAGENAME" | "FULLPAGENAME") || name.split_once(':').is_some_and(|(w, _)| magic_function(w.trim(), "").is_some())
}

/// `{{formatnum:1234567}}`, `{{lc:…}}`, `{{uc:…}}`, and `{{DEFAULTSORT:…}}` (a sort key: no text).
fn magic_function(word: &str, arg: &str) -> Option<String> {
    Some(match word {
        "formatnum" => formatnum(arg),
        "lc" => arg.to_lowercase(),
        "uc" => arg.to_uppercase(),
        "DEFAULTSORT" | "DEFAULTSORTKEY" | "デフォルトソート" => String::new(),
        _ => return None,
    })
}

/// Digits grouped by thousands ("2000000.5" → "2,000,000.5"); anything else as it is.
fn formatnum(s: &str) -> String {
    let (sign, digits) = s.strip_prefix('-').map_or(("", s), |d| ("-", d));
    let (int, frac) = digits.split_once('.').map_or((digits, None), |(i, f)| (i, Some(f)));
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) || frac.is_some_and(|f| !f.bytes().all(|b| b.is_ascii_digit())) {
        return s.to_string();
    }
    let mut out = String::from(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// A call's arguments: numbered from 1, and named.
#[derive(Default)]
struct Args {
    values: HashMap<String, String>,
}

struct Ctx<'a> {
    templates: &'a Templates,
    page: &'a str,
    unconverted: &'a mut Vec<String>,
    size: usize,
}

impl Ctx<'_> {
    fn eval(&mut self, nodes: &[Node], args: Option<&Args>, depth: usize, out: &mut String) {
        for n in nodes {
            match n {
                Node::Text(t) => out.push_str(t),
                Node::Param(parts) => {
                    let name = self.text(&parts[0], args, depth);
                    let name = name.trim();
                    match args.and_then(|a| a.values.get(name)) {
                        Some(v) => out.push_str(v),
                        None if parts.len() > 1 => self.eval(&parts[1], args, depth, out),
                        // Outside a template, or no value and no default: shown as written.
                        None => out.push_str(&format!("{{{{{{{name}}}}}}}")),
                    }
                }
                Node::Call(parts) => self.call(parts, args, depth, out),
            }
        }
    }

    fn text(&mut self, nodes: &[Node], args: Option<&Args>, depth: usize) -> String {
        let mut s = String::new();
        self.eval(nodes, args, depth, &mut s);
        s
    }

    fn call(&mut self, parts: &[Vec<Node>], args: Option<&Args>, depth: usize, out: &mut String) {
        let head = self.text(&parts[0], args, depth);
        let name = head.trim();
        if let Some((function, first)) = name.strip_prefix('#').and_then(|f| f.split_once(':')) {
            if let Some(v) = self.function(function.trim(), first, &parts[1..], args, depth) {
                out.push_str(&v);
                return;
            }
        } else {
            if let Some((word, arg)) = name.split_once(':')
                && let Some(v) = magic_function(word.trim(), arg.trim())
            {
                return out.push_str(&v);
            }
            match name {
                "!" => return out.push('|'),
                "=" => return out.push('='),
                "PAGENAME" | "FULLPAGENAME" => return out.push_str(self.page),
                _ => {}
            }
            if let Some(body) = self.templates.by_name.get(&key(name))
                && depth < MAX_DEPTH
                && self.size < MAX_OUTPUT
            {
                let mut call_args = Args::default();
                let mut n = 0;
                for p in &parts[1..] {
                    let v = self.text(p, args, depth);
                    // `name=value` (named, trimmed) or a numbered value (kept as written).
                    match v.split_once('=') {
                        Some((k, val)) if !k.contains(['{', '[', '<']) && !k.trim().is_empty() => {
                            call_args.values.insert(k.trim().to_string(), val.trim().to_string());
                        }
                        _ => {
                            n += 1;
                            call_args.values.insert(n.to_string(), v);
                        }
                    }
                }
                let mut expanded = String::new();
                self.eval(body, Some(&call_args), depth + 1, &mut expanded);
                self.size += expanded.len();
                // A table or list a template starts with begins a line, as in MediaWiki.
                let block = expanded.starts_with("{|") || expanded.starts_with(['*', '#', ':', ';']);
                if block && !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                out.push_str(&expanded);
                return;
            }
        }
        // Not expandable: a readable block naming the call, as before.
        let written = self.written(parts, args, depth);
        let shown = written.split_whitespace().collect::<Vec<_>>().join(" ");
        let label = name.split(':').next().unwrap_or(name).trim();
        let what = if depth >= MAX_DEPTH || self.size >= MAX_OUTPUT {
            format!("template {{{{{label}}}}} (too deep or too large / 展開が深すぎるか大きすぎる)")
        } else if name.starts_with('#') {
            format!("parser function {{{{{label}}}}}")
        } else {
            format!("template {{{{{label}}}}}")
        };
        self.unconverted.push(what);
        out.push_str(&format!("\n> 〔テンプレート: {shown}〕\n"));
    }

    /// The call as written, with its parameters resolved but the calls inside it not expanded.
    fn written(&mut self, parts: &[Vec<Node>], args: Option<&Args>, depth: usize) -> String {
        parts.iter().map(|p| self.source(p, args, depth)).collect::<Vec<_>>().join("|")
    }

    fn source(&mut self, nodes: &[Node], args: Option<&Args>, depth: usize) -> String {
        let mut s = String::new();
        for n in nodes {
            match n {
                Node::Text(t) => s.push_str(t),
                Node::Param(_) => self.eval(std::slice::from_ref(n), args, depth, &mut s),
                Node::Call(parts) => {
                    s.push_str("{{");
                    s.push_str(&self.written(parts, args, depth));
                    s.push_str("}}");
                }
            }
        }
        s
    }

    /// `#if`, `#ifeq`, `#switch`; None for the others. Only the branch taken is expanded.
    fn function(&mut self, function: &str, first: &str, rest: &[Vec<Node>], args: Option<&Args>, depth: usize) -> Option<String> {
        let branch = |i: usize, this: &mut Self| rest.get(i).map(|p| this.text(p, args, depth).trim().to_string()).unwrap_or_default();
        match function {
            "if" => Some(if !first.trim().is_empty() { branch(0, self) } else { branch(1, self) }),
            "ifeq" => {
                let a = first.trim().to_string();
                let b = rest.first().map(|p| self.text(p, args, depth).trim().to_string()).unwrap_or_default();
                let same = match (a.parse::<f64>(), b.parse::<f64>()) {
                    (Ok(x), Ok(y)) => x == y,
                    _ => a == b,
                };
                Some(if same { branch(1, self) } else { branch(2, self) })
            }
            "switch" => {
                let value = first.trim().to_string();
                let mut matched = false;
                let mut default = None;
                for (i, p) in rest.iter().enumerate() {
                    let case = self.text(p, args, depth);
                    match case.split_once('=') {
                        Some((k, v)) => {
                            let k = k.trim();
                            if matched || k == value {
                                return Some(v.trim().to_string());
                            }
                            if k == "#default" {
                                default = Some(v.trim().to_string());
                            }
                        }
                        None => {
                            // A case without a value falls through to the next with one; the last
                            // one, alone, is the default.
                            if case.trim() == value {
                                matched = true;
                            } else if i == rest.len() - 1 {
                                default = Some(case.trim().to_string());
                            }
                        }
                    }
                }
                Some(default.unwrap_or_default())
            }
            _ => None,
        }
    }
}

/// Parses wikitext into text, calls and parameters. An unclosed `{{` or `{{{` is text.
fn parse(s: &str) -> Vec<Node> {
    let mut p = Parser { s, i: 0 };
    p.nodes(Stop::End).0
}

#[derive(Clone, Copy, PartialEq)]
enum Stop {
    End,
    /// In a call's part: `|` or `}}`.
    Call,
    /// In a parameter's part: `|` or `}}}`.
    Param,
}

struct Parser<'a> {
    s: &'a str,
    i: usize,
}

impl Parser<'_> {
    /// Nodes up to a stop (not consumed); returns whether it stopped at `|`, at the closing
    /// braces, or at the end of the text.
    fn nodes(&mut self, stop: Stop) -> (Vec<Node>, Option<&'static str>) {
        let mut out = vec![];
        let mut text = String::new();
        let mut links = 0usize;
        while self.i < self.s.len() {
            let rest = &self.s[self.i..];
            // Runs of plain text go over whole (the marks are ASCII, so a cut there is a char
            // boundary): a history's megabytes of text are copied, not walked char by char.
            // Outside any call only `{{` means something: the rest is found by memchr.
            let plain = if stop == Stop::End {
                memchr::memchr(b'{', rest.as_bytes())
            } else {
                rest.bytes().position(|b| matches!(b, b'{' | b'}' | b'|' | b'[' | b']'))
            }
            .unwrap_or(rest.len());
            if plain > 0 {
                text.push_str(&rest[..plain]);
                self.i += plain;
                continue;
            }
            if stop == Stop::Param && rest.starts_with("}}}") {
                flush(&mut text, &mut out);
                return (out, Some("}}}"));
            }
            if stop == Stop::Call && rest.starts_with("}}") {
                flush(&mut text, &mut out);
                return (out, Some("}}"));
            }
            if stop != Stop::End && links == 0 && rest.starts_with('|') {
                flush(&mut text, &mut out);
                return (out, Some("|"));
            }
            if rest.starts_with("[[") {
                links += 1;
            } else if rest.starts_with("]]") && links > 0 {
                links -= 1;
            }
            if rest.starts_with("{{{")
                && let Some(parts) = self.group(3, Stop::Param)
            {
                flush(&mut text, &mut out);
                out.push(Node::Param(parts));
                continue;
            }
            if rest.starts_with("{{")
                && let Some(parts) = self.group(2, Stop::Call)
            {
                flush(&mut text, &mut out);
                out.push(Node::Call(parts));
                continue;
            }
            let c = rest.chars().next().unwrap_or(' ');
            text.push(c);
            self.i += c.len_utf8();
        }
        flush(&mut text, &mut out);
        (out, None)
    }

    /// The `|`-separated parts of a `{{…}}` or `{{{…}}}` starting here, or None (position kept)
    /// when it is not closed.
    fn group(&mut self, open: usize, stop: Stop) -> Option<Vec<Vec<Node>>> {
        let start = self.i;
        self.i += open;
        let mut parts = vec![];
        loop {
            let (nodes, ended) = self.nodes(stop);
            parts.push(nodes);
            match ended {
                Some("|") => self.i += 1,
                Some(close) => {
                    self.i += close.len();
                    return Some(parts);
                }
                None => {
                    self.i = start;
                    return None;
                }
            }
        }
    }
}

fn flush(text: &mut String, out: &mut Vec<Node>) {
    if !text.is_empty() {
        out.push(Node::Text(std::mem::take(text)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(pages: &[(&str, &str)]) -> Templates {
        let mut t = Templates::default();
        for (title, text) in pages {
            t.add(title, text);
        }
        t
    }

    fn expand(t: &Templates, text: &str) -> (String, Vec<String>) {
        let mut missed = vec![];
        let out = t.expand(text, "春季生活闘争", &mut missed);
        (out, missed)
    }

    #[test]
    fn parameters_defaults_and_nesting() {
        let t = set(&[
            ("テンプレート:人数", "{{{1}}}人<includeonly>{{#if:{{{時点|}}}|（{{注記|{{{時点}}}時点}}）}}</includeonly><noinclude>説明文</noinclude>"),
            ("Template:注記", "<small>{{{1|注記なし}}}</small>"),
            ("テンプレート:キー", "<kbd>{{{1}}}</kbd>"),
        ]);
        assert_eq!(expand(&t, "{{人数|2000000|時点=2024年}}").0, "2000000人（<small>2024年時点</small>）");
        assert_eq!(expand(&t, "{{人数|5}}").0, "5人");
        assert_eq!(expand(&t, "{{注記}}と{{キー|Ctrl}}+{{template:キー|S}}").0, "<small>注記なし</small>と<kbd>Ctrl</kbd>+<kbd>S</kbd>");
        assert_eq!(expand(&t, "{{PAGENAME}}の{{{外}}}").0, "春季生活闘争の{{{外}}}");
        let (out, missed) = expand(&t, "前{{ない|x}}後");
        assert_eq!((out.as_str(), missed), ("前\n> 〔テンプレート: ない|x〕\n後", vec!["template {{ない}}".to_string()]));
        assert!(t.lacks_any("{{人数|1}} {{ない}}") && !t.lacks_any("{{人数|1}} {{#if:x|y}} {{{1}}}"));
    }

    #[test]
    fn parser_functions() {
        let t = set(&[
            ("テンプレート:産別", "{{#switch:{{{1}}}|JAM=ものづくり産業労働組合|基幹労連|基幹=日本基幹産業労働組合連合会|#default=不明}}"),
            ("テンプレート:比較", "{{#ifeq:{{{1}}}|{{{2}}}|同じ|違う}}"),
        ]);
        assert_eq!(expand(&t, "{{産別|JAM}}").0, "ものづくり産業労働組合");
        assert_eq!(expand(&t, "{{産別|基幹労連}}").0, "日本基幹産業労働組合連合会", "falls through");
        assert_eq!(expand(&t, "{{産別|X}}").0, "不明");
        assert_eq!(expand(&t, "{{比較|10|10.0}} {{比較|a|b}}").0, "同じ 違う");
        assert_eq!(expand(&t, "{{#if: |空|空でない}}").0, "空でない");
        assert_eq!(expand(&t, "{{formatnum:2000000}}人 {{formatnum:-1234.50}} {{formatnum:約3}}{{DEFAULTSORT:きんぞく}}").0, "2,000,000人 -1,234.50 約3");
        let (_, missed) = expand(&t, "{{#expr: 1+1}}");
        assert_eq!(missed, ["parser function {{#expr}}"]);
    }

    #[test]
    fn a_template_that_calls_itself_stops() {
        let t = set(&[("テンプレート:輪", "a{{輪}}")]);
        let (out, missed) = expand(&t, "{{輪}}");
        assert_eq!(out.matches('a').count(), MAX_DEPTH);
        assert!(missed[0].contains("too deep"), "{missed:?}");
    }

    #[test]
    fn tables_from_templates_start_a_line_and_pipes_in_links_stay() {
        let t = set(&[("Template:Infobox", "{| class=\"infobox\"\n! 名称\n| {{{名称}}}\n|}"), ("テンプレート:リンク", "[[{{{1}}}|{{{2}}}]]")]);
        assert_eq!(expand(&t, "本文{{Infobox|名称=[[金属労協|JCM]]}}").0, "本文\n{| class=\"infobox\"\n! 名称\n| [[金属労協|JCM]]\n|}");
        assert_eq!(expand(&t, "{{リンク|労働協約|協約}}").0, "[[労働協約|協約]]");
    }
}
