//! People (officers, contacts) with names in kanji, kana and Latin letters, gender, organisation,
//! position and term. A person's record is owned by their organisation.

pub mod positions;
pub mod store;

use crate::Key;
use kumiai_core::{Access, Gender, Lang, OrgId, PersonId, Reach, time};
use kumiai_platform::text::{check_line, check_text};
use kumiai_platform::{FieldError, Identified, Reachable, Record};
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use std::borrow::Borrow;

pub const ENTITY: &str = "person";

#[derive(Clone, Debug, FromRow, Serialize)]
pub struct Person {
    pub id: PersonId,
    pub org_id: OrgId,
    pub name_kanji: String,
    pub name_kana: String,
    pub name_latin: String,
    #[sqlx(try_from = "String")]
    pub gender: Gender,
    pub position_ja: String,
    pub position_en: String,
    pub term_start: Option<String>,
    pub term_end: Option<String>,
    pub email: String,
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

/// The columns of a person over `people x`, with the owner's path joined as `ow`.
macro_rules! person_cols {
    () => {
        "x.id, x.org_id, x.name_kanji, x.name_kana, x.name_latin, x.gender, x.position_ja, x.position_en, x.term_start, x.term_end, \
         x.email, x.note, x.reach, x.scope_org_id, x.embargo_until, x.owner_org_id, x.archived_at, x.version, x.created_at, x.updated_at, \
         ow.path AS owner_path"
    };
}
pub(crate) use person_cols;

kumiai_platform::identified!(ENTITY => Person);

impl Record for Person {
    const TABLE: &'static str = "people";
    const SELECT: &'static str = concat!("SELECT ", person_cols!(), " FROM people x LEFT JOIN organisations ow ON ow.id = x.owner_org_id");
    const ALIAS: &'static str = "x";
    const ORG_REFS: &'static [&'static str] = &["org_id", "scope_org_id", "owner_org_id", "shared_with", "org", "scope"];
    const SHARED: bool = true;
    type Key = Key;

    const FIELD_LABELS: &'static [(&'static str, &'static str, &'static str)] = &[
        ("name_kanji", "氏名", "Name"),
        ("name_kana", "よみ", "Reading"),
        ("name_latin", "ローマ字", "Latin name"),
        ("org_id", "所属組織", "Organisation"),
        ("position_ja", "役職", "Position"),
        ("position_en", "役職（英語）", "Position (English)"),
        ("gender", "性別", "Gender"),
        ("term_start", "任期開始", "Term from"),
        ("term_end", "任期終了", "Term to"),
        ("email", "メール", "E-mail"),
        ("note", "備考", "Note"),
    ];
    fn present(field: &str, value: &str, lang: kumiai_core::Lang) -> Option<String> {
        (field == "gender").then(|| kumiai_core::Gender::parse(value).map(|g| g.label(lang).to_string())).flatten()
    }
    fn version(&self) -> i64 {
        self.version
    }
    fn snapshot(&self) -> serde_json::Value {
        serde_json::json!({
            "org_id": self.org_id, "name_kanji": self.name_kanji, "name_kana": self.name_kana, "name_latin": self.name_latin,
            "gender": self.gender, "position_ja": self.position_ja, "position_en": self.position_en,
            "term_start": self.term_start, "term_end": self.term_end, "email": self.email, "note": self.note,
            "reach": self.reach, "scope_org_id": self.scope_org_id, "embargo_until": self.embargo_until.map(time::format_ms),
            "owner_org_id": self.owner_org_id, "archived_at": self.archived_at.map(time::format_ms), "version": self.version,
        })
    }
}

impl Reachable for Person {
    fn access(&self, shared_with: Vec<OrgId>) -> Access {
        kumiai_platform::reach::access(self.reach, self.scope_org_id, self.embargo_until, self.owner_org_id, self.owner_path.as_deref(), shared_with)
    }
}

