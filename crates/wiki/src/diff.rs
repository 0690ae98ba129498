//! Diffs between revisions that read well for Japanese: lines first, then characters within each
//! changed line (Japanese has no spaces, so a word diff would mark the whole line).

use kumiai_platform::text::unix_newlines;
use similar::{ChangeTag, DiffOp, TextDiff};

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// One changed line pair, with runs of changed characters wrapped in `<del>` / `<ins>`.
fn inline(old: &str, new: &str) -> (String, String) {
    let d = TextDiff::from_chars(old, new);
    let (mut o, mut n) = (String::new(), String::new());
    // Runs of the same tag become one element.
    let mut runs: Vec<(ChangeTag, String)> = vec![];
    for c in d.iter_all_changes() {
        match runs.last_mut() {
            Some((tag, text)) if *tag == c.tag() => text.push_str(c.value()),
            _ => runs.push((c.tag(), c.value().to_string())),
        }
    }
    for (tag, text) in runs {
        let v = esc(&text);
        match tag {
            ChangeTag::Equal => {
                o.push_str(&v);
                n.push_str(&v);
            }
            ChangeTag::Delete => o.push_str(&format!("<del>{v}</del>")),
            ChangeTag::Insert => n.push_str(&format!("<ins>{v}</ins>")),
        }
    }
    (o, n)
}

/// A unified diff as HTML table rows (`<tr class="ctx|del|ins">`), three lines of context.
pub fn diff_html(old: &str, new: &str) -> String {
    // Revisions saved before line breaks were normalised may still hold `\r\n`.
    let (old, new) = (unix_newlines(old), unix_newlines(new));
    let d = TextDiff::from_lines(old.as_ref(), new.as_ref());
    let old_lines: Vec<&str> = d.old_slices().to_vec();
    let new_lines: Vec<&str> = d.new_slices().to_vec();
    let row = |class: &str, mark: &str, o: Option<usize>, n: Option<usize>, html: &str| {
        let num = |x: Option<usize>| x.map(|v| (v + 1).to_string()).unwrap_or_default();
        format!("<tr class=\"{class}\"><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"mark\">{mark}</td><td class=\"line\">{html}</td></tr>\n", num(o), num(n))
    };
    let trim = |s: &str| s.trim_end_matches(['\n', '\r']).to_string();
    let mut out = String::new();
    for (gi, group) in d.grouped_ops(3).iter().enumerate() {
        if gi > 0 {
            out.push_str("<tr class=\"gap\"><td colspan=\"4\">…</td></tr>\n");
        }
        for op in group {
            match *op {
                DiffOp::Equal { old_index, new_index, len } => {
                    for i in 0..len {
                        out.push_str(&row("ctx", "", Some(old_index + i), Some(new_index + i), &esc(&trim(old_lines[old_index + i]))));
                    }
                }
                DiffOp::Delete { old_index, old_len, .. } => {
                    for i in 0..old_len {
                        out.push_str(&row("del", "−", Some(old_index + i), None, &format!("<del>{}</del>", esc(&trim(old_lines[old_index + i])))));
                    }
                }
                DiffOp::Insert { new_index, new_len, .. } => {
                    for i in 0..new_len {
                        out.push_str(&row("ins", "+", None, Some(new_index + i), &format!("<ins>{}</ins>", esc(&trim(new_lines[new_index + i])))));
                    }
                }
                DiffOp::Replace { old_index, old_len, new_index, new_len } => {
                    let pairs = old_len.min(new_len);
                    let mut dels = vec![];
                    let mut inss = vec![];
                    for i in 0..pairs {
                        let (o, n) = inline(&trim(old_lines[old_index + i]), &trim(new_lines[new_index + i]));
                        dels.push(row("del", "−", Some(old_index + i), None, &o));
                        inss.push(row("ins", "+", None, Some(new_index + i), &n));
                    }
                    for i in pairs..old_len {
                        dels.push(row("del", "−", Some(old_index + i), None, &format!("<del>{}</del>", esc(&trim(old_lines[old_index + i])))));
                    }
                    for i in pairs..new_len {
                        inss.push(row("ins", "+", None, Some(new_index + i), &format!("<ins>{}</ins>", esc(&trim(new_lines[new_index + i])))));
                    }
                    out.extend(dels);
                    out.extend(inss);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_changed_characters_within_a_line() {
        let html = diff_html("前文\n団体交渉は決裂した。\n後文\n", "前文\n団体交渉は妥結した。\n後文\n");
        assert!(html.contains("団体交渉は<del>決裂</del>した。"), "{html}");
        assert!(html.contains("団体交渉は<ins>妥結</ins>した。"), "{html}");
        assert!(html.contains("class=\"ctx\""));
        let added = diff_html("a\n", "a\n<b>\n");
        assert!(added.contains("<ins>&lt;b&gt;</ins>"), "escaped: {added}");
    }

    #[test]
    fn line_endings_are_not_changes() {
        // A browser's textarea sends \r\n; the stored text has \n. One word changed: one line.
        let html = diff_html("一行目\n二行目\n三行目\n", "一行目\r\n二行目です\r\n三行目\r\n");
        assert_eq!(html.matches("class=\"del\"").count(), 1, "{html}");
        assert_eq!(html.matches("class=\"ins\"").count(), 1, "{html}");
        assert_eq!(html.matches("class=\"ctx\"").count(), 2, "{html}");
    }
}
