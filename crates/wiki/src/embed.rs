//! Files shown in a page's text, written as MediaWiki writes them: `[[ファイル:写真.jpg|thumb|説明]]`
//! embeds the file (a figure with its caption when `thumb`/`frame`), `[[メディア:方針.pdf|資料]]`
//! links straight to the file, `[[:ファイル:方針.pdf]]` links to the file's page. A file is the
//! newest attachment of the page `ファイル:名前`, so it has that page's reach: the rendered HTML
//! holds placeholders (`#~file~N`), and each view shows the file only if its reader may see that
//! page, or else the file's name as text.

use kumiai_platform::text::{escape_html, percent_encode};

/// The title prefix of a file's page (`ファイル:写真.jpg`), whatever the wiki's language.
pub const FILE_PAGE_PREFIX: &str = "ファイル:";
const FILE_PREFIXES: [&str; 6] = ["ファイル:", "File:", "画像:", "Image:", "file:", "image:"];
const MEDIA_PREFIXES: [&str; 3] = ["メディア:", "Media:", "media:"];
/// The placeholder of a file's own address (the page's address uses the link placeholder).
pub(crate) const FILE_MARK: &str = "#~file~";
/// MediaWiki's default thumbnail width.
const THUMB_WIDTH: u32 = 220;

/// A file the text names: embedded (`ファイル:`) or linked (`メディア:`).
pub fn file_of(url: &str) -> Option<(String, bool)> {
    let url = url.trim();
    let (name, media) = match FILE_PREFIXES.iter().find_map(|p| url.strip_prefix(p)) {
        Some(n) => (n, false),
        None => (MEDIA_PREFIXES.iter().find_map(|p| url.strip_prefix(p))?, true),
    };
    let name = name.trim().replace('_', " ");
    (!name.is_empty()).then_some((name, media))
}

/// Marks a lifted file link: `[[\u{E000}3]]` is the fourth file link of the text.
const LIFTED: char = '\u{E000}';

