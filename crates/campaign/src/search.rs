//! What the wage round gives the search index: each union's demand and answer (at the answer's
//! reach: the head office, the union, its industrial union) and each bulletin (the head office's
//! until scheduled, then public from its lift time). Union-by-union bulletin lines are not
//! indexed: the answers already are, at the narrower reach.

use crate::model::{ANSWER, AnswerRecord, BULLETIN, Bulletin, Campaign, Key};
use crate::tally::BaseUp;
use kumiai_core::Lang;
use kumiai_platform::db::Db;
use kumiai_platform::record::fetch;
use kumiai_platform::search::{BoxFuture, Document, Source, batch_by_id};
use kumiai_platform::{Reachable, Record};

async fn year_of(db: &Db, campaign_id: i64) -> anyhow::Result<Option<i64>> {
    Ok(fetch::<Campaign>(db, campaign_id, &Key(()))
        .await?
        .map(|c| c.year))
}

fn yen(v: Option<i64>) -> String {
    v.map(|y| format!("{}円", kumiai_platform::db::group_digits(y)))
        .unwrap_or_default()
}

pub async fn answer_document(db: &Db, id: i64) -> anyhow::Result<Option<Document>> {
    let Some(a) = fetch::<AnswerRecord>(db, id, &Key(())).await? else {
        return Ok(None);
    };
    let Some(year) = year_of(db, a.campaign_id).await? else {
        return Ok(None);
    };
    let system = kumiai_core::Viewer::system();
    let name =
        kumiai_directory::reference::names(db, &system, &[a.org_id], kumiai_core::time::now_ms())
            .await?
            .pop()
            .map(|n| n.name_ja.clone())
            .unwrap_or_else(|| a.union_code.clone());
    let answer = match crate::model::base_up(&a.base_up_state, a.base_up_won_yen) {
        BaseUp::Won(y) => format!("ベア獲得 {}", yen(Some(y))),
        BaseUp::NotCalculable => "ベア獲得（算定不能）".into(),
        BaseUp::None => "ベアなし".into(),
        BaseUp::Negotiating => "交渉中".into(),
    };
    let body = [
        a.union_code.clone(),
        a.industrial_union_code.clone(),
        format!("ベア要求 {}", yen(a.base_up_demand_yen)),
        answer,
        a.note.clone(),
    ]
    .join("\n");
    let access = a.access(vec![]);
    Ok(Some(Document {
        key: format!("{ANSWER}:{id}"),
        module: "campaign".into(),
        kind: "answer".into(),
        title: format!("{year}年闘争 {name} 要求・回答"),
        body,
        url: format!("/campaign/{year}/answers/{}", a.union_code),
        org_id: Some(a.org_id),
        year: Some(year),
        updated_at: a.updated_at,
        access,
    }))
}

pub async fn bulletin_document(db: &Db, id: i64) -> anyhow::Result<Option<Document>> {
    let Some(b) = fetch::<Bulletin>(db, id, &Key(())).await? else {
        return Ok(None);
    };
    let Some(year) = year_of(db, b.campaign_id).await? else {
        return Ok(None);
    };
    let t = b.frozen().unwrap_or_default();
    let body = format!(
        "{}\nベア平均（全体） {}\nベア平均（集計対象組合） {}",
        b.commentary,
        yen(t.all.overall.base_up_avg_yen),
        yen(t.headline.overall.base_up_avg_yen)
    );
    let access = b.access(vec![]);
    Ok(Some(Document {
        key: format!("{BULLETIN}:{id}"),
        module: "campaign".into(),
        kind: "bulletin".into(),
        title: format!("{year}年闘争 速報 第{}報 {}", b.number, b.title),
        body,
        url: format!("/campaign/{year}/bulletins/{}", b.number),
        org_id: None,
        year: Some(year),
        updated_at: b.updated_at,
        access,
    }))
}

/// Answers and bulletins, one source: their ids are kept apart by entity.
pub struct Answers;
pub struct Bulletins;

fn kind_label(kind: &str, lang: Lang) -> Option<String> {
    match kind {
        "answer" => Some(lang.t("要求・回答", "Demand and answer").into()),
        "bulletin" => Some(lang.t("速報", "Bulletin").into()),
        _ => None,
    }
}

impl Source for Answers {
    fn module(&self) -> &'static str {
        "campaign"
    }
    fn module_label(&self, lang: Lang) -> &'static str {
        lang.t("春季生活闘争", "Wage round")
    }
    fn kind_label(&self, kind: &str, lang: Lang) -> Option<String> {
        kind_label(kind, lang)
    }
    fn entities(&self) -> &'static [&'static str] {
        &[ANSWER]
    }
    fn documents<'a>(
        &'a self,
        db: &'a Db,
        _entity: &'a str,
        id: i64,
    ) -> BoxFuture<'a, anyhow::Result<Vec<(String, Option<Document>)>>> {
        Box::pin(async move {
            Ok(vec![(
                format!("{ANSWER}:{id}"),
                answer_document(db, id).await?,
            )])
        })
    }
    fn batch<'a>(
        &'a self,
        db: &'a Db,
        after_id: i64,
        limit: i64,
    ) -> BoxFuture<'a, anyhow::Result<(Vec<Document>, Option<i64>)>> {
        Box::pin(batch_by_id(
            db,
            AnswerRecord::TABLE,
            "",
            after_id,
            limit,
            move |id| answer_document(db, id),
        ))
    }
}

impl Source for Bulletins {
    fn module(&self) -> &'static str {
        "campaign"
    }
    fn module_label(&self, lang: Lang) -> &'static str {
        lang.t("春季生活闘争", "Wage round")
    }
    fn kind_label(&self, kind: &str, lang: Lang) -> Option<String> {
        kind_label(kind, lang)
    }
    fn entities(&self) -> &'static [&'static str] {
        &[BULLETIN]
    }
    fn documents<'a>(
        &'a self,
        db: &'a Db,
        _entity: &'a str,
        id: i64,
    ) -> BoxFuture<'a, anyhow::Result<Vec<(String, Option<Document>)>>> {
        Box::pin(async move {
            Ok(vec![(
                format!("{BULLETIN}:{id}"),
                bulletin_document(db, id).await?,
            )])
        })
    }
    fn batch<'a>(
        &'a self,
        db: &'a Db,
        after_id: i64,
        limit: i64,
    ) -> BoxFuture<'a, anyhow::Result<(Vec<Document>, Option<i64>)>> {
        Box::pin(batch_by_id(
            db,
            Bulletin::TABLE,
            "",
            after_id,
            limit,
            move |id| bulletin_document(db, id),
        ))
    }
}
