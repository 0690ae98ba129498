//! Fiscal years. JCM's year starts in September (configurable: the government's starts in April).
//! A fiscal year is named by the calendar year in which it starts: September 2026 – August 2027 is
//! 「2026年度」.

use crate::Lang;
use jiff::civil::Date;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct FiscalYear(pub i32);

impl FiscalYear {
    /// The fiscal year containing `date`, for a year starting in `start_month` (1–12).
    pub fn of(date: Date, start_month: i8) -> FiscalYear {
        let y = i32::from(date.year());
        if date.month() >= start_month { FiscalYear(y) } else { FiscalYear(y - 1) }
    }
    pub fn label(self, lang: Lang) -> String {
        match lang {
            Lang::Ja => format!("{}年度", self.0),
            Lang::En => format!("FY{}", self.0),
        }
    }
    /// First and last day of this fiscal year.
    pub fn bounds(self, start_month: i8) -> (Date, Date) {
        let start = Date::new(self.0 as i16, start_month, 1).expect("valid month");
        let end = start
            .checked_add(jiff::Span::new().years(1))
            .and_then(|d| d.checked_sub(jiff::Span::new().days(1)))
            .expect("in range");
        (start, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn september_start_names_year_by_its_start() {
        assert_eq!(FiscalYear::of(date(2026, 9, 1), 9), FiscalYear(2026));
        assert_eq!(FiscalYear::of(date(2026, 8, 31), 9), FiscalYear(2025));
        assert_eq!(FiscalYear::of(date(2027, 3, 12), 9), FiscalYear(2026));
        assert_eq!(FiscalYear::of(date(2027, 3, 12), 4), FiscalYear(2026));
        assert_eq!(FiscalYear::of(date(2027, 4, 1), 4), FiscalYear(2027));
        assert_eq!(FiscalYear::of(date(2027, 12, 31), 1), FiscalYear(2027));
    }

    #[test]
    fn labels_and_bounds() {
        assert_eq!(FiscalYear(2026).label(Lang::Ja), "2026年度");
        assert_eq!(FiscalYear(2026).label(Lang::En), "FY2026");
        assert_eq!(FiscalYear(2026).bounds(9), (date(2026, 9, 1), date(2027, 8, 31)));
    }
}
