//! A page's discussion (MediaWiki's talk page): signed, dated comments. A comment either opens a
//! topic (with a heading) or replies to another comment. Comments are read only through their
//! page (a [`Visible`] page), so whoever may not see the page sees no discussion, nor its size.
//! Every comment and every removal is written through the audited path.

use crate::Key;
use crate::model::Page;
use kumiai_core::{CommentId, Msg, PageId, Viewer};
use kumiai_platform::audit::{self, Actor, Val};
use kumiai_platform::db::Db;
use kumiai_platform::record::fetch;
use kumiai_platform::{AppError, AppResult, Record, Visible};

pub const ENTITY: &str = "wiki_comment";
/// A comment's text, at most (a long report belongs on a page).
pub const MAX_BODY: usize = 20_000;
pub const MAX_TOPIC: usize = 200;
/// Replies nest this deep at most; a reply to a deeper one sits beside it.
const MAX_DEPTH: usize = 8;

#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct Comment {
    pub id: CommentId,
    pub page_id: PageId,
    pub topic: String,
    pub parent_id: Option<CommentId>,
    pub body: String,
    pub author: String,
    pub author_user_id: Option<i64>,
    pub deleted_at: Option<i64>,
    pub created_at: i64,
    pub version: i64,
}

kumiai_platform::identified!(ENTITY => Comment);

impl Record for Comment {
    const TABLE: &'static str = "wiki_comments";
    const SELECT: &'static str =
        "SELECT c.id, c.page_id, c.topic, c.parent_id, c.body, c.author, c.author_user_id, c.deleted_at, c.created_at, c.version FROM wiki_comments c";
    const ALIAS: &'static str = "c";
    const FIELD_LABELS: &'static [(&'static str, &'static str, &'static str)] =
        &[("label", "話題", "Topic"), ("author", "投稿者", "Author"), ("deleted_at", "削除日時", "Removed")];
    type Key = Key;
    fn version(&self) -> i64 {
        self.version
    }
    fn snapshot(&self) -> serde_json::Value {
        serde_json::json!({"page_id": self.page_id, "label": self.topic, "parent_id": self.parent_id, "author": self.author, "deleted_at": self.deleted_at, "version": self.version})
    }
}

/// A comment as the discussion shows it: how deep it sits under its topic.
pub struct Shown {
    pub comment: Comment,
    pub depth: usize,
}

/// One topic: its opening comment and the replies under it, in reading order.
pub struct Thread {
    pub topic: String,
    pub comments: Vec<Shown>,
}

/// The live comments of a page the caller has let through the reach layer, as threads: topics
/// in the order they were opened, each reply under the comment it answers.
pub async fn threads(db: &Db, page: &Visible<Page>) -> sqlx::Result<Vec<Thread>> {
    let all: Vec<Comment> = db.fetch_cached(format!("{} WHERE c.page_id = $1 AND c.deleted_at IS NULL ORDER BY c.id", Comment::SELECT), &[page.id.get().into()]).await?;
    Ok(arrange(all))
}

/// Orders comments as threads. A reply whose comment was removed stays, under the topic's root.
fn arrange(all: Vec<Comment>) -> Vec<Thread> {
    let ids: std::collections::HashSet<CommentId> = all.iter().map(|c| c.id).collect();
    let (roots, replies): (Vec<Comment>, Vec<Comment>) = all.into_iter().partition(|c| c.parent_id.is_none_or(|p| !ids.contains(&p)));
    let mut children: std::collections::HashMap<CommentId, Vec<Comment>> = std::collections::HashMap::new();
    for r in replies {
        children.entry(r.parent_id.expect("a reply has a parent")).or_default().push(r);
    }
    let mut out = vec![];
    for root in roots {
        let mut thread = Thread { topic: root.topic.clone(), comments: vec![] };
        let mut stack = vec![(root, 0usize)];
        while let Some((c, depth)) = stack.pop() {
            let mut kids = children.remove(&c.id).unwrap_or_default();
            kids.reverse();
            stack.extend(kids.into_iter().map(|k| (k, (depth + 1).min(MAX_DEPTH))));
            thread.comments.push(Shown { comment: c, depth });
        }
        out.push(thread);
    }
    out
}

/// What a new comment says and where it goes.
pub struct NewComment<'a> {
    /// A new topic's heading (ignored for a reply).
    pub topic: &'a str,
    pub reply_to: Option<CommentId>,
    pub body: &'a str,
    /// Set by an import: its author, date and key (so a second run adds nothing).
    pub imported: Option<(Actor, i64, String)>,
}

fn bad(ja: &str, en: &str) -> AppError {
    AppError::BadRequest(Msg::new(ja.to_string(), en.to_string()))
}

