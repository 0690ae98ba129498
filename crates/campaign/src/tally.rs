//! JCM's tally of a wage round, as it publishes it (../shared/data/wage-campaign/jcm-results.csv,
//! "simple average of base-up over unions that won one"):
//!
//! - the base-up average is the simple (unweighted) average of the base-up over the unions that
//!   won a calculable base-up; the scheduled raise is never in it;
//! - a base-up won but not calculable counts as won and stays out of the average; "no base-up"
//!   and "still negotiating" count as neither;
//! - counts: registered (every union in the round), answered (a settlement reached), won;
//! - averages of the demanded base-up, the in-company minimum-wage raise and the bonus months,
//!   each over the unions that reported one;
//! - each for the headline unions and for all unions, overall, by industrial union and by size
//!   band (1,000人以上 / 300–999人 / 299人以下);
//! - yen rounded half up to the yen, months half up to two decimals (as published). Unknown is
//!   unknown: a group with no qualifying union has `null`, never zero.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What became of a union's base-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BaseUp {
    /// Won, this many yen a month.
    Won(i64),
    /// Won, but the amount cannot be separated out (counts as won, not averaged).
    NotCalculable,
    /// Settled without a base-up.
    None,
    /// No settlement yet.
    Negotiating,
}

/// A union's size band, from its members as reported with the answer (or the directory's count).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SizeBand {
    Large,
    Medium,
    Small,
}

impl SizeBand {
    pub fn of(members: i64) -> SizeBand {
        match members {
            1000.. => SizeBand::Large,
            300..=999 => SizeBand::Medium,
            _ => SizeBand::Small,
        }
    }
    /// The key in the tally's JSON.
    pub fn key(self) -> &'static str {
        match self {
            SizeBand::Large => "1000+",
            SizeBand::Medium => "300-999",
            SizeBand::Small => "-299",
        }
    }
    pub const ALL: [SizeBand; 3] = [SizeBand::Large, SizeBand::Medium, SizeBand::Small];
}

/// One union's answer as the tally needs it.
#[derive(Clone, Debug)]
pub struct Answer {
    pub industrial_union: String,
    /// Members (for the size band); None when neither the answer nor the directory gives one.
    pub members: Option<i64>,
    pub headline: bool,
    pub base_up: BaseUp,
    pub base_up_demand_yen: Option<i64>,
    pub min_wage_raise_yen: Option<i64>,
    /// Bonus in hundredths of a month (2.55 months = 255), exact to add.
    pub bonus_centimonths: Option<i64>,
}

/// The figures of one group of unions.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    pub registered: i64,
    pub answered: i64,
    pub won_base_up: i64,
    pub base_up_avg_yen: Option<i64>,
    pub base_up_demand_avg_yen: Option<i64>,
    pub min_wage_raise_avg_yen: Option<i64>,
    pub bonus_months_avg: Option<f64>,
}

/// One population (headline or all): overall, by industrial union (its code), by size band.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub overall: Figures,
    pub by_industrial_union: BTreeMap<String, Figures>,
    pub by_size_band: BTreeMap<String, Figures>,
}

/// The whole tally: `{"headline": G, "all": G}` (docs/campaign-tally.md).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    pub headline: Group,
    pub all: Group,
    /// How every figure was rounded, stated with it.
    pub rounding: String,
}

pub const ROUNDING: &str = "円は1円未満を四捨五入、月数は小数第3位を四捨五入 / yen rounded half up to the yen, months half up to two decimals";

/// `sum / n` rounded half up (amounts are never negative; a negative one rounds away from zero).
pub fn avg_half_up(sum: i64, n: i64) -> Option<i64> {
    if n == 0 {
        return None;
    }
    let (q, r) = (sum / n, sum % n);
    Some(if 2 * r.abs() >= n {
        q + sum.signum()
    } else {
        q
    })
}

/// Sums and counts for one group, then its figures.
#[derive(Default)]
struct Acc {
    registered: i64,
    answered: i64,
    won: i64,
    base_up: (i64, i64),
    demand: (i64, i64),
    min_wage: (i64, i64),
    bonus: (i64, i64),
}

