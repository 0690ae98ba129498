//! Organisation storage and the rules that guard each write. Reads that return records to a
//! reader go through the reach layer (`Visible`); every write goes through the audited path. The
//! unchecked reads are this crate's own.

use super::model::{Checked, Codes, ENTITY, ListRow, OrgInput, OrgRef, Organisation, check_fields, check_refs};
use crate::Key;
use kumiai_core::{OrgId, OrgKind, Role, Viewer};
use kumiai_platform::audit::{self, Actor, UpdateError, Val};
use kumiai_platform::db::{Archived, Db, Paging, SortDir, Total, Tx, count, like_pattern, unique_violation};
use kumiai_platform::orgs::{HIDDEN_ORG, visible_codes};
use kumiai_platform::reach::{self, VisibleFilter};
use kumiai_platform::web::Patch;
use kumiai_platform::{AppError, AppResult, FieldError, Record, Visible};
use sqlx::AssertSqlSafe;
use std::collections::HashMap;

pub(crate) async fn get(db: &Db, id: OrgId) -> sqlx::Result<Option<Organisation>> {
    kumiai_platform::record::fetch::<Organisation>(db, id.get(), &Key(())).await
}

pub(crate) async fn by_code(db: &Db, code: &str) -> sqlx::Result<Option<Organisation>> {
    sqlx::query_as(AssertSqlSafe(format!("{} WHERE o.code = $1", Organisation::SELECT))).bind(code.trim().to_string()).fetch_optional(&db.pool).await
}

/// The record, or NotFound when it is missing or the viewer may not see it.
pub async fn load_visible(db: &Db, viewer: &Viewer, id: OrgId, now: i64) -> AppResult<Visible<Organisation>> {
    reach::load_visible::<Organisation>(db, viewer, id.get(), now).await
}

/// The codes `org` refers to as `viewer` may see them (hidden ones as [`HIDDEN_ORG`]).
pub async fn codes(db: &Db, viewer: &Viewer, org: &Visible<Organisation>, now: i64) -> sqlx::Result<Codes> {
    let shared = org.access().map(|a| a.shared_with.clone()).unwrap_or_default();
    let mut ids: Vec<OrgId> = [org.parent_id, org.company_id, org.scope_org_id].into_iter().flatten().collect();
    ids.extend(&shared);
    let seen = visible_codes(db, viewer, &ids, now).await?;
    let code = |id: Option<OrgId>| id.map(|i| seen.get(&i).cloned().unwrap_or_else(|| HIDDEN_ORG.to_string()));
    let mut shared_with: Vec<String> = shared.iter().filter_map(|i| seen.get(i).cloned()).collect();
    if shared.iter().any(|i| !seen.contains_key(i)) {
        shared_with.push(HIDDEN_ORG.to_string());
    }
    Ok(Codes { parent: code(org.parent_id), company: code(org.company_id), scope: code(org.scope_org_id), shared_with })
}

/// The form as it was at `version` (from the audit log), for merging a stale save; its
/// organisations as the viewer sees them, as the form showed them.
async fn base_input(db: &Db, viewer: &Viewer, org: &Visible<Organisation>, version: i64, now: i64) -> sqlx::Result<Option<OrgInput>> {
    let Some(snapshot) = kumiai_platform::audit::snapshot_at(db, ENTITY, org.id.get(), version).await? else { return Ok(None) };
    let mut v = serde_json::Value::Object(snapshot);
    kumiai_platform::orgs::present_refs(db, viewer, &mut [&mut v], <Organisation as kumiai_platform::Record>::ORG_REFS, now).await?;
    let text = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
    Ok(Some(normal(&OrgInput {
        code: text("code"),
        kind: text("kind"),
        parent: text("parent_id"),
        company: text("company_id"),
        name_ja: text("name_ja"),
        name_kana: text("name_kana"),
        name_en: text("name_en"),
        country: text("country"),
        note: text("note"),
        reach: text("reach"),
        scope: text("scope_org_id"),
        // The log keeps "YYYY-MM-DD HH:MM"; the form writes "YYYY-MM-DDTHH:MM".
        embargo_until: text("embargo_until").replacen(' ', "T", 1),
        shared_with: text("shared_with"),
    })))
}

