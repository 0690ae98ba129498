//! `{| … |}` wikitables as HTML, with their attributes (the sanitiser keeps the safe ones),
//! header cells, captions and nested tables; each cell's text is wikitext on lines of its own,
//! converted like any other text. A table after `*:` sits in that list item.

use super::convert::{Converter, list_column, list_marks};

/// A `{| … |}` table as HTML, with its attributes (the sanitiser keeps the safe ones: class,
/// colspan, rowspan, scope…), header cells, caption and nested tables. Each cell's text is
/// wikitext on lines of its own (see [`blocks`]). A table after `*:` sits in that list item.
pub(super) fn convert_table(table: &str, unconverted: &mut Vec<String>) -> String {
    let marks = list_marks(table);
    let outer = marks.strip_suffix(':').unwrap_or(marks);
    let indent = " ".repeat(if outer.chars().all(|c| matches!(c, '*' | '#')) { list_column(outer) } else { 0 });
    let mut pieces: Vec<Piece> = vec![];
    let mut lines = table[marks.len()..].lines();
    if let Some(first) = lines.next() {
        table_pieces(first, &mut lines, &mut pieces, unconverted);
    }
    let out: Vec<String> = pieces
        .into_iter()
        .filter_map(|p| match p {
            Piece::Tag(t) => Some(format!("{indent}{t}")),
            Piece::Text(t) => {
                let md = Converter::default().convert(&t).markdown;
                let md = md.trim();
                (!md.is_empty()).then(|| md.lines().map(|l| if l.is_empty() { String::new() } else { format!("{indent}{l}") }).collect::<Vec<_>>().join("\n"))
            }
        })
        .collect();
    out.join("\n\n")
}

enum Piece {
    Tag(String),
    /// Wikitext, converted on its own.
    Text(String),
}

/// `class="x" style="y"` as written, for a start tag: only well-formed name="value" pairs.
fn attributes(attrs: &str) -> String {
    let mut out = String::new();
    let mut rest = attrs.trim();
    while let Some(eq) = rest.find('=') {
        let name = rest[..eq].trim();
        let value_part = rest[eq + 1..].trim_start();
        let (value, after) = match value_part.chars().next() {
            Some(q @ ('"' | '\'')) => match value_part[1..].find(q) {
                Some(end) => (&value_part[1..1 + end], &value_part[end + 2..]),
                None => (&value_part[1..], ""),
            },
            _ => {
                let end = value_part.find(char::is_whitespace).unwrap_or(value_part.len());
                (&value_part[..end], &value_part[end..])
            }
        };
        if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            out.push_str(&format!(" {}=\"{}\"", name.to_ascii_lowercase(), value.replace('"', "&quot;")));
        }
        rest = after.trim_start();
    }
    out
}

/// A cell as written (`attrs | text` or `text`): its attributes and its text.
fn cell_parts(c: &str) -> (String, &str) {
    // `[[a|b]]` and `{{x|y}}` hold pipes that do not end attributes.
    match c.find('|') {
        Some(bar) if !c[..bar].contains("[[") && !c[..bar].contains("{{") && c[..bar].contains('=') => (attributes(&c[..bar]), &c[bar + 1..]),
        _ => (String::new(), c),
    }
}

/// Reads table lines up to the matching `|}` into pieces; a `{|` in a cell nests.
fn table_pieces<'a>(first: &str, lines: &mut dyn Iterator<Item = &'a str>, pieces: &mut Vec<Piece>, unconverted: &mut Vec<String>) {
    pieces.push(Piece::Tag(format!("<table{}>", attributes(first.trim_start().trim_start_matches("{|")))));
    // What is open: a row, and a cell (its closing tag) whose text is still being gathered.
    let mut row_open = false;
    let mut cell: Option<(&'static str, String)> = None;
    let close_cell = |pieces: &mut Vec<Piece>, cell: &mut Option<(&'static str, String)>| {
        if let Some((end, text)) = cell.take() {
            pieces.push(Piece::Text(text));
            pieces.push(Piece::Tag(end.to_string()));
        }
    };
    let open_cell = |pieces: &mut Vec<Piece>, cell: &mut Option<(&'static str, String)>, row_open: &mut bool, header: bool, written: &str| {
        close_cell(pieces, cell);
        if !*row_open {
            pieces.push(Piece::Tag("<tr>".into()));
            *row_open = true;
        }
        let (attrs, text) = cell_parts(written);
        let (tag, end) = if header { ("th", "</th>") } else { ("td", "</td>") };
        pieces.push(Piece::Tag(format!("<{tag}{attrs}>")));
        *cell = Some((end, text.trim().to_string()));
    };
    while let Some(l) = lines.next() {
        let t = l.trim_start();
        if t.starts_with("|}") {
            break;
        } else if t.starts_with("{|") {
            // A table inside the current cell: the cell's text so far, the table, then the rest.
            if let Some((_, text)) = cell.as_mut() {
                pieces.push(Piece::Text(std::mem::take(text)));
            }
            table_pieces(t, lines, pieces, unconverted);
        } else if let Some(c) = t.strip_prefix("|+") {
            close_cell(pieces, &mut cell);
            let (attrs, text) = cell_parts(c);
            pieces.extend([Piece::Tag(format!("<caption{attrs}>")), Piece::Text(text.trim().to_string()), Piece::Tag("</caption>".into())]);
        } else if let Some(attrs) = t.strip_prefix("|-") {
            close_cell(pieces, &mut cell);
            if row_open {
                pieces.push(Piece::Tag("</tr>".into()));
            }
            pieces.push(Piece::Tag(format!("<tr{}>", attributes(attrs.trim_start_matches('-')))));
            row_open = true;
        } else if let Some(c) = t.strip_prefix('!') {
            for h in c.split("!!").flat_map(|x| x.split("||")) {
                open_cell(pieces, &mut cell, &mut row_open, true, h);
            }
        } else if let Some(c) = t.strip_prefix('|') {
            for d in split_cells(c) {
                open_cell(pieces, &mut cell, &mut row_open, false, d);
            }
        } else if let Some((_, text)) = cell.as_mut() {
            // A cell's text goes on over several lines.
            text.push('\n');
            text.push_str(l);
        } else if !t.is_empty() {
            unconverted.push(format!("text outside a table cell: {}", t.chars().take(40).collect::<String>()));
            pieces.push(Piece::Text(t.to_string()));
        }
    }
    close_cell(pieces, &mut cell);
    if row_open {
        pieces.push(Piece::Tag("</tr>".into()));
    }
    pieces.push(Piece::Tag("</table>".into()));
}

/// `a || b || c`, leaving `||` inside `[[…]]` and `{{…}}` alone.
fn split_cells(s: &str) -> Vec<&str> {
    let b = s.as_bytes();
    let (mut out, mut from, mut depth, mut i) = (vec![], 0, 0i32, 0);
    while i + 1 < b.len() {
        match &b[i..i + 2] {
            b"[[" | b"{{" => {
                depth += 1;
                i += 2;
            }
            b"]]" | b"}}" => {
                depth = (depth - 1).max(0);
                i += 2;
            }
            b"||" if depth == 0 => {
                out.push(&s[from..i]);
                i += 2;
                from = i;
            }
            _ => i += 1,
        }
    }
    out.push(&s[from..]);
    out
}
