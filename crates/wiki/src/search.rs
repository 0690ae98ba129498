//! The knowledge base's documents for the search index: one per live page (not redirects or
//! deleted pages), with the page's reach.

use crate::model::{ENTITY, Page, PageKind, REVISION, Revision};
use crate::store;
use kumiai_core::{Lang, PageId};
use kumiai_platform::db::Db;
use kumiai_platform::record::fetch;
use kumiai_platform::search::{BoxFuture, Document, Source, batch_by_id};
use kumiai_platform::{Reachable, Record, reach};

pub async fn document(db: &Db, id: PageId) -> anyhow::Result<Option<Document>> {
    let Some(p) = store::get(db, id).await? else { return Ok(None) };
    if p.deleted_at.is_some() || p.redirect_to.is_some() {
        return Ok(None);
    }
    let access = p.access(reach::shares(db, ENTITY, id.get()).await?);
    let year = jiff_year(p.updated_at);
    Ok(Some(Document {
        key: format!("{ENTITY}:{id}"),
        module: "wiki".into(),
        kind: p.kind.as_str().into(),
        title: p.title.clone(),
        body: plain_text(&p.body),
        url: p.url(),
        org_id: p.org_id,
        year,
        updated_at: p.updated_at,
        access,
    }))
}

/// The words of a Markdown body without its markup, so snippets read as text: `[[target|label]]`
/// becomes its label, heading/list/quote marks, emphasis and table pipes go.
pub fn plain_text(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    for line in md.lines() {
        let line = line.trim_start().trim_start_matches(['#', '>', '-', '*', '+']).trim_start();
        if line.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')) {
            continue; // table rule
        }
        let mut rest = line;
        while let Some(i) = rest.find("[[") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            let Some(end) = after.find("]]") else {
                out.push_str(after);
                rest = "";
                break;
            };
            let inner = &after[..end];
            out.push_str(inner.rsplit_once('|').map(|(_, label)| label).unwrap_or(inner));
            rest = &after[end + 2..];
        }
        out.push_str(rest);
        out.push('\n');
    }
    out.replace("**", "").replace('|', " ").replace('`', "")
}

fn jiff_year(ms: i64) -> Option<i64> {
    kumiai_core::time::format_ms(ms).get(0..4).and_then(|y| y.parse().ok())
}

pub struct Pages;

impl Source for Pages {
    fn module(&self) -> &'static str {
        "wiki"
    }
    fn module_label(&self, lang: Lang) -> &'static str {
        lang.t("JCMpedia", "JCMpedia")
    }
    fn kind_label(&self, kind: &str, lang: Lang) -> Option<String> {
        PageKind::parse(kind).map(|k| k.label(lang).to_string())
    }
    fn entities(&self) -> &'static [&'static str] {
        &[ENTITY, REVISION]
    }

    fn documents<'a>(&'a self, db: &'a Db, entity: &'a str, id: i64) -> BoxFuture<'a, anyhow::Result<Vec<(String, Option<Document>)>>> {
        Box::pin(async move {
            let page = if entity == REVISION {
                match fetch::<Revision>(db, id, &crate::Key(())).await? {
                    Some(r) => r.page_id,
                    None => return Ok(vec![]),
                }
            } else {
                PageId(id)
            };
            Ok(vec![(format!("{ENTITY}:{page}"), document(db, page).await?)])
        })
    }

    fn batch<'a>(&'a self, db: &'a Db, after_id: i64, limit: i64) -> BoxFuture<'a, anyhow::Result<(Vec<Document>, Option<i64>)>> {
        Box::pin(batch_by_id(db, Page::TABLE, "", after_id, limit, move |id| document(db, PageId(id))))
    }
}

pub fn sources() -> Vec<std::sync::Arc<dyn Source>> {
    vec![std::sync::Arc::new(Pages)]
}

#[cfg(test)]
mod tests {
    #[test]
    fn plain_text_keeps_words_not_markup() {
        let md = "## 概要\n**TEAM** は[[タイ金属労連|タイ]]の労組。[[カテゴリ:タイ]]\n| 年 | 件数 |\n|---|---|\n| 2025 | 3 |\n- 項目";
        assert_eq!(super::plain_text(md), "概要\nTEAM はタイの労組。カテゴリ:タイ\n  年   件数  \n  2025   3  \n項目\n");
    }
}
