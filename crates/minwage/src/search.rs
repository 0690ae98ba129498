//! What minimum wages give the search index: each industry wage, at its own reach, so that a
//! search for an industry, a prefecture or a legal title finds it (a wage the head office keeps is
//! found by the head office alone). Tracker notes are not indexed: they stay on the wage's page,
//! at their narrower reach.

use crate::model::{INDUSTRY, IndustryWage, Key};
use kumiai_core::Lang;
use kumiai_platform::db::Db;
use kumiai_platform::record::fetch;
use kumiai_platform::search::{BoxFuture, Document, Source, batch_by_id};
use kumiai_platform::{Reachable, Record};

pub async fn document(db: &Db, id: i64) -> anyhow::Result<Option<Document>> {
    let Some(w) = fetch::<IndustryWage>(db, id, &Key(())).await? else {
        return Ok(None);
    };
    let pref = crate::prefecture::by_code(&w.prefecture_code).map_or(w.prefecture_code.as_str(), |p| p.ja);
    let amount = w.hourly_yen.map(|y| format!("{}円", kumiai_platform::db::group_digits(y))).unwrap_or_default();
    let status = w.wage_status().map_or("改正未定", |s| s.label(Lang::Ja));
    let body = [w.title.clone(), format!("時間額 {amount}"), status.to_string(), w.industrial_unions.clone(), w.note.clone()].join("\n");
    Ok(Some(Document {
        key: format!("{INDUSTRY}:{id}"),
        module: "minwage".into(),
        kind: "industry_wage".into(),
        title: format!("{}年度 {pref} {} 特定最低賃金", w.fiscal_year, w.industry),
        body,
        url: format!("/minwage/wages/{id}"),
        org_id: None,
        // The search's year facet is the federation's; minimum wages keep the government's year
        // in their title instead.
        year: None,
        updated_at: w.updated_at,
        access: w.access(vec![]),
    }))
}

pub struct Wages;

impl Source for Wages {
    fn module(&self) -> &'static str {
        "minwage"
    }
    fn module_label(&self, lang: Lang) -> &'static str {
        lang.t("最低賃金", "Minimum wages")
    }
    fn kind_label(&self, kind: &str, lang: Lang) -> Option<String> {
        (kind == "industry_wage").then(|| lang.t("特定最低賃金", "Industry minimum wage").into())
    }
    fn entities(&self) -> &'static [&'static str] {
        &[INDUSTRY]
    }
    fn documents<'a>(&'a self, db: &'a Db, _entity: &'a str, id: i64) -> BoxFuture<'a, anyhow::Result<Vec<(String, Option<Document>)>>> {
        Box::pin(async move { Ok(vec![(format!("{INDUSTRY}:{id}"), document(db, id).await?)]) })
    }
    fn batch<'a>(&'a self, db: &'a Db, after_id: i64, limit: i64) -> BoxFuture<'a, anyhow::Result<(Vec<Document>, Option<i64>)>> {
        Box::pin(batch_by_id(db, IndustryWage::TABLE, "", after_id, limit, move |id| document(db, id)))
    }
}
