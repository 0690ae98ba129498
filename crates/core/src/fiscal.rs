//! The two calendars Kumiai's data belongs to.
//!
//! - [`FiscalYear`]: the federation's year. JCM's starts in September and is named by the calendar
//!   year it **ends** in: 「2024年度（2023年９月～）」, so September 2026 – August 2027 is 2027年度.
//!   Start month and naming are settings ([`FiscalCalendar`]); the default is JCM's.
//! - [`GovYear`]: the government's year (minimum wages). It starts in April and is named by its
//!   start: 令和7年度 = 2025年度 = April 2025 – March 2026.
//!
//! Both can be shown in the Western calendar or as 和暦 ([`Era`]), at the reader's choice.

use crate::Lang;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Which calendar year gives a fiscal year its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NamedBy {
    /// Named by the year it ends in (JCM: 2024年度 began in September 2023).
    End,
    /// Named by the year it starts in (the government's April year).
    Start,
}

impl NamedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            NamedBy::End => "end",
            NamedBy::Start => "start",
        }
    }
    pub fn parse(s: &str) -> Option<NamedBy> {
        match s.trim() {
            "end" => Some(NamedBy::End),
            "start" => Some(NamedBy::Start),
            _ => None,
        }
    }
}

/// The federation's fiscal calendar: the month its year starts in and how the year is named.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FiscalCalendar {
    start_month: i8,
    named_by: NamedBy,
}

impl Default for FiscalCalendar {
    fn default() -> Self {
        FiscalCalendar::JCM
    }
}

impl FiscalCalendar {
    /// JCM's: September to August, named by the year it ends in.
    pub const JCM: FiscalCalendar = FiscalCalendar { start_month: 9, named_by: NamedBy::End };

    /// None unless `start_month` is 1–12.
    pub fn new(start_month: i8, named_by: NamedBy) -> Option<FiscalCalendar> {
        (1..=12).contains(&start_month).then_some(FiscalCalendar { start_month, named_by })
    }
    pub fn start_month(self) -> i8 {
        self.start_month
    }
    pub fn named_by(self) -> NamedBy {
        self.named_by
    }
    /// Whether a year spans two calendar years (any start but January).
    fn spans_two_years(self) -> bool {
        self.start_month > 1
    }

    /// The fiscal year containing `date`.
    pub fn year_of(self, date: Date) -> FiscalYear {
        let y = i32::from(date.year());
        let starts_in = if date.month() >= self.start_month { y } else { y - 1 };
        FiscalYear(match self.named_by {
            NamedBy::Start => starts_in,
            NamedBy::End if self.spans_two_years() => starts_in + 1,
            NamedBy::End => starts_in,
        })
    }

    /// The calendar year in which fiscal year `fy` starts.
    pub fn start_year(self, fy: FiscalYear) -> i32 {
        match self.named_by {
            NamedBy::End if self.spans_two_years() => fy.0 - 1,
            _ => fy.0,
        }
    }

    /// First and last day of `fy`; None for a year outside the calendar's range.
    pub fn bounds(self, fy: FiscalYear) -> Option<(Date, Date)> {
        let start = Date::new(i16::try_from(self.start_year(fy)).ok()?, self.start_month, 1).ok()?;
        let end = start.checked_add(jiff::Span::new().years(1)).ok()?.checked_sub(jiff::Span::new().days(1)).ok()?;
        Some((start, end))
    }

    /// How much a stored year label moves when the naming changes from `from` to this calendar's.
    pub fn relabel_shift(self, from: NamedBy) -> i32 {
        match (from, self.named_by) {
            _ if !self.spans_two_years() => 0,
            (NamedBy::Start, NamedBy::End) => 1,
            (NamedBy::End, NamedBy::Start) => -1,
            _ => 0,
        }
    }
}

/// How years are written: 西暦 (2025年度) or 和暦 (令和7年度).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Era {
    #[default]
    Western,
    Japanese,
}

impl Era {
    pub fn code(self) -> &'static str {
        match self {
            Era::Western => "western",
            Era::Japanese => "japanese",
        }
    }
    pub fn parse(s: &str) -> Option<Era> {
        match s {
            "western" => Some(Era::Western),
            "japanese" => Some(Era::Japanese),
            _ => None,
        }
    }
}

/// The Japanese era name of a year label: 2025 → ("令和", "Reiwa", 7). A year that straddles two
/// eras takes the later one, as fiscal years do (2019年度 = 令和元年度).
pub fn japanese_era(year: i32) -> Option<(&'static str, &'static str, i32)> {
    match year {
        2019.. => Some(("令和", "Reiwa", year - 2018)),
        1989..=2018 => Some(("平成", "Heisei", year - 1988)),
        1926..=1988 => Some(("昭和", "Showa", year - 1925)),
        _ => None,
    }
}

/// "2025年度", "FY2025", "令和7年度" or "FY2025 (Reiwa 7)".
fn year_label(year: i32, lang: Lang, era: Era) -> String {
    let jp = if era == Era::Japanese { japanese_era(year) } else { None };
    match (lang, jp) {
        (Lang::Ja, None) => format!("{year}年度"),
        (Lang::Ja, Some((name, _, 1))) => format!("{name}元年度"),
        (Lang::Ja, Some((name, _, n))) => format!("{name}{n}年度"),
        (Lang::En, None) => format!("FY{year}"),
        (Lang::En, Some((_, name, n))) => format!("FY{year} ({name} {n})"),
    }
}

