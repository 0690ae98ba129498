//! Markdown to HTML for pages: CommonMark with tables, footnotes, strikethrough and autolinks,
//! emphasis that works around Japanese punctuation (`**「強調」**した`), `[[page links]]` and
//! `[[カテゴリ:…]]` categories, heading anchors for the table of contents. Links are resolved for
//! the reader: a page they may not see becomes plain text. The result is sanitised.

use comrak::nodes::{NodeLink, NodeValue};
use comrak::{Arena, Options, parse_document};

pub struct Rendered {
    pub html: String,
    /// (level, text, anchor id)
    pub toc: Vec<(u8, String, String)>,
    pub categories: Vec<String>,
}

const CATEGORY_PREFIXES: [&str; 4] = ["カテゴリ:", "カテゴリー:", "Category:", "分類:"];

fn options() -> Options<'static> {
    let mut o = Options::default();
    o.extension.table = true;
    o.extension.footnotes = true;
    o.extension.strikethrough = true;
    o.extension.autolink = true;
    o.extension.wikilinks_title_after_pipe = true;
    o.extension.cjk_friendly_emphasis = true;
    o.extension.header_id_prefix = Some("h-".into());
    // Raw HTML is shown as text, never interpreted.
    o.render.escape = true;
    o
}

fn category_of(title: &str) -> Option<String> {
    CATEGORY_PREFIXES.iter().find_map(|p| title.strip_prefix(p)).map(|c| c.trim().to_string()).filter(|c| !c.is_empty())
}

/// The page titles and categories a text refers to (for "what links here" and category lists).
pub fn references(md: &str) -> (Vec<String>, Vec<String>) {
    let arena = Arena::new();
    let root = parse_document(&arena, md, &options());
    let (mut links, mut cats) = (vec![], vec![]);
    for node in root.descendants() {
        if let NodeValue::WikiLink(link) = &node.data().value {
            match category_of(&link.url) {
                Some(c) => cats.push(c),
                None => links.push(link.url.trim().to_string()),
            }
        }
    }
    links.sort();
    links.dedup();
    cats.sort();
    cats.dedup();
    (links, cats)
}

/// The targets of ordinary Markdown links (`[text](/wiki/page/5)`), which the page checks
/// against the reader's reach like `[[links]]`.
pub fn explicit_urls(md: &str) -> Vec<String> {
    let arena = Arena::new();
    let root = parse_document(&arena, md, &options());
    let mut urls: Vec<String> = root
        .descendants()
        .filter_map(|n| match &n.data().value {
            NodeValue::Link(l) => Some(l.url.clone()),
            _ => None,
        })
        .collect();
    urls.sort();
    urls.dedup();
    urls
}

/// Keeps a node's words and drops the node (a link the reader may not follow).
fn unwrap<'a>(node: &'a comrak::nodes::AstNode<'a>) {
    for child in node.children().collect::<Vec<_>>() {
        node.insert_before(child);
    }
    node.detach();
}

fn text_of<'a>(node: &'a comrak::nodes::AstNode<'a>) -> String {
    let mut s = String::new();
    for d in node.descendants() {
        match &d.data().value {
            NodeValue::Text(t) => s.push_str(t),
            NodeValue::Code(c) => s.push_str(&c.literal),
            _ => {}
        }
    }
    s
}

