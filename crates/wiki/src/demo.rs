//! Demo pages for the knowledge base, written through the wiki's own store (validated, revisioned,
//! audited). Facts are general and public; the people and companies are the demo's fictional ones.
//! Two planted cases serve the reach tests: an industrial union's page whose English copy only the
//! head office sees, and a public redirect to a page that became head-office only.

use crate::model::{PageInput, title_key};
use crate::store;
use kumiai_core::{Viewer, time};
use kumiai_platform::db::Db;
use kumiai_platform::module::{DemoCtx, WalkTarget};
use kumiai_platform::search::BoxFuture;
use kumiai_platform::web::Patch;

fn page(title: &str, kind: &str, org: &str, reach: &str, body: &str) -> PageInput {
    PageInput { title: title.into(), kind: kind.into(), org: org.into(), reach: reach.into(), body: body.into(), summary: "デモ用に作成".into(), ..Default::default() }
}

pub fn step(ctx: &DemoCtx) -> BoxFuture<'_, anyhow::Result<Vec<String>>> {
    Box::pin(async move {
        if matches!(ctx.size, kumiai_platform::module::DemoSize::Bench { .. }) {
            return Ok(vec![]);
        }
        let n = build(&ctx.db, &Viewer::system()).await?;
        Ok(vec![format!("JCMpedia: {n} pages")])
    })
}

/// Route-walk ids: a head-office-only page and its first revision, and a public page.
pub fn walk(db: &Db) -> BoxFuture<'_, anyhow::Result<Vec<WalkTarget>>> {
    Box::pin(async move {
        let hidden: (i64, i64) = sqlx::query_as("SELECT id, revision_id FROM wiki_pages WHERE reach = 'hq' AND redirect_to IS NULL ORDER BY id LIMIT 1").fetch_one(&db.pool).await?;
        let visible: (i64, i64) = sqlx::query_as("SELECT id, revision_id FROM wiki_pages WHERE reach = 'public' AND redirect_to IS NULL ORDER BY id LIMIT 1").fetch_one(&db.pool).await?;
        // No comment has this id: missing answers like hidden.
        let ids = |(p, r): (i64, i64)| vec![("id", p.to_string()), ("rev", r.to_string()), ("comment", "987654321".to_string())];
        Ok(vec![
            WalkTarget { route_prefix: "/wiki/page/{id}", hidden: ids(hidden), visible: ids(visible) },
            WalkTarget { route_prefix: "/api/v1/wiki/pages/{id}", hidden: ids(hidden), visible: ids(visible) },
            // No attachment has this id: missing answers like hidden.
            WalkTarget { route_prefix: "/wiki/attachments/{id}", hidden: vec![("id", "987654321".into()), ("name", "x.pdf".into())], visible: vec![("id", "987654321".into()), ("name", "x.pdf".into())] },
        ])
    })
}

fn patch(v: serde_json::Value) -> Patch {
    Patch::from_map(v.as_object().cloned().unwrap_or_default())
}