/// Takes the file links (`[[ファイル:…|…]]`, captions with links and markup included) out of a
/// Markdown text, leaving `[[\u{E000}n]]` in their place: a Markdown wikilink holds one `|` and
/// no markup. Returns the text and the links' insides.
pub(crate) fn lift(md: &str) -> (std::borrow::Cow<'_, str>, Vec<String>) {
    if !md.contains("[[") || !(FILE_PREFIXES.iter().chain(&MEDIA_PREFIXES).any(|p| md.contains(p))) {
        return (std::borrow::Cow::Borrowed(md), vec![]);
    }
    let mut out = String::with_capacity(md.len());
    let mut lifted = vec![];
    let mut rest = md;
    while let Some(i) = rest.find("[[") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let target_end = after.find(['|', ']', '\n']).unwrap_or(after.len());
        match (file_of(&after[..target_end]), closing(after)) {
            (Some(_), Some(end)) => {
                out.push_str(&format!("[[{LIFTED}{}]]", lifted.len()));
                lifted.push(after[..end].to_string());
                rest = &after[end + 2..];
            }
            _ => {
                out.push_str("[[");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    (std::borrow::Cow::Owned(out), lifted)
}

/// Where the `]]` that closes a link opened just before `text` is (links inside count), within
/// the line.
pub(crate) fn closing(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let b = text.as_bytes();
    let mut i = 0;
    while i + 1 < b.len() && b[i] != b'\n' {
        match &b[i..i + 2] {
            b"[[" => {
                depth += 1;
                i += 2;
            }
            b"]]" if depth == 0 => return Some(i),
            b"]]" => {
                depth -= 1;
                i += 2;
            }
            _ => i += 1,
        }
    }
    None
}

/// A lifted link's target and options (`ファイル:x.jpg`, `thumb|説明`), if `url` is one.
pub(crate) fn lifted<'a>(url: &str, lifted: &'a [String]) -> Option<(&'a str, &'a str)> {
    let n: usize = url.strip_prefix(LIFTED)?.parse().ok()?;
    let inner = lifted.get(n)?;
    Some(inner.split_once('|').unwrap_or((inner.as_str(), "")))
}

/// Puts back, as written, the lifted links Markdown did not read as links (in code).
pub(crate) fn unlift(html: String, lifted: &[String]) -> String {
    if lifted.is_empty() || !html.contains(LIFTED) {
        return html;
    }
    let mut out = html;
    for (n, inner) in lifted.iter().enumerate().rev() {
        out = out.replace(&format!("[[{LIFTED}{n}]]"), &format!("[[{}]]", escape_html(inner)));
    }
    out
}

/// The title of a file's page.
pub fn page_title(name: &str) -> String {
    format!("{FILE_PAGE_PREFIX}{name}")
}

/// The address a file is served from (after its page's reach check).
pub fn file_url(name: &str) -> String {
    format!("/wiki/file/{}", percent_encode(name))
}

/// The files a Kumiai text shows or links to (`[[ファイル:…]]`, `[[メディア:…]]`), by a plain
/// scan: an import asks this of every page.
pub fn names_in(md: &str) -> Vec<String> {
    let mut out = vec![];
    for (i, _) in md.match_indices("[[") {
        let rest = &md[i + 2..];
        let end = rest.find(['|', ']']).unwrap_or(rest.len());
        if let Some((name, _)) = file_of(&rest[..end]) {
            out.push(name);
        }
    }
    out.sort();
    out.dedup();
    out
}

fn is_image(name: &str) -> bool {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    matches!(ext.as_str(), "png" | "jpg" | "jpeg" | "gif" | "webp")
}

/// How a file is shown: MediaWiki's options after the name (`thumb|right|200px|説明`).
#[derive(Debug, Default, PartialEq)]
struct Shown {
    framed: bool,
    align: Option<&'static str>,
    width: Option<u32>,
    alt: Option<String>,
    caption: String,
}

fn shown(options: &str) -> Shown {
    let mut s = Shown::default();
    let mut upright = None;
    for part in options.split('|').map(str::trim) {
        let px = part.strip_suffix("px").map(|w| w.split('x').next().unwrap_or("")).and_then(|w| w.trim().parse::<u32>().ok());
        match part {
            "thumb" | "thumbnail" | "frame" | "framed" | "サムネイル" | "サムネ" | "フレーム" => s.framed = true,
            "right" | "右" => s.align = Some("right"),
            "left" | "左" => s.align = Some("left"),
            "center" | "centre" | "中央" => s.align = Some("center"),
            "none" | "なし" => s.align = Some("none"),
            "frameless" | "border" | "境界" => {}
            "upright" => upright = Some(0.75),
            _ if px.is_some() => s.width = px.map(|w| w.min(2000)),
            _ if part.starts_with("upright=") => upright = part["upright=".len()..].trim().parse::<f64>().ok().filter(|f| *f > 0.0 && *f < 10.0),
            _ if part.starts_with("alt=") => s.alt = Some(part["alt=".len()..].to_string()),
            _ if ["link=", "page=", "class=", "lang="].iter().any(|k| part.starts_with(k)) => {}
            _ => s.caption = part.to_string(),
        }
    }
    if let (None, Some(f)) = (s.width, upright) {
        s.width = Some(((THUMB_WIDTH as f64 * f / 10.0).round() * 10.0) as u32);
    }
    if s.framed && s.width.is_none() {
        s.width = Some(THUMB_WIDTH);
    }
    if s.framed && s.align.is_none() {
        s.align = Some("right");
    }
    s
}

/// The HTML of file link number `n` (`label` is what follows the name, as written). `caption`
/// renders a caption's own markup. The result is block-level when `.1` is true (a figure).
pub(crate) fn html(n: usize, name: &str, media: bool, label: &str, caption: impl Fn(&str) -> String) -> (String, bool) {
    let link = format!("{}{n}", crate::render::MARK);
    let file = format!("{FILE_MARK}{n}");
    if media {
        let words = if label.trim().is_empty() { name } else { label.trim() };
        return (format!("<a href=\"{file}\" class=\"media\">{}</a>", escape_html(words)), false);
    }
    let s = shown(label);
    let text = if s.caption.is_empty() { name.to_string() } else { s.caption.clone() };
    let alt = escape_html(s.alt.as_deref().unwrap_or(&text));
    let width = s.width.map(|w| format!(" width=\"{w}\"")).unwrap_or_default();
    let inner = if is_image(name) {
        format!("<a href=\"{link}\"><img src=\"{file}\" alt=\"{alt}\"{width} loading=\"lazy\"></a>")
    } else {
        format!("<a href=\"{file}\" class=\"media\">{}</a>", escape_html(name))
    };
    if !s.framed {
        let class = s.align.map(|a| format!(" class=\"float-{a}\"")).unwrap_or_default();
        return (format!("<span{class}>{inner}</span>"), false);
    }
    let caption = if s.caption.is_empty() { String::new() } else { format!("<figcaption>{}</figcaption>", caption(&s.caption)) };
    (format!("<figure class=\"thumb float-{}\">{inner}{caption}</figure>", s.align.unwrap_or("right")), true)
}

/// Fills in the file placeholders of `html` for one reader: `urls[n]` is the address of file
/// link `n`'s page if the reader may see it (and it has a file), else None. A file they may not
/// see shows as its name, like a missing one.
pub(crate) fn resolve(html: &str, names: &[Option<&str>], urls: &[Option<String>]) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(FILE_MARK) {
        let tag_start = rest[..at].rfind('<').unwrap_or(at);
        let after = &rest[at + FILE_MARK.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let n: usize = after[..digits].parse().unwrap_or(usize::MAX);
        let name = names.get(n).copied().flatten();
        let found = urls.get(n).cloned().flatten().is_some();
        let tag_end = after.find('>').map(|i| i + 1).unwrap_or(after.len());
        match (name, found) {
            (Some(name), true) => {
                out.push_str(&rest[..at]);
                out.push_str(&escape_html(&file_url(name)));
                rest = &after[digits..];
            }
            (name, _) => {
                out.push_str(&rest[..tag_start]);
                let missing = format!("<span class=\"missing-file\">〔{}{}〕</span>", FILE_PAGE_PREFIX, escape_html(name.unwrap_or("")));
                if rest[tag_start..].starts_with("<img") {
                    out.push_str(&missing);
                    rest = &after[tag_end..];
                } else {
                    // A link to the file: keep its words.
                    let inner = &after[tag_end..];
                    let close = inner.find("</a>").unwrap_or(inner.len());
                    out.push_str(&inner[..close]);
                    rest = inner.get(close + 4..).unwrap_or("");
                }
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_mediawikis_image_options() {
        assert_eq!(file_of("File:賃上げ_推移.png"), Some(("賃上げ 推移.png".into(), false)));
        assert_eq!(file_of("メディア:方針.pdf"), Some(("方針.pdf".into(), true)));
        assert_eq!(file_of("金属労協"), None);
        let (md, inner) = lift("a [[ファイル:x.jpg|thumb|[[金属労協]]の**集会**]] b `[[File:y.png|a|b]]` [[金属労協]]");
        assert_eq!(md, format!("a [[{LIFTED}0]] b `[[{LIFTED}1]]` [[金属労協]]"));
        assert_eq!(inner, ["ファイル:x.jpg|thumb|[[金属労協]]の**集会**", "File:y.png|a|b"]);
        assert_eq!(lifted(&format!("{LIFTED}0"), &inner), Some(("ファイル:x.jpg", "thumb|[[金属労協]]の**集会**")));
        assert_eq!(unlift(format!("<code>[[{LIFTED}1]]</code>"), &inner), "<code>[[File:y.png|a|b]]</code>");
        assert_eq!(names_in("[[ファイル:b.png|thumb|[[x]]]] [[金属労協]] [[:ファイル:c.pdf]] [[メディア:a.pdf|資料]]"), ["a.pdf", "b.png"]);
        let s = shown("thumb|left|説明の文");
        assert_eq!((s.framed, s.align, s.width, s.caption.as_str()), (true, Some("left"), Some(220), "説明の文"));
        assert_eq!(shown("200px|ロゴ").width, Some(200));
        assert_eq!(shown("thumb|upright=0.8|x").width, Some(180));
        assert_eq!(shown("x120px|a").width, None, "a height only leaves the width to the file");
        assert_eq!(shown("999999999999px").width, None, "too large to read is not a width");
        assert_eq!(shown("thumb").align, Some("right"), "a thumbnail floats right by default");
    }

    #[test]
    fn a_file_shows_only_when_its_page_may_be_seen() {
        let (figure, block) = html(0, "写真.jpg", false, "thumb|集会の<b>様子</b>", |c| c.to_string());
        assert!(block && figure.contains("<figcaption>集会の<b>様子</b></figcaption>"), "{figure}");
        let (pdf, _) = html(1, "方針.pdf", true, "資料", |c| c.to_string());
        let text = format!("{figure}{pdf}");
        let names = [Some("写真.jpg"), Some("方針.pdf")];
        let seen = resolve(&text, &names, &[Some("/wiki/page/3".into()), Some("/wiki/page/4".into())]);
        assert!(seen.contains("src=\"/wiki/file/%E5%86%99%E7%9C%9F.jpg\"") && seen.contains("href=\"/wiki/file/%E6%96%B9%E9%87%9D.pdf\""), "{seen}");
        let hidden = resolve(&text, &names, &[None, None]);
        assert!(!hidden.contains("<img") && !hidden.contains("/wiki/file/") && !hidden.contains(FILE_MARK), "{hidden}");
        assert!(hidden.contains("〔ファイル:写真.jpg〕") && hidden.contains("資料"), "the names stay as text: {hidden}");
    }
}
