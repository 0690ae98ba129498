//! The module's records. Regional wages and targets are public reference figures (audited, not
//! reach-bearing); industry wages, tracker steps, agreements and a year's results carry a reach.

use kumiai_core::{Access, Lang, OrgId, Reach};
use kumiai_platform::{Reachable, Record};
use serde::Serialize;

pub const REGIONAL: &str = "minwage_regional";
pub const INDUSTRY: &str = "minwage_industry";
pub const STEP: &str = "minwage_step";
pub const TARGET: &str = "minwage_target";
pub const AGREEMENT: &str = "minwage_agreement";
pub const RESULTS: &str = "minwage_results";

/// Unchecked reads of the module's records are this crate's alone.
pub struct Key(pub(crate) ());

/// `Identified` (i64 ids), `Reachable` from the usual four columns.
macro_rules! ids {
    ($($t:ty => $e:expr),+) => {$(
        impl kumiai_platform::Identified for $t {
            const ENTITY: &'static str = $e;
            fn id(&self) -> i64 {
                self.id
            }
        }
    )+};
}
macro_rules! reachable {
    ($($t:ty),+) => {$(
        impl Reachable for $t {
            fn access(&self, shared_with: Vec<OrgId>) -> Access {
                kumiai_platform::reach::access(self.reach, self.scope_org_id, self.embargo_until, self.owner_org_id, self.owner_path.as_deref(), shared_with)
            }
        }
    )+};
}
ids!(Regional => REGIONAL, IndustryWage => INDUSTRY, Step => STEP, Target => TARGET, Agreement => AGREEMENT, Results => RESULTS);
reachable!(IndustryWage, Step, Agreement, Results);

#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Regional {
    pub id: i64,
    pub fiscal_year: i64,
    pub prefecture_code: String,
    pub hourly_yen: Option<i64>,
    pub effective_date: String,
    pub note: String,
    pub version: i64,
}

impl Record for Regional {
    const TABLE: &'static str = "minwage_regional";
    const SELECT: &'static str = "SELECT r.id, r.fiscal_year, r.prefecture_code, r.hourly_yen, r.effective_date, r.note, r.version FROM minwage_regional r";
    const ALIAS: &'static str = "r";
    const FIELD_LABELS: &'static [(&'static str, &'static str, &'static str)] = &[
        ("label", "地域別最低賃金", "Regional minimum wage"),
        ("hourly_yen", "時間額（円）", "Hourly (yen)"),
        ("effective_date", "発効日", "Effective date"),
        ("note", "備考", "Note"),
    ];
    type Key = Key;
    fn version(&self) -> i64 {
        self.version
    }
    fn snapshot(&self) -> serde_json::Value {
        serde_json::json!({"label": format!("{} FY{}", self.prefecture_code, self.fiscal_year), "fiscal_year": self.fiscal_year, "prefecture_code": self.prefecture_code, "hourly_yen": self.hourly_yen, "effective_date": self.effective_date, "note": self.note, "version": self.version})
    }
}

/// Where an industry wage stands after the year's revision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WageStatus {
    /// 金額改正
    Revised,
    /// 据置
    Unchanged,
    /// 新設
    New,
    /// 廃止
    Abolished,
}

impl WageStatus {
    pub const ALL: [WageStatus; 4] = [WageStatus::Revised, WageStatus::Unchanged, WageStatus::New, WageStatus::Abolished];
    pub fn as_str(self) -> &'static str {
        match self {
            WageStatus::Revised => "revised",
            WageStatus::Unchanged => "unchanged",
            WageStatus::New => "new",
            WageStatus::Abolished => "abolished",
        }
    }
    pub fn label(self, l: Lang) -> &'static str {
        match self {
            WageStatus::Revised => l.t("金額改正", "Revised"),
            WageStatus::Unchanged => l.t("据置", "Unchanged"),
            WageStatus::New => l.t("新設", "New"),
            WageStatus::Abolished => l.t("廃止", "Abolished"),
        }
    }
    /// From the stored code or either language's word (a file may write 改正 or 金額改正).
    pub fn parse(s: &str) -> Option<WageStatus> {
        let s = s.trim();
        let extra = [("改正", WageStatus::Revised), ("据え置き", WageStatus::Unchanged), ("据置き", WageStatus::Unchanged)];
        WageStatus::ALL.into_iter().find(|w| w.as_str().eq_ignore_ascii_case(s) || w.label(Lang::Ja) == s).or_else(|| extra.iter().find(|(w, _)| *w == s).map(|(_, v)| *v))
    }
}

