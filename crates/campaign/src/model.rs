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
    /// Tally cut-off times, comma-separated (YYYY-MM-DDTHH:MM).
    pub cutoffs: String,
    /// Other items the round tracks, comma-separated.
    pub items: String,
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
    const SELECT: &'static str = "SELECT c.id, c.year, c.demand_standard_yen, c.main_answer_day, c.demand_deadline, c.cutoffs, c.items, c.version FROM campaigns c";
    const ALIAS: &'static str = "c";
    const FIELD_LABELS: &'static [(&'static str, &'static str, &'static str)] = &[
        ("label", "闘争", "Wage round"),
        (
            "demand_standard_yen",
            "要求基準（円）",
            "Demand standard (yen)",
        ),
        ("main_answer_day", "集中回答日", "Main answer day"),
        ("demand_deadline", "要求提出期限", "Demand deadline"),
        ("cutoffs", "集計締切", "Tally cut-offs"),
        ("items", "その他の項目", "Other items"),
    ];
    type Key = Key;
    fn version(&self) -> i64 {
        self.version
    }
    fn snapshot(&self) -> serde_json::Value {
        serde_json::json!({"label": format!("{}年闘争", self.year), "year": self.year, "demand_standard_yen": self.demand_standard_yen, "main_answer_day": self.main_answer_day, "demand_deadline": self.demand_deadline, "cutoffs": self.cutoffs, "items": self.items, "version": self.version})
    }
}

impl Campaign {
    /// The tally cut-off moments (ms), in order.
    pub fn cutoff_times(&self) -> Vec<(String, i64)> {
        let mut v: Vec<(String, i64)> = self
            .cutoffs
            .split(',')
            .map(str::trim)
            .filter_map(|t| kumiai_core::time::parse_ms(t).map(|ms| (t.to_string(), ms)))
            .collect();
        v.sort_by_key(|(_, ms)| *ms);
        v
    }
}

/// A union's standing in the round (derived from its answer, so it can never disagree with it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Answered,
    Negotiating,
    NoAnswer,
}

impl Status {
    pub fn words(self, l: kumiai_core::Lang) -> &'static str {
        match self {
            Status::Answered => l.t("回答済み", "Answered"),
            Status::Negotiating => l.t("交渉中", "Negotiating"),
            Status::NoAnswer => l.t("未報告", "No answer"),
        }
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
    /// The scheduled raise (定期昇給相当分): "" unknown, "yes" secured, "no" not.
    pub scheduled_raise: String,
    pub scheduled_raise_yen: Option<i64>,
    pub bonus_yen: Option<i64>,
    /// The in-company minimum wage agreed (企業内最低賃金協定), monthly and hourly.
    pub min_wage_monthly_yen: Option<i64>,
    pub min_wage_hourly_yen: Option<i64>,
    /// Answers on the round's other items, one "item: answer" per line.
    pub other_items: String,
    #[sqlx(try_from = "String")]
    pub reach: Reach,
    pub scope_org_id: Option<OrgId>,
    pub embargo_until: Option<i64>,
    pub owner_org_id: Option<OrgId>,
    pub version: i64,
    pub updated_at: i64,
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
         a.base_up_won_yen, a.min_wage_raise_yen, a.bonus_centimonths, a.answered_at, a.note, a.scheduled_raise, a.scheduled_raise_yen, \
         a.bonus_yen, a.min_wage_monthly_yen, a.min_wage_hourly_yen, a.other_items, a.reach, a.scope_org_id, a.embargo_until, a.owner_org_id, \
         a.version, a.updated_at, ow.path AS owner_path FROM campaign_answers a ",
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
        (
            "min_wage_raise_yen",
            "企業内最賃引上げ額",
            "In-company minimum wage raise",
        ),
        (
            "bonus_centimonths",
            "一時金（1/100か月）",
            "Bonus (1/100 month)",
        ),
        ("answered_at", "回答日時", "Answered at"),
        ("note", "備考", "Note"),
        (
            "scheduled_raise",
            "定昇相当分の確保",
            "Scheduled raise secured",
        ),
        (
            "scheduled_raise_yen",
            "定昇相当分（円）",
            "Scheduled raise (yen)",
        ),
        ("bonus_yen", "一時金（円）", "Bonus (yen)"),
        (
            "min_wage_monthly_yen",
            "企業内最賃（月額）",
            "In-company minimum wage (monthly)",
        ),
        (
            "min_wage_hourly_yen",
            "企業内最賃（時間額）",
            "In-company minimum wage (hourly)",
        ),
        ("other_items", "その他の項目", "Other items"),
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
            "note": self.note, "scheduled_raise": self.scheduled_raise, "scheduled_raise_yen": self.scheduled_raise_yen, "bonus_yen": self.bonus_yen,
            "min_wage_monthly_yen": self.min_wage_monthly_yen, "min_wage_hourly_yen": self.min_wage_hourly_yen, "other_items": self.other_items, "reach": self.reach, "scope_org_id": self.scope_org_id, "owner_org_id": self.owner_org_id, "version": self.version,
        })
    }
}