/// The shared-with codes in one order, so that order alone is no change.
fn normal(i: &OrgInput) -> OrgInput {
    OrgInput { shared_with: crate::org::model::sorted_codes(&i.shared_with), ..i.clone() }
}

/// Looks up `codes` as the viewer sees them, for reference checks.
pub(crate) async fn ref_map(db: &Db, viewer: &Viewer, codes: &[String], now: i64) -> sqlx::Result<HashMap<String, OrgRef>> {
    let mut out = HashMap::new();
    let f = reach::filter(viewer, "o", ENTITY, now);
    for chunk in codes.chunks(500) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT o.code, o.kind, o.path, o.archived_at, CASE WHEN {} THEN 1 ELSE 0 END AS visible FROM organisations o WHERE o.code IN ({})",
            f.sql(),
            marks.join(", ")
        );
        let mut q = sqlx::query_as::<_, (String, String, String, Option<i64>, i64)>(AssertSqlSafe(sql));
        for c in chunk {
            q = q.bind(c.clone());
        }
        for (code, kind, path, archived, visible) in q.fetch_all(&db.pool).await? {
            if let Some(kind) = OrgKind::parse(&kind) {
                out.insert(code, OrgRef { kind, path: Some(path), visible: visible == 1, archived: archived.is_some() });
            }
        }
    }
    Ok(out)
}

pub fn referenced_codes(input: &OrgInput) -> Vec<String> {
    let mut v: Vec<String> = [&input.parent, &input.company, &input.scope]
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty() && s != HIDDEN_ORG)
        .collect();
    v.extend(input.shared_codes());
    v
}

/// Resolves a code to an id (and path) inside the write transaction.
async fn id_of(tx: &mut Tx, code: &str) -> sqlx::Result<Option<(OrgId, String)>> {
    if code.trim().is_empty() {
        return Ok(None);
    }
    sqlx::query_as("SELECT id, path FROM organisations WHERE code = $1").bind(code.trim().to_string()).fetch_optional(&mut **tx).await
}

fn fields_of(input: &OrgInput, c: &Checked) -> Vec<(&'static str, Val)> {
    vec![
        ("code", input.code.trim().into()),
        ("name_ja", input.name_ja.trim().into()),
        ("name_kana", input.name_kana.trim().into()),
        ("name_en", input.name_en.trim().into()),
        ("sort_key", sort_key(&input.name_kana, &input.name_ja).into()),
        ("country", c.country.clone().into()),
        ("note", input.note.trim().into()),
        ("reach", c.reach.as_str().into()),
        ("embargo_until", c.embargo_until.into()),
    ]
}

/// What Japanese lists sort by: the reading, or the name when there is none.
pub fn sort_key(kana: &str, name: &str) -> String {
    if kana.trim().is_empty() { name.trim().to_string() } else { kana.trim().to_string() }
}

/// The answer to a code that is taken, whether or not the reader may see the organisation that
/// has it: the same words either way, so the form does not confirm a hidden record.
pub(crate) fn code_unavailable() -> FieldError {
    FieldError::new(
        "code",
        "この組織コードは使用できません（使用中または予約済みです）。別のコードにしてください。",
        "This code is not available (it is in use or reserved); choose another.",
    )
}

/// Resolves the input's references in the write transaction. For a change, a reference left at
/// the stand-in for a hidden organisation keeps the stored one, and shares the viewer cannot see
/// are kept.
struct Resolved {
    parent: Option<(OrgId, String)>,
    company: Option<OrgId>,
    scope: Option<OrgId>,
    shares: Vec<OrgId>,
}

async fn resolve(tx: &mut Tx, input: &OrgInput, current: Option<(&Organisation, &[OrgId])>) -> sqlx::Result<Resolved> {
    let kept = |v: &str| current.is_some() && v.trim() == HIDDEN_ORG;
    let parent = match current {
        Some((o, _)) if kept(&input.parent) => match o.parent_id {
            Some(p) => sqlx::query_as("SELECT id, path FROM organisations WHERE id = $1").bind(p).fetch_optional(&mut **tx).await?,
            None => None,
        },
        _ => id_of(tx, &input.parent).await?,
    };
    let company = match current {
        Some((o, _)) if kept(&input.company) => o.company_id,
        _ => id_of(tx, &input.company).await?.map(|p| p.0),
    };
    let scope = match current {
        Some((o, _)) if kept(&input.scope) => o.scope_org_id,
        _ => id_of(tx, &input.scope).await?.map(|p| p.0),
    };
    let mut shares: Vec<OrgId> = current.map(|(_, hidden)| hidden.to_vec()).unwrap_or_default();
    for code in input.shared_codes() {
        shares.extend(id_of(tx, &code).await?.map(|p| p.0));
    }
    Ok(Resolved { parent, company, scope, shares })
}