/// Writes the demo pages; returns how many.
pub async fn build(db: &Db, viewer: &Viewer) -> anyhow::Result<usize> {
    let now = time::now_ms();
    let pages = [
        page(
            "TEAM（タイ）",
            "union",
            "TEAM",
            "public",
            "TEAM はタイの電機・電子・自動車・金属産業の労働組合の連合体で、金属労協の**「友誼組織」**のひとつ。\n\n\
             ## 関係の経緯\n\n定期協議を重ね、[[タイの労使紛争の記録]]に見るように現地の紛争で協力してきた。\n\n\
             ## 連絡窓口\n\n国際局が窓口を務める。詳しくは[[国際枠組み協定（GFA）]]も参照。\n\n\
             ## 関連\n\n- [[人権デュー・ディリジェンス]]\n- [[存在しないページ]]\n\n[[カテゴリ:タイ]] [[カテゴリ:友誼組織]]\n",
        ),
        page(
            "タイの労使紛争の記録",
            "dispute",
            "",
            "affiliates",
            "日系企業のタイ現地法人で起きた労使紛争の記録（デモ用の架空の事例）。\n\n\
             | 年月 | 出来事 |\n|---|---|\n| 2024年3月 | 労働組合の結成を届け出 |\n| 2024年5月 | 団体交渉が決裂 |\n| 2024年9月 | 労使協定を締結 |\n\n\
             経緯は[[TEAM（タイ）]]の報告による[^1]。\n\n[^1]: 2024年の定期協議での報告。\n\n[[カテゴリ:タイ]] [[カテゴリ:労使紛争]]\n",
        ),
        page(
            "国際枠組み協定（GFA）",
            "topic",
            "",
            "public",
            "国際枠組み協定（Global Framework Agreement）は、多国籍企業とグローバル・ユニオンが結ぶ協定で、\
             サプライチェーンを含めて中核的労働基準の尊重を約束するもの。\n\n[[カテゴリ:国際連帯]]\n",
        ),
        page(
            "人権デュー・ディリジェンス",
            "topic",
            "",
            "public",
            "企業が人権への負の影響を特定し、防止・軽減し、その取り組みを説明する一連の手続き。\
             金属労協は**「苦情処理・救済システム」**の整備を労使で点検することを呼びかけている。\n\n[[カテゴリ:国際連帯]]\n",
        ),
        page(
            "本部内メモ：定期協議の準備",
            "topic",
            "",
            "hq",
            "次回の定期協議に向けた本部内の準備メモ。議題案は[[TEAM（タイ）]]との協議結果を踏まえて整理する。\n",
        ),
        page(
            "東海精機株式会社",
            "company",
            "C00001",
            "affiliates",
            "東海精機株式会社（デモ用の架空の企業）。タイとインドネシアに現地法人を持つ。\n\n[[カテゴリ:多国籍企業]]\n",
        ),
    ];
    let fail = |what: &str| { let what = what.to_string(); move |e| anyhow::anyhow!("demo {what}: {e:?}") };
    for p in &pages {
        store::create(db, viewer, p, now).await.map_err(fail(&p.title))?;
    }
    // A second revision, so history and diffs have something to show.
    if let Some(p) = store::by_key(db, &title_key("タイの労使紛争の記録")).await? {
        let body = p.body.replace("団体交渉が決裂", "団体交渉が決裂し、ストライキを通告");
        store::save(db, viewer, p.id, &patch(serde_json::json!({"version": p.version, "body": body, "summary": "経緯を補足"})), now).await.map_err(fail("revision"))?;
    }
    // An industrial union's own page, and an English copy of it that only the head office sees.
    if let Some(jaw) = kumiai_platform::accounts::by_login(db, "jaw-editor").await?.and_then(|u| u.account()) {
        let writer = Viewer::new(Some(jaw));
        let own = page("自動車総連の国際連帯活動", "topic", "", "affiliates", "自動車総連が取り組む国際連帯活動の概要（デモ用）。\n\n[[カテゴリ:国際連帯]]\n");
        let master = store::create(db, &writer, &own, now).await.map_err(fail("industrial union's page"))?;
        let copy = PageInput { title: "JAW's international solidarity (English, draft)".into(), master: master.id.to_string(), body: "Draft translation, head office only.".into(), ..page("", "topic", "", "hq", "") };
        store::create(db, viewer, &copy, now).await.map_err(fail("hidden English copy"))?;
    }
    // A public title that now leads to a page only the head office sees.
    let old = store::create(db, viewer, &page("定期協議の記録", "topic", "", "public", "二国間定期協議の記録（デモ用）。\n"), now).await.map_err(fail("redirect source"))?;
    let renamed = store::save(db, viewer, old.id, &patch(serde_json::json!({"version": old.version, "title": "定期協議の記録（本部）"})), now).await.map_err(fail("rename"))?;
    store::save(db, viewer, renamed.id, &patch(serde_json::json!({"version": renamed.version, "reach": "hq", "summary": "本部内に限定"})), now).await.map_err(fail("narrowing"))?;
    // A discussion on the partner's page: a topic from the head office and the partner's reply.
    if let Some(team) = store::find_by_title(db, viewer, "TEAM（タイ）", now).await.map_err(fail("discussion"))? {
        let say = |login: &str, topic: &'static str, reply_to, body: &'static str, n: usize| {
            let actor = kumiai_platform::audit::Actor { user_id: None, label: login.to_string() };
            crate::discussion::NewComment { topic, reply_to, body, imported: Some((actor, now, format!("demo:team:{n}"))) }
        };
        let first = crate::discussion::add(db, viewer, &team, say("hq-editor", "次回の定期協議", None, "次回の定期協議の日程を調整中です。候補日を追記してください。", 1)).await.map_err(fail("comment"))?;
        let reply = say("partner-viewer", "", first.map(|c| c.id), "We can meet in the second week of March.", 2);
        crate::discussion::add(db, viewer, &team, reply).await.map_err(fail("reply"))?;
    }
    Ok(pages.len() + 3)
}
