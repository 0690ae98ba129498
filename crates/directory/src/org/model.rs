//! The organisation record, the input that creates or changes one, and its validation. Inputs
//! refer to other organisations by code, so a form, an API call and a spreadsheet row are the same
//! thing and validate the same way.

use crate::Key;
use kumiai_core::{Access, Lang, OrgId, OrgKind, Reach, time};
use kumiai_platform::orgs::HIDDEN_ORG;
use kumiai_platform::reach::parse_path;
use kumiai_platform::text::{check_line, check_text};
use kumiai_platform::{FieldError, Reachable, Record};
use serde::{Deserialize, Serialize};
use sqlx::FromRow;

pub const ENTITY: &str = kumiai_platform::orgs::ENTITY;

#[derive(Clone, Debug, FromRow, Serialize)]
pub struct Organisation {
    pub id: OrgId,
    pub code: String,
    #[sqlx(try_from = "String")]
    pub kind: OrgKind,
    pub parent_id: Option<OrgId>,
    pub company_id: Option<OrgId>,
    pub path: String,
    pub name_ja: String,
    pub name_kana: String,
    pub name_en: String,
    pub country: String,
    pub note: String,
    #[sqlx(try_from = "String")]
    pub reach: Reach,
    pub scope_org_id: Option<OrgId>,
    pub embargo_until: Option<i64>,
    pub owner_org_id: Option<OrgId>,
    pub archived_at: Option<i64>,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
    #[serde(skip)]
    pub owner_path: Option<String>,
}

/// Columns of [`Organisation`] over alias `o`, with the owner's path joined as `ow`.
macro_rules! org_select {
    () => {
        "SELECT o.id, o.code, o.kind, o.parent_id, o.company_id, o.path, o.name_ja, o.name_kana, o.name_en, o.country, \
         o.note, o.reach, o.scope_org_id, o.embargo_until, o.owner_org_id, o.archived_at, o.version, o.created_at, o.updated_at, \
         ow.path AS owner_path FROM organisations o LEFT JOIN organisations ow ON ow.id = o.owner_org_id"
    };
}

kumiai_platform::identified!(ENTITY => Organisation);

impl Record for Organisation {
    const TABLE: &'static str = "organisations";
    const SELECT: &'static str = org_select!();
    const ALIAS: &'static str = "o";
    // The last three are the codes older versions wrote into the log.
    const ORG_REFS: &'static [&'static str] = &["parent_id", "company_id", "scope_org_id", "owner_org_id", "shared_with", "parent", "company", "scope"];
    const SHARED: bool = true;
    type Key = Key;

    const FIELD_LABELS: &'static [(&'static str, &'static str, &'static str)] = &[
        ("code", "組織コード", "Code"),
        ("kind", "種別", "Kind"),
        ("name_ja", "名称", "Name"),
        ("name_kana", "よみ", "Reading"),
        ("name_en", "英語名", "English name"),
        ("parent_id", "上部組織", "Parent"),
        ("company_id", "関連企業", "Company"),
        ("country", "国", "Country"),
        ("note", "備考", "Note"),
    ];
    fn present(field: &str, value: &str, lang: kumiai_core::Lang) -> Option<String> {
        (field == "kind").then(|| kumiai_core::OrgKind::parse(value).map(|k| k.label(lang).to_string())).flatten()
    }

    fn version(&self) -> i64 {
        self.version
    }
    fn snapshot(&self) -> serde_json::Value {
        serde_json::json!({
            "code": self.code, "kind": self.kind, "parent_id": self.parent_id, "company_id": self.company_id,
            "name_ja": self.name_ja, "name_kana": self.name_kana, "name_en": self.name_en, "country": self.country,
            "note": self.note, "reach": self.reach, "scope_org_id": self.scope_org_id,
            "embargo_until": self.embargo_until.map(time::format_ms), "owner_org_id": self.owner_org_id,
            "archived_at": self.archived_at.map(time::format_ms), "version": self.version,
        })
    }
}

impl Reachable for Organisation {
    fn access(&self, shared_with: Vec<OrgId>) -> Access {
        kumiai_platform::reach::access(self.reach, self.scope_org_id, self.embargo_until, self.owner_org_id, self.owner_path.as_deref(), shared_with)
    }
}

impl Organisation {
    pub fn name(&self, l: Lang) -> &str {
        if l == Lang::En && !self.name_en.is_empty() { &self.name_en } else { &self.name_ja }
    }
    pub fn ancestors(&self) -> Vec<OrgId> {
        let mut p = parse_path(&self.path);
        p.pop();
        p
    }
}

