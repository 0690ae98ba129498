//! Pages, revisions and their input, with validation. Titles are compared by a normalised key
//! (NFKC, spaces folded, `_` as space, ASCII case ignored), as MediaWiki users expect.

use kumiai_core::{Access, Lang, OrgId, PageId, PersonId, Reach, RevisionId};
use kumiai_platform::text::{check_line, check_text};
use kumiai_platform::{FieldError, Reachable, Record};
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use unicode_normalization::UnicodeNormalization;

pub const ENTITY: &str = "wiki_page";
pub const REVISION: &str = "wiki_revision";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageKind {
    Union,
    Company,
    Person,
    Dispute,
    Topic,
}

impl PageKind {
    pub const ALL: [PageKind; 5] = [PageKind::Union, PageKind::Company, PageKind::Person, PageKind::Dispute, PageKind::Topic];
    pub fn as_str(self) -> &'static str {
        match self {
            PageKind::Union => "union",
            PageKind::Company => "company",
            PageKind::Person => "person",
            PageKind::Dispute => "dispute",
            PageKind::Topic => "topic",
        }
    }
    pub fn parse(s: &str) -> Option<PageKind> {
        PageKind::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }
    pub fn label(self, l: Lang) -> &'static str {
        match self {
            PageKind::Union => l.t("労働組合", "Union"),
            PageKind::Company => l.t("企業", "Company"),
            PageKind::Person => l.t("人物", "Person"),
            PageKind::Dispute => l.t("労使紛争の記録", "Dispute history"),
            PageKind::Topic => l.t("トピック", "Topic"),
        }
    }
}

#[derive(Clone, Debug, FromRow, Serialize)]
pub struct Page {
    pub id: PageId,
    pub title: String,
    pub title_key: String,
    #[sqlx(try_from = "String")]
    pub kind: PageKind,
    pub org_id: Option<OrgId>,
    pub person_id: Option<PersonId>,
    pub redirect_to: Option<PageId>,
    pub body: String,
    pub revision_id: Option<RevisionId>,
    #[sqlx(try_from = "String")]
    pub reach: Reach,
    pub scope_org_id: Option<OrgId>,
    pub embargo_until: Option<i64>,
    pub owner_org_id: Option<OrgId>,
    pub deleted_at: Option<i64>,
    pub deleted_reason: String,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
    #[serde(skip)]
    pub owner_path: Option<String>,
    pub lang: String,
    pub master_id: Option<PageId>,
    pub master_revision_id: Option<RevisionId>,
}

kumiai_platform::identified!(ENTITY => Page);

impl Record for Page {
    const TABLE: &'static str = "wiki_pages";
    const SELECT: &'static str = concat!(
        "SELECT p.id, p.title, p.title_key, p.kind, p.org_id, p.person_id, p.redirect_to, p.body, p.revision_id, p.reach, \
         p.scope_org_id, p.embargo_until, p.owner_org_id, p.deleted_at, p.version, p.created_at, p.updated_at, ow.path AS owner_path, \
         p.lang, p.master_id, p.master_revision_id, p.deleted_reason FROM wiki_pages p ",
        kumiai_platform::owner_path_join!("p")
    );
    const ALIAS: &'static str = "p";
    const ORG_REFS: &'static [&'static str] = &["org_id", "scope_org_id", "owner_org_id", "shared_with"];

    const FIELD_LABELS: &'static [(&'static str, &'static str, &'static str)] = &[
        ("title", "題名", "Title"),
        ("kind", "種類", "Kind"),
        ("org_id", "名簿の組織", "Directory organisation"),
        ("person_id", "名簿の人物", "Directory person"),
        ("revision_id", "版", "Revision"),
        ("redirect_to", "転送先", "Redirects to"),
        ("lang", "言語", "Language"),
        ("master_id", "原文のページ", "Master page"),
        ("deleted_reason", "削除の理由", "Reason for deletion"),
    ];
    fn present(field: &str, value: &str, lang: kumiai_core::Lang) -> Option<String> {
        (field == "kind").then(|| PageKind::parse(value).map(|k| k.label(lang).to_string())).flatten()
    }
    const SHARED: bool = true;
    type Key = crate::Key;
    fn version(&self) -> i64 {
        self.version
    }
    /// The page row as stored, without its text (every text is a revision of its own).
    fn snapshot(&self) -> serde_json::Value {
        serde_json::json!({
            "title": self.title, "kind": self.kind, "org_id": self.org_id, "person_id": self.person_id,
            "reach": self.reach, "scope_org_id": self.scope_org_id, "embargo_until": self.embargo_until.map(kumiai_core::time::format_ms),
            "owner_org_id": self.owner_org_id, "revision_id": self.revision_id, "deleted_at": self.deleted_at.map(kumiai_core::time::format_ms), "deleted_reason": self.deleted_reason,
            "redirect_to": self.redirect_to, "lang": self.lang, "master_id": self.master_id, "version": self.version,
        })
    }
    /// A conflict shows both texts, so the writer can carry their change over.
    fn conflict_view(&self) -> serde_json::Value {
        serde_json::json!({"title": self.title, "body": self.body, "reach": self.reach, "kind": self.kind, "version": self.version})
    }
    fn weight(&self) -> usize {
        std::mem::size_of::<Self>() + self.body.len() + self.title.len() * 2 + 256
    }
}