impl Reachable for AnswerRecord {
    fn access(&self, shared_with: Vec<OrgId>) -> Access {
        kumiai_platform::reach::access(
            self.reach,
            self.scope_org_id,
            self.embargo_until,
            self.owner_org_id,
            self.owner_path.as_deref(),
            shared_with,
        )
    }
}

impl AnswerRecord {
    /// Where the union stands: answered, still negotiating, or nothing reported yet.
    pub fn status(&self) -> Status {
        match base_up(&self.base_up_state, self.base_up_won_yen) {
            BaseUp::Negotiating if self.base_up_demand_yen.is_none() => Status::NoAnswer,
            BaseUp::Negotiating => Status::Negotiating,
            _ => Status::Answered,
        }
    }
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

pub const BULLETIN: &str = "campaign_bulletin";
pub const BULLETIN_LINE: &str = "campaign_bulletin_line";

/// Where a bulletin stands: drafted, approved by a head-office editor, scheduled to lift.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BulletinState {
    Draft,
    Approved,
    Scheduled,
}

impl BulletinState {
    pub fn parse(s: &str) -> BulletinState {
        match s {
            "approved" => BulletinState::Approved,
            "scheduled" => BulletinState::Scheduled,
            _ => BulletinState::Draft,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            BulletinState::Draft => "draft",
            BulletinState::Approved => "approved",
            BulletinState::Scheduled => "scheduled",
        }
    }
    pub fn words(self, l: kumiai_core::Lang) -> &'static str {
        match self {
            BulletinState::Draft => l.t("下書き", "Draft"),
            BulletinState::Approved => l.t("承認済み", "Approved"),
            BulletinState::Scheduled => l.t("公開予約済み", "Scheduled"),
        }
    }
}

/// A quick bulletin (速報): the tally frozen at `as_of`, with commentary and a lift time. Its
/// reach is the head office's until it is scheduled, then public under an embargo until the lift.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Bulletin {
    pub id: i64,
    pub campaign_id: i64,
    /// 第N報 within the round.
    pub number: i64,
    pub title: String,
    pub commentary: String,
    /// The moment (ms) the tally was taken.
    pub as_of: i64,
    /// The frozen tally, as `Tally` serialises it.
    pub tally: String,
    /// Who sees the union-by-union figures after the lift: "affiliates" or "hq".
    #[sqlx(try_from = "String")]
    pub union_reach: Reach,
    pub state: String,
    pub approved_by: String,
    pub lift_at: Option<i64>,
    #[sqlx(try_from = "String")]
    pub reach: Reach,
    pub scope_org_id: Option<OrgId>,
    pub embargo_until: Option<i64>,
    pub owner_org_id: Option<OrgId>,
    pub version: i64,
    pub updated_at: i64,
    #[serde(skip)]
    pub owner_path: Option<String>,
}

impl kumiai_platform::Identified for Bulletin {
    const ENTITY: &'static str = BULLETIN;
    fn id(&self) -> i64 {
        self.id
    }
}

