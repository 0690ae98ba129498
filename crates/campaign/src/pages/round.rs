//! The round's page for the head office: JCM's tally of the answers so far (headline and all
//! unions, by industrial union and size band), the comparison with JCM's published results of
//! the year before, and the base-up average year by year. Raw answers are the head office's
//! until bulletins publish them: for anyone else the page does not exist.

use crate::history::{self, Published};
use crate::store;
use crate::tally::{Figures, Group, Tally};
use askama::Template;
use axum::response::Response;
use kumiai_core::Lang;
use kumiai_platform::module::Panel;
use kumiai_platform::search::BoxFuture;
use kumiai_platform::web::layout::render_page;
use kumiai_platform::web::{Crumb, Ctx, PathParams};
use kumiai_platform::{AppError, AppResult};

/// One line of the tally table.
pub(crate) struct Line {
    pub label: String,
    pub f: Figures,
}

pub(crate) fn lines(l: Lang, g: &Group) -> Vec<Line> {
    let mut out = vec![Line {
        label: l.t("全体", "Overall").into(),
        f: g.overall.clone(),
    }];
    out.extend(g.by_industrial_union.iter().map(|(k, f)| Line {
        label: k.clone(),
        f: f.clone(),
    }));
    // Large to small, as JCM publishes them.
    for band in crate::tally::SizeBand::ALL {
        let label = match band {
            crate::tally::SizeBand::Large => l.t("1,000人以上", "1,000 members and more"),
            crate::tally::SizeBand::Medium => l.t("300〜999人", "300–999 members"),
            crate::tally::SizeBand::Small => l.t("299人以下", "299 members and fewer"),
        };
        out.extend(g.by_size_band.get(band.key()).map(|f| Line {
            label: label.into(),
            f: f.clone(),
        }));
    }
    out
}

#[derive(Template)]
#[template(path = "campaign_round.html")]
struct RoundBody {
    l: Lang,
    year: i64,
    demand: Option<i64>,
    answer_day: String,
    /// (heading, lines): the headline unions, then all.
    sections: Vec<(String, Vec<Line>)>,
    headline_avg: Option<i64>,
    all_avg: Option<i64>,
    rounding: String,
    previous: Option<Published>,
    chart: String,
    band_chart: String,
    demand_chart: String,
    deadline: String,
    /// The cut-offs as written (each links to the tally as of then).
    cutoffs: Vec<String>,
    items: String,
    /// The moment the tally was taken at, when not now.
    as_of: Option<String>,
}

impl RoundBody {
    fn yen(&self, v: &Option<i64>) -> String {
        super::yen(*v)
    }
    fn months(&self, v: &Option<f64>) -> String {
        super::months(*v)
    }
    /// This round's figure against last year's published one.
    fn change(&self, now: &Option<i64>, then: &i64) -> String {
        match now {
            Some(n) => {
                let d = n - then;
                if d > 0 {
                    format!("+{}", kumiai_platform::db::group_digits(d))
                } else {
                    kumiai_platform::db::group_digits(d)
                }
            }
            None => "—".into(),
        }
    }
}

