//! The campaign's records: a round (`Campaign`) and a union's demand and answer in it
//! (`AnswerRecord`, reach-bearing: the head office, the union itself, its industrial union).

use crate::tally::{Answer, BaseUp};
use kumiai_core::{Access, OrgId, Reach};
use kumiai_platform::{Reachable, Record};
use serde::Serialize;

pub const CAMPAIGN: &str = "campaign";
pub const ANSWER: &str = "campaign_answer";

/// Unchecked reads of the campaign's records are this crate's alone.
pub struct Key(pub(crate) ());

#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Campaign {
    pub id: i64,
    /// The spring it is named by (2025 = 2025年闘争).
    pub year: i64,
    pub demand_standard_yen: Option<i64>,
    pub main_answer_day: String,
    pub demand_deadline: String,
    pub version: i64,
}

impl kumiai_platform::Identified for Campaign {
    const ENTITY: &'static str = CAMPAIGN;
    fn id(&self) -> i64 {
        self.id
    }
}

impl Record for Campaign {
    const TABLE: &'static str = "campaigns";
    const SELECT: &'static str = "SELECT c.id, c.year, c.demand_standard_yen, c.main_answer_day, c.demand_deadline, c.version FROM campaigns c";
    const ALIAS: &'static str = "c";
    const FIELD_LABELS: &'static [(&'static str, &'static str, &'static str)] =
        &[("label", "闘争", "Wage round"), ("demand_standard_yen", "要求基準（円）", "Demand standard (yen)"), ("main_answer_day", "集中回答日", "Main answer day"), ("demand_deadline", "要求提出期限", "Demand deadline")];
    type Key = Key;
    fn version(&self) -> i64 {
        self.version
    }
    fn snapshot(&self) -> serde_json::Value {
        serde_json::json!({"label": format!("{}年闘争", self.year), "year": self.year, "demand_standard_yen": self.demand_standard_yen, "main_answer_day": self.main_answer_day, "demand_deadline": self.demand_deadline, "version": self.version})
    }
}

/// The base-up state as stored.
pub fn state_code(b: BaseUp) -> &'static str {
    match b {
        BaseUp::Won(_) => "won",
        BaseUp::NotCalculable => "not_calculable",
        BaseUp::None => "none",
        BaseUp::Negotiating => "negotiating",
    }
}

/// The base-up from its stored state and amount.
pub fn base_up(state: &str, won_yen: Option<i64>) -> BaseUp {
    match (state, won_yen) {
        ("won", Some(y)) => BaseUp::Won(y),
        ("won", None) | ("not_calculable", _) => BaseUp::NotCalculable,
        ("none", _) => BaseUp::None,
        _ => BaseUp::Negotiating,
    }
}

#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct AnswerRecord {
    pub id: i64,
    pub campaign_id: i64,
    pub org_id: OrgId,
    pub union_code: String,
    pub industrial_union_code: String,
    pub members: Option<i64>,
    pub headline: i64,
    pub base_up_demand_yen: Option<i64>,
    pub base_up_state: String,
    pub base_up_won_yen: Option<i64>,
    pub min_wage_raise_yen: Option<i64>,
    pub bonus_centimonths: Option<i64>,
    pub answered_at: Option<String>,
    pub note: String,
    #[sqlx(try_from = "String")]
    pub reach: Reach,
    pub scope_org_id: Option<OrgId>,
    pub embargo_until: Option<i64>,
    pub owner_org_id: Option<OrgId>,
    pub version: i64,
    #[serde(skip)]
    pub owner_path: Option<String>,
}

impl kumiai_platform::Identified for AnswerRecord {
    const ENTITY: &'static str = ANSWER;
    fn id(&self) -> i64 {
        self.id
    }
}