impl Acc {
    fn add(&mut self, a: &Answer) {
        self.registered += 1;
        if a.base_up != BaseUp::Negotiating {
            self.answered += 1;
        }
        match a.base_up {
            BaseUp::Won(yen) => {
                self.won += 1;
                self.base_up.0 += yen;
                self.base_up.1 += 1;
            }
            BaseUp::NotCalculable => self.won += 1,
            BaseUp::None | BaseUp::Negotiating => {}
        }
        let add = |slot: &mut (i64, i64), v: Option<i64>| {
            if let Some(v) = v {
                slot.0 += v;
                slot.1 += 1;
            }
        };
        add(&mut self.demand, a.base_up_demand_yen);
        // An answer's amounts count once there is an answer.
        if a.base_up != BaseUp::Negotiating {
            add(&mut self.min_wage, a.min_wage_raise_yen);
            add(&mut self.bonus, a.bonus_centimonths);
        }
    }
    fn figures(&self) -> Figures {
        Figures {
            registered: self.registered,
            answered: self.answered,
            won_base_up: self.won,
            base_up_avg_yen: avg_half_up(self.base_up.0, self.base_up.1),
            base_up_demand_avg_yen: avg_half_up(self.demand.0, self.demand.1),
            min_wage_raise_avg_yen: avg_half_up(self.min_wage.0, self.min_wage.1),
            bonus_months_avg: avg_half_up(self.bonus.0, self.bonus.1).map(|c| c as f64 / 100.0),
        }
    }
}

fn group<'a>(answers: impl Iterator<Item = &'a Answer> + Clone) -> Group {
    let mut overall = Acc::default();
    let mut by_iu: BTreeMap<String, Acc> = BTreeMap::new();
    let mut by_band: BTreeMap<SizeBand, Acc> = BTreeMap::new();
    for a in answers {
        overall.add(a);
        by_iu.entry(a.industrial_union.clone()).or_default().add(a);
        if let Some(m) = a.members {
            by_band.entry(SizeBand::of(m)).or_default().add(a);
        }
    }
    Group {
        overall: overall.figures(),
        by_industrial_union: by_iu.into_iter().map(|(k, v)| (k, v.figures())).collect(),
        // Every band is listed, an empty one with nulls.
        by_size_band: SizeBand::ALL
            .iter()
            .map(|b| {
                (
                    b.key().to_string(),
                    by_band.get(b).map(Acc::figures).unwrap_or_default(),
                )
            })
            .collect(),
    }
}