/// Whether the viewer may add an organisation of `kind` under `parent`.
fn may_create(viewer: &Viewer, kind: OrgKind, parent: Option<&Visible<Organisation>>, now: i64) -> bool {
    if !viewer.has_role(Role::Editor) {
        return false;
    }
    if viewer.is_hq() {
        return true;
    }
    match (kind, parent) {
        (OrgKind::HeadOffice | OrgKind::IndustrialUnion, _) => false,
        (_, Some(p)) => p.can_edit(viewer, now),
        (_, None) => !kind.needs_parent(),
    }
}

/// Creates an organisation inside `tx` after validation done by the caller (forms, API, import,
/// demo). Unions own their own record; other kinds belong to `owner_org` (whoever added them).
pub(crate) async fn insert_checked(tx: &mut Tx, actor: &Actor, owner_org: Option<OrgId>, input: &OrgInput, c: &Checked) -> sqlx::Result<Organisation> {
    let r = resolve(tx, input, None).await?;
    let mut fields = fields_of(input, c);
    fields.extend([
        ("kind", c.kind.as_str().into()),
        ("parent_id", r.parent.as_ref().map(|p| p.0).into()),
        ("company_id", r.company.into()),
        ("scope_org_id", r.scope.into()),
        ("path", "".into()),
    ]);
    let created = audit::create::<Organisation>(tx, actor, &fields, Some(&r.shares)).await?;
    let id = OrgId(created.id());
    let path = format!("{}{id}/", r.parent.map(|p| p.1).unwrap_or_else(|| "/".into()));
    let owns_itself = c.kind.tier().is_some_and(|t| t != kumiai_core::Tier::Partner) || owner_org.is_none();
    let owner = if owns_itself { Some(id) } else { owner_org };
    created.set(tx, &[("path", path.into()), ("owner_org_id", owner.into())]).await?;
    created.log(tx).await
}

pub async fn create(db: &Db, viewer: &Viewer, input: &OrgInput, now: i64) -> AppResult<Visible<Organisation>> {
    // Permission first: who may not create learns nothing about which codes exist.
    if !viewer.has_role(Role::Editor) {
        return Err(AppError::Forbidden);
    }
    let c = check_fields(input).map_err(AppError::Validation)?;
    let refs = ref_map(db, viewer, &referenced_codes(input), now).await?;
    let errs = check_refs(input, &c, None, &|code| refs.get(code).cloned());
    if !errs.is_empty() {
        return Err(AppError::Validation(errs));
    }
    let parent = match by_code(db, &input.parent).await? {
        Some(p) if !input.parent.trim().is_empty() => Some(load_visible(db, viewer, p.id, now).await?),
        _ => None,
    };
    if !may_create(viewer, c.kind, parent.as_ref(), now) {
        return Err(AppError::Forbidden);
    }
    if by_code(db, &input.code).await?.is_some() {
        return Err(AppError::Validation(vec![code_unavailable()]));
    }
    let owner = kumiai_platform::orgs::owner_for(db, viewer).await?;
    let mut tx = db.begin().await?;
    let org = match insert_checked(&mut tx, &Actor::of(viewer), owner, input, &c).await {
        Ok(o) => o,
        // Another create took the code between the check and the insert.
        Err(e) if unique_violation(&e).is_some() => return Err(AppError::Validation(vec![code_unavailable()])),
        Err(e) => return Err(e.into()),
    };
    db.commit(tx).await?;
    load_visible(db, viewer, org.id, now).await
}

