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
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::{Lang, OrgId, UserId};

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
    pub user_id: UserId,
    pub login: String,
    pub display_name: String,
    pub org_id: OrgId,
    /// The user's organisation and its ancestors, root first, ending with `org_id`.
    pub org_path: Vec<OrgId>,
    pub tier: Tier,
    pub role: Role,
}

/// What the reach layer decided during one request: whether it was asked at all (the route guard's
/// second net) and which records it let through, by (entity, id). The web shell refuses a page that
/// links to a record this ledger never admitted. Only the reach layer writes to it.
#[derive(Debug, Default)]
pub struct Ledger {
    decided: AtomicBool,
    /// Ids by entity: a look-up by `&str` allocates nothing (a page notes and checks hundreds).
    admitted: Mutex<HashMap<String, HashSet<i64>>>,
}

impl Ledger {
    /// Notes that a reach decision was made.
    pub fn note_decision(&self) {
        self.decided.store(true, Ordering::Relaxed);
    }
    pub fn decided(&self) -> bool {
        self.decided.load(Ordering::Relaxed)
    }
    /// Notes that record `id` of `entity` passed the reach layer.
    pub fn admit(&self, entity: &str, id: i64) {
        self.note_decision();
        let mut admitted = self.admitted.lock().unwrap_or_else(|e| e.into_inner());
        match admitted.get_mut(entity) {
            Some(ids) => {
                ids.insert(id);
            }
            None => {
                admitted.insert(entity.to_string(), HashSet::from([id]));
            }
        }
    }
    pub fn was_admitted(&self, entity: &str, id: i64) -> bool {
        self.admitted.lock().unwrap_or_else(|e| e.into_inner()).get(entity).is_some_and(|ids| ids.contains(&id))
    }
}

#[derive(Clone, Debug)]
enum Who {
    Anonymous,
    User(Account),
    /// The system itself: the command line, background jobs, index builders. Sees and may change
    /// everything; never built from a request.
    System,
}

/// Who is asking, with the request's reach ledger. Clones share the ledger.
#[derive(Clone, Debug)]
pub struct Viewer {
    who: Who,
    ledger: Arc<Ledger>,
}

impl Default for Viewer {
    fn default() -> Self {
        Viewer::anonymous()
    }
}

impl Viewer {
    pub fn anonymous() -> Viewer {
        Viewer { who: Who::Anonymous, ledger: Arc::default() }
    }
    /// A user (or an anonymous visitor) with a ledger of their own.
    pub fn new(account: Option<Account>) -> Viewer {
        Viewer::with_ledger(account, Arc::default())
    }
    /// A user (or anonymous visitor) whose reach decisions go into `ledger` (the request's).
    pub fn with_ledger(account: Option<Account>, ledger: Arc<Ledger>) -> Viewer {
        Viewer { who: account.map(Who::User).unwrap_or(Who::Anonymous), ledger }
    }
    /// Another reader within the same request (a feed opened by a token): same ledger.
    pub fn acting_as(&self, account: Account) -> Viewer {
        Viewer { who: Who::User(account), ledger: Arc::clone(&self.ledger) }
    }
    /// The system: internal reads and writes by the command line and background jobs. It is the one
    /// all-seeing viewer; the web layer never builds it (a test keeps it so).
    pub fn system() -> Viewer {
        Viewer { who: Who::System, ledger: Arc::default() }
    }
    pub fn is_system(&self) -> bool {
        matches!(self.who, Who::System)
    }
    pub fn account(&self) -> Option<&Account> {
        match &self.who {
            Who::User(a) => Some(a),
            _ => None,
        }
    }
    pub fn is_anonymous(&self) -> bool {
        matches!(self.who, Who::Anonymous)
    }
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }
    /// The request's ledger, for the web shell's guard.
    pub fn shared_ledger(&self) -> Arc<Ledger> {
        Arc::clone(&self.ledger)
    }
    /// The system counts as the head office.
    pub fn tier(&self) -> Option<Tier> {
        match &self.who {
            Who::User(a) => Some(a.tier),
            Who::System => Some(Tier::Hq),
            Who::Anonymous => None,
        }
    }
    /// The system counts as an admin.
    pub fn role(&self) -> Option<Role> {
        match &self.who {
            Who::User(a) => Some(a.role),
            Who::System => Some(Role::Admin),
            Who::Anonymous => None,
        }
    }
    pub fn org_id(&self) -> Option<OrgId> {
        self.account().map(|a| a.org_id)
    }
    /// Sees every record: the head office and the system.
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
    pub fn is_within(&self, org: OrgId) -> bool {
        self.account().is_some_and(|a| a.org_path.contains(&org))
    }
}

/// The access descriptor every record carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Access {
    pub reach: Reach,
    /// Limits the record to this organisation's subtree.
    pub scope_org: Option<OrgId>,
    /// Unix ms until which only the head office and the owner see the record.
    pub embargo_until: Option<i64>,
    pub owner_org: OrgId,
    /// The owner organisation and its ancestors, root first: used for edit rights.
    pub owner_path: Vec<OrgId>,
    /// Named organisations (typically partners) the record is shared with.
    pub shared_with: Vec<OrgId>,
}

impl Access {
    pub fn embargoed(&self, now_ms: i64) -> bool {
        self.embargo_until.is_some_and(|t| embargo_clock(now_ms) < t)
    }
}

/// The time embargoes are compared with: `now` to the minute (embargoes are set to the minute).
/// The rule, the SQL filter and the search filter all use it, so they agree, and the SQL text
/// of a reach-filtered query stays the same for a minute (its prepared statement is reused).
pub fn embargo_clock(now_ms: i64) -> i64 {
    now_ms - now_ms.rem_euclid(60_000)
}

/// Whether `viewer` may see a record with `access` at time `now_ms`.
pub fn can_see(viewer: &Viewer, access: &Access, now_ms: i64) -> bool {
    viewer.ledger.note_decision();
    let acct = match &viewer.who {
        Who::System => return true,
        Who::Anonymous => return access.reach == Reach::Public && access.scope_org.is_none() && !access.embargoed(now_ms),
        Who::User(a) => a,
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
    let acct = match &viewer.who {
        Who::System => {
            viewer.ledger.note_decision();
            return true;
        }
        Who::Anonymous => {
            viewer.ledger.note_decision();
            return false;
        }
        Who::User(a) => a,
    };
    acct.role >= Role::Editor
        && can_see(viewer, access, now_ms)
        && (acct.tier == Tier::Hq || access.owner_path.contains(&acct.org_id))
}

#[cfg(test)]
mod tests;