#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct IndustryWage {
    pub id: i64,
    pub fiscal_year: i64,
    pub prefecture_code: String,
    /// The short name (電機, 自動車…), unique within a prefecture and year.
    pub industry: String,
    /// The legal title.
    pub title: String,
    pub hourly_yen: Option<i64>,
    pub previous_hourly_yen: Option<i64>,
    pub effective_date: String,
    pub covered_workers: Option<i64>,
    /// A [`WageStatus`] code, or "" while the revision is not decided.
    pub status: String,
    /// The industrial unions concerned, by code, comma-separated.
    pub industrial_unions: String,
    pub note: String,
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

impl IndustryWage {
    pub fn wage_status(&self) -> Option<WageStatus> {
        WageStatus::parse(&self.status)
    }
    pub fn unions(&self) -> impl Iterator<Item = &str> {
        self.industrial_unions.split(',').map(str::trim).filter(|s| !s.is_empty())
    }
}

impl Record for IndustryWage {
    const TABLE: &'static str = "minwage_industry";
    const SELECT: &'static str = concat!(
        "SELECT i.id, i.fiscal_year, i.prefecture_code, i.industry, i.title, i.hourly_yen, i.previous_hourly_yen, i.effective_date, i.covered_workers, \
         i.status, i.industrial_unions, i.note, i.reach, i.scope_org_id, i.embargo_until, i.owner_org_id, i.version, i.updated_at, ow.path AS owner_path FROM minwage_industry i ",
        kumiai_platform::owner_path_join!("i")
    );
    const ALIAS: &'static str = "i";
    const ORG_REFS: &'static [&'static str] = &["scope_org_id", "owner_org_id"];
    const FIELD_LABELS: &'static [(&'static str, &'static str, &'static str)] = &[
        ("label", "特定最低賃金", "Industry minimum wage"),
        ("title", "正式名称", "Legal title"),
        ("hourly_yen", "時間額（円）", "Hourly (yen)"),
        ("previous_hourly_yen", "改正前の時間額（円）", "Previous hourly (yen)"),
        ("effective_date", "発効日", "Effective date"),
        ("covered_workers", "適用労働者数", "Covered workers"),
        ("status", "改正状況", "Status"),
        ("industrial_unions", "関係産別", "Industrial unions concerned"),
        ("note", "備考", "Note"),
    ];
    fn present(field: &str, value: &str, lang: Lang) -> Option<String> {
        (field == "status").then(|| WageStatus::parse(value).map_or_else(|| lang.t("未定", "Not decided").to_string(), |s| s.label(lang).to_string()))
    }
    type Key = Key;
    fn version(&self) -> i64 {
        self.version
    }
    fn snapshot(&self) -> serde_json::Value {
        serde_json::json!({
            "label": format!("{} {} FY{}", self.prefecture_code, self.industry, self.fiscal_year), "fiscal_year": self.fiscal_year,
            "prefecture_code": self.prefecture_code, "industry": self.industry, "title": self.title, "hourly_yen": self.hourly_yen,
            "previous_hourly_yen": self.previous_hourly_yen, "effective_date": self.effective_date, "covered_workers": self.covered_workers,
            "status": self.status, "industrial_unions": self.industrial_unions, "note": self.note, "reach": self.reach,
            "scope_org_id": self.scope_org_id, "owner_org_id": self.owner_org_id, "version": self.version,
        })
    }
}

/// The revision campaign's steps, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// 申出: the unions petition the Labour Bureau for a revision.
    Petition,
    /// 審議会: the minimum wage council deliberates.
    Council,
    /// 答申: the council's recommendation.
    Recommendation,
    /// 公示: the official notice.
    Notice,
    /// 発効: the new wage takes effect.
    Effective,
}

