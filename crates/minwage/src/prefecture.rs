//! The 47 prefectures in JIS X 0401 order, with their names in both languages and a square on a
//! tile-grid map of Japan (one tile each, so Tokyo and Hokkaido weigh the same on the map, as
//! each has one regional minimum wage).

use kumiai_core::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Prefecture {
    /// JIS X 0401 code, "01".."47".
    pub code: &'static str,
    /// 北海道, 青森県, …, 東京都, 大阪府, 京都府.
    pub ja: &'static str,
    /// Hokkaido, Aomori, …, Tokyo, Osaka, Kyoto.
    pub en: &'static str,
    /// Tile-grid position: 14 columns × 11 rows, Hokkaido top right, Okinawa bottom left.
    pub col: u8,
    pub row: u8,
}

const fn p(code: &'static str, ja: &'static str, en: &'static str, col: u8, row: u8) -> Prefecture {
    Prefecture { code, ja, en, col, row }
}

/// All prefectures in JIS order: `ALL[n - 1]` has code n.
pub const ALL: [Prefecture; 47] = [
    p("01", "北海道", "Hokkaido", 13, 0),
    p("02", "青森県", "Aomori", 13, 1),
    p("03", "岩手県", "Iwate", 13, 2),
    p("04", "宮城県", "Miyagi", 13, 3),
    p("05", "秋田県", "Akita", 12, 2),
    p("06", "山形県", "Yamagata", 12, 3),
    p("07", "福島県", "Fukushima", 13, 4),
    p("08", "茨城県", "Ibaraki", 12, 5),
    p("09", "栃木県", "Tochigi", 12, 4),
    p("10", "群馬県", "Gunma", 11, 4),
    p("11", "埼玉県", "Saitama", 11, 5),
    p("12", "千葉県", "Chiba", 12, 6),
    p("13", "東京都", "Tokyo", 11, 6),
    p("14", "神奈川県", "Kanagawa", 11, 7),
    p("15", "新潟県", "Niigata", 11, 3),
    p("16", "富山県", "Toyama", 10, 4),
    p("17", "石川県", "Ishikawa", 9, 4),
    p("18", "福井県", "Fukui", 8, 5),
    p("19", "山梨県", "Yamanashi", 10, 6),
    p("20", "長野県", "Nagano", 10, 5),
    p("21", "岐阜県", "Gifu", 9, 5),
    p("22", "静岡県", "Shizuoka", 9, 6),
    p("23", "愛知県", "Aichi", 8, 6),
    p("24", "三重県", "Mie", 7, 6),
    p("25", "滋賀県", "Shiga", 7, 5),
    p("26", "京都府", "Kyoto", 6, 5),
    p("27", "大阪府", "Osaka", 5, 6),
    p("28", "兵庫県", "Hyogo", 5, 5),
    p("29", "奈良県", "Nara", 6, 6),
    p("30", "和歌山県", "Wakayama", 6, 7),
    p("31", "鳥取県", "Tottori", 4, 5),
    p("32", "島根県", "Shimane", 3, 5),
    p("33", "岡山県", "Okayama", 4, 6),
    p("34", "広島県", "Hiroshima", 3, 6),
    p("35", "山口県", "Yamaguchi", 2, 6),
    p("36", "徳島県", "Tokushima", 4, 8),
    p("37", "香川県", "Kagawa", 4, 7),
    p("38", "愛媛県", "Ehime", 3, 7),
    p("39", "高知県", "Kochi", 3, 8),
    p("40", "福岡県", "Fukuoka", 1, 6),
    p("41", "佐賀県", "Saga", 1, 7),
    p("42", "長崎県", "Nagasaki", 0, 7),
    p("43", "熊本県", "Kumamoto", 1, 8),
    p("44", "大分県", "Oita", 2, 7),
    p("45", "宮崎県", "Miyazaki", 2, 8),
    p("46", "鹿児島県", "Kagoshima", 1, 9),
    p("47", "沖縄県", "Okinawa", 0, 10),
];

/// The same table as a static, so lookups can hand out `&'static` references.
static TABLE: [Prefecture; 47] = ALL;

/// By JIS code, "1" or "01" (surrounding spaces ignored).
pub fn by_code(code: &str) -> Option<&'static Prefecture> {
    let code = code.trim();
    // Digits only: `parse` alone would also take "+1".
    if code.is_empty() || code.len() > 2 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: usize = code.parse().ok()?;
    TABLE.get(n.checked_sub(1)?)
}