/// Base-up averages by year: JCM's published ones, and this round's tally so far.
fn chart(l: Lang, published: &[Published], year: i64, t: &Tally) -> String {
    use kumiai_platform::web::chart::{Series, line_chart};
    let mut all = Series {
        name: l.t("全体（公表値）", "All unions (published)"),
        points: published
            .iter()
            .map(|p| (i64::from(p.year), p.all_base_up_avg_yen))
            .collect(),
    };
    let mut head = Series {
        name: l.t("集計対象組合（公表値）", "Headline unions (published)"),
        points: published
            .iter()
            .map(|p| (i64::from(p.year), p.headline_base_up_avg_yen))
            .collect(),
    };
    let mine = Series {
        name: l.t("この集計（全体）", "This tally (all unions)"),
        points: t
            .all
            .overall
            .base_up_avg_yen
            .map(|y| vec![(year, y)])
            .unwrap_or_default(),
    };
    all.points.retain(|p| p.0 <= year);
    head.points.retain(|p| p.0 <= year);
    line_chart(
        l.t(
            "賃金改善分（ベア）平均の推移（円）",
            "Base-up average by year (yen)",
        ),
        &[all, head, mine],
        |y| format!("{y}"),
        kumiai_platform::db::group_digits,
    )
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct RoundQuery {
    /// YYYY-MM-DDTHH:MM: the tally as the log stood then.
    as_of: String,
}

/// Base-up averages by size band, year by year (published), with this round's tally.
fn band_chart(l: Lang, published: &[Published], year: i64, t: &Tally) -> String {
    use kumiai_platform::web::chart::{Series, line_chart};
    let names = [
        l.t("1,000人以上", "1,000+"),
        l.t("300〜999人", "300–999"),
        l.t("299人以下", "299 or fewer"),
    ];
    let series: Vec<Series> = crate::tally::SizeBand::ALL
        .iter()
        .enumerate()
        .map(|(i, band)| {
            let mut points: Vec<(i64, i64)> = published
                .iter()
                .filter(|p| i64::from(p.year) < year)
                .filter_map(|p| p.band_avg_yen[i].map(|y| (i64::from(p.year), y)))
                .collect();
            points.extend(
                t.all
                    .by_size_band
                    .get(band.key())
                    .and_then(|f| f.base_up_avg_yen)
                    .map(|y| (year, y)),
            );
            Series {
                name: names[i],
                points,
            }
        })
        .collect();
    line_chart(
        l.t(
            "規模別の賃金改善分（ベア）平均（円）",
            "Base-up average by size band (yen)",
        ),
        &series,
        |y| format!("{y}"),
        kumiai_platform::db::group_digits,
    )
}

/// The demand standard against the base-up won, year by year.
fn demand_chart(
    l: Lang,
    published: &[Published],
    year: i64,
    demand: Option<i64>,
    t: &Tally,
) -> String {
    use kumiai_platform::web::chart::{Series, line_chart};
    let before: Vec<&Published> = published
        .iter()
        .filter(|p| i64::from(p.year) < year)
        .collect();
    let mut demanded = Series {
        name: l.t("要求基準", "Demand standard"),
        points: before
            .iter()
            .map(|p| (i64::from(p.year), p.demand_standard_yen))
            .collect(),
    };
    demanded.points.extend(demand.map(|d| (year, d)));
    let mut won = Series {
        name: l.t("獲得（全体のベア平均）", "Won (base-up average, all)"),
        points: before
            .iter()
            .map(|p| (i64::from(p.year), p.all_base_up_avg_yen))
            .collect(),
    };
    won.points
        .extend(t.all.overall.base_up_avg_yen.map(|y| (year, y)));
    line_chart(
        l.t("要求と獲得（円）", "Demanded and won (yen)"),
        &[demanded, won],
        |y| format!("{y}"),
        kumiai_platform::db::group_digits,
    )
}

pub async fn round(
    ctx: Ctx,
    PathParams(year): PathParams<i64>,
    kumiai_platform::web::QueryParams(q): kumiai_platform::web::QueryParams<RoundQuery>,
) -> AppResult<Response> {
    // Until bulletins publish them, the raw answers' figures are the head office's alone.
    if !ctx.viewer.is_hq() {
        return Err(AppError::NotFound);
    }
    let campaign = store::by_year(ctx.db(), year)
        .await?
        .ok_or(AppError::NotFound)?;
    let as_of = store::parse_as_of(&q.as_of)?;
    let t = store::tally(ctx.db(), &ctx.viewer, &campaign, as_of, ctx.now).await?;
    let published =
        history::parse(history::SHIPPED).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    let l = ctx.lang;
    let body = RoundBody {
        l,
        year,
        demand: campaign.demand_standard_yen,
        answer_day: campaign.main_answer_day.clone(),
        sections: vec![
            (
                l.t("集計対象組合（速報対象）", "Headline unions").into(),
                lines(l, &t.headline),
            ),
            (l.t("全体集計", "All unions").into(), lines(l, &t.all)),
        ],
        headline_avg: t.headline.overall.base_up_avg_yen,
        all_avg: t.all.overall.base_up_avg_yen,
        rounding: t.rounding.clone(),
        previous: published
            .iter()
            .find(|p| i64::from(p.year) == year - 1)
            .cloned(),
        chart: chart(l, &published, year, &t),
        band_chart: band_chart(l, &published, year, &t),
        demand_chart: demand_chart(l, &published, year, campaign.demand_standard_yen, &t),
        deadline: campaign.demand_deadline.clone(),
        cutoffs: campaign
            .cutoff_times()
            .into_iter()
            .map(|(t, _)| t)
            .collect(),
        items: campaign.items.clone(),
        as_of: as_of.map(kumiai_core::time::format_ms),
    };
    let title = format!("{year}{}", l.t("年闘争", " wage round"));
    Ok(render_page(&ctx, &title, &[Crumb::here(&title)], &body))
}

/// The dashboard: for the head office the newest round's tally so far; for an officer of a union
/// or an industrial union, where its demands and answers are entered.
pub fn panel(ctx: &Ctx) -> BoxFuture<'_, AppResult<Option<Panel>>> {
    Box::pin(async move {
        let Some(c) = store::latest(ctx.db()).await? else {
            return Ok(None);
        };
        if !ctx.viewer.is_hq() {
            let Some(a) = ctx.viewer.account() else {
                return Ok(None);
            };
            if !matches!(
                a.tier,
                kumiai_core::Tier::Industrial | kumiai_core::Tier::Enterprise
            ) {
                return Ok(None);
            }
            let l = ctx.lang;
            let html = format!(
                "<p>{}</p><p><a href=\"/campaign/{}/bulletins\">{}</a></p>",
                l.t(
                    "組合の要求と回答を入力・訂正できます。",
                    "Enter or correct your unions' demands and answers."
                ),
                c.year,
                l.t("速報を見る", "See the bulletins")
            );
            return Ok(Some(Panel {
                order: 12,
                title: format!("{}{}", c.year, l.t("年闘争", " wage round")),
                html,
                more: Some((
                    format!("/campaign/{}/answers", c.year),
                    l.t("要求・回答の入力", "Demands and answers").into(),
                )),
            }));
        }
        let t = store::tally(ctx.db(), &ctx.viewer, &c, None, ctx.now).await?;
        let l = ctx.lang;
        let yen = super::yen;
        let html = format!(
            "<p>{} {} / {} · {} {}</p><p>{}: <strong>{}{}</strong>（{}: {}{}）</p>",
            l.t("回答", "Answered"),
            t.all.overall.answered,
            t.all.overall.registered,
            l.t("ベア獲得", "won a base-up"),
            t.all.overall.won_base_up,
            l.t("ベア平均（全体）", "Base-up average (all)"),
            yen(t.all.overall.base_up_avg_yen),
            l.t("円", " yen"),
            l.t("集計対象組合", "headline unions"),
            yen(t.headline.overall.base_up_avg_yen),
            l.t("円", " yen"),
        );
        let html = format!(
            "{html}<p><a href=\"/campaign/{}/bulletins\">{}</a> · <a href=\"/campaign/{}/answers\">{}</a></p>",
            c.year,
            l.t("速報", "Bulletins"),
            c.year,
            l.t("要求・回答の入力", "Demands and answers")
        );
        Ok(Some(Panel {
            order: 12,
            title: format!("{}{}", c.year, l.t("年闘争", " wage round")),
            html,
            more: Some((
                format!("/campaign/{}", c.year),
                l.t("集計を見る", "See the tally").into(),
            )),
        }))
    })
}

#[derive(Template)]
#[template(path = "campaign_index.html")]
struct IndexBody {
    l: Lang,
    years: Vec<i64>,
    member: bool,
    hq: bool,
}

/// Every round, with what the reader may open of each.
pub async fn index(ctx: Ctx) -> AppResult<Response> {
    let years = store::all(ctx.db()).await?.iter().map(|c| c.year).collect();
    let body = IndexBody {
        l: ctx.lang,
        years,
        member: ctx
            .viewer
            .account()
            .is_some_and(|a| a.tier != kumiai_core::Tier::Partner),
        hq: ctx.viewer.is_hq(),
    };
    // The list of rounds holds no reach-bearing record: the reach decision is the bulletins'.
    let title = ctx.t("春季生活闘争", "Wage rounds");
    Ok(render_page(&ctx, title, &[Crumb::here(title)], &body))
}