/// Renders `md`. `resolve` maps a linked title to a URL when the reader may see that page;
/// `new_page` (for editors) gives a URL to create a missing one; `keep_link` says whether an
/// ordinary link may stay a link (one to a record the reader may not see becomes plain text).
pub fn render(md: &str, resolve: &dyn Fn(&str) -> Option<String>, new_page: Option<&dyn Fn(&str) -> String>, keep_link: &dyn Fn(&str) -> bool) -> Rendered {
    let arena = Arena::new();
    let opts = options();
    let root = parse_document(&arena, md, &opts);
    let mut categories = vec![];
    let mut toc = vec![];
    let mut anchorizer = comrak::Anchorizer::new();
    let nodes: Vec<_> = root.descendants().collect();
    for node in nodes {
        let value = node.data().value.clone();
        match value {
            NodeValue::WikiLink(link) => {
                if let Some(c) = category_of(&link.url) {
                    categories.push(c);
                    node.detach();
                    continue;
                }
                let title = link.url.trim().to_string();
                let url = resolve(&title).or_else(|| new_page.map(|f| f(&title)));
                match url {
                    Some(url) => node.data_mut().value = NodeValue::Link(Box::new(NodeLink { url, title: String::new() })),
                    // Not visible (or not there): keep the words, drop the link.
                    None => unwrap(node),
                }
            }
            NodeValue::Link(link) if !keep_link(&link.url) => unwrap(node),
            NodeValue::Heading(h) => {
                let text = text_of(node);
                toc.push((h.level, text.clone(), format!("h-{}", anchorizer.anchorize(&text))));
            }
            _ => {}
        }
    }
    let mut html = String::new();
    let _ = comrak::format_html(root, &opts, &mut html);
    categories.sort();
    categories.dedup();
    Rendered { html: sanitize(&html), toc, categories }
}

/// The allow-list every rendered page passes through, whatever produced the HTML.
pub fn sanitize(html: &str) -> String {
    ammonia::Builder::default()
        .add_generic_attributes(["id", "class", "aria-label", "data-footnote-ref", "data-footnotes", "data-footnote-backref"])
        .add_tags(["section"])
        .link_rel(Some("noopener noreferrer"))
        .clean(html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visible(t: &str) -> Option<String> {
        (t == "TEAM").then(|| "/wiki/page/1".into())
    }

    #[test]
    fn japanese_emphasis_tables_footnotes() {
        let r = render("**「強調」**した\n\n| 年 | 件数 |\n|---|---|\n| 2025 | 3 |\n\n脚注[^1]\n\n[^1]: 出典\n", &visible, None, &|_| true);
        assert!(r.html.contains("<strong>「強調」</strong>した"), "{}", r.html);
        assert!(r.html.contains("<table>") && r.html.contains("<td>2025</td>"));
        assert!(r.html.contains("出典") && r.html.contains("footnote"), "{}", r.html);
    }

    #[test]
    fn links_resolve_only_to_visible_pages() {
        let r = render("[[TEAM]] と [[秘密の交渉|交渉の記録]] [[カテゴリ:タイ]] [直接](/wiki/page/9) [外部](https://example.org/)", &visible, None, &|u: &str| !u.starts_with("/wiki/page/9"));
        assert!(r.html.contains("<a href=\"/wiki/page/1\""), "{}", r.html);
        assert!(r.html.contains("交渉の記録") && !r.html.contains("秘密の交渉"), "the hidden title does not leak: {}", r.html);
        assert_eq!(r.categories, ["タイ"]);
        assert!(r.html.contains("直接") && !r.html.contains("/wiki/page/9"), "an ordinary link to a hidden page is plain text: {}", r.html);
        assert!(r.html.contains("https://example.org/"));
        assert_eq!(explicit_urls("[a](/wiki/page/9) [b](/wiki/page/9) [[T]]"), ["/wiki/page/9"]);
        let editor = render("[[新しいページ]]", &visible, Some(&|t: &str| format!("/wiki/new?title={t}")), &|_| true);
        assert!(editor.html.contains("/wiki/new?title="));
        assert_eq!(references("[[A]] [[B|b]] [[A]] [[Category:X]]"), (vec!["A".into(), "B".into()], vec!["X".into()]));
    }

    #[test]
    fn toc_and_sanitising() {
        let r = render("# 概要\n\n## 経緯\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))", &visible, None, &|_| true);
        assert_eq!(r.toc.iter().map(|t| (t.0, t.1.as_str())).collect::<Vec<_>>(), [(1, "概要"), (2, "経緯")]);
        assert!(r.html.contains(&format!("id=\"{}\"", r.toc[1].2)), "{}", r.html);
        assert!(!r.html.contains("<script") && !r.html.contains("javascript:"), "{}", r.html);
        assert!(r.html.contains("&lt;script&gt;"), "raw HTML shows as text: {}", r.html);
    }
}
