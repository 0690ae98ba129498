//! The dashboard's panel for the head office and the industrial unions: the latest fiscal year's
//! wages below the regional wage or at risk next year, and the late steps of the revisions under
//! way, all as the reader may see them.

use crate::store;
use kumiai_core::{GovYear, Tier};
use kumiai_platform::AppResult;
use kumiai_platform::module::Panel;
use kumiai_platform::search::BoxFuture;
use kumiai_platform::web::Ctx;

pub fn panel(ctx: &Ctx) -> BoxFuture<'_, AppResult<Option<Panel>>> {
    Box::pin(async move {
        if !ctx.viewer.account().is_some_and(|a| matches!(a.tier, Tier::Hq | Tier::Industrial)) {
            return Ok(None);
        }
        let l = ctx.lang;
        let years = store::years(ctx.db(), &ctx.viewer, ctx.now).await?;
        // The latest year with amounts, and the year after it if its revisions are under way.
        let mut decided = None;
        for y in &years {
            let a = store::analysis(ctx.db(), &ctx.viewer, *y, ctx.now).await?;
            if a.lines.iter().any(|x| x.hourly_yen.is_some()) {
                decided = Some(a);
                break;
            }
        }
        let Some(a) = decided else { return Ok(None) };
        let today = kumiai_core::time::today().to_string();
        let open = years.first().copied().filter(|y| *y > a.fiscal_year);
        let late = match open {
            Some(y) => store::steps(ctx.db(), &ctx.viewer, y, ctx.now).await?.iter().filter(|s| s.late(&today)).count(),
            None => 0,
        };
        let label = ctx.gov_label(GovYear(a.fiscal_year as i32));
        let mut html = format!(
            "<p>{label}: {} {} · {} <strong>{}</strong> · {} {}</p>",
            l.t("特定最賃", "industry wages"),
            a.summary.count,
            l.t("地域別を下回る", "below regional"),
            a.summary.below_regional,
            l.t("来年度に下回るおそれ", "at risk next year"),
            a.summary.at_risk_next_year
        );
        if let Some(y) = open {
            html.push_str(&format!(
                "<p><a href=\"/minwage/{y}/tracker\">{}{}</a>: {} {late}</p>",
                ctx.gov_label(GovYear(y as i32)),
                l.t("の改正の取組み", " revisions"),
                l.t("遅れている段階", "late steps")
            ));
        }
        Ok(Some(Panel { order: 14, title: l.t("最低賃金", "Minimum wages").into(), html, more: Some((format!("/minwage/{}", a.fiscal_year), l.t("分析を見る", "See the analysis").into())) }))
    })
}