impl Reachable for Page {
    fn access(&self, shared_with: Vec<OrgId>) -> Access {
        kumiai_platform::reach::access(self.reach, self.scope_org_id, self.embargo_until, self.owner_org_id, self.owner_path.as_deref(), shared_with)
    }
}

impl Page {
    pub fn url(&self) -> String {
        format!("/wiki/page/{}", self.id)
    }
}

#[derive(Clone, Debug, FromRow, Serialize)]
pub struct Revision {
    pub id: RevisionId,
    pub page_id: PageId,
    pub title: String,
    pub body: String,
    pub summary: String,
    pub author: String,
    pub created_at: i64,
    pub version: i64,
    pub minor: i64,
}

impl Revision {
    pub fn is_minor(&self) -> bool {
        self.minor != 0
    }
}

kumiai_platform::identified!(REVISION => Revision);

impl Record for Revision {
    const TABLE: &'static str = "wiki_revisions";
    const SELECT: &'static str = "SELECT r.id, r.page_id, r.title, r.body, r.summary, r.author, r.created_at, r.version, r.minor FROM wiki_revisions r";
    const ALIAS: &'static str = "r";
    type Key = crate::Key;
    fn version(&self) -> i64 {
        self.version
    }
    /// A revision's text is the revision itself; the log notes who wrote which.
    fn snapshot(&self) -> serde_json::Value {
        serde_json::json!({"page_id": self.page_id, "title": self.title, "summary": self.summary, "author": self.author, "minor": self.is_minor(), "chars": self.body.chars().count()})
    }
}

/// A title's comparison key.
pub fn title_key(title: &str) -> String {
    let n: String = title.nfkc().collect::<String>().replace('_', " ");
    n.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The title as stored: as written (full-width brackets stay), spaces folded, `_` as space.
pub fn clean_title(title: &str) -> String {
    title.replace('_', " ").split_whitespace().collect::<Vec<_>>().join(" ")
}

impl TryFrom<String> for PageKind {
    type Error = kumiai_core::UnknownValue;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        PageKind::parse(&s).ok_or(kumiai_core::UnknownValue { what: "page kind", value: s })
    }
}

impl std::fmt::Display for PageKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a form or API call says about a page. Codes name directory records.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct PageInput {
    pub title: String,
    pub kind: String,
    pub org: String,
    pub person: String,
    pub body: String,
    pub summary: String,
    pub reach: String,
    pub scope: String,
    pub embargo_until: String,
    pub shared_with: String,
    /// For an English copy: the Japanese master page's id.
    pub master: String,
    /// A minor edit (a typo, layout), which recent changes can hide: yes/no. Not a field of the
    /// page but of the revision the save makes.
    pub minor: String,
}