impl StepKind {
    pub const ALL: [StepKind; 5] = [StepKind::Petition, StepKind::Council, StepKind::Recommendation, StepKind::Notice, StepKind::Effective];
    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::Petition => "petition",
            StepKind::Council => "council",
            StepKind::Recommendation => "recommendation",
            StepKind::Notice => "notice",
            StepKind::Effective => "effective",
        }
    }
    pub fn label(self, l: Lang) -> &'static str {
        match self {
            StepKind::Petition => l.t("申出", "Petition"),
            StepKind::Council => l.t("審議会", "Council"),
            StepKind::Recommendation => l.t("答申", "Recommendation"),
            StepKind::Notice => l.t("公示", "Notice"),
            StepKind::Effective => l.t("発効", "In effect"),
        }
    }
    pub fn parse(s: &str) -> Option<StepKind> {
        let s = s.trim();
        StepKind::ALL.into_iter().find(|k| k.as_str() == s || k.label(Lang::Ja) == s)
    }
}

#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Step {
    pub id: i64,
    pub industry_id: i64,
    pub step: String,
    /// When the step is due (YYYY-MM-DD; "" none).
    pub due_date: String,
    /// When it was done ("" not yet).
    pub done_date: String,
    pub person_id: Option<i64>,
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

impl Step {
    pub fn kind(&self) -> Option<StepKind> {
        StepKind::parse(&self.step)
    }
    /// Due before `today` (YYYY-MM-DD) and not done.
    pub fn late(&self, today: &str) -> bool {
        self.done_date.is_empty() && !self.due_date.is_empty() && self.due_date.as_str() < today
    }
}

impl Record for Step {
    const TABLE: &'static str = "minwage_steps";
    const SELECT: &'static str = concat!(
        "SELECT s.id, s.industry_id, s.step, s.due_date, s.done_date, s.person_id, s.note, s.reach, s.scope_org_id, s.embargo_until, s.owner_org_id, \
         s.version, ow.path AS owner_path FROM minwage_steps s ",
        kumiai_platform::owner_path_join!("s")
    );
    const ALIAS: &'static str = "s";
    const ORG_REFS: &'static [&'static str] = &["scope_org_id", "owner_org_id"];
    const FIELD_LABELS: &'static [(&'static str, &'static str, &'static str)] = &[
        ("label", "改正の段階", "Revision step"),
        ("due_date", "予定日", "Due"),
        ("done_date", "実施日", "Done"),
        ("person_id", "担当者", "Responsible"),
        ("note", "メモ", "Notes"),
    ];
    type Key = Key;
    fn version(&self) -> i64 {
        self.version
    }
    fn snapshot(&self) -> serde_json::Value {
        serde_json::json!({"label": format!("{} #{}", self.step, self.industry_id), "industry_id": self.industry_id, "step": self.step, "due_date": self.due_date, "done_date": self.done_date, "person_id": self.person_id, "note": self.note, "reach": self.reach, "scope_org_id": self.scope_org_id, "owner_org_id": self.owner_org_id, "version": self.version})
    }
}

#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Target {
    pub id: i64,
    /// The wage round (spring) it is set for.
    pub year: i64,
    pub monthly_yen: i64,
    pub hourly_yen: i64,
    pub monthly_hours_tenths: i64,
    pub version: i64,
}

impl Target {
    /// JCM's 2022 target, the default for rounds without one of their own.
    pub const DEFAULT_MONTHLY: i64 = 193_000;
    pub const DEFAULT_HOURLY: i64 = 1_200;
    pub const DEFAULT_HOURS_TENTHS: i64 = 1_610;
}

impl Record for Target {
    const TABLE: &'static str = "minwage_targets";
    const SELECT: &'static str = "SELECT t.id, t.year, t.monthly_yen, t.hourly_yen, t.monthly_hours_tenths, t.version FROM minwage_targets t";
    const ALIAS: &'static str = "t";
    const FIELD_LABELS: &'static [(&'static str, &'static str, &'static str)] = &[
        ("label", "企業内最賃の目標", "In-company minimum wage target"),
        ("monthly_yen", "月額（円）", "Monthly (yen)"),
        ("hourly_yen", "時間額（円）", "Hourly (yen)"),
        ("monthly_hours_tenths", "月間所定労働時間（0.1時間）", "Monthly hours (tenths)"),
    ];
    type Key = Key;
    fn version(&self) -> i64 {
        self.version
    }
    fn snapshot(&self) -> serde_json::Value {
        serde_json::json!({"label": format!("{}", self.year), "year": self.year, "monthly_yen": self.monthly_yen, "hourly_yen": self.hourly_yen, "monthly_hours_tenths": self.monthly_hours_tenths, "version": self.version})
    }
}

