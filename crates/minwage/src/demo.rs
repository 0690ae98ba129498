//! The demo's minimum wages. The regional wages are the real ones (built in). The industry wages
//! are illustrative: realistic amounts for the main metal-industry prefectures, FY2019–FY2025,
//! generated here and imported through the same path as a file (each row's note says it is an
//! illustration). FY2026's revision is under way, with its tracker steps; one new wage is still
//! the head office's own idea. In-company agreements add the demo unions' prefectures.

use crate::import::{self, Kind};
use crate::model::StepKind;
use crate::store::{self, StepInput};
use kumiai_core::{Reach, Viewer};
use kumiai_platform::module::{DemoCtx, DemoSize};
use kumiai_platform::search::BoxFuture;

/// Prefectures with an industry wage besides 電機 (which every prefecture has), and the offset
/// of each above the FY2019 regional wage (0: none there): 自動車, 鉄鋼, 一般機械, 造船.
const PREFECTURES: [(&str, [i64; 4]); 12] = [
    ("23", [118, 140, 35, 0]),
    ("13", [95, 0, 12, 0]),
    ("14", [102, 0, 20, 0]),
    ("27", [0, 120, 8, 0]),
    ("22", [110, 0, 30, 0]),
    ("28", [0, 125, 15, 150]),
    ("34", [105, 130, 25, 160]),
    ("40", [100, 135, 18, 0]),
    ("11", [96, 0, 10, 0]),
    ("08", [0, 128, 22, 0]),
    ("09", [90, 0, 16, 0]),
    ("42", [0, 0, 0, 140]),
];

/// (short name, legal title, industrial unions concerned)
const INDUSTRIES: [(&str, &str, &str); 5] = [
    ("電機", "電子部品・デバイス・電子回路、電気機械器具、情報通信機械器具製造業", "JEIU"),
    ("自動車", "自動車・同附属品製造業", "JAW"),
    ("鉄鋼", "鉄鋼業", "JBU"),
    ("一般機械", "はん用機械器具、生産用機械器具、業務用機械器具製造業", "JAM"),
    ("造船", "船舶製造・修理業、舟艇製造・修理業", "JBU"),
];

fn spread(seed: u64, n: u64) -> u64 {
    let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    x ^= x >> 33;
    x % n
}

/// The offset above the FY2019 regional wage of each industry in a prefecture (None: no wage).
fn offsets(pref: &str, seed: u64) -> [Option<i64>; 5] {
    let others = PREFECTURES.iter().find(|p| p.0 == pref).map_or([0; 4], |p| p.1);
    let mut out = [Some(20 + spread(seed, 70) as i64), None, None, None, None];
    for (i, o) in others.iter().enumerate() {
        out[i + 1] = (*o > 0).then_some(*o);
    }
    out
}

/// The illustrative industry file, FY2019–FY2025.
pub fn industry_csv() -> String {
    let regional = crate::reference::regional();
    let reg = |y: i64, p: &str| regional.iter().find(|r| r.fiscal_year == y && r.prefecture_code == p).and_then(|r| r.hourly_yen);
    let mut out = String::from("fiscal_year,prefecture_code,prefecture,industry,title,hourly_yen,previous_hourly_yen,effective_date,covered_workers,status,industrial_unions,note\n");
    for (pi, p) in crate::prefecture::ALL.iter().enumerate() {
        let pref = p.code;
        for (ii, ((name, title, unions), offset)) in INDUSTRIES.iter().zip(offsets(pref, pi as u64)).enumerate() {
            let Some(offset) = offset else { continue };
            let seed = (pi * 10 + ii) as u64;
            let Some(base) = reg(2019, pref) else { continue };
            let mut hourly = base + offset;
            let covered = 2_000 + spread(seed, 40) as i64 * 1_000;
            for fy in 2019..=2025 {
                let (Some(r), Some(r0)) = (reg(fy, pref), reg(fy - 1, pref).or(Some(base))) else { continue };
                let previous = hourly;
                // Below the regional wage the employers block any revision (据置); above it, the
                // raise is around the regional one, sometimes a little under.
                let status = if fy == 2019 {
                    "revised"
                } else if previous < r0 {
                    "unchanged"
                } else {
                    hourly = previous + (r - r0 - 12 + spread(seed * 31 + fy as u64, 16) as i64).max(0);
                    "revised"
                };
                let effective = if status == "unchanged" {
                    String::new()
                } else if fy == 2025 {
                    ["2025-12-20", "2026-01-01", "2026-02-01", "2026-03-15"][spread(seed, 4) as usize].to_string()
                } else {
                    format!("{fy}-12-{:02}", 1 + spread(seed + fy as u64, 28))
                };
                let prev = if fy == 2019 { String::new() } else { previous.to_string() };
                out.push_str(&format!(
                    "{fy},{pref},,{name},{title},{hourly},{prev},{effective},{covered},{status},{unions},デモ用の例示値（実在の額ではありません）/ illustrative demo figure\n"
                ));
            }
        }
    }
    out
}