/// The tally of a round's answers (every registered union, answered or not).
pub fn tally(answers: &[Answer]) -> Tally {
    Tally {
        headline: group(answers.iter().filter(|a| a.headline)),
        all: group(answers.iter()),
        rounding: ROUNDING.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(iu: &str, members: i64, headline: bool, base_up: BaseUp) -> Answer {
        Answer {
            industrial_union: iu.into(),
            members: Some(members),
            headline,
            base_up,
            base_up_demand_yen: None,
            min_wage_raise_yen: None,
            bonus_centimonths: None,
        }
    }

    #[test]
    fn rounds_half_up_to_the_yen() {
        assert_eq!(avg_half_up(10, 4), Some(3), "2.5 → 3");
        assert_eq!(avg_half_up(29_001, 2), Some(14_501), "14,500.5 → 14,501");
        assert_eq!(avg_half_up(10, 3), Some(3), "3.33 → 3");
        assert_eq!(avg_half_up(20, 3), Some(7), "6.67 → 7");
        assert_eq!(avg_half_up(0, 0), None, "no union: unknown, not zero");
    }

    #[test]
    fn size_bands_at_their_edges() {
        assert_eq!(
            [299, 300, 999, 1000].map(SizeBand::of),
            [
                SizeBand::Small,
                SizeBand::Medium,
                SizeBand::Medium,
                SizeBand::Large
            ]
        );
    }

    /// Seven unions, worked by hand:
    /// - JAW: 12,000 (1,000人, headline), 9,001 (999人), not calculable (300人, headline), none (299人);
    /// - JAM: 15,000 (5,000人, headline), negotiating (120人), 8,000 (no member count).
    ///
    /// All: registered 7, answered 6, won 5 (the not-calculable one included); the base-up average
    /// is over 12,000 + 9,001 + 15,000 + 8,000 = 44,001 / 4 = 11,000.25 → 11,000.
    ///
    /// Headline: 12,000 and 15,000 → 13,500; registered 3, answered 3, won 3.
    #[test]
    fn averages_only_the_calculable_base_up() {
        let mut answers = vec![
            a("JAW", 1000, true, BaseUp::Won(12_000)),
            a("JAW", 999, false, BaseUp::Won(9_001)),
            a("JAW", 300, true, BaseUp::NotCalculable),
            a("JAW", 299, false, BaseUp::None),
            a("JAM", 5000, true, BaseUp::Won(15_000)),
            a("JAM", 120, false, BaseUp::Negotiating),
            a("JAM", 0, false, BaseUp::Won(8_000)),
        ];
        answers[6].members = None;
        answers[0].base_up_demand_yen = Some(15_000);
        answers[1].base_up_demand_yen = Some(12_000);
        answers[5].base_up_demand_yen = Some(13_000);
        answers[0].min_wage_raise_yen = Some(5_000);
        answers[5].min_wage_raise_yen = Some(9_999); // still negotiating: not an answer yet
        answers[0].bonus_centimonths = Some(520);
        answers[4].bonus_centimonths = Some(505);
        answers[2].bonus_centimonths = Some(480);
        let t = tally(&answers);
        let all = &t.all.overall;
        assert_eq!((all.registered, all.answered, all.won_base_up), (7, 6, 5));
        assert_eq!(all.base_up_avg_yen, Some(11_000));
        assert_eq!(
            all.base_up_demand_avg_yen,
            Some(13_333),
            "(15,000 + 12,000 + 13,000) / 3 = 13,333.3"
        );
        assert_eq!(all.min_wage_raise_avg_yen, Some(5_000));
        assert_eq!(
            all.bonus_months_avg,
            Some(5.02),
            "(5.20 + 5.05 + 4.80) / 3 = 5.0166…"
        );
        let h = &t.headline.overall;
        assert_eq!(
            (h.registered, h.answered, h.won_base_up, h.base_up_avg_yen),
            (3, 3, 3, Some(13_500))
        );
        let jaw = &t.all.by_industrial_union["JAW"];
        assert_eq!(
            (jaw.registered, jaw.won_base_up, jaw.base_up_avg_yen),
            (4, 3, Some(10_501)),
            "won: two amounts and one not calculable; (12,000 + 9,001) / 2 = 10,500.5 → 10,501"
        );
        let bands = &t.all.by_size_band;
        assert_eq!(
            (bands["1000+"].registered, bands["1000+"].base_up_avg_yen),
            (2, Some(13_500)),
            "1,000 and 5,000 members"
        );
        assert_eq!(
            (
                bands["300-999"].registered,
                bands["300-999"].won_base_up,
                bands["300-999"].base_up_avg_yen
            ),
            (2, 2, Some(9_001)),
            "999 and 300"
        );
        assert_eq!(
            (
                bands["-299"].registered,
                bands["-299"].answered,
                bands["-299"].won_base_up,
                bands["-299"].base_up_avg_yen
            ),
            (2, 1, 0, None),
            "299 (none) and 120 (negotiating): no average, not zero"
        );
        // The JSON shape the CLI prints and docs describe.
        let json = serde_json::to_value(&t).unwrap();
        assert_eq!(
            json["all"]["by_size_band"]["-299"]["base_up_avg_yen"],
            serde_json::Value::Null
        );
        assert_eq!(
            json["headline"]["by_industrial_union"]["JAM"]["base_up_avg_yen"],
            15_000
        );
        assert!(json["rounding"].as_str().unwrap().contains("half up"));
    }
}
