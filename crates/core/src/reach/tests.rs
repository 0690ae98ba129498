//! The reach matrix: every tier (and anonymous) × role × reach × subtree limit × embargo state ×
//! ownership × sharing. Expected visibility comes from the literal ladder table below, not from the
//! code under test.

use super::*;

const HQ: OrgId = OrgId(1);
const JAW: OrgId = OrgId(2); // an industrial union
const DENKI: OrgId = OrgId(3); // another industrial union
const ENT: OrgId = OrgId(20); // an enterprise union under JAW
const PARTNER: OrgId = OrgId(90); // an overseas union, outside the union tree
/// On a minute: embargoes are compared by the minute (`embargo_clock`).
const NOW: i64 = 1_020_000;

/// (tier, reach, visible) — the ladder as the glossary states it.
const LADDER: &[(Option<Tier>, Reach, bool)] = &[
    (None, Reach::Hq, false),
    (None, Reach::Industrial, false),
    (None, Reach::Affiliates, false),
    (None, Reach::Public, true),
    (Some(Tier::Partner), Reach::Hq, false),
    (Some(Tier::Partner), Reach::Industrial, false),
    (Some(Tier::Partner), Reach::Affiliates, false),
    (Some(Tier::Partner), Reach::Public, true),
    (Some(Tier::Enterprise), Reach::Hq, false),
    (Some(Tier::Enterprise), Reach::Industrial, false),
    (Some(Tier::Enterprise), Reach::Affiliates, true),
    (Some(Tier::Enterprise), Reach::Public, true),
    (Some(Tier::Industrial), Reach::Hq, false),
    (Some(Tier::Industrial), Reach::Industrial, true),
    (Some(Tier::Industrial), Reach::Affiliates, true),
    (Some(Tier::Industrial), Reach::Public, true),
    (Some(Tier::Hq), Reach::Hq, true),
    (Some(Tier::Hq), Reach::Industrial, true),
    (Some(Tier::Hq), Reach::Affiliates, true),
    (Some(Tier::Hq), Reach::Public, true),
];

fn path_of(tier: Tier) -> Vec<OrgId> {
    match tier {
        Tier::Hq => vec![HQ],
        Tier::Industrial => vec![HQ, JAW],
        Tier::Enterprise => vec![HQ, JAW, ENT],
        Tier::Partner => vec![PARTNER],
    }
}

fn viewer(tier: Option<Tier>, role: Role) -> Viewer {
    Viewer::new(tier.map(|tier| {
        let org_path = path_of(tier);
        Account {
            user_id: UserId(7),
            login: "u".into(),
            display_name: "u".into(),
            org_id: *org_path.last().unwrap(),
            org_path,
            tier,
            role,
        }
    }))
}

#[derive(Clone, Copy, Debug)]
enum Embargo {
    None,
    Active,
    Lifted,
}

#[test]
fn matrix() {
    let mut cases = 0;
    for &(tier, reach, ladder_ok) in LADDER {
        for role in Role::ALL {
            let v = viewer(tier, role);
            let own_org = v.org_id();
            for scope in [None, Some(JAW), Some(DENKI), Some(ENT)] {
                for embargo in [Embargo::None, Embargo::Active, Embargo::Lifted] {
                    for owned in [false, true] {
                        for shared in [false, true] {
                            // Anonymous viewers own nothing and are shared nothing.
                            if tier.is_none() && (owned || shared) {
                                continue;
                            }
                            let owner_path = if owned { path_of(tier.unwrap()) } else { vec![HQ, DENKI, OrgId(31)] };
                            let access = Access {
                                reach,
                                scope_org: scope,
                                embargo_until: match embargo {
                                    Embargo::None => None,
                                    Embargo::Active => Some(NOW + 1),
                                    Embargo::Lifted => Some(NOW),
                                },
                                owner_org: *owner_path.last().unwrap(),
                                owner_path,
                                shared_with: if shared { vec![own_org.unwrap()] } else { vec![OrgId(77)] },
                            };
                            let in_scope = match (scope, tier) {
                                (None, _) => true,
                                (Some(s), Some(t)) => path_of(t).contains(&s),
                                (Some(_), None) => false,
                            };
                            let is_hq = tier == Some(Tier::Hq);
                            let expect_see = is_hq
                                || owned
                                || (!matches!(embargo, Embargo::Active) && (shared || (ladder_ok && in_scope)));
                            let got = can_see(&v, &access, NOW);
                            assert_eq!(got, expect_see, "see: {tier:?} {role:?} {reach:?} scope={scope:?} {embargo:?} owned={owned} shared={shared}");
                            assert!(v.ledger().decided());
                            let expect_edit = expect_see && role >= Role::Editor && (is_hq || owned);
                            assert_eq!(can_edit(&v, &access, NOW), expect_edit, "edit: {tier:?} {role:?} {reach:?} scope={scope:?} {embargo:?} owned={owned}");
                            cases += 1;
                        }
                    }
                }
            }
        }
    }
    // 4 reaches × 3 roles × 4 scopes × 3 embargo states × (1 anonymous + 4 tiers × 4 ownership/sharing).
    assert_eq!(cases, 4 * 3 * 4 * 3 * (1 + 4 * 4));
}