impl Record for Bulletin {
    const TABLE: &'static str = "campaign_bulletins";
    const SELECT: &'static str = concat!(
        "SELECT b.id, b.campaign_id, b.number, b.title, b.commentary, b.as_of, b.tally, b.union_reach, b.state, b.approved_by, b.lift_at, \
         b.reach, b.scope_org_id, b.embargo_until, b.owner_org_id, b.version, b.updated_at, ow.path AS owner_path FROM campaign_bulletins b ",
        kumiai_platform::owner_path_join!("b")
    );
    const ALIAS: &'static str = "b";
    const ORG_REFS: &'static [&'static str] = &["scope_org_id", "owner_org_id"];
    const FIELD_LABELS: &'static [(&'static str, &'static str, &'static str)] = &[
        ("label", "速報", "Bulletin"),
        ("title", "見出し", "Title"),
        ("commentary", "解説", "Commentary"),
        ("state", "状態", "State"),
        ("approved_by", "承認者", "Approved by"),
        ("lift_at", "解禁日時", "Lift time"),
        (
            "union_reach",
            "組合別の情報到達範囲",
            "Union figures shown to",
        ),
    ];
    type Key = Key;
    fn version(&self) -> i64 {
        self.version
    }
    /// The frozen tally stays out of the log's snapshot (it never changes once taken; its hash
    /// would say no more than `as_of`).
    fn snapshot(&self) -> serde_json::Value {
        serde_json::json!({
            "label": format!("第{}報", self.number), "campaign_id": self.campaign_id, "number": self.number, "title": self.title,
            "commentary": self.commentary, "as_of": self.as_of, "union_reach": self.union_reach, "state": self.state,
            "approved_by": self.approved_by, "lift_at": self.lift_at, "reach": self.reach, "embargo_until": self.embargo_until, "version": self.version,
        })
    }
}

impl Reachable for Bulletin {
    fn access(&self, shared_with: Vec<OrgId>) -> Access {
        kumiai_platform::reach::access(
            self.reach,
            self.scope_org_id,
            self.embargo_until,
            self.owner_org_id,
            self.owner_path.as_deref(),
            shared_with,
        )
    }
}

impl Bulletin {
    pub fn state(&self) -> BulletinState {
        BulletinState::parse(&self.state)
    }
    pub fn frozen(&self) -> Option<crate::tally::Tally> {
        serde_json::from_str(&self.tally).ok()
    }
}

/// One union's figures in a bulletin: owned by the union, at the bulletin's union reach once it lifts.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct BulletinLine {
    pub id: i64,
    pub bulletin_id: i64,
    pub org_id: OrgId,
    pub union_code: String,
    pub union_name: String,
    pub industrial_union_code: String,
    pub headline: i64,
    pub base_up_demand_yen: Option<i64>,
    pub base_up_state: String,
    pub base_up_won_yen: Option<i64>,
    pub min_wage_raise_yen: Option<i64>,
    pub bonus_centimonths: Option<i64>,
    #[sqlx(try_from = "String")]
    pub reach: Reach,
    pub scope_org_id: Option<OrgId>,
    pub embargo_until: Option<i64>,
    pub owner_org_id: Option<OrgId>,
    pub version: i64,
    #[serde(skip)]
    pub owner_path: Option<String>,
}

impl kumiai_platform::Identified for BulletinLine {
    const ENTITY: &'static str = BULLETIN_LINE;
    fn id(&self) -> i64 {
        self.id
    }
}

impl Record for BulletinLine {
    const TABLE: &'static str = "campaign_bulletin_lines";
    const SELECT: &'static str = concat!(
        "SELECT l.id, l.bulletin_id, l.org_id, l.union_code, l.union_name, l.industrial_union_code, l.headline, l.base_up_demand_yen, l.base_up_state, \
         l.base_up_won_yen, l.min_wage_raise_yen, l.bonus_centimonths, l.reach, l.scope_org_id, l.embargo_until, l.owner_org_id, l.version, \
         ow.path AS owner_path FROM campaign_bulletin_lines l ",
        kumiai_platform::owner_path_join!("l")
    );
    const ALIAS: &'static str = "l";
    const ORG_REFS: &'static [&'static str] = &["org_id", "owner_org_id"];
    const FIELD_LABELS: &'static [(&'static str, &'static str, &'static str)] =
        &[("label", "組合", "Union")];
    type Key = Key;
    fn version(&self) -> i64 {
        self.version
    }
    fn snapshot(&self) -> serde_json::Value {
        serde_json::json!({"label": self.union_code, "bulletin_id": self.bulletin_id, "org_id": self.org_id, "reach": self.reach, "embargo_until": self.embargo_until, "version": self.version})
    }
}

impl Reachable for BulletinLine {
    fn access(&self, shared_with: Vec<OrgId>) -> Access {
        kumiai_platform::reach::access(
            self.reach,
            self.scope_org_id,
            self.embargo_until,
            self.owner_org_id,
            self.owner_path.as_deref(),
            shared_with,
        )
    }
}
