//! The demo's 2025 wage round: demands and answers of the demo federation's enterprise unions,
//! entered the way an industrial union would (an answers file through the same import), with
//! figures spread around JCM's published 2025 results so the tally reads like a real one.

use crate::answers::FileAnswer;
use crate::store;
use crate::tally::BaseUp;
use kumiai_core::{OrgKind, Viewer};
use kumiai_platform::module::{DemoCtx, DemoSize};
use kumiai_platform::search::BoxFuture;

/// A small deterministic spread (the same demo every time).
fn spread(seed: u64, n: u64) -> u64 {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    x ^= x >> 33;
    x % n
}

pub fn step(ctx: &DemoCtx) -> BoxFuture<'_, anyhow::Result<Vec<String>>> {
    Box::pin(async move {
        if matches!(ctx.size, DemoSize::Bench { .. }) {
            return Ok(vec![]);
        }
        let system = Viewer::system();
        let now = kumiai_core::time::now_ms();
        let Some(hq) = kumiai_platform::orgs::head_office(&ctx.db).await? else {
            return Ok(vec![]);
        };
        let round = match store::by_year(&ctx.db, 2025).await? {
            Some(r) => r,
            None => store::create(&ctx.db, &system, 2025, Some(12_000), "2025-03-12")
                .await
                .map_err(|e| anyhow::anyhow!("{:?}", e.message()))?,
        };
        let round = if round.cutoffs.is_empty() {
            store::set_schedule(
                &ctx.db,
                &system,
                &round,
                "2025-02-19",
                "2025-03-12T12:00,2025-03-13T10:00,2025-03-31T17:00",
                "企業内最低賃金,一時金,労働時間",
            )
            .await
            .map_err(|e| anyhow::anyhow!("{:?}", e.message()))?
        } else {
            round
        };
        let root = kumiai_directory::reference::org(&ctx.db, &system, hq, now)
            .await
            .map_err(|e| anyhow::anyhow!("{:?}", e.message()))?;
        let unions: Vec<_> =
            kumiai_directory::reference::subtree(&ctx.db, &system, &root, 100_000, now)
                .await?
                .into_iter()
                .filter(|o| o.kind == OrgKind::EnterpriseUnion)
                .collect();
        let mut rows = vec![];
        for (i, u) in unions.iter().enumerate() {
            let seed = u.id.get() as u64;
            let org = kumiai_directory::reference::org(&ctx.db, &system, u.id, now)
                .await
                .map_err(|e| anyhow::anyhow!("{:?}", e.message()))?;
            let members = kumiai_directory::reference::member_counts(&ctx.db, &org)
                .await?
                .first()
                .map(|c| c.members);
            let large = members.unwrap_or(0) >= 1000;
            // Most won a base-up; some could not separate it out, a few got none, a few still talk.
            let base_up = match i % 10 {
                3 => BaseUp::Negotiating,
                5 => BaseUp::None,
                8 => BaseUp::NotCalculable,
                _ => BaseUp::Won(
                    if large { 11_000 } else { 8_000 } + 100 * spread(seed + 1, 40) as i64,
                ),
            };
            rows.push(FileAnswer {
                row: i + 2,
                union_code: u.code.clone(),
                union_name: u.name_ja.clone(),
                industrial_union: String::new(),
                members,
                headline: large && spread(seed + 2, 3) == 0,
                base_up_demand_yen: Some(12_000 + 1_000 * spread(seed + 3, 6) as i64),
                base_up,
                min_wage_raise_yen: (base_up != BaseUp::Negotiating)
                    .then(|| 3_000 + 500 * spread(seed + 4, 8) as i64),
                bonus_centimonths: (base_up != BaseUp::Negotiating)
                    .then(|| 400 + 5 * spread(seed + 5, 40) as i64),
                answered_at: (base_up != BaseUp::Negotiating).then(|| {
                    format!(
                        "2025-03-12 {:02}:{:02}",
                        9 + spread(seed + 6, 3),
                        spread(seed + 7, 60)
                    )
                }),
            });
        }
        // Noon on the answer day: a fifth of the unions had not settled yet. The first bulletin
        // froze that; the second, the next morning, the round as it ended.
        let early: Vec<FileAnswer> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                if i % 5 == 1 {
                    FileAnswer {
                        base_up: BaseUp::Negotiating,
                        min_wage_raise_yen: None,
                        bonus_centimonths: None,
                        answered_at: None,
                        ..r.clone()
                    }
                } else {
                    r.clone()
                }
            })
            .collect();
        import(ctx, &round, &early, now).await?;
        let day = |s: &str| {
            kumiai_core::time::parse_ms(s).ok_or_else(|| anyhow::anyhow!("demo time {s}"))
        };
        bulletin(
            ctx,
            &round,
            "集中回答日 第1報（12時時点）",
            "大手組合の回答が出そろいました。賃金改善分の平均は前年を上回っています。",
            Some(day("2025-03-12T14:00")?),
            now,
        )
        .await?;
        let report = import(ctx, &round, &rows, now).await?;
        bulletin(
            ctx,
            &round,
            "集中回答日 第2報（翌日10時時点）",
            "中小組合の回答が続いています。",
            Some(day("2025-03-13T10:00")?),
            now,
        )
        .await?;
        // The third is approved and waits for its lift time.
        bulletin(
            ctx,
            &round,
            "第3報（最終集計）",
            "最終集計です。解禁日時まで報道発表はできません。",
            Some(now + 30 * 86_400_000),
            now,
        )
        .await?;
        Ok(vec![format!(
            "2025年闘争 / 2025 wage round: {} answers, 3 bulletins (one under embargo)",
            report.created + report.updated + report.unchanged
        )])
    })
}

async fn import(
    ctx: &DemoCtx,
    round: &crate::model::Campaign,
    rows: &[FileAnswer],
    now: i64,
) -> anyhow::Result<store::Report> {
    match store::import(&ctx.db, &Viewer::system(), round, rows, now)
        .await
        .map_err(|e| anyhow::anyhow!("{:?}", e.message()))?
    {
        Ok(r) => Ok(r),
        Err(problems) => anyhow::bail!("demo answers: {problems:?}"),
    }
}

/// A bulletin of the tally as it stands, approved and scheduled to lift at `lift_at`.
async fn bulletin(
    ctx: &DemoCtx,
    round: &crate::model::Campaign,
    title: &str,
    commentary: &str,
    lift_at: Option<i64>,
    now: i64,
) -> anyhow::Result<()> {
    let system = Viewer::system();
    let err = |e: kumiai_platform::AppError| anyhow::anyhow!("{:?}", e.message());
    let draft = crate::bulletins::Draft {
        title: title.into(),
        commentary: commentary.into(),
        union_reach: "affiliates".into(),
    };
    let b = crate::bulletins::create(&ctx.db, &system, round, &draft, now)
        .await
        .map_err(err)?;
    crate::bulletins::approve(&ctx.db, &system, &b, b.version, now)
        .await
        .map_err(err)?;
    if let Some(at) = lift_at {
        let b = crate::bulletins::get(&ctx.db, &system, round, b.number, now)
            .await
            .map_err(err)?;
        crate::bulletins::schedule(&ctx.db, &system, &b, b.version, at, now)
            .await
            .map_err(err)?;
    }
    Ok(())
}
