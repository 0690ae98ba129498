//! The two Japanese analysers the index uses side by side: morphological (IPADIC via lindera:
//! precise, good for ranking, finds 労使 and 紛争 in 労使紛争) and character bigrams with positions
//! (recall for unknown words, names, katakana and parts of compounds). Both normalise first and
//! report offsets in the original text.

use crate::normalize::{is_cjk, normalize, stem_katakana};
use lindera::segmenter::Segmenter;
use std::borrow::Cow;
use std::sync::Arc;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Precomputed tokens for one text.
pub struct Tokens {
    tokens: Vec<Token>,
    next: usize,
}

impl TokenStream for Tokens {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }
    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

fn token(text: String, from: usize, to: usize, position: usize) -> Token {
    Token { offset_from: from, offset_to: to, position, text, position_length: 1 }
}

#[derive(Clone)]
pub struct MorphTokenizer {
    seg: Arc<Segmenter>,
}

impl MorphTokenizer {
    pub fn new(seg: Arc<Segmenter>) -> MorphTokenizer {
        MorphTokenizer { seg }
    }

    /// The tokens' texts, for building queries.
    pub fn words(&self, text: &str) -> Vec<String> {
        self.analyse(text).into_iter().map(|(t, _)| t.text).collect()
    }

    /// The query's content words (nouns, verbs, adjectives, unknown words): what a document must
    /// contain when a sentence is typed as a search. Particles, auxiliaries and the like only
    /// matter inside the exact phrase.
    pub fn content_words(&self, text: &str) -> Vec<String> {
        self.analyse(text).into_iter().filter(|(_, content)| *content).map(|(t, _)| t.text).collect()
    }

    fn tokens(&self, text: &str) -> Vec<Token> {
        self.analyse(text).into_iter().map(|(t, _)| t).collect()
    }

    /// Tokens of the normalised text with offsets in the original. Inflected words are indexed by
    /// their dictionary form (変更し, 変更します → 変更 する), so a query matches any inflection.
    fn analyse(&self, text: &str) -> Vec<(Token, bool)> {
        let n = normalize(text);
        let Ok(segments) = self.seg.segment(Cow::Borrowed(n.text.as_str())) else { return vec![] };
        let mut out = vec![];
        for mut s in segments {
            let surface = s.surface.trim().to_string();
            if surface.is_empty() || !surface.chars().any(char::is_alphanumeric) {
                continue;
            }
            let details = s.details();
            let pos = details.first().copied().unwrap_or("");
            let sub = details.get(1).copied().unwrap_or("");
            let base = details.get(6).copied().filter(|b| !b.is_empty() && *b != "*");
            let inflected = matches!(pos, "動詞" | "形容詞" | "助動詞");
            let word = match base {
                Some(b) if inflected => b.to_string(),
                _ => surface.clone(),
            };
            let content = match pos {
                "名詞" => !matches!(sub, "非自立" | "代名詞"),
                "動詞" | "形容詞" => sub == "自立",
                "助詞" | "助動詞" | "記号" | "接頭詞" | "副詞" | "連体詞" | "接続詞" | "感動詞" | "フィラー" => false,
                _ => true,
            };
            let at = out.len();
            out.push((token(stem_katakana(&word).to_string(), n.to_original(s.byte_start), n.to_original(s.byte_end), at), content));
        }
        out
    }
}

impl Tokenizer for MorphTokenizer {
    type TokenStream<'a> = Tokens;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Tokens {
        Tokens { tokens: self.tokens(text), next: 0 }
    }
}

/// Overlapping character bigrams over runs of Japanese characters (a run of one character is
/// kept as a unigram), and whole words over other letters and digits. Positions advance one per
/// bigram, so a phrase of bigrams matches exactly the substring. The index also holds each
/// Japanese character on its own, at the position of the bigram it starts (the last one at the
/// run's last bigram): a one-character query (球) then finds it inside words (球面, 地球). Only
/// kanji: a single kana is no search, and each extra term costs at every highlight.
#[derive(Clone, Default)]
pub struct BigramTokenizer;

impl BigramTokenizer {
    /// The query's terms: bigrams only, so a phrase of them is the typed text.
    pub fn words(text: &str) -> Vec<String> {
        bigrams(text, false).into_iter().map(|t| t.text).collect()
    }
}

fn is_kanji(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '々')
}

fn bigrams(text: &str, unigrams: bool) -> Vec<Token> {
    let n = normalize(text);
    let chars: Vec<(usize, char)> = n.text.char_indices().collect();
    let end_of = |i: usize| chars.get(i + 1).map(|c| c.0).unwrap_or(n.text.len());
    let mut out: Vec<Token> = vec![];
    let mut pos = 0;
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if is_cjk(c) {
            let mut j = i;
            while j + 1 < chars.len() && is_cjk(chars[j + 1].1) {
                j += 1;
            }
            if i == j {
                out.push(token(c.to_string(), n.to_original(start), n.to_original(end_of(i)), pos));
                pos += 1;
            }
            for k in i..j {
                if unigrams && is_kanji(chars[k].1) {
                    out.push(token(chars[k].1.to_string(), n.to_original(chars[k].0), n.to_original(end_of(k)), pos));
                }
                let text: String = [chars[k].1, chars[k + 1].1].iter().collect();
                out.push(token(text, n.to_original(chars[k].0), n.to_original(end_of(k + 1)), pos));
                pos += 1;
            }
            if unigrams && j > i && is_kanji(chars[j].1) {
                out.push(token(chars[j].1.to_string(), n.to_original(chars[j].0), n.to_original(end_of(j)), pos - 1));
            }
            i = j + 1;
        } else if c.is_alphanumeric() {
            let mut j = i;
            while j + 1 < chars.len() && chars[j + 1].1.is_alphanumeric() && !is_cjk(chars[j + 1].1) {
                j += 1;
            }
            let word = &n.text[start..end_of(j)];
            out.push(token(word.to_string(), n.to_original(start), n.to_original(end_of(j)), pos));
            pos += 1;
            i = j + 1;
        } else {
            i += 1;
        }
    }
    out
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = Tokens;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Tokens {
        Tokens { tokens: bigrams(text, true), next: 0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bigrams_with_positions_and_offsets() {
        let text = "東京都のＪＣＭ労組";
        let t = bigrams(text, false);
        let words: Vec<&str> = t.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(words, ["東京", "京都", "都の", "jcm", "労組"]);
        assert_eq!(t.iter().map(|t| t.position).collect::<Vec<_>>(), [0, 1, 2, 3, 4]);
        assert_eq!(&text[t[3].offset_from..t[3].offset_to], "ＪＣＭ");
        assert_eq!(BigramTokenizer::words("列"), ["列"]);
        // The index side adds each character at the position of its bigram: phrases still line up.
        let t = bigrams(text, true);
        let at: Vec<(&str, usize)> = t.iter().map(|t| (t.text.as_str(), t.position)).collect();
        assert_eq!(at, [("東", 0), ("東京", 0), ("京", 1), ("京都", 1), ("都", 2), ("都の", 2), ("jcm", 3), ("労", 4), ("労組", 4), ("組", 4)]);
        assert_eq!(&text[t[4].offset_from..t[4].offset_to], "都");
    }
}