/// By name: 東京都 or 東京 (北海道 only in full), or the English name in any case.
pub fn by_name(name: &str) -> Option<&'static Prefecture> {
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    TABLE.iter().find(|p| p.ja == name || p.short_ja() == name || p.en.eq_ignore_ascii_case(name))
}

impl Prefecture {
    pub fn name(&self, lang: Lang) -> &'static str {
        lang.t(self.ja, self.en)
    }

    /// The name without 都/府/県, as a tile or a table column shows it; 北海道 keeps its 道
    /// (北海 alone is not its name).
    pub fn short_ja(&self) -> &'static str {
        ["都", "府", "県"].iter().find_map(|s| self.ja.strip_suffix(s)).unwrap_or(self.ja)
    }

    /// The short name in `lang`: 東京 / Tokyo.
    pub fn short(&self, lang: Lang) -> &'static str {
        lang.t(self.short_ja(), self.en)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_the_47_in_jis_order() {
        for (i, p) in ALL.iter().enumerate() {
            assert_eq!(p.code, format!("{:02}", i + 1));
        }
        assert_eq!(ALL.iter().map(|p| p.ja).collect::<HashSet<_>>().len(), 47);
        assert_eq!(ALL.iter().map(|p| p.en).collect::<HashSet<_>>().len(), 47);
        assert!(ALL.iter().all(|p| p.code == "01" || p.ja.ends_with(['都', '府', '県'])));
    }

    #[test]
    fn tiles_are_unique_and_fit_the_grid() {
        let at: HashSet<(u8, u8)> = ALL.iter().map(|p| (p.col, p.row)).collect();
        assert_eq!(at.len(), 47);
        assert!(ALL.iter().all(|p| p.col < 14 && p.row < 11));
        // Every tile touches another, at least at a corner: no prefecture floats off on its own.
        for p in &ALL {
            let touches = ALL.iter().any(|q| q.code != p.code && p.col.abs_diff(q.col) <= 1 && p.row.abs_diff(q.row) <= 1);
            assert!(touches, "{} stands alone", p.en);
        }
        // The upper left stays empty: the map draws its legend there.
        assert!(ALL.iter().all(|p| p.col > 8 || p.row > 4));
        let pos = |c| by_code(c).map(|p| (p.col, p.row)).unwrap();
        assert!(pos("01").0 == 13 && pos("01").1 == 0 && pos("47") == (0, 10));
        assert!(pos("40").0 < pos("34").0 && pos("37").1 > pos("33").1, "Kyushu left of Chugoku, Shikoku below it");
    }

    #[test]
    fn lookups() {
        assert_eq!(by_code("1").map(|p| p.ja), Some("北海道"));
        assert_eq!(by_code("01").map(|p| p.en), Some("Hokkaido"));
        assert_eq!(by_code(" 13 ").map(|p| p.en), Some("Tokyo"));
        assert_eq!(by_code("47").map(|p| p.en), Some("Okinawa"));
        for bad in ["", "0", "00", "48", "+1", "001", "x", "1a"] {
            assert!(by_code(bad).is_none(), "{bad:?}");
        }
        assert_eq!(by_name("東京都").map(|p| p.code), Some("13"));
        assert_eq!(by_name("東京").map(|p| p.code), Some("13"));
        assert_eq!(by_name("京都").map(|p| p.code), Some("26"));
        assert_eq!(by_name("京都府").map(|p| p.code), Some("26"));
        assert_eq!(by_name("大阪").map(|p| p.code), Some("27"));
        assert_eq!(by_name("神奈川").map(|p| p.code), Some("14"));
        assert_eq!(by_name("北海道").map(|p| p.code), Some("01"));
        assert!(by_name("北海").is_none() && by_name("").is_none() && by_name("東").is_none());
        assert_eq!(by_name("tokyo").map(|p| p.code), Some("13"));
        assert_eq!(by_name(" KAGOSHIMA ").map(|p| p.code), Some("46"));
        let tokyo = by_code("13").unwrap();
        assert_eq!((tokyo.name(Lang::Ja), tokyo.name(Lang::En)), ("東京都", "Tokyo"));
        assert_eq!((tokyo.short(Lang::Ja), tokyo.short(Lang::En)), ("東京", "Tokyo"));
        assert_eq!(by_code("1").unwrap().short_ja(), "北海道");
    }
}