/// Applies the fields `patch` names to organisation `id` (every other field keeps its stored
/// value), if the patch's version is current. A new parent moves the whole subtree.
pub async fn update(db: &Db, viewer: &Viewer, id: OrgId, patch: &Patch, now: i64) -> AppResult<Visible<Organisation>> {
    let org = load_visible(db, viewer, id, now).await?;
    if !org.can_edit(viewer, now) {
        return Err(AppError::Forbidden);
    }
    let mut expected_version = patch.version()?;
    let before_codes = codes(db, viewer, &org, now).await?;
    let stored = OrgInput::from_record(&org, &before_codes);
    let mut input: OrgInput = patch.apply(&stored)?;
    // Saved by someone else since this form was opened: what only one side changed merges on its
    // own; fields both changed go on to the conflict page.
    if expected_version != org.version
        && let Some(base) = base_input(db, viewer, &org, expected_version, now).await?
        && let Ok(merged) = kumiai_platform::web::forms::merge3(&base, &normal(&input), &normal(&stored))
    {
        input = merged;
        expected_version = org.version;
    }
    if input == stored {
        // Nothing to change (an unchanged form, a repeated call): no write, no new version.
        return if expected_version == org.version { Ok(org) } else { Err(audit::conflict::<Organisation>(db, viewer, id.get(), &[], None, expected_version, now).await) };
    }
    let c = check_fields(&input).map_err(AppError::Validation)?;
    let refs = ref_map(db, viewer, &referenced_codes(&input), now).await?;
    let mut errs = check_refs(&input, &c, Some(&org.path), &|code| refs.get(code).cloned());
    if c.kind != org.kind {
        errs.push(FieldError::new("kind", "種別は変更できません。新しい組織として登録してください。", "The kind cannot change; register a new organisation instead."));
    }
    if input.code.trim() != org.code && by_code(db, &input.code).await?.is_some() {
        errs.push(code_unavailable());
    }
    let moving = input.parent.trim() != before_codes.parent.as_deref().unwrap_or("");
    if moving && !viewer.is_hq() && errs.is_empty() {
        // Moving needs edit rights on the destination too.
        if let Some(p) = by_code(db, &input.parent).await? {
            let dest = load_visible(db, viewer, p.id, now).await?;
            if !dest.can_edit(viewer, now) {
                errs.push(FieldError::new("parent", "移動先の組織を編集する権限がありません。", "You may not edit the destination organisation."));
            }
        }
    }
    if !errs.is_empty() {
        return Err(AppError::Validation(errs));
    }
    let hidden_shares = hidden_shares(&org, db, viewer, now).await?;
    let mut tx = db.begin().await?;
    let result = update_in_tx(&mut tx, &Actor::of(viewer), &org, expected_version, &input, &c, moving, &hidden_shares).await;
    match result {
        Ok(_) => {
            db.commit(tx).await?;
            load_visible(db, viewer, id, now).await
        }
        Err((e, fields, shares)) => {
            drop(tx);
            if let UpdateError::Db(d) = &e
                && unique_violation(d).is_some()
            {
                return Err(AppError::Validation(vec![code_unavailable()]));
            }
            Err(audit::answer::<Organisation>(e, db, viewer, id.get(), &fields, Some(&shares), expected_version, now).await)
        }
    }
}

/// The shares of `org` the viewer cannot see: a change by that viewer keeps them.
async fn hidden_shares(org: &Visible<Organisation>, db: &Db, viewer: &Viewer, now: i64) -> sqlx::Result<Vec<OrgId>> {
    let shared = org.access().map(|a| a.shared_with.clone()).unwrap_or_default();
    let seen = visible_codes(db, viewer, &shared, now).await?;
    Ok(shared.into_iter().filter(|i| !seen.contains_key(i)).collect())
}

