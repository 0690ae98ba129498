//! Organisations: the union tree (head office → industrial unions → enterprise unions) and the
//! bodies beside it (companies, overseas sites, overseas unions, external bodies).

pub mod model;
pub mod store;

pub use model::{Codes, ENTITY, ListRow, OrgInput, Organisation};
