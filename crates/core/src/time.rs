//! Times are stored as Unix milliseconds (both databases hold them as 64-bit integers) and shown in
//! Japan time. Japan has no daylight saving, so a fixed +09:00 offset is exact.

use jiff::{Timestamp, civil, tz};

pub fn now_ms() -> i64 {
    Timestamp::now().as_millisecond()
}

const JST: tz::Offset = tz::Offset::constant(9);

/// "2026-11-24 11:06" in Japan time.
pub fn format_ms(ms: i64) -> String {
    match Timestamp::from_millisecond(ms) {
        Ok(ts) => JST.to_datetime(ts).strftime("%Y-%m-%d %H:%M").to_string(),
        Err(_) => String::from("?"),
    }
}

/// The value for an `<input type="datetime-local">`.
pub fn format_input_ms(ms: i64) -> String {
    match Timestamp::from_millisecond(ms) {
        Ok(ts) => JST.to_datetime(ts).strftime("%Y-%m-%dT%H:%M").to_string(),
        Err(_) => String::new(),
    }
}

/// Parses "2026-11-24T11:06", "2026-11-24 11:06" or an RFC 3339 time; a local time is Japan time.
pub fn parse_ms(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Ok(ts) = s.parse::<Timestamp>() {
        return Some(ts.as_millisecond());
    }
    let dt: civil::DateTime = s.replace(' ', "T").parse().ok()?;
    JST.to_timestamp(dt).ok().map(|t| t.as_millisecond())
}

/// RFC 3339 in UTC to the second ("2026-03-12T01:30:00Z"), as Atom wants.
pub fn rfc3339(ms: i64) -> String {
    Timestamp::from_second(ms.div_euclid(1000)).map(|t| t.to_string()).unwrap_or_default()
}

/// A calendar date "YYYY-MM-DD", validated.
pub fn parse_date(s: &str) -> Option<civil::Date> {
    s.trim().parse::<civil::Date>().ok()
}

/// The first millisecond of a Japan-time calendar day.
pub fn day_start_ms(d: civil::Date) -> i64 {
    JST.to_timestamp(d.to_datetime(civil::Time::midnight())).map(|t| t.as_millisecond()).unwrap_or(0)
}

/// The Japan-time calendar day of a moment, "2026-12-06".
pub fn day_of_ms(ms: i64) -> String {
    Timestamp::from_millisecond(ms).map(|ts| JST.to_datetime(ts).date().to_string()).unwrap_or_default()
}

pub fn today() -> civil::Date {
    JST.to_datetime(Timestamp::now()).date()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_input_round_trips_as_japan_time() {
        let ms = parse_ms("2026-03-12T10:00").unwrap();
        assert_eq!(ms, parse_ms("2026-03-12T01:00:00Z").unwrap());
        assert_eq!(format_input_ms(ms), "2026-03-12T10:00");
        assert_eq!(format_ms(ms), "2026-03-12 10:00");
        assert_eq!(parse_ms("12 March"), None);
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_773_279_000_123), "2026-03-12T01:30:00Z");
        // A Japan day starts at 15:00 UTC the day before.
        assert_eq!(rfc3339(day_start_ms(parse_date("2026-03-12").unwrap())), "2026-03-11T15:00:00Z");
    }
}
