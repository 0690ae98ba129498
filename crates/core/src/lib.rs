//! Kumiai's pure domain primitives. This crate does no I/O: it holds the reach ladder and the one
//! function that decides visibility ([`reach::can_see`]), the viewer (including the one
//! all-seeing [`Viewer::system`]), typed record ids, the organisation kinds and the tiers they
//! give, the two fiscal calendars and the bilingual message type. Everything above it (storage,
//! web, modules) asks these functions; nothing re-implements them.

pub mod fiscal;
pub mod ids;
pub mod lang;
pub mod org;
pub mod reach;
pub mod time;

pub use fiscal::{Era, FiscalCalendar, FiscalYear, GovYear, NamedBy};
pub use ids::{AttachmentId, CommentId, CountId, OrgId, PageId, PersonId, RevisionId, TokenId, UserId};
pub use lang::{Lang, Msg};
pub use org::{Gender, OrgKind};
pub use reach::{Access, Account, Ledger, Reach, Role, Tier, Viewer};

/// A stored text that is not one of an enum's values (a hand-edited row, an old version's value).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownValue {
    pub what: &'static str,
    pub value: String,
}

impl std::fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown {}: {:?}", self.what, self.value)
    }
}

impl std::error::Error for UnknownValue {}

/// `TryFrom<String>` through a type's strict `parse`, so rows decode straight into enums.
macro_rules! try_from_string {
    ($($t:ty => $what:literal),* $(,)?) => {$(
        impl TryFrom<String> for $t {
            type Error = UnknownValue;
            fn try_from(s: String) -> Result<Self, UnknownValue> {
                <$t>::parse(&s).ok_or(UnknownValue { what: $what, value: s })
            }
        }
    )*};
}
try_from_string!(reach::Reach => "reach", reach::Role => "role", org::OrgKind => "organisation kind", org::Gender => "gender");

/// Enums print as their stored code ("affiliates", "enterprise_union"), as the API and CSV files
/// write them.
macro_rules! display_code {
    ($($t:ty),*) => {$(
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )*};
}
display_code!(reach::Reach, reach::Role, reach::Tier, org::OrgKind, org::Gender);