/// How a person reads in any list or page.
pub trait Named {
    fn person(&self) -> &Person;
    fn gender_label(&self, l: impl Borrow<Lang>) -> &'static str {
        self.person().gender.label(*l.borrow())
    }
    fn name(&self, l: impl Borrow<Lang>) -> &str {
        let p = self.person();
        if *l.borrow() == Lang::En && !p.name_latin.is_empty() { &p.name_latin } else { &p.name_kanji }
    }
    fn position(&self, l: impl Borrow<Lang>) -> &str {
        let p = self.person();
        if *l.borrow() == Lang::En && !p.position_en.is_empty() { &p.position_en } else { &p.position_ja }
    }
    fn term(&self) -> String {
        let p = self.person();
        match (&p.term_start, &p.term_end) {
            (None, None) => String::new(),
            (s, e) => format!("{} – {}", s.as_deref().unwrap_or(""), e.as_deref().unwrap_or("")),
        }
    }
}

impl Named for Person {
    fn person(&self) -> &Person {
        self
    }
}

/// A person in a list, with their organisation's code and names only where the viewer may see
/// that organisation.
#[derive(Clone, Debug, FromRow, Serialize)]
pub struct PersonRow {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub person: Person,
    pub org_code: Option<String>,
    pub org_name_ja: Option<String>,
    pub org_name_en: Option<String>,
}

impl Identified for PersonRow {
    const ENTITY: &'static str = ENTITY;
    fn id(&self) -> i64 {
        self.person.id.get()
    }
}

impl Named for PersonRow {
    fn person(&self) -> &Person {
        &self.person
    }
}

impl std::ops::Deref for PersonRow {
    type Target = Person;
    fn deref(&self) -> &Person {
        &self.person
    }
}