/// The codes an organisation refers to, as one reader may see them: an organisation hidden from
/// the reader is [`HIDDEN_ORG`].
#[derive(Clone, Debug, Default, Serialize)]
pub struct Codes {
    pub parent: Option<String>,
    pub company: Option<String>,
    pub scope: Option<String>,
    pub shared_with: Vec<String>,
}

/// What a form, an API body or a spreadsheet row says about an organisation. Empty strings mean
/// "none"; [`HIDDEN_ORG`] in a reference means "keep the organisation stored there".
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct OrgInput {
    pub code: String,
    pub kind: String,
    pub parent: String,
    pub company: String,
    pub name_ja: String,
    pub name_kana: String,
    pub name_en: String,
    pub country: String,
    pub note: String,
    pub reach: String,
    pub scope: String,
    pub embargo_until: String,
    /// Comma-separated organisation codes.
    pub shared_with: String,
}

impl OrgInput {
    pub fn from_record(o: &Organisation, codes: &Codes) -> OrgInput {
        OrgInput {
            code: o.code.clone(),
            kind: o.kind.as_str().into(),
            parent: codes.parent.clone().unwrap_or_default(),
            company: codes.company.clone().unwrap_or_default(),
            name_ja: o.name_ja.clone(),
            name_kana: o.name_kana.clone(),
            name_en: o.name_en.clone(),
            country: o.country.clone(),
            note: o.note.clone(),
            reach: o.reach.as_str().into(),
            scope: codes.scope.clone().unwrap_or_default(),
            embargo_until: o.embargo_until.map(time::format_input_ms).unwrap_or_default(),
            shared_with: codes.shared_with.join(","),
        }
    }
    /// The codes named in `shared_with`, without the stand-in for hidden ones.
    pub fn shared_codes(&self) -> Vec<String> {
        split_codes(&self.shared_with)
    }
}

/// "TEAM, FSPMI、X" → ["TEAM", "FSPMI", "X"], dropping [`HIDDEN_ORG`] (hidden shares are kept as stored).
pub fn split_codes(s: &str) -> Vec<String> {
    s.replace(HIDDEN_ORG, "").split([',', '、', ' ']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// Comma-separated codes in one order without repeats, so that order alone is no change.
pub fn sorted_codes(s: &str) -> String {
    let mut codes: Vec<&str> = s.split(',').map(str::trim).filter(|c| !c.is_empty()).collect();
    codes.sort_unstable();
    codes.dedup();
    codes.join(",")
}

/// A referenced organisation as validation needs it.
#[derive(Clone, Debug)]
pub struct OrgRef {
    pub kind: OrgKind,
    /// Path, if it exists already (a row earlier in the same import has none yet).
    pub path: Option<String>,
    pub visible: bool,
    pub archived: bool,
}

/// Field-level checks that need no database: every message says what to enter.
pub struct Checked {
    pub kind: OrgKind,
    pub reach: Reach,
    pub embargo_until: Option<i64>,
    pub country: String,
}

pub fn check_fields(input: &OrgInput) -> Result<Checked, Vec<FieldError>> {
    let mut errs = vec![];
    let code = input.code.trim();
    if code.is_empty() || code.chars().count() > 32 || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        errs.push(FieldError::refused("code", code, "組織コードは32文字以内の英数字・ハイフン・下線で入力してください。", "A code is up to 32 letters, digits, '-' or '_'."));
    }
    let kind = OrgKind::parse_loose(&input.kind);
    if kind.is_none() {
        errs.push(FieldError::refused(
            "kind",
            &input.kind,
            "種別を選んでください（本部・産別・単組・企業・海外事業体・海外労組・外部団体）。",
            "Choose a kind (head_office, industrial_union, enterprise_union, company, overseas_site, overseas_union, external_body).",
        ));
    }
    for (field, value) in [("name_ja", &input.name_ja), ("name_kana", &input.name_kana), ("name_en", &input.name_en), ("country", &input.country)] {
        check_line(field, value, &mut errs);
    }
    check_text("note", &input.note, &mut errs);
    let name = input.name_ja.trim();
    if name.is_empty() || name.chars().count() > 200 {
        errs.push(FieldError::new("name_ja", "名称（日本語）を200文字以内で入力してください。", "Enter the Japanese name (up to 200 characters)."));
    }
    if input.name_kana.chars().count() > 200 || input.name_en.chars().count() > 200 {
        errs.push(FieldError::new("name_kana", "よみ・英語名は200文字以内です。", "Reading and English name are up to 200 characters."));
    }
    if input.name_kana.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)) {
        errs.push(FieldError::refused("name_kana", &input.name_kana, "よみはかな・カナで入力してください（漢字は使えません）。", "Write the reading in kana, not kanji."));
    }
    let country = if input.country.trim().is_empty() { "JP".to_string() } else { input.country.trim().to_ascii_uppercase() };
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
        errs.push(FieldError::refused("country", &input.country, "国はISO 3166の2文字コード（JP、TH、IDなど）で入力してください。", "Country is a two-letter ISO 3166 code (JP, TH, ID…)."));
    }
    let (reach, embargo_until) = kumiai_platform::reach::check_fields(&input.reach, &input.scope, &input.embargo_until, &mut errs);
    if input.note.chars().count() > 5000 {
        errs.push(FieldError::new("note", "備考は5000文字以内です。", "The note is up to 5,000 characters."));
    }
    match (kind, reach) {
        (Some(kind), Some(reach)) if errs.is_empty() => Ok(Checked { kind, reach, embargo_until, country }),
        _ => Err(errs),
    }
}

