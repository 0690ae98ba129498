//! A talk page (namespace 1) read as the comments it holds: MediaWiki keeps a discussion as one
//! text in which each comment ends with its signature (`[[利用者:鈴木|鈴木]] ([[利用者・トーク:鈴木|トーク]])
//! 2024年4月5日 (金) 10:00 (JST)`), topics are `== headings ==` and replies are indented with `:`.
//! Each signed comment becomes a comment of the page's discussion, by its signer and dated by
//! its signature; text left unsigned becomes a comment of the talk page's last editor.

/// One comment as the talk page has it.
#[derive(Debug, PartialEq)]
pub struct TalkComment {
    /// The heading it opens, for the first comment under one.
    pub topic: Option<String>,
    /// Its indentation (`:` marks): 0 opens a thread.
    pub depth: usize,
    /// Its wikitext, without the signature and indentation.
    pub text: String,
    /// The signer's wiki name, or None when unsigned.
    pub user: Option<String>,
    /// The signature's time (ms since the epoch, UTC), or None when unsigned or unreadable.
    pub at: Option<i64>,
}

const USER_LINKS: [&str; 6] = ["[[利用者:", "[[User:", "[[user:", "[[利用者・トーク:", "[[User talk:", "[[特別:投稿記録/"];

/// The talk page's comments, in the order written.
pub fn comments(text: &str) -> Vec<TalkComment> {
    let mut out = vec![];
    let mut topic: Option<String> = None;
    let mut lines: Vec<String> = vec![];
    let mut depth = 0;
    for line in text.lines() {
        let t = line.trim();
        if t.len() > 2 && t.starts_with('=') && t.ends_with('=') {
            flush(&mut out, &mut lines, &mut topic, depth, None);
            let inner = t.trim_matches('=').trim();
            topic = Some(inner.to_string()).filter(|t| !t.is_empty());
            continue;
        }
        if lines.is_empty() && t.is_empty() {
            continue;
        }
        let marks = line.bytes().take_while(|b| matches!(b, b':' | b'*' | b'#')).count();
        if lines.is_empty() {
            depth = marks;
        }
        let body = line[marks..].trim_start();
        match signature(body) {
            Some((cut, user, at)) => {
                lines.push(body[..cut].trim_end().trim_end_matches(['-', '—', '–']).trim_end().to_string());
                flush(&mut out, &mut lines, &mut topic, depth, Some((user, at)));
            }
            None => lines.push(body.to_string()),
        }
    }
    flush(&mut out, &mut lines, &mut topic, depth, None);
    out
}

fn flush(out: &mut Vec<TalkComment>, lines: &mut Vec<String>, topic: &mut Option<String>, depth: usize, signed: Option<(String, Option<i64>)>) {
    let text = lines.join("\n").trim().to_string();
    lines.clear();
    if text.is_empty() && signed.is_none() {
        return;
    }
    let (user, at) = signed.map_or((None, None), |(u, at)| (Some(u), at));
    out.push(TalkComment { topic: topic.take(), depth, text, user, at });
}

/// A signature in `line`: where it starts, who signed and when.
fn signature(line: &str) -> Option<(usize, String, Option<i64>)> {
    let (start, prefix) = USER_LINKS.iter().filter_map(|p| line.find(p).map(|i| (i, *p))).min_by_key(|(i, _)| *i)?;
    let name_at = start + prefix.len();
    let name_end = line[name_at..].find(['|', ']']).map(|i| name_at + i)?;
    let user = line[name_at..name_end].trim().to_string();
    let at = japanese_time(&line[name_end..]).or_else(|| english_time(&line[name_end..]));
    // A link to a user page without a date is a mention, not a signature.
    at.map(|at| (start, user, Some(at)))
}

fn digits_at(s: &str, at: usize) -> (Option<i64>, usize) {
    let n = s[at..].bytes().take_while(u8::is_ascii_digit).count();
    (s[at..at + n].parse().ok(), at + n)
}

