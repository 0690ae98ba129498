//! Kumiai's pure domain primitives. This crate does no I/O: it holds the reach ladder and the one
//! function that decides visibility ([`reach::can_see`]), the organisation kinds and the tiers they
//! give, fiscal years and the bilingual message type. Everything above it (storage, web, modules)
//! asks these functions; nothing re-implements them.

pub mod fiscal;
pub mod lang;
pub mod org;
pub mod reach;
pub mod time;

pub use fiscal::FiscalYear;
pub use lang::{Lang, Msg};
pub use org::{Gender, OrgKind};
pub use reach::{Access, Account, Reach, Role, Tier, Viewer};
