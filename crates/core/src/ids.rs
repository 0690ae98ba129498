//! Typed record ids. An `OrgId` cannot be passed where a `PageId` is expected, so a handler cannot
//! load the wrong kind of record with a number meant for another. With the `sqlx` feature (the
//! platform turns it on) they decode from and bind as the 64-bit integers the tables hold.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "sqlx", derive(sqlx::Type), sqlx(transparent))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            pub fn get(self) -> i64 {
                self.0
            }
        }
        impl From<i64> for $name {
            fn from(v: i64) -> Self {
                $name(v)
            }
        }
        impl From<$name> for i64 {
            fn from(v: $name) -> i64 {
                v.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
        impl FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.trim().parse().map($name)
            }
        }
    )*};
}

ids!(
    /// An organisation in the directory (union, company, site, body).
    OrgId,
    /// A person in the directory.
    PersonId,
    /// A member-count row (one organisation, one fiscal year).
    CountId,
    /// A knowledge-base page.
    PageId,
    /// One revision of a knowledge-base page.
    RevisionId,
    /// A file attached to a page.
    AttachmentId,
    /// A comment in a page's discussion.
    CommentId,
    /// A login.
    UserId,
    /// An API token.
    TokenId,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_and_print() {
        assert_eq!("42".parse::<OrgId>().unwrap(), OrgId(42));
        assert_eq!(" 7 ".parse::<PageId>().unwrap(), PageId(7));
        assert!("abc".parse::<PageId>().is_err());
        assert_eq!(OrgId(7).to_string(), "7");
        assert_eq!(i64::from(PersonId(3)), 3);
    }
}
