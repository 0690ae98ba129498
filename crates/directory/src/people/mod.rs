//! People (officers, contacts) with names in kanji, kana and Latin letters, gender, organisation,
//! position and term. A person's record is owned by their organisation.

pub mod store;

use kumiai_core::{Access, Gender, Lang, Reach, time};
use kumiai_platform::FieldError;
use kumiai_platform::reach::AccessRow;
use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use sqlx::FromRow;

pub const ENTITY: &str = "person";

#[derive(Clone, Debug, FromRow, Serialize)]
pub struct Person {
    pub id: i64,
    pub org_id: i64,
    pub name_kanji: String,
    pub name_kana: String,
    pub name_latin: String,
    pub gender: String,
    pub position_ja: String,
    pub position_en: String,
    pub term_start: Option<String>,
    pub term_end: Option<String>,
    pub email: String,
    pub note: String,
    pub reach: String,
    pub scope_org_id: Option<i64>,
    pub embargo_until: Option<i64>,
    pub owner_org_id: Option<i64>,
    pub archived_at: Option<i64>,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
    #[serde(skip)]
    pub owner_path: Option<String>,
    /// The organisation's code and names: the store fills them only when the viewer may see it.
    pub org_code: Option<String>,
    pub org_name_ja: Option<String>,
    pub org_name_en: Option<String>,
}

impl Person {
    pub fn access(&self, shared_with: Vec<i64>) -> Access {
        AccessRow::of(&self.reach, self.scope_org_id, self.embargo_until, self.owner_org_id, self.owner_path.as_deref()).into_access(shared_with)
    }
    pub fn gender_label(&self, l: impl Borrow<Lang>) -> &'static str {
        Gender::parse(&self.gender).unwrap_or(Gender::Unstated).label(*l.borrow())
    }
    pub fn name(&self, l: impl Borrow<Lang>) -> &str {
        if *l.borrow() == Lang::En && !self.name_latin.is_empty() { &self.name_latin } else { &self.name_kanji }
    }
    pub fn position(&self, l: impl Borrow<Lang>) -> &str {
        if *l.borrow() == Lang::En && !self.position_en.is_empty() { &self.position_en } else { &self.position_ja }
    }
    pub fn term(&self) -> String {
        match (&self.term_start, &self.term_end) {
            (None, None) => String::new(),
            (s, e) => format!("{} – {}", s.as_deref().unwrap_or(""), e.as_deref().unwrap_or("")),
        }
    }
    pub fn snapshot(&self, org_code: &str, scope: Option<&str>, shared: &[String]) -> serde_json::Value {
        serde_json::json!({
            "org": org_code, "name_kanji": self.name_kanji, "name_kana": self.name_kana, "name_latin": self.name_latin,
            "gender": self.gender, "position_ja": self.position_ja, "position_en": self.position_en,
            "term_start": self.term_start, "term_end": self.term_end, "email": self.email, "note": self.note,
            "reach": self.reach, "scope": scope, "embargo_until": self.embargo_until.map(time::format_ms),
            "shared_with": shared.join(","), "archived": self.archived_at.is_some(), "version": self.version,
        })
    }
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
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
    pub fn from_record(p: &Person, org_code: &str, scope: Option<&str>, shared: &[String]) -> PersonInput {
        PersonInput {
            org: org_code.to_string(),
            name_kanji: p.name_kanji.clone(),
            name_kana: p.name_kana.clone(),
            name_latin: p.name_latin.clone(),
            gender: p.gender.clone(),
            position_ja: p.position_ja.clone(),
            position_en: p.position_en.clone(),
            term_start: p.term_start.clone().unwrap_or_default(),
            term_end: p.term_end.clone().unwrap_or_default(),
            email: p.email.clone(),
            note: p.note.clone(),
            reach: p.reach.clone(),
            scope: scope.unwrap_or_default().to_string(),
            embargo_until: p.embargo_until.map(time::format_input_ms).unwrap_or_default(),
            shared_with: shared.join(","),
        }
    }
    pub fn shared_codes(&self) -> Vec<String> {
        self.shared_with.split([',', '、', ' ']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
    }
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
            errs.push(FieldError::new(field, "日付は 2026-09-01 の形で入力してください。", "Write the date as 2026-09-01."));
            None
        }
    }
}

/// Field checks that need no database.
pub fn check_fields(i: &PersonInput) -> Result<CheckedPerson, Vec<FieldError>> {
    let mut errs = vec![];
    if i.org.trim().is_empty() {
        errs.push(FieldError::new("org", "所属組織のコードを入力してください。", "Enter the organisation's code."));
    }
    let name = i.name_kanji.trim();
    if name.is_empty() || name.chars().count() > 100 {
        errs.push(FieldError::new("name_kanji", "氏名（漢字）を100文字以内で入力してください。", "Enter the name in kanji (up to 100 characters)."));
    }
    if i.name_kana.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)) {
        errs.push(FieldError::new("name_kana", "よみはかな・カナで入力してください。", "Write the reading in kana."));
    }
    if !i.name_latin.is_ascii() {
        errs.push(FieldError::new("name_latin", "ローマ字表記は半角英字で入力してください。", "Write the Latin name in ASCII letters."));
    }
    let gender = if i.gender.trim().is_empty() { Some(Gender::Unstated) } else { Gender::parse(&i.gender) };
    if gender.is_none() {
        errs.push(FieldError::new("gender", "性別を選んでください（女性・男性・その他・未回答）。", "Choose a gender (female, male, other, unstated)."));
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
        errs.push(FieldError::new("email", "メールアドレスの形式が正しくありません。", "This is not an e-mail address."));
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
        let ok = PersonInput { org: "JAW".into(), name_kanji: "山田 花子".into(), name_kana: "やまだ はなこ".into(), gender: "女性".into(), term_start: "2025-09-01".into(), ..Default::default() };
        assert_eq!(check_fields(&ok).unwrap().gender, Gender::Female);
        let bad = PersonInput { term_start: "2026-09-01".into(), term_end: "2025-08-31".into(), name_latin: "Hanako Yamada 花子".into(), ..ok };
        let fields: Vec<String> = check_fields(&bad).err().unwrap().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name_latin", "term_end"]);
    }
}
