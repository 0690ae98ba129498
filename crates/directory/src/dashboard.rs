//! The directory's panels on the home page, by the reader's tier: member counts still due this
//! 年度 (by industrial union for the head office; an industrial union's own unions for its
//! officers), an enterprise union's own record, a partner's own organisation. Every name and
//! count comes through the reach filter; a count of unions is a count of those the reader sees.

use crate::org::{ENTITY, Organisation};
use kumiai_core::{Lang, OrgId, Tier, time};
use kumiai_platform::module::Panel;
use kumiai_platform::reach;
use kumiai_platform::search::BoxFuture;
use kumiai_platform::text::escape_html;
use kumiai_platform::web::Ctx;
use kumiai_platform::{AppResult, Visible};

pub fn counts_due(ctx: &Ctx) -> BoxFuture<'_, AppResult<Option<Panel>>> {
    Box::pin(async move {
        let Some(account) = ctx.viewer.account() else { return Ok(None) };
        match account.tier {
            Tier::Hq => Ok(Some(by_industrial_union(ctx, None).await?)),
            Tier::Industrial => Ok(Some(by_industrial_union(ctx, Some(account.org_id)).await?)),
            Tier::Enterprise | Tier::Partner => own_record(ctx, account.org_id).await,
        }
    })
}

/// One industrial union's enterprise unions, and how many of them reported this year.
#[derive(Clone, sqlx::FromRow)]
struct Due {
    id: i64,
    name_ja: String,
    name_en: String,
    unions: i64,
    reported: i64,
}

/// The enterprise unions under each industrial union the reader sees (only `only`, when given)
/// and how many have this 年度's count; with one industrial union, the unions still due by name.
async fn by_industrial_union(ctx: &Ctx, only: Option<OrgId>) -> AppResult<Panel> {
    let (db, l) = (ctx.db(), ctx.lang);
    let fy = i64::from(ctx.fiscal_year().0);
    let fo = reach::filter(&ctx.viewer, "o", ENTITY, ctx.now);
    let fe = reach::filter(&ctx.viewer, "e", ENTITY, ctx.now);
    let under = format!("e.kind = 'enterprise_union' AND e.archived_at IS NULL AND e.path LIKE o.path || '%' AND {}", fe.sql());
    let only_sql = only.map(|o| format!(" AND o.id = {o}")).unwrap_or_default();
    let sql = format!(
        "SELECT o.id, o.name_ja, o.name_en, \
         (SELECT COUNT(*) FROM organisations e WHERE {under}) AS unions, \
         (SELECT COUNT(*) FROM organisations e JOIN member_counts c ON c.org_id = e.id AND c.fiscal_year = $1 WHERE {under}) AS reported \
         FROM organisations o WHERE o.kind = 'industrial_union' AND o.archived_at IS NULL AND {}{only_sql} ORDER BY o.sort_key, o.id",
        fo.sql()
    );
    let rows: Vec<Due> = db.fetch_cached(sql, &[fy.into()]).await?;
    fo.vouch(rows.iter().map(|r| r.id));
    let name = |r: &Due| escape_html(if l == Lang::En && !r.name_en.is_empty() { &r.name_en } else { &r.name_ja });
    let mut html = format!(
        "<table><thead><tr><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th></tr></thead><tbody>",
        l.t("産別", "Industrial union"),
        l.t("単組", "Unions"),
        l.t("報告済み", "Reported"),
        l.t("未報告", "Due")
    );
    for r in &rows {
        let due = r.unions - r.reported;
        let class = if due > 0 { "due" } else { "done" };
        html.push_str(&format!(
            "<tr><td><a href=\"/directory/organisations/{}\">{}</a></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num {class}\">{due}</td></tr>",
            r.id,
            name(r),
            r.unions,
            r.reported
        ));
    }
    html.push_str("</tbody></table>");
    if rows.is_empty() {
        html = format!("<p>{}</p>", l.t("見られる産別はありません。", "No industrial union to show."));
    }
    if let (Some(iu), [_]) = (only, rows.as_slice()) {
        html.push_str(&due_unions(ctx, iu, fy).await?);
        if ctx.viewer.has_role(kumiai_core::Role::Editor) {
            html.push_str(&format!("<p><a class=\"button secondary\" href=\"/directory/organisations/{iu}/counts/grid\">{}</a></p>", l.t("単組の組合員数を一括入力", "Enter the unions' counts together")));
        }
    }
    Ok(Panel {
        order: 10,
        title: format!("{}（{}）", l.t("組合員数の報告", "Member counts"), ctx.fy_label(ctx.fiscal_year())),
        html,
        more: Some(("/directory/organisations?kind=enterprise_union&sort=members".into(), l.t("単組の一覧", "All enterprise unions").into())),
    })
}