fn missing(field: &str, code: &str) -> FieldError {
    FieldError::new(field, format!("組織コード「{code}」が見つかりません。"), format!("No organisation with code '{code}'."))
}

/// Checks the references (parent, company, subtree, shares) through `lookup`, which answers for
/// codes in the database and, during an import, in the same file. A reference left at
/// [`HIDDEN_ORG`] keeps what is stored and is not checked again; only an existing record
/// (`own_path` given) has such references.
pub fn check_refs(input: &OrgInput, checked: &Checked, own_path: Option<&str>, lookup: &dyn Fn(&str) -> Option<OrgRef>) -> Vec<FieldError> {
    let mut errs = vec![];
    let kept = |v: &str| own_path.is_some() && v == HIDDEN_ORG;
    let find = |code: &str| lookup(code).filter(|r| r.visible);
    let kind = checked.kind;
    let parent = input.parent.trim();
    if kept(parent) {
    } else if parent.is_empty() {
        if kind.needs_parent() {
            errs.push(FieldError::new("parent", "上部組織（親）のコードを入力してください。", "Enter the parent organisation's code."));
        }
    } else if kind.allowed_parents().is_empty() {
        errs.push(FieldError::new("parent", "この種別は組織の木の外にあり、上部組織を持てません。", "This kind sits outside the union tree and has no parent."));
    } else {
        match find(parent) {
            None => errs.push(missing("parent", parent)),
            Some(r) if !kind.allowed_parents().contains(&r.kind) => errs.push(FieldError::new(
                "parent",
                format!("{}の上部組織にはなれません（{}）。", kind.label(Lang::Ja), r.kind.label(Lang::Ja)),
                format!("A {} cannot sit under a {}.", kind.label(Lang::En), r.kind.label(Lang::En)),
            )),
            Some(r) if r.archived => errs.push(FieldError::new("parent", "上部組織はアーカイブされています。", "The parent is archived.")),
            Some(r) => {
                if let (Some(own), Some(pp)) = (own_path, r.path.as_deref())
                    && pp.starts_with(own)
                {
                    errs.push(FieldError::new("parent", "自分自身や配下の組織の下には移せません。", "An organisation cannot move under itself or its own descendants."));
                }
            }
        }
    }
    let company = input.company.trim();
    match (kind.company_link(), company.is_empty()) {
        _ if kept(company) => {}
        (Some(OrgKind::Company), true) if kind == OrgKind::OverseasSite => {
            errs.push(FieldError::new("company", "海外事業体には親会社のコードが必要です。", "An overseas site needs its parent company's code."))
        }
        (_, true) => {}
        (None, false) => errs.push(FieldError::new("company", "この種別は企業と結び付けられません。", "This kind has no company link.")),
        (Some(want), false) => match find(company) {
            None => errs.push(missing("company", company)),
            Some(r) if r.kind != want => errs.push(FieldError::new(
                "company",
                format!("結び付け先は{}である必要があります。", want.label(Lang::Ja)),
                format!("The link must point at a {}.", want.label(Lang::En)),
            )),
            Some(_) => {}
        },
    }
    let scope = input.scope.trim();
    if !scope.is_empty() && !kept(scope) && find(scope).is_none() {
        errs.push(missing("scope", scope));
    }
    for code in input.shared_codes() {
        if find(&code).is_none() {
            errs.push(missing("shared_with", &code));
        }
    }
    errs
}

