//! The reach fields every directory input carries (reach, subtree, embargo), checked one way for
//! organisations, people and whatever the directory adds next.

use kumiai_core::{Reach, time};
use kumiai_platform::FieldError;

/// Checks the three fields, pushing located errors. An empty reach means Affiliates.
pub fn check(reach: &str, scope: &str, embargo_until: &str, errs: &mut Vec<FieldError>) -> (Option<Reach>, Option<i64>) {
    let reach = if reach.trim().is_empty() { Some(Reach::Affiliates) } else { Reach::parse(reach) };
    if reach.is_none() {
        errs.push(FieldError::new("reach", "公開範囲を選んでください（本部内・産別・傘下組合・組織外）。", "Choose a reach (hq, industrial, affiliates, public)."));
    }
    if reach == Some(Reach::Public) && !scope.trim().is_empty() {
        errs.push(FieldError::new(
            "scope",
            "組織外公開の記録は範囲を限定できません。範囲を空にするか、公開範囲を変えてください。",
            "A public record cannot be limited to a subtree: clear the subtree or narrow the reach.",
        ));
    }
    let embargo = if embargo_until.trim().is_empty() {
        None
    } else {
        let t = time::parse_ms(embargo_until);
        if t.is_none() {
            errs.push(FieldError::new("embargo_until", "解禁日時は 2026-03-12T10:00 の形で入力してください。", "Write the embargo lift time as 2026-03-12T10:00."));
        }
        t
    };
    (reach, embargo)
}
