//! Text normalisation shared by indexing and querying: NFKC per character (full-width ASCII →
//! ASCII, half-width katakana → full-width), lower case, and ヴ-row spellings folded into the バ row
//! (ヴァイオリン and バイオリン are one word). A map from each normalised byte back to the
//! original text keeps token offsets true to the stored text, so snippets highlight correctly.

use unicode_normalization::UnicodeNormalization;

pub struct Normalized {
    pub text: String,
    /// For each byte of `text`, the byte offset in the original where its character came from.
    map: Vec<usize>,
    original_len: usize,
}

impl Normalized {
    pub fn to_original(&self, normalized_offset: usize) -> usize {
        self.map.get(normalized_offset).copied().unwrap_or(self.original_len)
    }
}

fn fold_vu(prev: char, c: char) -> Option<&'static str> {
    // Returns the replacement for the pair (ヴ, small vowel) or ヴ alone.
    match (prev, c) {
        ('ヴ', 'ァ') => Some("バ"),
        ('ヴ', 'ィ') => Some("ビ"),
        ('ヴ', 'ェ') => Some("ベ"),
        ('ヴ', 'ォ') => Some("ボ"),
        _ => None,
    }
}

pub fn normalize(original: &str) -> Normalized {
    let mut text = String::with_capacity(original.len());
    let mut map = Vec::with_capacity(original.len());
    let mut chars = original.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let push = |s: &str, from: usize, text: &mut String, map: &mut Vec<usize>| {
            for ch in s.chars() {
                for lc in ch.to_lowercase() {
                    let before = text.len();
                    text.push(lc);
                    map.extend(std::iter::repeat_n(from, text.len() - before));
                }
            }
        };
        let n: String = c.nfkc().collect();
        // Half-width ﾞ and ﾟ become combining marks: join them to the kana before (ﾋﾟ → ピ).
        if let Some(mark @ ('\u{3099}' | '\u{309A}')) = n.chars().next()
            && let Some(prev) = text.chars().next_back()
            && let Some(joined) = unicode_normalization::char::compose(prev, mark)
        {
            let from = map[text.len() - prev.len_utf8()];
            text.truncate(text.len() - prev.len_utf8());
            map.truncate(text.len());
            let before = text.len();
            text.push(joined);
            map.extend(std::iter::repeat_n(from, text.len() - before));
            continue;
        }
        if n == "ヴ" {
            if let Some(&(_, next)) = chars.peek()
                && let Some(rep) = fold_vu('ヴ', next)
            {
                chars.next();
                push(rep, at, &mut text, &mut map);
                continue;
            }
            push("ブ", at, &mut text, &mut map);
            continue;
        }
        push(&n, at, &mut text, &mut map);
    }
    Normalized { text, map, original_len: original.len() }
}

/// Katakana words of four or more characters lose a final long-vowel mark (メモリー → メモリ), as
/// Japanese technical writing spells them both ways.
pub fn stem_katakana(word: &str) -> &str {
    let is_katakana = |c: char| ('\u{30A0}'..='\u{30FF}').contains(&c);
    if word.chars().count() >= 4 && word.ends_with('ー') && word.chars().all(is_katakana) {
        &word[..word.len() - 'ー'.len_utf8()]
    } else {
        word
    }
}

/// Characters that Japanese text runs are made of (kanji, kana, the iteration mark).
pub fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '々' | '〆')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_case_and_vu() {
        let n = normalize("ＡＢＣ１２３ ｶﾀｶﾅ ヴァイオリン ヴ");
        assert_eq!(n.text, "abc123 カタカナ バイオリン ブ");
        // Offsets map back to the original.
        let k = n.text.find("カタカナ").unwrap();
        assert_eq!(&"ＡＢＣ１２３ ｶﾀｶﾅ ヴァイオリン ヴ"[n.to_original(k)..], "ｶﾀｶﾅ ヴァイオリン ヴ");
    }

    #[test]
    fn half_width_voiced_marks_join() {
        let n = normalize("ｺﾋﾟｰ ｶﾞｲﾄﾞ");
        assert_eq!(n.text, "コピー ガイド");
        assert_eq!(n.to_original(n.text.find("ピ").unwrap()), "ｺ".len());
    }

    #[test]
    fn katakana_stem() {
        assert_eq!(stem_katakana("メモリー"), "メモリ");
        assert_eq!(stem_katakana("ルー"), "ルー");
        assert_eq!(stem_katakana("サーバー"), "サーバ");
        assert_eq!(stem_katakana("労組ー"), "労組ー");
    }
}