/// The enterprise unions under `iu` the reader sees that have no count for year `fy`, by name.
async fn due_unions(ctx: &Ctx, iu: OrgId, fy: i64) -> AppResult<String> {
    let l = ctx.lang;
    let fe = reach::filter(&ctx.viewer, "e", ENTITY, ctx.now);
    let sql = format!(
        "SELECT e.id, e.name_ja, e.name_en FROM organisations e JOIN organisations o ON o.id = $1 \
         WHERE e.kind = 'enterprise_union' AND e.archived_at IS NULL AND e.path LIKE o.path || '%' AND {} \
         AND NOT EXISTS (SELECT 1 FROM member_counts c WHERE c.org_id = e.id AND c.fiscal_year = $2) ORDER BY e.sort_key, e.id LIMIT 16",
        fe.sql()
    );
    let rows: Vec<(i64, String, String)> = ctx.db().fetch_cached(sql, &[iu.get().into(), fy.into()]).await?;
    fe.vouch(rows.iter().map(|r| r.0));
    if rows.is_empty() {
        return Ok(format!("<p class=\"done\">{}</p>", l.t("すべての単組が報告済みです。", "Every union has reported.")));
    }
    let mut html = format!("<p>{}</p><ul>", l.t("まだ報告のない単組：", "Unions still to report:"));
    for (id, ja, en) in rows.iter().take(15) {
        html.push_str(&format!("<li><a href=\"/directory/organisations/{id}\">{}</a></li>", escape_html(if l == Lang::En && !en.is_empty() { en } else { ja })));
    }
    html.push_str("</ul>");
    if rows.len() > 15 {
        html.push_str(&format!("<p>{}</p>", l.t("ほかにもあります。", "And more.")));
    }
    Ok(html)
}

/// An enterprise union's or a partner's own organisation: its record and, for a union, whether
/// this 年度's count is in.
async fn own_record(ctx: &Ctx, id: OrgId) -> AppResult<Option<Panel>> {
    let l = ctx.lang;
    let org: Visible<Organisation> = match crate::reference::org(ctx.db(), &ctx.viewer, id, ctx.now).await {
        Ok(o) => o,
        Err(kumiai_platform::AppError::NotFound) => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut html = format!("<p><a href=\"/directory/organisations/{}\"><strong>{}</strong></a></p>", org.id, escape_html(org.name(l)));
    if org.kind == kumiai_core::OrgKind::EnterpriseUnion {
        let year = ctx.fiscal_year();
        match crate::reference::member_count(ctx.db(), &org, year).await? {
            Some(c) => html.push_str(&format!(
                "<p class=\"done\">{}: {}{} <small>({} {})</small></p>",
                ctx.fy_label(year),
                kumiai_platform::db::group_digits(c.members),
                l.t("人", " members"),
                l.t("更新", "updated"),
                time::format_ms(c.updated_at)
            )),
            None => html.push_str(&format!(
                "<p class=\"due\">{}</p><p><a href=\"/directory/organisations/{}#counts\">{}</a></p>",
                l.t(&format!("{}の組合員数がまだ報告されていません。", ctx.fy_label(year)), &format!("The member count for {} is still due.", ctx.fy_label(year))),
                org.id,
                l.t("組合員数を入力する", "Enter the member count")
            )),
        }
    }
    Ok(Some(Panel { order: 10, title: l.t("自組織", "Your organisation").into(), html, more: None }))
}
