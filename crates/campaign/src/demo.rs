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
    let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
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
        let Some(hq) = kumiai_platform::orgs::head_office(&ctx.db).await? else { return Ok(vec![]) };
        let round = match store::by_year(&ctx.db, 2025).await? {
            Some(r) => r,
            None => store::create(&ctx.db, &system, 2025, Some(12_000), "2025-03-12").await.map_err(|e| anyhow::anyhow!("{:?}", e.message()))?,
        };
        let root = kumiai_directory::reference::org(&ctx.db, &system, hq, now).await.map_err(|e| anyhow::anyhow!("{:?}", e.message()))?;
        let unions: Vec<_> = kumiai_directory::reference::subtree(&ctx.db, &system, &root, 100_000, now).await?.into_iter().filter(|o| o.kind == OrgKind::EnterpriseUnion).collect();
        let mut rows = vec![];
        for (i, u) in unions.iter().enumerate() {
            let seed = u.id.get() as u64;
            let org = kumiai_directory::reference::org(&ctx.db, &system, u.id, now).await.map_err(|e| anyhow::anyhow!("{:?}", e.message()))?;
            let members = kumiai_directory::reference::member_counts(&ctx.db, &org).await?.first().map(|c| c.members);
            let large = members.unwrap_or(0) >= 1000;
            // Most won a base-up; some could not separate it out, a few got none, a few still talk.
            let base_up = match i % 10 {
                3 => BaseUp::Negotiating,
                5 => BaseUp::None,
                8 => BaseUp::NotCalculable,
                _ => BaseUp::Won(if large { 11_000 } else { 8_000 } + 100 * spread(seed + 1, 40) as i64),
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
                min_wage_raise_yen: (base_up != BaseUp::Negotiating).then(|| 3_000 + 500 * spread(seed + 4, 8) as i64),
                bonus_centimonths: (base_up != BaseUp::Negotiating).then(|| 400 + 5 * spread(seed + 5, 40) as i64),
                answered_at: (base_up != BaseUp::Negotiating).then(|| format!("2025-03-12 {:02}:{:02}", 9 + spread(seed + 6, 3), spread(seed + 7, 60))),
            });
        }
        let report = match store::import(&ctx.db, &system, &round, &rows, now).await.map_err(|e| anyhow::anyhow!("{:?}", e.message()))? {
            Ok(r) => r,
            Err(problems) => anyhow::bail!("demo answers: {problems:?}"),
        };
        Ok(vec![format!("2025年闘争 / 2025 wage round: {} answers", report.created + report.updated + report.unchanged)])
    })
}