/// `2024年4月5日 (金) 10:00 (JST)` → ms (UTC).
fn japanese_time(s: &str) -> Option<i64> {
    let nen = s.find('年')?;
    let y_start = s[..nen].bytes().rev().take_while(u8::is_ascii_digit).count();
    let year: i64 = s[nen - y_start..nen].parse().ok()?;
    let (month, i) = digits_at(s, nen + '年'.len_utf8());
    let i = i + s[i..].strip_prefix('月').map(|_| '月'.len_utf8())?;
    let (day, i) = digits_at(s, i);
    let i = i + s[i..].strip_prefix('日').map(|_| '日'.len_utf8())?;
    let rest = &s[i..];
    let colon = clock(rest)?;
    let h_start = rest[..colon].bytes().rev().take_while(u8::is_ascii_digit).count();
    let hour: i64 = rest[colon - h_start..colon].parse().ok()?;
    let (minute, j) = digits_at(rest, colon + 1);
    let offset = zone(&rest[j..])?;
    utc_ms(year, month?, day?, hour, minute?, offset)
}

/// `10:00, 5 April 2024 (UTC)` → ms (UTC).
fn english_time(s: &str) -> Option<i64> {
    const MONTHS: [&str; 12] = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
    let colon = clock(s)?;
    let h_start = s[..colon].bytes().rev().take_while(u8::is_ascii_digit).count();
    let hour: i64 = s[colon - h_start..colon].parse().ok()?;
    let (minute, i) = digits_at(s, colon + 1);
    let mut words = s[i..].trim_start_matches(',').split_whitespace();
    let day: i64 = words.next()?.parse().ok()?;
    let word = words.next()?;
    let month = MONTHS.iter().position(|m| *m == word)? as i64 + 1;
    let year: i64 = words.next()?.parse().ok()?;
    let offset = zone(s)?;
    utc_ms(year, month, day, hour, minute?, offset)
}

/// Where the colon of the first `HH:MM` in `s` is.
fn clock(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    s.match_indices(':').map(|(i, _)| i).find(|&i| i > 0 && b[i - 1].is_ascii_digit() && b.get(i + 1).is_some_and(u8::is_ascii_digit) && b.get(i + 2).is_some_and(u8::is_ascii_digit))
}

/// The hours a signature's zone is ahead of UTC.
fn zone(s: &str) -> Option<i64> {
    if s.contains("(JST)") {
        Some(9)
    } else if s.contains("(UTC)") {
        Some(0)
    } else {
        None
    }
}

fn utc_ms(year: i64, month: i64, day: i64, hour: i64, minute: i64, ahead: i64) -> Option<i64> {
    let date = jiff::civil::Date::new(i16::try_from(year).ok()?, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()?;
    let t = jiff::tz::TimeZone::UTC.to_timestamp(date.at(i8::try_from(hour).ok()?, i8::try_from(minute).ok()?, 0, 0)).ok()?;
    Some(t.as_millisecond() - ahead * 3_600_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_comments_become_comments() {
        let text = "== 2024年の表の数値について ==\n\
            率が 4.3% になっていますが、どちらが正しいでしょうか。 [[利用者:鈴木|鈴木]] ([[利用者・トーク:鈴木|トーク]]) 2024年4月5日 (金) 10:00 (JST)\n\
            : 4月の最終集計で 4.3% に上がりました。\n: 出典は[[会議資料]]です。 [[利用者:田中|田中]] ([[利用者・トーク:田中|トーク]]) 2024年4月5日 (金) 12:40 (JST)\n\
            :: Thanks. --[[User:Partner|Partner]] ([[User talk:Partner|talk]]) 23:15, 5 April 2024 (UTC)\n\n\
            == 関連記事 ==\n[[利用者:田中]]さんに聞きました。\n署名のない追記";
        let c = comments(text);
        assert_eq!(c.len(), 4, "{c:#?}");
        assert_eq!((c[0].topic.as_deref(), c[0].depth, c[0].user.as_deref()), (Some("2024年の表の数値について"), 0, Some("鈴木")));
        assert_eq!(c[0].text, "率が 4.3% になっていますが、どちらが正しいでしょうか。");
        assert_eq!(c[0].at, kumiai_core::time::parse_ms("2024-04-05T01:00:00Z"), "JST is UTC+9");
        assert_eq!((c[1].depth, c[1].text.as_str()), (1, "4月の最終集計で 4.3% に上がりました。\n出典は[[会議資料]]です。"));
        assert_eq!((c[2].depth, c[2].user.as_deref(), c[2].text.as_str()), (2, Some("Partner"), "Thanks."));
        assert_eq!(c[2].at, kumiai_core::time::parse_ms("2024-04-05T23:15:00Z"));
        assert_eq!((c[3].topic.as_deref(), c[3].user.as_deref(), c[3].text.as_str()), (Some("関連記事"), None, "[[利用者:田中]]さんに聞きました。\n署名のない追記"), "a mention is not a signature");
    }
}