impl Record for AnswerRecord {
    const TABLE: &'static str = "campaign_answers";
    const SELECT: &'static str = concat!(
        "SELECT a.id, a.campaign_id, a.org_id, a.union_code, a.industrial_union_code, a.members, a.headline, a.base_up_demand_yen, a.base_up_state, \
         a.base_up_won_yen, a.min_wage_raise_yen, a.bonus_centimonths, a.answered_at, a.note, a.reach, a.scope_org_id, a.embargo_until, a.owner_org_id, \
         a.version, ow.path AS owner_path FROM campaign_answers a ",
        kumiai_platform::owner_path_join!("a")
    );
    const ALIAS: &'static str = "a";
    const ORG_REFS: &'static [&'static str] = &["org_id", "scope_org_id", "owner_org_id"];
    const FIELD_LABELS: &'static [(&'static str, &'static str, &'static str)] = &[
        ("label", "組合", "Union"),
        ("members", "組合員数", "Members"),
        ("headline", "速報対象", "Headline union"),
        ("base_up_demand_yen", "ベア要求額", "Base-up demanded"),
        ("base_up_state", "ベア回答", "Base-up"),
        ("base_up_won_yen", "ベア獲得額", "Base-up won"),
        ("min_wage_raise_yen", "企業内最賃引上げ額", "In-company minimum wage raise"),
        ("bonus_centimonths", "一時金（1/100か月）", "Bonus (1/100 month)"),
        ("answered_at", "回答日時", "Answered at"),
        ("note", "備考", "Note"),
    ];
    type Key = Key;
    fn version(&self) -> i64 {
        self.version
    }
    /// Everything the tally reads, so that a tally "as of" a moment is rebuilt from the log.
    fn snapshot(&self) -> serde_json::Value {
        serde_json::json!({
            "label": self.union_code, "campaign_id": self.campaign_id, "org_id": self.org_id, "union_code": self.union_code,
            "industrial_union_code": self.industrial_union_code, "members": self.members, "headline": self.headline,
            "base_up_demand_yen": self.base_up_demand_yen, "base_up_state": self.base_up_state, "base_up_won_yen": self.base_up_won_yen,
            "min_wage_raise_yen": self.min_wage_raise_yen, "bonus_centimonths": self.bonus_centimonths, "answered_at": self.answered_at,
            "note": self.note, "reach": self.reach, "scope_org_id": self.scope_org_id, "owner_org_id": self.owner_org_id, "version": self.version,
        })
    }
}

impl Reachable for AnswerRecord {
    fn access(&self, shared_with: Vec<OrgId>) -> Access {
        kumiai_platform::reach::access(self.reach, self.scope_org_id, self.embargo_until, self.owner_org_id, self.owner_path.as_deref(), shared_with)
    }
}

impl AnswerRecord {
    pub fn for_tally(&self) -> Answer {
        Answer {
            industrial_union: self.industrial_union_code.clone(),
            members: self.members,
            headline: self.headline != 0,
            base_up: base_up(&self.base_up_state, self.base_up_won_yen),
            base_up_demand_yen: self.base_up_demand_yen,
            min_wage_raise_yen: self.min_wage_raise_yen,
            bonus_centimonths: self.bonus_centimonths,
        }
    }
}

/// An answer as the log kept it (for a tally "as of" a past moment).
pub fn from_snapshot(s: &serde_json::Map<String, serde_json::Value>) -> Option<(i64, Answer)> {
    let int = |k: &str| s.get(k).and_then(|v| v.as_i64());
    let text = |k: &str| s.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
    Some((
        int("campaign_id")?,
        Answer {
            industrial_union: text("industrial_union_code"),
            members: int("members"),
            headline: int("headline").unwrap_or(0) != 0,
            base_up: base_up(&text("base_up_state"), int("base_up_won_yen")),
            base_up_demand_yen: int("base_up_demand_yen"),
            min_wage_raise_yen: int("min_wage_raise_yen"),
            bonus_centimonths: int("bonus_centimonths"),
        },
    ))
}