pub fn step(ctx: &DemoCtx) -> BoxFuture<'_, anyhow::Result<Vec<String>>> {
    Box::pin(async move {
        if matches!(ctx.size, DemoSize::Bench { .. }) {
            return Ok(vec![]);
        }
        let system = Viewer::system();
        let now = kumiai_core::time::now_ms();
        let said = |e: kumiai_platform::AppError| anyhow::anyhow!("{:?}", e.message());
        let rep = import::import(&ctx.db, &system, Kind::Industry, "demo-industry.csv", industry_csv().as_bytes(), Reach::Public, now).await.map_err(said)?;
        // FY2026's revision is under way: opened from FY2025, with the tracker's steps.
        store::open_year(&ctx.db, &system, 2026, now).await.map_err(said)?;
        let new = "fiscal_year,prefecture_code,industry,title,hourly_yen,status,industrial_unions,reach,note\n2026,23,蓄電池,蓄電池製造業,,,JEIU,hq,新設の申出を本部で検討中（デモ）/ a new wage under discussion at the head office (demo)\n";
        import::import(&ctx.db, &system, Kind::Industry, "demo-new.csv", new.as_bytes(), Reach::Hq, now).await.map_err(said)?;
        let wages = store::wages(&ctx.db, &system, 2026, now).await?;
        // The people responsible: the industrial unions' and the head office's officers.
        let mut responsible = vec![];
        for code in ["JEIU", "JAW", "JAM", "JBU", "JCM"] {
            if let Ok(o) = kumiai_directory::reference::org_by_code(&ctx.db, &system, code, now).await {
                responsible.extend(kumiai_directory::reference::people_of(&ctx.db, &system, o.id, 3, now).await?.into_iter().map(|p| p.id.get()));
            }
        }
        for (i, w) in wages.iter().enumerate() {
            if w.reach == Reach::Hq {
                continue;
            }
            // Petitions in July; councils in August–September; some recommendations late.
            let plan = [
                (StepKind::Petition, "2026-07-15", true),
                (StepKind::Council, "2026-08-31", i % 9 != 0),
                (StepKind::Recommendation, "2026-10-30", i % 9 != 0 && i % 4 != 0),
                (StepKind::Notice, "2026-12-15", i % 3 == 0 && i % 4 != 0 && i % 9 != 0),
                (StepKind::Effective, "2027-01-01", false),
            ];
            for (k, due, done) in plan {
                let input = StepInput {
                    due_date: due.into(),
                    done_date: if done { due.into() } else { String::new() },
                    person_id: (!responsible.is_empty()).then(|| responsible[i % responsible.len()]),
                    note: if k == StepKind::Council && i % 9 == 0 { "使用者側が据置を主張。次回の専門部会で再提案（デモ）/ employers argue for no change; proposal again at the next session (demo)".into() } else { String::new() },
                    reach: Some(Reach::Industrial),
                };
                store::save_step(&ctx.db, &system, w, k, &input, 0, now).await.map_err(said)?;
            }
        }
        // Results: FY2024 published, FY2025's waiting at the head office.
        store::publish_results(&ctx.db, &system, 2024, "2024年度の特定最低賃金の改正結果（デモ用の例示値）。\nIllustrative demo figures for FY2024.", Reach::Public, None, now).await.map_err(said)?;
        store::publish_results(&ctx.db, &system, 2025, "2025年度の結果（本部で確認中、デモ）。\nFY2025 results, under review at the head office (demo).", Reach::Hq, None, now).await.map_err(said)?;
        // In-company agreements: where the wage round holds one, the union's prefecture; for the
        // other demo unions an illustrative agreement (some below JCM's target).
        let held: std::collections::HashSet<String> = kumiai_campaign::store::agreed_minimum_wages(&ctx.db, &system, 2025, now).await?.into_iter().map(|a| a.union_code.clone()).collect();
        let Some(hq) = kumiai_platform::orgs::head_office(&ctx.db).await? else { return Ok(vec![]) };
        let root = kumiai_directory::reference::org(&ctx.db, &system, hq, now).await.map_err(said)?;
        let unions: Vec<String> = kumiai_directory::reference::subtree(&ctx.db, &system, &root, 100_000, now)
            .await?
            .into_iter()
            .filter(|o| o.kind == kumiai_core::OrgKind::EnterpriseUnion)
            .map(|o| o.code.clone())
            .take(40)
            .collect();
        let mut agreements = String::from("year,union_code,prefecture_code,industry,monthly_yen,hourly_yen\n");
        for (i, code) in unions.iter().enumerate() {
            let pref = crate::prefecture::ALL[(i * 7) % 47].code;
            if held.contains(code) {
                agreements.push_str(&format!("2025,{code},{pref},,,\n"));
            } else {
                let monthly = 178_000 + spread(i as u64 + 7, 30) as i64 * 1_000;
                let hourly = if i % 2 == 0 { (monthly * 10 + 805) / 1_610 } else { 0 };
                let hourly = if hourly == 0 { String::new() } else { hourly.to_string() };
                agreements.push_str(&format!("2025,{code},{pref},,{monthly},{hourly}\n"));
            }
        }
        let placed = if unions.is_empty() { 0 } else { import::import(&ctx.db, &system, Kind::Agreements, "demo-agreements.csv", agreements.as_bytes(), Reach::Public, now).await.map_err(said)?.created };
        Ok(vec![format!("最低賃金: 特定最賃 {} 件（例示値）、企業内最賃協定 {placed} 件 / minimum wages: {} industry wages (illustrative), {placed} in-company agreements", rep.created, rep.created)])
    })
}