impl PageInput {
    /// Line breaks as `\n` (browsers send `\r\n`).
    pub fn normalized(mut self) -> PageInput {
        if let std::borrow::Cow::Owned(b) = kumiai_platform::text::unix_newlines(&self.body) {
            self.body = b;
        }
        self
    }
    /// The same input without what belongs to the revision rather than the page (a summary, the
    /// minor mark): to tell whether a save changes anything.
    pub fn page_fields(&self) -> PageInput {
        PageInput { summary: String::new(), minor: String::new(), ..self.clone() }
    }
    pub fn is_minor(&self) -> bool {
        parse_flag(&self.minor) == Some(true)
    }
    /// The codes named in `shared_with`, without the stand-in for hidden organisations.
    pub fn shared_codes(&self) -> Vec<String> {
        self.shared_with.replace(kumiai_platform::orgs::HIDDEN_ORG, "").split([',', '、', ' ']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
    }
}

pub const MAX_BODY: usize = 500_000;

/// A yes/no field as forms and API calls send it (a ticked checkbox sends "on").
fn parse_flag(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "" | "0" | "false" | "no" | "off" => Some(false),
        "1" | "true" | "yes" | "on" => Some(true),
        _ => None,
    }
}

pub struct Checked {
    pub title: String,
    pub kind: PageKind,
    pub reach: Reach,
    pub embargo_until: Option<i64>,
}

pub fn check(i: &PageInput) -> Result<Checked, Vec<FieldError>> {
    let mut errs = vec![];
    for (field, value) in [("title", &i.title), ("org", &i.org), ("person", &i.person), ("summary", &i.summary), ("scope", &i.scope), ("shared_with", &i.shared_with)] {
        check_line(field, value, &mut errs);
    }
    check_text("body", &i.body, &mut errs);
    let title = clean_title(&i.title);
    if title.is_empty() || title.chars().count() > 200 {
        errs.push(FieldError::new("title", "題名を200文字以内で入力してください。", "Enter a title of up to 200 characters."));
    } else if title.contains(['[', ']', '|', '#', '<', '>', '{', '}']) {
        errs.push(FieldError::refused("title", &title, "題名に [ ] | # < > { } は使えません。", "A title cannot contain [ ] | # < > { }."));
    }
    let kind = if i.kind.trim().is_empty() { Some(PageKind::Topic) } else { PageKind::parse(&i.kind) };
    if kind.is_none() {
        errs.push(FieldError::refused("kind", &i.kind, "ページの種類を選んでください。", "Choose the kind of page."));
    }
    if i.body.len() > MAX_BODY {
        errs.push(FieldError::new("body", "本文が長すぎます（500KBまで）。", "The text is too long (500 KB at most)."));
    }
    if i.summary.chars().count() > 300 {
        errs.push(FieldError::new("summary", "要約は300文字以内です。", "The summary is up to 300 characters."));
    }
    if parse_flag(&i.minor).is_none() {
        errs.push(FieldError::refused("minor", &i.minor, "細部の編集かどうかは yes か no です。", "Minor edit is yes or no."));
    }
    let (reach, embargo_until) = kumiai_platform::reach::check_fields(&i.reach, &i.scope, &i.embargo_until, &mut errs);
    match (kind, reach) {
        (Some(kind), Some(reach)) if errs.is_empty() => Ok(Checked { title, kind, reach, embargo_until }),
        _ => Err(errs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_compare_by_key() {
        assert_eq!(title_key("  ＴＥＡＭ_タイ   労組 "), "team タイ 労組");
        assert_eq!(clean_title("TEAM（タイ）_労組"), "TEAM（タイ） 労組");
        assert_eq!(title_key("TEAM（タイ）"), title_key("team(タイ)"));
        let bad = PageInput { title: "a[b]".into(), kind: "novel".into(), reach: "public".into(), ..Default::default() };
        let fields: Vec<String> = check(&bad).err().unwrap().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["title", "kind"]);
    }
}