#[test]
fn parent_org_editor_may_edit_descendants_records() {
    let v = viewer(Some(Tier::Industrial), Role::Editor);
    let access = Access {
        reach: Reach::Affiliates,
        scope_org: None,
        embargo_until: None,
        owner_org: ENT,
        owner_path: vec![HQ, JAW, ENT],
        shared_with: vec![],
    };
    assert!(can_edit(&v, &access, NOW));
    let sibling = Access { owner_org: OrgId(31), owner_path: vec![HQ, DENKI, OrgId(31)], ..access };
    assert!(can_see(&v, &sibling, NOW));
    assert!(!can_edit(&v, &sibling, NOW));
}

#[test]
fn fresh_viewer_is_unchecked() {
    let v = viewer(Some(Tier::Hq), Role::Admin);
    assert!(!v.ledger().decided());
    let clone = v.clone();
    can_see(&clone, &Access { reach: Reach::Hq, scope_org: None, embargo_until: None, owner_org: HQ, owner_path: vec![HQ], shared_with: vec![] }, NOW);
    assert!(v.ledger().decided(), "clones share the request's ledger");
    assert!(!v.ledger().was_admitted("organisation", 1), "a decision admits nothing by itself");
}

#[test]
fn the_system_sees_and_edits_everything_anonymous_nothing_hidden() {
    let hidden = Access { reach: Reach::Hq, scope_org: Some(DENKI), embargo_until: Some(NOW + 1), owner_org: DENKI, owner_path: vec![HQ, DENKI], shared_with: vec![] };
    let sys = Viewer::system();
    assert!(sys.is_system() && sys.is_hq() && sys.account().is_none());
    assert!(can_see(&sys, &hidden, NOW) && can_edit(&sys, &hidden, NOW));
    let anon = Viewer::anonymous();
    assert!(!can_see(&anon, &hidden, NOW) && !can_edit(&anon, &hidden, NOW));
    assert!(!Viewer::new(None).is_system(), "no account is anonymous, never the system");
}

#[test]
fn embargoes_lift_on_the_minute() {
    let public = |until: i64| Access { reach: Reach::Public, scope_org: None, embargo_until: Some(until), owner_org: HQ, owner_path: vec![HQ], shared_with: vec![] };
    let anon = Viewer::anonymous();
    // Lifting at 10:00:00: seen from 10:00:00.000 on, not a millisecond before.
    assert!(!can_see(&anon, &public(NOW), NOW - 1));
    assert!(can_see(&anon, &public(NOW), NOW));
    // An embargo set between minutes lifts at the next minute, never earlier.
    assert!(!can_see(&anon, &public(NOW + 30_000), NOW + 30_000));
    assert!(can_see(&anon, &public(NOW + 30_000), NOW + 60_000));
    assert_eq!(embargo_clock(NOW + 59_999), NOW);
    assert_eq!(embargo_clock(-1), -60_000, "before 1970 too");
}
