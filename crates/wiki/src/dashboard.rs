//! JCMpedia's panels on the home page: the latest changes the reader may see (for a partner,
//! what is shared with them), and their watch list. Both come from recent changes, which goes
//! through the reach filter.

use crate::changes::{self, Change, Filter};
use kumiai_core::{Tier, time};
use kumiai_platform::module::Panel;
use kumiai_platform::search::BoxFuture;
use kumiai_platform::text::escape_html;
use kumiai_platform::web::Ctx;
use kumiai_platform::{AppResult, Visible};

/// How many changes a panel lists.
const SHOWN: usize = 8;

/// The changes as a list; for an English reader, a page with an English copy shows the copy.
async fn list(ctx: &Ctx, rows: &[Visible<Change>]) -> AppResult<String> {
    let shown: Vec<&Visible<Change>> = rows.iter().take(SHOWN).collect();
    let copies = if ctx.lang == kumiai_core::Lang::En {
        crate::store::english_copies(ctx.db(), &ctx.viewer, &shown.iter().map(|c| c.page_id).collect::<Vec<_>>(), ctx.now).await?
    } else {
        Default::default()
    };
    let mut html = String::from("<ul class=\"changes\">");
    for c in shown {
        let (id, title) = copies.get(&c.page_id).map_or((c.page_id, c.title.as_str()), |(id, t)| (*id, t.as_str()));
        html.push_str(&format!(
            "<li><a href=\"/wiki/page/{}\">{}</a> <small>{} · {}</small></li>",
            id,
            escape_html(title),
            escape_html(c.author.trim_start_matches("mediawiki:")),
            time::format_ms(c.created_at)
        ));
    }
    html.push_str("</ul>");
    if rows.is_empty() {
        return Ok(format!("<p>{}</p>", ctx.t("まだ変更はありません。", "No changes yet.")));
    }
    Ok(html)
}

/// The newest changes of pages the reader may see (one line per page).
pub fn recent(ctx: &Ctx) -> BoxFuture<'_, AppResult<Option<Panel>>> {
    Box::pin(async move {
        let mut rows = changes::changes(ctx.db(), &ctx.viewer, None, &Filter::default(), None, ctx.now).await?;
        let mut seen = std::collections::HashSet::new();
        rows.retain(|c| seen.insert(c.page_id));
        let partner = ctx.viewer.tier() == Some(Tier::Partner);
        let title = if partner { ctx.t("共有されているページ", "Shared with you") } else { ctx.t("JCMpedia の最近の変更", "Recent changes in JCMpedia") };
        Ok(Some(Panel { order: 20, title: title.into(), html: list(ctx, &rows).await?, more: Some(("/wiki/recent".into(), ctx.t("最近の変更をすべて見る", "All recent changes").into())) }))
    })
}

/// The reader's watch list: changes of the pages they watch.
pub fn watched(ctx: &Ctx) -> BoxFuture<'_, AppResult<Option<Panel>>> {
    Box::pin(async move {
        let Some(account) = ctx.viewer.account() else { return Ok(None) };
        let rows = changes::changes(ctx.db(), &ctx.viewer, Some(account.user_id), &Filter::default(), None, ctx.now).await?;
        let html = if rows.is_empty() {
            format!("<p>{}</p>", ctx.t("ウォッチしているページはありません。ページの「ウォッチする」で加わります。", "You watch no pages yet: “Watch” on a page adds it here."))
        } else {
            list(ctx, &rows).await?
        };
        Ok(Some(Panel { order: 30, title: ctx.t("ウォッチリスト", "Watch list").into(), html, more: Some(("/wiki/watchlist".into(), ctx.t("ウォッチ中の変更をすべて見る", "All changes to watched pages").into())) }))
    })
}