type Failed = (UpdateError, Vec<(&'static str, Val)>, Vec<OrgId>);

/// Writes a validated change to `org` inside `tx` (forms, API and imports share it). A new parent
/// moves the whole subtree. On failure, the error with the fields and shares it tried to write.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn update_in_tx(
    tx: &mut Tx,
    actor: &Actor,
    org: &Organisation,
    expected_version: i64,
    input: &OrgInput,
    c: &Checked,
    moving: bool,
    hidden_shares: &[OrgId],
) -> Result<Organisation, Failed> {
    let id = org.id;
    let r = match resolve(tx, input, Some((org, hidden_shares))).await {
        Ok(r) => r,
        Err(e) => return Err((e.into(), vec![], vec![])),
    };
    let mut fields = fields_of(input, c);
    fields.extend([("company_id", r.company.into()), ("scope_org_id", r.scope.into())]);
    let new_path = moving.then(|| format!("{}{id}/", r.parent.as_ref().map(|p| p.1.clone()).unwrap_or_else(|| "/".into())));
    if let Some(np) = &new_path {
        fields.push(("parent_id", r.parent.as_ref().map(|p| p.0).into()));
        fields.push(("path", np.clone().into()));
    }
    let action = if moving { "move" } else { "update" };
    let after = match audit::update(tx, actor, org, expected_version, &fields, Some(&r.shares), action).await {
        Ok(a) => a,
        Err(e) => return Err((e, fields, r.shares)),
    };
    if let Some(np) = new_path {
        // Descendants keep their place under the moved organisation: their materialised paths
        // follow the audited move (derived data, not a change to those records).
        let rewrite = sqlx::query("UPDATE organisations SET path = $1 || substr(path, CAST($2 AS INTEGER)) WHERE path LIKE $3 AND id <> $4")
            .bind(np)
            .bind(org.path.len() as i64 + 1)
            .bind(format!("{}%", org.path))
            .bind(id)
            .execute(&mut **tx)
            .await;
        if let Err(e) = rewrite {
            return Err((e.into(), vec![], vec![]));
        }
    }
    Ok(after)
}

/// Archives (`archive = true`) or restores an organisation. Nothing is deleted. Organisations
/// under it that the viewer may see must be moved or archived first; the count names only those,
/// so the answer says nothing about organisations the viewer cannot see.
pub async fn set_archived(db: &Db, viewer: &Viewer, id: OrgId, expected_version: i64, archive: bool, now: i64) -> AppResult<Organisation> {
    if archive {
        let org = load_visible(db, viewer, id, now).await?;
        if !org.can_edit(viewer, now) {
            return Err(AppError::Forbidden);
        }
        let f = reach::filter(viewer, "o", ENTITY, now);
        let sql = format!("SELECT COUNT(*) FROM organisations o WHERE o.parent_id = $1 AND o.archived_at IS NULL AND {}", f.sql());
        let active_children: i64 = sqlx::query_scalar(AssertSqlSafe(sql)).bind(id).fetch_one(&db.pool).await?;
        if active_children > 0 {
            return Err(AppError::Validation(vec![FieldError::new(
                "archived",
                format!("配下に{active_children}件の組織があります。先に移動するかアーカイブしてください。"),
                format!("{active_children} organisations sit under this one; move or archive them first."),
            )]));
        }
    }
    audit::set_marker::<Organisation>(db, viewer, id.get(), expected_version, "archived_at", archive, ("archive", "restore"), &[], now).await
}

#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    #[serde(deserialize_with = "kumiai_platform::web::blank_as_none", default)]
    pub kind: Option<OrgKind>,
    #[serde(deserialize_with = "kumiai_platform::web::empty_as_none", default)]
    pub parent: Option<OrgId>,
    pub country: String,
    pub archived: Archived,
    pub sort: OrgSort,
    pub dir: SortDir,
    /// The reader's language: an English reader's list sorts by English name (set by the page,
    /// not by the query string).
    #[serde(skip)]
    pub lang: kumiai_core::Lang,
    #[serde(deserialize_with = "kumiai_platform::web::empty_as_none", default)]
    pub page: Option<i64>,
    #[serde(deserialize_with = "kumiai_platform::web::empty_as_none", default)]
    pub per_page: Option<i64>,
}

/// The columns an organisation list sorts by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OrgSort {
    #[default]
    #[serde(alias = "")]
    Name,
    Code,
    Kind,
    Members,
    Country,
    Updated,
}

