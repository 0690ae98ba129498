//! The head office's answer-day board: the tally so far and the answers as they arrive. It
//! updates itself through server-sent events (a fresh board each time anything was written,
//! checked every second); without JavaScript the page refreshes itself.

use crate::store;
use askama::Template;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use kumiai_core::{Lang, Viewer, time};
use kumiai_platform::web::layout::render_page;
use kumiai_platform::web::{Crumb, Ctx, PathParams};
use kumiai_platform::{AppError, AppResult, Db};
use std::time::Duration;

#[derive(Template)]
#[template(path = "campaign_board_live.html")]
struct Live {
    l: Lang,
    at: String,
    /// (group, registered, answered, won, base-up average)
    groups: Vec<(String, i64, i64, i64, String)>,
    /// (received, union, industrial union, base-up)
    arrivals: Vec<(String, String, String, String)>,
}

/// The live part of the board, as HTML.
async fn live(db: &Db, viewer: &Viewer, l: Lang, year: i64, now: i64) -> AppResult<String> {
    let campaign = store::by_year(db, year).await?.ok_or(AppError::NotFound)?;
    let t = store::tally(db, viewer, &campaign, None, now).await?;
    let yen = super::yen;
    let groups = [
        (l.t("集計対象組合", "Headline unions"), &t.headline.overall),
        (l.t("全体", "All unions"), &t.all.overall),
    ]
    .into_iter()
    .map(|(name, f)| {
        (
            name.to_string(),
            f.registered,
            f.answered,
            f.won_base_up,
            yen(f.base_up_avg_yen),
        )
    })
    .collect();
    let arrived = store::arrivals(db, viewer, &campaign, 15, now).await?;
    // Unions by name, as the reader may see them (the code where a name is hidden).
    let ids: Vec<kumiai_core::OrgId> = arrived.iter().map(|a| a.org_id).collect();
    let names: std::collections::HashMap<_, _> =
        kumiai_directory::reference::names(db, viewer, &ids, now)
            .await?
            .into_iter()
            .map(|n| (n.id, n.name(l).to_string()))
            .collect();
    let arrivals = arrived
        .iter()
        .map(|a| {
            let base_up = match crate::model::base_up(&a.base_up_state, a.base_up_won_yen) {
                crate::tally::BaseUp::Won(y) => format!(
                    "{}{}",
                    kumiai_platform::db::group_digits(y),
                    l.t("円", " yen")
                ),
                other => crate::entry::STATE_WORDS
                    .iter()
                    .find(|(c, _, _)| *c == crate::model::state_code(other))
                    .map(|(_, ja, en)| l.t(ja, en).to_string())
                    .unwrap_or_default(),
            };
            (
                time::format_ms(a.updated_at),
                names
                    .get(&a.org_id)
                    .cloned()
                    .unwrap_or_else(|| a.union_code.clone()),
                a.industrial_union_code.clone(),
                base_up,
            )
        })
        .collect();
    Live {
        l,
        at: time::format_ms(now),
        groups,
        arrivals,
    }
    .render()
    .map_err(|e| AppError::Internal(e.into()))
}

#[derive(Template)]
#[template(path = "campaign_board.html")]
struct BoardBody {
    l: Lang,
    year: i64,
    live: String,
}

pub async fn board(ctx: Ctx, PathParams(year): PathParams<i64>) -> AppResult<Response> {
    if !ctx.viewer.is_hq() {
        return Err(AppError::NotFound);
    }
    let live = live(ctx.db(), &ctx.viewer, ctx.lang, year, ctx.now).await?;
    let title = format!(
        "{year}{}",
        ctx.t("年闘争 回答速報ボード", " wage round: answer-day board")
    );
    Ok(render_page(
        &ctx,
        &title,
        &[
            Crumb::link(
                format!("{year}{}", ctx.t("年闘争", " wage round")),
                format!("/campaign/{year}"),
            ),
            Crumb::here(ctx.t("回答ボード", "Board")),
        ],
        &BoardBody {
            l: ctx.lang,
            year,
            live,
        },
    ))
}

/// The board as a stream of events, each the whole live part, sent when the database changed.
/// A client that does not ask for a stream (`Accept: text/event-stream`, as `EventSource` does)
/// gets the current board as one event, and the response ends.
pub async fn events(
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    PathParams(year): PathParams<i64>,
) -> AppResult<Response> {
    if !ctx.viewer.is_hq() {
        return Err(AppError::NotFound);
    }
    let db = ctx.db().clone();
    let (viewer, lang) = (ctx.viewer.clone(), ctx.lang);
    // The first board now (and the reach decision with it); then one per change.
    let first = live(&db, &viewer, lang, year, ctx.now).await?;
    let streaming = headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/event-stream"));
    if !streaming {
        let body = format!("data: {}\n\n", first.replace('\n', "\ndata: "));
        return Ok((
            [(axum::http::header::CONTENT_TYPE, "text/event-stream")],
            body,
        )
            .into_response());
    }
    let state = (db, viewer, Some(first), u64::MAX);
    let stream =
        futures_util::stream::unfold(state, move |(db, viewer, pending, mut seen)| async move {
            if let Some(html) = pending {
                seen = db.caches.epoch();
                return Some((
                    Ok::<Event, std::convert::Infallible>(Event::default().data(html)),
                    (db, viewer, None, seen),
                ));
            }
            loop {
                tokio::time::sleep(Duration::from_millis(500)).await;
                let epoch = db.caches.epoch();
                if epoch != seen {
                    let html = live(&db, &viewer, lang, year, time::now_ms())
                        .await
                        .unwrap_or_default();
                    return Some((Ok(Event::default().data(html)), (db, viewer, None, epoch)));
                }
            }
        });
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response())
}
