//! Demo pages for the knowledge base, written through the wiki's own store (validated, revisioned,
//! audited). Facts are general and public; the people and companies are the demo's fictional ones.

use kumiai_core::Viewer;
use kumiai_platform::db::Db;
use kumiai_wiki::model::PageInput;
use kumiai_wiki::store;

fn page(title: &str, kind: &str, org: &str, reach: &str, body: &str) -> PageInput {
    PageInput { title: title.into(), kind: kind.into(), org: org.into(), reach: reach.into(), body: body.into(), summary: "デモ用に作成".into(), ..Default::default() }
}

pub async fn build(db: &Db, viewer: &Viewer) -> anyhow::Result<()> {
    let now = kumiai_core::time::now_ms();
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
    for p in &pages {
        store::create(db, viewer, p, now).await.map_err(|e| anyhow::anyhow!("demo page {}: {e:?}", p.title))?;
    }
    // A second revision, so history and diffs have something to show.
    let id = store::by_key(db, &kumiai_wiki::model::title_key("タイの労使紛争の記録")).await?.map(|p| (p.id, p.version, p.body));
    if let Some((id, version, body)) = id {
        let edited = PageInput {
            body: body.replace("団体交渉が決裂", "団体交渉が決裂し、ストライキを通告"),
            summary: "経緯を補足".into(),
            ..page("タイの労使紛争の記録", "dispute", "", "affiliates", "")
        };
        store::save(db, viewer, id, version, &edited, now).await.map_err(|e| anyhow::anyhow!("demo revision: {e:?}"))?;
    }
    Ok(())
}
