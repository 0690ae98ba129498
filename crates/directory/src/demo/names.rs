//! Word lists for fictional names, each with its kana reading and romanisation so that sorting by
//! reading and the English UI work on demo data as on real data.

pub const PLACES: &[(&str, &str, &str)] = &[
    ("東海", "とうかい", "Tokai"), ("北陸", "ほくりく", "Hokuriku"), ("関東", "かんとう", "Kanto"), ("中部", "ちゅうぶ", "Chubu"),
    ("近畿", "きんき", "Kinki"), ("九州", "きゅうしゅう", "Kyushu"), ("北斗", "ほくと", "Hokuto"), ("三河", "みかわ", "Mikawa"),
    ("浜松", "はままつ", "Hamamatsu"), ("日立", "ひたち", "Hitachi"), ("大和", "やまと", "Yamato"), ("富士", "ふじ", "Fuji"),
    ("瀬戸", "せと", "Seto"), ("相模", "さがみ", "Sagami"), ("播磨", "はりま", "Harima"), ("越後", "えちご", "Echigo"),
    ("出雲", "いずも", "Izumo"), ("信濃", "しなの", "Shinano"), ("筑紫", "つくし", "Tsukushi"), ("常盤", "ときわ", "Tokiwa"),
    ("明星", "みょうじょう", "Myojo"), ("旭", "あさひ", "Asahi"), ("光洋", "こうよう", "Koyo"), ("昭和", "しょうわ", "Showa"),
    ("新栄", "しんえい", "Shin-ei"), ("太平", "たいへい", "Taihei"), ("豊和", "ほうわ", "Howa"), ("南海", "なんかい", "Nankai"),
    ("北辰", "ほくしん", "Hokushin"), ("千代田", "ちよだ", "Chiyoda"),
];

pub const TRADES: &[(&str, &str, &str)] = &[
    ("精機", "せいき", "Seiki"), ("電機", "でんき", "Denki"), ("工業", "こうぎょう", "Kogyo"), ("製作所", "せいさくしょ", "Seisakusho"),
    ("自動車部品", "じどうしゃぶひん", "Auto Parts"), ("鋼管", "こうかん", "Steel Pipe"), ("電線", "でんせん", "Electric Wire"),
    ("重工", "じゅうこう", "Heavy Industries"), ("金属", "きんぞく", "Metals"), ("機械", "きかい", "Machinery"), ("電子", "でんし", "Electronics"),
    ("鋳造", "ちゅうぞう", "Foundry"), ("ばね", "ばね", "Spring"), ("精密", "せいみつ", "Precision"), ("製鋼", "せいこう", "Steel"),
    ("造船", "ぞうせん", "Shipbuilding"), ("通信機", "つうしんき", "Telecom Equipment"), ("工機", "こうき", "Machine Tools"),
    ("ボデー", "ぼでー", "Body"), ("化工機", "かこうき", "Process Equipment"),
];

pub const SURNAMES: &[(&str, &str, &str)] = &[
    ("佐藤", "さとう", "Sato"), ("鈴木", "すずき", "Suzuki"), ("高橋", "たかはし", "Takahashi"), ("田中", "たなか", "Tanaka"),
    ("伊藤", "いとう", "Ito"), ("渡辺", "わたなべ", "Watanabe"), ("山本", "やまもと", "Yamamoto"), ("中村", "なかむら", "Nakamura"),
    ("小林", "こばやし", "Kobayashi"), ("加藤", "かとう", "Kato"), ("吉田", "よしだ", "Yoshida"), ("山田", "やまだ", "Yamada"),
    ("佐々木", "ささき", "Sasaki"), ("松本", "まつもと", "Matsumoto"), ("井上", "いのうえ", "Inoue"), ("木村", "きむら", "Kimura"),
    ("林", "はやし", "Hayashi"), ("清水", "しみず", "Shimizu"), ("山崎", "やまざき", "Yamazaki"), ("森", "もり", "Mori"),
    ("池田", "いけだ", "Ikeda"), ("橋本", "はしもと", "Hashimoto"), ("阿部", "あべ", "Abe"), ("石川", "いしかわ", "Ishikawa"),
    ("髙島", "たかしま", "Takashima"), ("藤原", "ふじわら", "Fujiwara"), ("岡田", "おかだ", "Okada"), ("前田", "まえだ", "Maeda"),
];

/// (kanji, kana, romaji, female)
pub const GIVEN: &[(&str, &str, &str, bool)] = &[
    ("健一", "けんいち", "Ken'ichi", false), ("誠", "まこと", "Makoto", false), ("浩二", "こうじ", "Koji", false), ("大輔", "だいすけ", "Daisuke", false),
    ("隆", "たかし", "Takashi", false), ("直樹", "なおき", "Naoki", false), ("修", "おさむ", "Osamu", false), ("剛", "つよし", "Tsuyoshi", false),
    ("拓也", "たくや", "Takuya", false), ("亮", "りょう", "Ryo", false), ("翔太", "しょうた", "Shota", false), ("聡", "さとし", "Satoshi", false),
    ("和也", "かずや", "Kazuya", false), ("裕子", "ゆうこ", "Yuko", true), ("恵美", "えみ", "Emi", true), ("直子", "なおこ", "Naoko", true),
    ("美穂", "みほ", "Miho", true), ("由美", "ゆみ", "Yumi", true), ("陽子", "ようこ", "Yoko", true), ("真理", "まり", "Mari", true),
];

/// (Japanese, English) officer positions of a union, most senior first.
pub const POSITIONS: &[(&str, &str)] = &[
    ("中央執行委員長", "President"), ("書記長", "General Secretary"), ("副委員長", "Vice President"), ("会計", "Treasurer"),
    ("執行委員", "Executive Committee Member"), ("女性委員会委員長", "Chair, Women's Committee"),
];

/// A small deterministic generator (64-bit LCG), so the demo is the same on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    /// A union size: most are small, a few very large (a rough log-normal shape).
    pub fn union_size(&mut self) -> i64 {
        let u = (self.next() % 10_000) as f64 / 10_000.0;
        let size = 40.0 * (u * 7.2).exp();
        size.round().clamp(12.0, 60_000.0) as i64
    }
}
