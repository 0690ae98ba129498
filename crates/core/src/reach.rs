//! Reach (情報到達範囲): who may see and who may edit a record. This is the one place that decides;
//! the SQL filter in `kumiai-platform` is generated to agree with [`can_see`] and a test proves it.
//!
//! Rules, in order:
//! 1. The head office sees everything, embargoed or not.
//! 2. Users of the owning organisation see their own records.
//! 3. Before an embargo lifts, nobody else sees the record.
//! 4. An organisation the record is shared with sees it.
//! 5. Otherwise the viewer's tier must be within the record's reach, and, if the record is limited
//!    to a subtree, the viewer's organisation must lie inside that subtree.

use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::Lang;

/// The reach ladder, narrowest first: `Hq < Industrial < Affiliates < Public`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    Hq,
    Industrial,
    Affiliates,
    Public,
}

impl Reach {
    pub const ALL: [Reach; 4] = [Reach::Hq, Reach::Industrial, Reach::Affiliates, Reach::Public];
    pub fn as_str(self) -> &'static str {
        match self {
            Reach::Hq => "hq",
            Reach::Industrial => "industrial",
            Reach::Affiliates => "affiliates",
            Reach::Public => "public",
        }
    }
    pub fn parse(s: &str) -> Option<Reach> {
        let s = s.trim();
        Reach::ALL.into_iter().find(|r| r.as_str() == s || r.label(Lang::Ja) == s || r.label(Lang::En).eq_ignore_ascii_case(s))
    }
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Reach::Hq => lang.t("本部内", "Head office"),
            Reach::Industrial => lang.t("産別", "Industrial unions"),
            Reach::Affiliates => lang.t("傘下組合", "Affiliates"),
            Reach::Public => lang.t("組織外", "Public"),
        }
    }
}

/// The tier a user has, from the kind of organisation they belong to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Hq,
    Industrial,
    Enterprise,
    Partner,
}

impl Tier {
    pub const ALL: [Tier; 4] = [Tier::Hq, Tier::Industrial, Tier::Enterprise, Tier::Partner];
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Hq => "hq",
            Tier::Industrial => "industrial",
            Tier::Enterprise => "enterprise",
            Tier::Partner => "partner",
        }
    }
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Tier::Hq => lang.t("本部", "Head office"),
            Tier::Industrial => lang.t("産別", "Industrial union"),
            Tier::Enterprise => lang.t("単組", "Enterprise union"),
            Tier::Partner => lang.t("友誼組織", "Partner"),
        }
    }
    /// The reach levels whose records this tier may see (before subtree limits).
    pub fn sees(self) -> &'static [Reach] {
        match self {
            Tier::Hq => &Reach::ALL,
            Tier::Industrial => &[Reach::Industrial, Reach::Affiliates, Reach::Public],
            Tier::Enterprise => &[Reach::Affiliates, Reach::Public],
            Tier::Partner => &[Reach::Public],
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Viewer,
    Editor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Viewer, Role::Editor, Role::Admin];
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Role::Viewer => lang.t("閲覧者", "Viewer"),
            Role::Editor => lang.t("編集者", "Editor"),
            Role::Admin => lang.t("管理者", "Admin"),
        }
    }
}

/// A logged-in user as the reach rules need them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub user_id: i64,
    pub login: String,
    pub display_name: String,
    pub org_id: i64,
    /// The user's organisation and its ancestors, root first, ending with `org_id`.
    pub org_path: Vec<i64>,
    pub tier: Tier,
    pub role: Role,
}

/// Who is asking. Anonymous visitors have no account. The `checked` flag is raised by every reach
/// decision, so the web layer can refuse to send a record-bearing response that never asked.
#[derive(Clone, Debug, Default)]
pub struct Viewer {
    pub account: Option<Account>,
    checked: Arc<AtomicBool>,
}

impl Viewer {
    pub fn anonymous() -> Viewer {
        Viewer::default()
    }
    pub fn new(account: Option<Account>) -> Viewer {
        Viewer { account, checked: Arc::default() }
    }
    /// Shares the request's check flag, so checks made through this viewer count for the request.
    pub fn with_flag(account: Option<Account>, checked: Arc<AtomicBool>) -> Viewer {
        Viewer { account, checked }
    }
    pub fn tier(&self) -> Option<Tier> {
        self.account.as_ref().map(|a| a.tier)
    }
    pub fn role(&self) -> Option<Role> {
        self.account.as_ref().map(|a| a.role)
    }
    pub fn org_id(&self) -> Option<i64> {
        self.account.as_ref().map(|a| a.org_id)
    }
    pub fn is_hq(&self) -> bool {
        self.tier() == Some(Tier::Hq)
    }
    pub fn is_hq_admin(&self) -> bool {
        self.is_hq() && self.role() == Some(Role::Admin)
    }
    pub fn has_role(&self, min: Role) -> bool {
        self.role().is_some_and(|r| r >= min)
    }
    /// Whether `org` is the viewer's organisation or one of its ancestors.
    pub fn is_within(&self, org: i64) -> bool {
        self.account.as_ref().is_some_and(|a| a.org_path.contains(&org))
    }
    /// Records that the reach layer was consulted for this request.
    pub fn mark_checked(&self) {
        self.checked.store(true, Ordering::Relaxed);
    }
    pub fn was_checked(&self) -> bool {
        self.checked.load(Ordering::Relaxed)
    }
}

/// The access descriptor every record carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Access {
    pub reach: Reach,
    /// Limits the record to this organisation's subtree.
    pub scope_org: Option<i64>,
    /// Unix ms until which only the head office and the owner see the record.
    pub embargo_until: Option<i64>,
    pub owner_org: i64,
    /// The owner organisation and its ancestors, root first: used for edit rights.
    pub owner_path: Vec<i64>,
    /// Named organisations (typically partners) the record is shared with.
    pub shared_with: Vec<i64>,
}

impl Access {
    pub fn embargoed(&self, now_ms: i64) -> bool {
        self.embargo_until.is_some_and(|t| now_ms < t)
    }
}

/// Whether `viewer` may see a record with `access` at time `now_ms`.
pub fn can_see(viewer: &Viewer, access: &Access, now_ms: i64) -> bool {
    viewer.mark_checked();
    let Some(acct) = &viewer.account else {
        return access.reach == Reach::Public && access.scope_org.is_none() && !access.embargoed(now_ms);
    };
    if acct.tier == Tier::Hq || acct.org_id == access.owner_org {
        return true;
    }
    if access.embargoed(now_ms) {
        return false;
    }
    if access.shared_with.contains(&acct.org_id) {
        return true;
    }
    acct.tier.sees().contains(&access.reach) && access.scope_org.is_none_or(|s| acct.org_path.contains(&s))
}

/// Whether `viewer` may change a record: an editor who sees it, and who is the head office or sits
/// at or above the owning organisation.
pub fn can_edit(viewer: &Viewer, access: &Access, now_ms: i64) -> bool {
    let Some(acct) = &viewer.account else {
        viewer.mark_checked();
        return false;
    };
    acct.role >= Role::Editor
        && can_see(viewer, access, now_ms)
        && (acct.tier == Tier::Hq || access.owner_path.contains(&acct.org_id))
}

#[cfg(test)]
mod tests;
