//! Kinds of organisation in the directory and the tier each gives its users.

use crate::{Lang, Tier};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    HeadOffice,
    IndustrialUnion,
    EnterpriseUnion,
    Company,
    OverseasSite,
    OverseasUnion,
    ExternalBody,
}

impl OrgKind {
    pub const ALL: [OrgKind; 7] = [
        OrgKind::HeadOffice,
        OrgKind::IndustrialUnion,
        OrgKind::EnterpriseUnion,
        OrgKind::Company,
        OrgKind::OverseasSite,
        OrgKind::OverseasUnion,
        OrgKind::ExternalBody,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::HeadOffice => "head_office",
            OrgKind::IndustrialUnion => "industrial_union",
            OrgKind::EnterpriseUnion => "enterprise_union",
            OrgKind::Company => "company",
            OrgKind::OverseasSite => "overseas_site",
            OrgKind::OverseasUnion => "overseas_union",
            OrgKind::ExternalBody => "external_body",
        }
    }

    pub fn parse(s: &str) -> Option<OrgKind> {
        OrgKind::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    /// Accepts the code name or either label, so spreadsheets typed by people import.
    pub fn parse_loose(s: &str) -> Option<OrgKind> {
        let s = s.trim();
        OrgKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s || k.label(Lang::Ja) == s || k.label(Lang::En).eq_ignore_ascii_case(s))
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            OrgKind::HeadOffice => lang.t("本部", "Head office"),
            OrgKind::IndustrialUnion => lang.t("産別", "Industrial union"),
            OrgKind::EnterpriseUnion => lang.t("単組", "Enterprise union"),
            OrgKind::Company => lang.t("企業", "Company"),
            OrgKind::OverseasSite => lang.t("海外事業体", "Overseas site"),
            OrgKind::OverseasUnion => lang.t("海外労組", "Overseas union"),
            OrgKind::ExternalBody => lang.t("外部団体", "External body"),
        }
    }

    /// The tier of users who belong to an organisation of this kind. Companies and their sites have
    /// no users of their own.
    pub fn tier(self) -> Option<Tier> {
        match self {
            OrgKind::HeadOffice => Some(Tier::Hq),
            OrgKind::IndustrialUnion => Some(Tier::Industrial),
            OrgKind::EnterpriseUnion => Some(Tier::Enterprise),
            OrgKind::OverseasUnion | OrgKind::ExternalBody => Some(Tier::Partner),
            OrgKind::Company | OrgKind::OverseasSite => None,
        }
    }

    /// Which kinds may be this kind's parent in the union tree (None: it is a root).
    pub fn allowed_parents(self) -> &'static [OrgKind] {
        match self {
            OrgKind::HeadOffice => &[],
            OrgKind::IndustrialUnion => &[OrgKind::HeadOffice],
            // An enterprise union sits under its industrial union, or under a group federation (企業連).
            OrgKind::EnterpriseUnion => &[OrgKind::IndustrialUnion, OrgKind::EnterpriseUnion],
            _ => &[],
        }
    }

    /// Whether this kind must sit under a parent (industrial and enterprise unions).
    pub fn needs_parent(self) -> bool {
        matches!(self, OrgKind::IndustrialUnion | OrgKind::EnterpriseUnion)
    }

    /// The kind a `company` link must point at, if this kind has one.
    pub fn company_link(self) -> Option<OrgKind> {
        match self {
            OrgKind::OverseasSite | OrgKind::EnterpriseUnion => Some(OrgKind::Company),
            OrgKind::OverseasUnion => Some(OrgKind::OverseasSite),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Female,
    Male,
    Other,
    Unstated,
}

impl Gender {
    pub const ALL: [Gender; 4] = [Gender::Female, Gender::Male, Gender::Other, Gender::Unstated];
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Female => "female",
            Gender::Male => "male",
            Gender::Other => "other",
            Gender::Unstated => "unstated",
        }
    }
    pub fn parse(s: &str) -> Option<Gender> {
        let s = s.trim();
        Gender::ALL.into_iter().find(|g| g.as_str() == s || g.label(Lang::Ja) == s || g.label(Lang::En).eq_ignore_ascii_case(s))
    }
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Gender::Female => lang.t("女性", "Female"),
            Gender::Male => lang.t("男性", "Male"),
            Gender::Other => lang.t("その他", "Other"),
            Gender::Unstated => lang.t("未回答", "Unstated"),
        }
    }
}