impl OrgSort {
    pub fn as_str(self) -> &'static str {
        match self {
            OrgSort::Name => "name",
            OrgSort::Code => "code",
            OrgSort::Kind => "kind",
            OrgSort::Members => "members",
            OrgSort::Country => "country",
            OrgSort::Updated => "updated",
        }
    }
    fn column(self) -> &'static str {
        match self {
            // Japanese sorts by reading; a record without one sorts by its name.
            OrgSort::Name => "o.sort_key",
            OrgSort::Code => "o.code",
            OrgSort::Kind => "o.kind",
            OrgSort::Members => "mc.members",
            OrgSort::Country => "o.country",
            OrgSort::Updated => "o.updated_at",
        }
    }
}

impl ListQuery {
    /// The kind filter as a query string writes it ("" for all kinds).
    pub fn kind_code(&self) -> &'static str {
        self.kind.map(OrgKind::as_str).unwrap_or("")
    }
    pub fn paging(&self) -> Paging {
        Paging::new(self.page, self.per_page, 50, 500)
    }
}

/// The WHERE clause (visibility and the list filters) and its bound values. A filter naming an
/// organisation the viewer may not see selects nothing, exactly like one naming no organisation.
pub async fn list_filter(db: &Db, viewer: &Viewer, q: &ListQuery, now: i64) -> sqlx::Result<(VisibleFilter, String, Vec<Val>)> {
    let f = reach::filter(viewer, "o", ENTITY, now);
    let mut conds = vec![f.sql().to_string()];
    let mut binds: Vec<Val> = vec![];
    // Each word (in any order) in a name, the reading or the code; a short form such as 労組 also
    // finds the long one.
    let il = db.ilike();
    for word in q.q.split_whitespace().take(8) {
        let mut any = vec![];
        for spelling in kumiai_platform::text::spellings(word) {
            binds.push(like_pattern(&spelling).into());
            let n = binds.len();
            any.push(format!("o.name_ja {il} ${n} ESCAPE '\\' OR o.name_kana {il} ${n} ESCAPE '\\' OR o.name_en {il} ${n} ESCAPE '\\' OR o.code {il} ${n} ESCAPE '\\'"));
        }
        conds.push(format!("({})", any.join(" OR ")));
    }
    if let Some(k) = q.kind {
        conds.push(format!("o.kind = '{}'", k.as_str()));
    }
    if let Some(p) = q.parent {
        if is_visible(db, viewer, p, now).await? {
            conds.push(format!("o.parent_id = {p}"));
        } else {
            conds.push("1 = 0".into());
        }
    }
    if !q.country.trim().is_empty() {
        binds.push(q.country.trim().to_ascii_uppercase().into());
        conds.push(format!("o.country = ${}", binds.len()));
    }
    conds.extend(q.archived.sql("o"));
    Ok((f, conds.join(" AND "), binds))
}

/// Whether the viewer may see organisation `id` (a filter value must pass the reach layer).
pub(crate) async fn is_visible(db: &Db, viewer: &Viewer, id: OrgId, now: i64) -> sqlx::Result<bool> {
    Ok(visible_codes(db, viewer, &[id], now).await?.contains_key(&id))
}

/// One page of the organisations the viewer may see, with the total count under the same filter.
pub async fn list(db: &Db, viewer: &Viewer, q: &ListQuery, fiscal_year: i32, now: i64) -> sqlx::Result<(Vec<Visible<ListRow>>, Total)> {
    let (f, filter, mut binds) = list_filter(db, viewer, q, now).await?;
    let order = q.sort.column();
    let dir = q.dir.sql();
    // Unknown member counts go last either way (NULL ordering differs between the backends).
    let order_sql = if order == "mc.members" {
        format!("CASE WHEN mc.members IS NULL THEN 1 ELSE 0 END, mc.members {dir}, o.sort_key, o.id")
    } else if q.sort == OrgSort::Name && q.lang == kumiai_core::Lang::En {
        // English names, then (for those without one) the Japanese order.
        format!("CASE WHEN o.name_en = '' THEN 1 ELSE 0 END, LOWER(o.name_en) {dir}, o.sort_key {dir}, o.id {dir}")
    } else {
        format!("{order} {dir}, o.id {dir}")
    };
    let pf = reach::filter(viewer, "p", ENTITY, now);
    let parent_vis = pf.sql();
    binds.push(i64::from(fiscal_year).into());
    let fy = format!("${}", binds.len());
    let sql = format!(
        "SELECT o.id, o.code, o.kind, o.name_ja, o.name_kana, o.name_en, o.country, o.reach, o.archived_at, o.version, o.updated_at, \
         CASE WHEN {parent_vis} THEN p.id END AS parent_id, CASE WHEN {parent_vis} THEN p.name_ja END AS parent_name_ja, \
         CASE WHEN {parent_vis} THEN p.name_en END AS parent_name_en, mc.members, mc.dues_paying \
         FROM organisations o LEFT JOIN organisations p ON p.id = o.parent_id \
         LEFT JOIN member_counts mc ON mc.org_id = o.id AND mc.fiscal_year = {fy} \
         WHERE {filter} ORDER BY {order_sql} {}",
        q.paging().sql()
    );
    let rows: Vec<ListRow> = db.fetch_cached(sql, &binds).await?;
    pf.vouch(rows.iter().filter_map(|r| r.parent_id).map(OrgId::get));
    // The count query has no fiscal-year placeholder (the last one).
    let total = count(db, &format!("FROM organisations o WHERE {filter}"), &binds[..binds.len() - 1]).await?;
    Ok((f.admit(rows), total))
}

