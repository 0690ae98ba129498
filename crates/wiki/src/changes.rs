//! Recent changes, the watch list and feed tokens: the data. Every list is of revisions whose
//! page the reader may see now (checked in SQL), so a feed never carries a hidden page's title or
//! summary.

use crate::model::ENTITY;
use kumiai_core::{Account, PageId, RevisionId, UserId, Viewer};
use kumiai_platform::accounts::{self, secret};
use kumiai_platform::audit::{self, Actor};
use kumiai_platform::db::{Db, Paging, bind_all, like_pattern};
use kumiai_platform::{Identified, Visible, reach};
use sqlx::AssertSqlSafe;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Change {
    pub revision_id: RevisionId,
    pub page_id: PageId,
    pub title: String,
    pub summary: String,
    pub author: String,
    pub created_at: i64,
    pub minor: i64,
    pub previous: Option<RevisionId>,
}

impl Change {
    pub fn is_minor(&self) -> bool {
        self.minor != 0
    }
}

/// A change shows its page.
impl Identified for Change {
    const ENTITY: &'static str = ENTITY;
    fn id(&self) -> i64 {
        self.page_id.get()
    }
}

pub const PER_PAGE: i64 = 50;

/// What a change did to its page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// The page's first revision.
    New,
    /// Any later revision.
    Edit,
}

/// Minor edits: shown with the rest, hidden, or alone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Minor {
    #[default]
    #[serde(alias = "")]
    Show,
    Hide,
    Only,
}

/// The filters of recent changes. Dates are Japan-time calendar days, both ends included.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub kind: Option<ChangeKind>,
    /// Part of the author's name.
    pub author: String,
    pub minor: Minor,
    pub from: Option<jiff::civil::Date>,
    pub to: Option<jiff::civil::Date>,
}

/// Revisions of pages the viewer may see, newest first by the revision's time (imported
/// revisions keep their old dates, so ids are not in time order); only watched pages when
/// `watcher` is set.
pub async fn changes(db: &Db, viewer: &Viewer, watcher: Option<UserId>, filter: &Filter, page: Option<i64>, now: i64) -> sqlx::Result<Vec<Visible<Change>>> {
    let f = reach::filter(viewer, "p", ENTITY, now);
    let mut conds = vec![f.sql().to_string()];
    let mut binds: Vec<audit::Val> = vec![];
    if let Some(u) = watcher {
        conds.push(format!("p.id IN (SELECT page_id FROM wiki_watch WHERE user_id = {u})"));
    }
    let first = "NOT EXISTS (SELECT 1 FROM wiki_revisions o WHERE o.page_id = r.page_id AND o.id < r.id)";
    match filter.kind {
        Some(ChangeKind::New) => conds.push(first.to_string()),
        Some(ChangeKind::Edit) => conds.push(format!("NOT {first}")),
        None => {}
    }
    match filter.minor {
        Minor::Show => {}
        Minor::Hide => conds.push("r.minor = 0".into()),
        Minor::Only => conds.push("r.minor <> 0".into()),
    }
    if !filter.author.trim().is_empty() {
        binds.push(like_pattern(filter.author.trim()).into());
        conds.push(format!("r.author {} ${} ESCAPE '\\'", db.ilike(), binds.len()));
    }
    conds.extend(kumiai_platform::db::within_days("r.created_at", filter.from, filter.to));
    let sql = format!(
        "SELECT r.id AS revision_id, p.id AS page_id, r.title, r.summary, r.author, r.created_at, r.minor, \
         (SELECT MAX(o.id) FROM wiki_revisions o WHERE o.page_id = r.page_id AND o.id < r.id) AS previous \
         FROM wiki_revisions r JOIN wiki_pages p ON p.id = r.page_id \
         WHERE p.deleted_at IS NULL AND p.redirect_to IS NULL AND {} ORDER BY r.created_at DESC, r.id DESC {}",
        conds.join(" AND "),
        Paging::new(page, None, PER_PAGE, PER_PAGE).sql()
    );
    let rows = bind_all(sqlx::query_as(AssertSqlSafe(sql)), &binds).fetch_all(&db.pool).await?;
    Ok(f.admit(rows))
}

/// Puts a page the reader may see on their watch list, or takes it off. A reader's own bookmarks
/// are not records of the federation: they are not versioned.
pub async fn set_watch(db: &Db, user: UserId, page: &Visible<crate::model::Page>, on: bool, now: i64) -> sqlx::Result<()> {
    if on {
        db.execute(sqlx::query("INSERT INTO wiki_watch (user_id, page_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING").bind(user).bind(page.id).bind(now)).await?;
    } else {
        db.execute(sqlx::query("DELETE FROM wiki_watch WHERE user_id = $1 AND page_id = $2").bind(user).bind(page.id)).await?;
    }
    Ok(())
}

pub async fn is_watched(db: &Db, user: UserId, page: &Visible<crate::model::Page>) -> sqlx::Result<bool> {
    Ok(db.scalar_cached("SELECT COUNT(*) FROM wiki_watch WHERE user_id = $1 AND page_id = $2".into(), &[user.get().into(), page.id.get().into()]).await? > 0)
}

/// Issues (or replaces) a user's feed token; only its hash is kept. Returns the token.
pub async fn new_feed_token(db: &Db, viewer: &Viewer, user: UserId, now: i64) -> sqlx::Result<String> {
    let token = secret::random_hex(20);
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM wiki_feed_tokens WHERE user_id = $1").bind(user).execute(&mut *tx).await?;
    sqlx::query("INSERT INTO wiki_feed_tokens (user_id, token_hash, created_at) VALUES ($1, $2, $3)").bind(user).bind(secret::sha256_hex(&token)).bind(now).execute(&mut *tx).await?;
    audit::record(&mut tx, &Actor::of(viewer), "wiki_feed_token", user.get(), "issue", None, None).await?;
    db.commit(tx).await?;
    Ok(token)
}

/// The active account a feed token opens, if any.
pub async fn feed_account(db: &Db, token: &str) -> sqlx::Result<Option<Account>> {
    let user: Option<i64> = sqlx::query_scalar("SELECT user_id FROM wiki_feed_tokens WHERE token_hash = $1").bind(secret::sha256_hex(token.trim())).fetch_optional(&db.pool).await?;
    Ok(match user {
        Some(u) => accounts::by_id(db, UserId(u)).await?.filter(|u| u.disabled_at.is_none()).and_then(|u| u.account()),
        None => None,
    })
}