/// Adds a comment to a page's discussion. Anyone signed in who may see the page may comment.
pub async fn add(db: &Db, viewer: &Viewer, page: &Visible<Page>, new: NewComment<'_>) -> AppResult<Option<Comment>> {
    if viewer.is_anonymous() {
        return Err(AppError::Forbidden);
    }
    let body = kumiai_platform::text::unix_newlines(new.body.trim());
    if body.is_empty() {
        return Err(bad("コメントを書いてください。", "Write a comment."));
    }
    if body.chars().count() > MAX_BODY {
        return Err(bad(&format!("コメントは{MAX_BODY}文字までです。"), &format!("A comment takes at most {MAX_BODY} characters.")));
    }
    let topic = new.topic.trim();
    if topic.chars().count() > MAX_TOPIC {
        return Err(bad(&format!("話題の見出しは{MAX_TOPIC}文字までです。"), &format!("A topic's heading takes at most {MAX_TOPIC} characters.")));
    }
    let parent = match new.reply_to {
        // The comment answered must be on this page: an id from elsewhere answers like a missing one.
        Some(id) => Some(fetch::<Comment>(db, id.get(), &Key(())).await?.filter(|c| c.page_id == page.id && c.deleted_at.is_none()).ok_or_else(|| {
            bad("返信先のコメントがありません（削除されたかもしれません）。", "The comment you reply to is not there (it may have been removed).")
        })?),
        None => None,
    };
    let mut fields: Vec<(&str, Val)> = vec![
        ("page_id", page.id.into()),
        ("topic", if parent.is_some() { String::new() } else { topic.to_string() }.into()),
        ("parent_id", Val::Int(parent.map(|p| p.id.get()))),
        ("body", body.into_owned().into()),
    ];
    let actor = match &new.imported {
        Some((actor, at, key)) => {
            if imported(db, key).await?.is_some() {
                return Ok(None);
            }
            fields.extend([("created_at", (*at).into()), ("updated_at", (*at).into()), ("import_key", key.clone().into())]);
            actor.clone()
        }
        None => Actor::of(viewer),
    };
    fields.extend([("author", actor.label.trim_start_matches("mediawiki:").to_string().into()), ("author_user_id", Val::Int(actor.user_id))]);
    let mut tx = db.begin().await?;
    let c = audit::insert::<Comment>(&mut tx, &actor, &fields, None).await?;
    db.commit(tx).await?;
    Ok(Some(c))
}

/// The comment an import added under `key`, if any.
pub async fn imported(db: &Db, key: &str) -> sqlx::Result<Option<CommentId>> {
    let seen: Vec<(i64,)> = db.fetch_cached("SELECT id FROM wiki_comments WHERE import_key = $1".to_string(), &[key.to_string().into()]).await?;
    Ok(seen.first().map(|r| CommentId(r.0)))
}

/// Removes a comment: its author may, and whoever may edit the page. Replies to it stay.
pub async fn remove(db: &Db, viewer: &Viewer, page: &Visible<Page>, id: CommentId, version: i64, now: i64) -> AppResult<Comment> {
    let c = fetch::<Comment>(db, id.get(), &Key(())).await?.filter(|c| c.page_id == page.id && c.deleted_at.is_none()).ok_or(AppError::NotFound)?;
    let own = viewer.account().is_some_and(|a| Some(a.user_id.get()) == c.author_user_id);
    if !own && !page.can_edit(viewer, now) {
        return Err(AppError::Forbidden);
    }
    let mut tx = db.begin().await?;
    let fields = [("deleted_at", Val::from(now))];
    match audit::update(&mut tx, &Actor::of(viewer), &c, version, &fields, None, "delete").await {
        Ok(after) => {
            db.commit(tx).await?;
            Ok(after)
        }
        Err(e) => Err(audit::answer::<Comment>(e, db, viewer, id.get(), &fields, None, version, now).await),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: i64, parent: Option<i64>, topic: &str) -> Comment {
        Comment {
            id: CommentId(id),
            page_id: PageId(1),
            topic: topic.into(),
            parent_id: parent.map(CommentId),
            body: String::new(),
            author: String::new(),
            author_user_id: None,
            deleted_at: None,
            created_at: 0,
            version: 1,
        }
    }

    #[test]
    fn replies_sit_under_what_they_answer() {
        // 1 opens a topic; 2 answers 1; 3 opens another; 4 answers 1 later; 5 answers 2; 6 answers a removed comment.
        let t = arrange(vec![c(1, None, "数値"), c(2, Some(1), ""), c(3, None, "関連"), c(4, Some(1), ""), c(5, Some(2), ""), c(6, Some(99), "")]);
        let shape: Vec<(String, Vec<(i64, usize)>)> = t.iter().map(|t| (t.topic.clone(), t.comments.iter().map(|s| (s.comment.id.get(), s.depth)).collect())).collect();
        assert_eq!(shape, [("数値".into(), vec![(1, 0), (2, 1), (5, 2), (4, 1)]), ("関連".into(), vec![(3, 0)]), (String::new(), vec![(6, 0)])]);
    }
}