/// A row of an organisation list: what the list pages, the API list and the children of a
/// detail page show.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct ListRow {
    pub id: OrgId,
    pub code: String,
    #[sqlx(try_from = "String")]
    pub kind: OrgKind,
    pub name_ja: String,
    pub name_kana: String,
    pub name_en: String,
    pub country: String,
    #[sqlx(try_from = "String")]
    pub reach: Reach,
    pub archived_at: Option<i64>,
    pub version: i64,
    pub updated_at: i64,
    /// Only when the viewer may see the parent too.
    pub parent_id: Option<OrgId>,
    pub parent_name_ja: Option<String>,
    pub parent_name_en: Option<String>,
    pub members: Option<i64>,
    pub dues_paying: Option<i64>,
}

kumiai_platform::identified!(ENTITY => ListRow);

impl ListRow {
    pub fn name(&self, l: Lang) -> &str {
        if l == Lang::En && !self.name_en.is_empty() { &self.name_en } else { &self.name_ja }
    }
    pub fn parent_name(&self, l: Lang) -> &str {
        match l {
            Lang::En => self.parent_name_en.as_deref().filter(|s| !s.is_empty()).or(self.parent_name_ja.as_deref()).unwrap_or(""),
            Lang::Ja => self.parent_name_ja.as_deref().unwrap_or(""),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> OrgInput {
        OrgInput { code: "E1".into(), kind: "enterprise_union".into(), parent: "JAW".into(), name_ja: "テスト労組".into(), reach: "affiliates".into(), ..Default::default() }
    }

    fn lookup(code: &str) -> Option<OrgRef> {
        match code {
            "JAW" => Some(OrgRef { kind: OrgKind::IndustrialUnion, path: Some("/1/2/".into()), visible: true, archived: false }),
            "SECRET" => Some(OrgRef { kind: OrgKind::IndustrialUnion, path: Some("/1/3/".into()), visible: false, archived: false }),
            "TOYO" => Some(OrgRef { kind: OrgKind::Company, path: Some("/9/".into()), visible: true, archived: false }),
            _ => None,
        }
    }

    #[test]
    fn valid_input_passes() {
        let c = check_fields(&input()).unwrap();
        assert!(check_refs(&input(), &c, None, &lookup).is_empty());
    }

    #[test]
    fn each_bad_field_is_named_with_its_value() {
        let bad = OrgInput { code: "a b".into(), kind: "club".into(), name_ja: "".into(), country: "Japan".into(), reach: "secret".into(), embargo_until: "soon".into(), ..input() };
        let errs = check_fields(&bad).err().unwrap();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["code", "kind", "name_ja", "country", "reach", "embargo_until"]);
        assert!(errs[1].message.ja.contains("club") && errs[3].message.en.contains("Japan"), "messages quote the refused value");
    }

    #[test]
    fn reach_is_never_defaulted_and_control_characters_are_refused() {
        let no_reach = OrgInput { reach: String::new(), ..input() };
        assert_eq!(check_fields(&no_reach).err().unwrap()[0].field, "reach");
        let esc = OrgInput { name_ja: "労組\u{7}".into(), ..input() };
        assert_eq!(check_fields(&esc).err().unwrap()[0].field, "name_ja");
    }

    #[test]
    fn invisible_parent_is_reported_as_missing() {
        let i = OrgInput { parent: "SECRET".into(), ..input() };
        let errs = check_refs(&i, &check_fields(&i).unwrap(), None, &lookup);
        assert_eq!(errs.len(), 1);
        assert!(errs[0].message.en.contains("No organisation"), "{:?}", errs[0]);
    }

    #[test]
    fn a_kept_hidden_reference_is_not_checked_again_but_is_missing_on_create() {
        let i = OrgInput { parent: HIDDEN_ORG.into(), ..input() };
        let c = check_fields(&i).unwrap();
        assert!(check_refs(&i, &c, Some("/1/2/40/"), &lookup).is_empty());
        assert_eq!(check_refs(&i, &c, None, &lookup)[0].field, "parent");
    }

    #[test]
    fn tree_rules() {
        let site = OrgInput { code: "S1".into(), kind: "overseas_site".into(), parent: "".into(), company: "".into(), ..input() };
        let errs = check_refs(&site, &check_fields(&site).unwrap(), None, &lookup);
        assert_eq!(errs[0].field, "company");
        let wrong_parent = OrgInput { kind: "industrial_union".into(), parent: "JAW".into(), ..input() };
        assert_eq!(check_refs(&wrong_parent, &check_fields(&wrong_parent).unwrap(), None, &lookup)[0].field, "parent");
        let cycle = input();
        assert_eq!(check_refs(&cycle, &check_fields(&cycle).unwrap(), Some("/1/2/"), &lookup)[0].field, "parent");
        let public_scoped = OrgInput { reach: "public".into(), scope: "JAW".into(), ..input() };
        assert_eq!(check_fields(&public_scoped).err().unwrap()[0].field, "scope");
    }
}