impl PersonRow {
    /// Whether the term ended before `today` ("YYYY-MM-DD"): a past position.
    pub fn ended_before(&self, today: &str) -> bool {
        self.term_end.as_deref().is_some_and(|e| !e.is_empty() && e < today)
    }
    pub fn org_name(&self, l: impl Borrow<Lang>) -> &str {
        match *l.borrow() {
            Lang::En => self.org_name_en.as_deref().filter(|s| !s.is_empty()).or(self.org_name_ja.as_deref()).unwrap_or(""),
            Lang::Ja => self.org_name_ja.as_deref().unwrap_or(""),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct PersonInput {
    pub org: String,
    pub name_kanji: String,
    pub name_kana: String,
    pub name_latin: String,
    pub gender: String,
    pub position_ja: String,
    pub position_en: String,
    pub term_start: String,
    pub term_end: String,
    pub email: String,
    pub note: String,
    pub reach: String,
    pub scope: String,
    pub embargo_until: String,
    pub shared_with: String,
}

impl PersonInput {
    /// The input that reproduces `p`, with its organisations as `codes` (the viewer's view: hidden
    /// ones as the stand-in that keeps them).
    pub fn from_record(p: &Person, codes: &PersonCodes) -> PersonInput {
        PersonInput {
            org: codes.org.clone(),
            name_kanji: p.name_kanji.clone(),
            name_kana: p.name_kana.clone(),
            name_latin: p.name_latin.clone(),
            gender: p.gender.as_str().into(),
            position_ja: p.position_ja.clone(),
            position_en: p.position_en.clone(),
            term_start: p.term_start.clone().unwrap_or_default(),
            term_end: p.term_end.clone().unwrap_or_default(),
            email: p.email.clone(),
            note: p.note.clone(),
            reach: p.reach.as_str().into(),
            scope: codes.scope.clone().unwrap_or_default(),
            embargo_until: p.embargo_until.map(time::format_input_ms).unwrap_or_default(),
            shared_with: codes.shared_with.join(","),
        }
    }
    pub fn shared_codes(&self) -> Vec<String> {
        crate::org::model::split_codes(&self.shared_with)
    }
}

/// The organisations a person refers to, as one reader may see them.
#[derive(Clone, Debug, Default)]
pub struct PersonCodes {
    pub org: String,
    pub scope: Option<String>,
    pub shared_with: Vec<String>,
}

pub struct CheckedPerson {
    pub gender: Gender,
    pub reach: Reach,
    pub term_start: Option<String>,
    pub term_end: Option<String>,
    pub embargo_until: Option<i64>,
}

fn opt_date(field: &str, s: &str, errs: &mut Vec<FieldError>) -> Option<String> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    match time::parse_date(s) {
        Some(d) => Some(d.to_string()),
        None => {
            errs.push(FieldError::refused(field, s, "日付は 2026-09-01 の形で入力してください。", "Write the date as 2026-09-01."));
            None
        }
    }
}

/// Field checks that need no database.
pub fn check_fields(i: &PersonInput) -> Result<CheckedPerson, Vec<FieldError>> {
    let mut errs = vec![];
    for (field, value) in [("org", &i.org), ("name_kanji", &i.name_kanji), ("name_kana", &i.name_kana), ("name_latin", &i.name_latin), ("position_ja", &i.position_ja), ("position_en", &i.position_en), ("email", &i.email)] {
        check_line(field, value, &mut errs);
    }
    check_text("note", &i.note, &mut errs);
    if i.org.trim().is_empty() {
        errs.push(FieldError::new("org", "所属組織のコードを入力してください。", "Enter the organisation's code."));
    }
    let name = i.name_kanji.trim();
    if name.is_empty() || name.chars().count() > 100 {
        errs.push(FieldError::new("name_kanji", "氏名（漢字）を100文字以内で入力してください。", "Enter the name in kanji (up to 100 characters)."));
    }
    if i.name_kana.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)) {
        errs.push(FieldError::refused("name_kana", &i.name_kana, "よみはかな・カナで入力してください。", "Write the reading in kana."));
    }
    if !i.name_latin.is_ascii() {
        errs.push(FieldError::refused("name_latin", &i.name_latin, "ローマ字表記は半角英字で入力してください。", "Write the Latin name in ASCII letters."));
    }
    let gender = if i.gender.trim().is_empty() { Some(Gender::Unstated) } else { Gender::parse(&i.gender) };
    if gender.is_none() {
        errs.push(FieldError::refused("gender", &i.gender, "性別を選んでください（女性・男性・その他・未回答）。", "Choose a gender (female, male, other, unstated)."));
    }

    let term_start = opt_date("term_start", &i.term_start, &mut errs);
    let term_end = opt_date("term_end", &i.term_end, &mut errs);
    if let (Some(s), Some(e)) = (&term_start, &term_end)
        && e < s
    {
        errs.push(FieldError::new("term_end", "任期の終わりが始まりより前です。", "The term ends before it starts."));
    }
    let email = i.email.trim();
    if !email.is_empty() && (!email.contains('@') || email.contains(' ') || email.len() > 254) {
        errs.push(FieldError::refused("email", email, "メールアドレスの形式が正しくありません。", "This is not an e-mail address."));
    }
    let (reach, embargo_until) = kumiai_platform::reach::check_fields(&i.reach, &i.scope, &i.embargo_until, &mut errs);
    match (gender, reach) {
        (Some(gender), Some(reach)) if errs.is_empty() => Ok(CheckedPerson { gender, reach, term_start, term_end, embargo_until }),
        _ => Err(errs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn term_and_names_are_checked() {
        let ok = PersonInput { org: "JAW".into(), name_kanji: "山田 花子".into(), name_kana: "やまだ はなこ".into(), gender: "女性".into(), term_start: "2025-09-01".into(), reach: "affiliates".into(), ..Default::default() };
        assert_eq!(check_fields(&ok).unwrap().gender, Gender::Female);
        let bad = PersonInput { term_start: "2026-09-01".into(), term_end: "2025-08-31".into(), name_latin: "Hanako Yamada 花子".into(), ..ok };
        let fields: Vec<String> = check_fields(&bad).err().unwrap().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name_latin", "term_end"]);
    }
}