/// Organisations linked to a company or a site (sites of a company, unions of a site), as the viewer may see them.
pub async fn linked(db: &Db, viewer: &Viewer, company: OrgId, now: i64) -> sqlx::Result<Vec<Visible<ListRow>>> {
    let f = reach::filter(viewer, "o", ENTITY, now);
    let sql = format!(
        "SELECT o.id, o.code, o.kind, o.name_ja, o.name_kana, o.name_en, o.country, o.reach, o.archived_at, o.version, o.updated_at, \
         NULL AS parent_id, NULL AS parent_name_ja, NULL AS parent_name_en, NULL AS members, NULL AS dues_paying \
         FROM organisations o WHERE o.company_id = $1 AND o.archived_at IS NULL AND {} ORDER BY o.sort_key, o.id LIMIT 100",
        f.sql()
    );
    let rows: Vec<ListRow> = db.fetch_cached(sql, &[company.get().into()]).await?;
    Ok(f.admit(rows))
}

/// An organisation's id and names, for breadcrumbs and links.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct OrgName {
    pub id: OrgId,
    pub code: String,
    #[sqlx(try_from = "String")]
    pub kind: OrgKind,
    pub name_ja: String,
    pub name_en: String,
}

impl kumiai_platform::Identified for OrgName {
    const ENTITY: &'static str = ENTITY;
    fn id(&self) -> i64 {
        self.id.get()
    }
}

impl OrgName {
    pub fn name(&self, l: kumiai_core::Lang) -> &str {
        if l == kumiai_core::Lang::En && !self.name_en.is_empty() { &self.name_en } else { &self.name_ja }
    }
}

/// The organisations among `ids` the viewer may see, in `ids` order.
pub async fn names(db: &Db, viewer: &Viewer, ids: &[OrgId], now: i64) -> sqlx::Result<Vec<Visible<OrgName>>> {
    let f = reach::filter(viewer, "o", ENTITY, now);
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let list: Vec<String> = ids.iter().map(OrgId::to_string).collect();
    let sql = format!("SELECT o.id, o.code, o.kind, o.name_ja, o.name_en FROM organisations o WHERE o.id IN ({}) AND {}", list.join(", "), f.sql());
    let mut rows: Vec<OrgName> = db.fetch_cached(sql, &[]).await?;
    rows.sort_by_key(|r| ids.iter().position(|i| *i == r.id));
    Ok(f.admit(rows))
}

/// The visible ancestors of an organisation, root first (hidden ones are left out, not named).
pub async fn visible_ancestors(db: &Db, viewer: &Viewer, org: &Organisation, now: i64) -> sqlx::Result<Vec<Visible<OrgName>>> {
    names(db, viewer, &org.ancestors(), now).await
}

/// The root of the union tree: the head office.
pub(crate) async fn head_office(db: &Db) -> sqlx::Result<Option<Organisation>> {
    sqlx::query_as(AssertSqlSafe(format!("{} WHERE o.kind = 'head_office' ORDER BY o.id LIMIT 1", Organisation::SELECT))).fetch_optional(&db.pool).await
}