/// A year of the federation's calendar, as named by that calendar (2027 = 2027年度).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FiscalYear(pub i32);

impl FiscalYear {
    pub fn label(self, lang: Lang) -> String {
        year_label(self.0, lang, Era::Western)
    }
    pub fn label_in(self, lang: Lang, era: Era) -> String {
        year_label(self.0, lang, era)
    }
    pub fn get(self) -> i32 {
        self.0
    }
}

/// A year of the government's calendar: April to March, named by its start (令和7年度 = 2025).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct GovYear(pub i32);

impl GovYear {
    pub fn of(date: Date) -> GovYear {
        let y = i32::from(date.year());
        GovYear(if date.month() >= 4 { y } else { y - 1 })
    }
    /// 1 April to 31 March; None outside the supported range.
    pub fn bounds(self) -> Option<(Date, Date)> {
        let start = Date::new(i16::try_from(self.0).ok()?, 4, 1).ok()?;
        let end = Date::new(i16::try_from(self.0 + 1).ok()?, 3, 31).ok()?;
        Some((start, end))
    }
    pub fn label(self, lang: Lang, era: Era) -> String {
        year_label(self.0, lang, era)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// Dates from the seeds, each with the 年度 JCM gives it.
    #[test]
    fn jcm_years_are_named_by_the_year_they_end_in() {
        let jcm = FiscalCalendar::JCM;
        for (d, fy, why) in [
            (date(2025, 9, 2), 2026, "the 64th convention (2025-09-02) adopted the 2026年度 budget"),
            (date(2025, 8, 31), 2025, "the last day of 2025年度"),
            (date(2025, 3, 12), 2025, "the main answer day of the 2025 spring round"),
            (date(2025, 3, 1), 2025, "the spring round of March 2025"),
            (date(2023, 9, 1), 2024, "2024年度（2023年９月～）"),
            (date(2026, 9, 1), 2027, "the IndustriALL-fee rule starts in 2027年度 = September 2026 –"),
            (date(2027, 8, 31), 2027, "– August 2027"),
            (date(2026, 11, 29), 2027, "today"),
        ] {
            assert_eq!(jcm.year_of(d), FiscalYear(fy), "{d}: {why}");
        }
        assert_eq!(jcm.bounds(FiscalYear(2027)), Some((date(2026, 9, 1), date(2027, 8, 31))));
        assert_eq!(jcm.bounds(FiscalYear(2024)), Some((date(2023, 9, 1), date(2024, 8, 31))));
        assert_eq!(jcm.start_year(FiscalYear(2026)), 2025);
    }

    #[test]
    fn naming_by_start_and_calendar_years() {
        let by_start = FiscalCalendar::new(9, NamedBy::Start).unwrap();
        assert_eq!(by_start.year_of(date(2025, 9, 2)), FiscalYear(2025));
        assert_eq!(by_start.year_of(date(2025, 8, 31)), FiscalYear(2024));
        assert_eq!(by_start.bounds(FiscalYear(2026)), Some((date(2026, 9, 1), date(2027, 8, 31))));
        // A January year is the calendar year, whatever the naming.
        let calendar = FiscalCalendar::new(1, NamedBy::End).unwrap();
        assert_eq!(calendar.year_of(date(2027, 12, 31)), FiscalYear(2027));
        assert_eq!(calendar.relabel_shift(NamedBy::Start), 0);
        assert_eq!(FiscalCalendar::JCM.relabel_shift(NamedBy::Start), 1);
        assert_eq!(by_start.relabel_shift(NamedBy::End), -1);
        assert_eq!(FiscalCalendar::JCM.relabel_shift(NamedBy::End), 0);
        assert!(FiscalCalendar::new(13, NamedBy::End).is_none());
    }

    #[test]
    fn the_governments_year_starts_in_april_and_is_named_by_its_start() {
        assert_eq!(GovYear::of(date(2025, 4, 1)), GovYear(2025));
        assert_eq!(GovYear::of(date(2026, 3, 31)), GovYear(2025), "FY2025's effective dates run into March 2026");
        assert_eq!(GovYear::of(date(2025, 3, 31)), GovYear(2024));
        assert_eq!(GovYear(2025).bounds(), Some((date(2025, 4, 1), date(2026, 3, 31))));
        assert_eq!(GovYear(2025).label(Lang::Ja, Era::Japanese), "令和7年度");
        assert_eq!(GovYear(2025).label(Lang::Ja, Era::Western), "2025年度");
        assert_eq!(GovYear(2019).label(Lang::Ja, Era::Japanese), "令和元年度");
        assert_eq!(GovYear(2018).label(Lang::Ja, Era::Japanese), "平成30年度");
        assert_eq!(GovYear(2025).label(Lang::En, Era::Japanese), "FY2025 (Reiwa 7)");
    }

    #[test]
    fn labels() {
        assert_eq!(FiscalYear(2027).label(Lang::Ja), "2027年度");
        assert_eq!(FiscalYear(2027).label(Lang::En), "FY2027");
        assert_eq!(FiscalYear(2027).label_in(Lang::Ja, Era::Japanese), "令和9年度");
        assert_eq!(FiscalYear(1900).label_in(Lang::Ja, Era::Japanese), "1900年度", "before Showa: Western");
    }
}