#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Agreement {
    pub id: i64,
    pub year: i64,
    pub org_id: OrgId,
    pub union_code: String,
    pub prefecture_code: String,
    pub industry: String,
    pub monthly_yen: Option<i64>,
    pub hourly_yen: Option<i64>,
    #[sqlx(try_from = "String")]
    pub reach: Reach,
    pub scope_org_id: Option<OrgId>,
    pub embargo_until: Option<i64>,
    pub owner_org_id: Option<OrgId>,
    pub version: i64,
    #[serde(skip)]
    pub owner_path: Option<String>,
}

impl Record for Agreement {
    const TABLE: &'static str = "minwage_agreements";
    const SELECT: &'static str = concat!(
        "SELECT g.id, g.year, g.org_id, g.union_code, g.prefecture_code, g.industry, g.monthly_yen, g.hourly_yen, g.reach, g.scope_org_id, \
         g.embargo_until, g.owner_org_id, g.version, ow.path AS owner_path FROM minwage_agreements g ",
        kumiai_platform::owner_path_join!("g")
    );
    const ALIAS: &'static str = "g";
    const ORG_REFS: &'static [&'static str] = &["org_id", "scope_org_id", "owner_org_id"];
    const FIELD_LABELS: &'static [(&'static str, &'static str, &'static str)] = &[
        ("label", "企業内最低賃金協定", "In-company minimum wage agreement"),
        ("prefecture_code", "都道府県", "Prefecture"),
        ("industry", "業種", "Industry"),
        ("monthly_yen", "月額（円）", "Monthly (yen)"),
        ("hourly_yen", "時間額（円）", "Hourly (yen)"),
    ];
    type Key = Key;
    fn version(&self) -> i64 {
        self.version
    }
    fn snapshot(&self) -> serde_json::Value {
        serde_json::json!({"label": self.union_code, "year": self.year, "org_id": self.org_id, "union_code": self.union_code, "prefecture_code": self.prefecture_code, "industry": self.industry, "monthly_yen": self.monthly_yen, "hourly_yen": self.hourly_yen, "reach": self.reach, "scope_org_id": self.scope_org_id, "owner_org_id": self.owner_org_id, "version": self.version})
    }
}

#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Results {
    pub id: i64,
    pub fiscal_year: i64,
    pub commentary: String,
    #[sqlx(try_from = "String")]
    pub reach: Reach,
    pub scope_org_id: Option<OrgId>,
    pub embargo_until: Option<i64>,
    pub owner_org_id: Option<OrgId>,
    pub version: i64,
    #[serde(skip)]
    pub owner_path: Option<String>,
}

impl Record for Results {
    const TABLE: &'static str = "minwage_results";
    const SELECT: &'static str = concat!(
        "SELECT m.id, m.fiscal_year, m.commentary, m.reach, m.scope_org_id, m.embargo_until, m.owner_org_id, m.version, ow.path AS owner_path FROM minwage_results m ",
        kumiai_platform::owner_path_join!("m")
    );
    const ALIAS: &'static str = "m";
    const FIELD_LABELS: &'static [(&'static str, &'static str, &'static str)] = &[
        ("label", "最低賃金の年度結果", "Minimum-wage results"),
        ("commentary", "解説", "Commentary"),
        ("reach", "情報到達範囲", "Reach"),
        ("embargo_until", "解禁日時", "Lift time"),
    ];
    type Key = Key;
    fn version(&self) -> i64 {
        self.version
    }
    fn snapshot(&self) -> serde_json::Value {
        serde_json::json!({"label": format!("FY{}", self.fiscal_year), "fiscal_year": self.fiscal_year, "commentary": self.commentary, "reach": self.reach, "embargo_until": self.embargo_until, "version": self.version})
    }
}
