//! PDF from Typst markup, in process (typst as a library, `pdf` feature, on by default). Modules
//! write a Typst document and get a PDF; Japanese text is set with the fonts from Debian's
//! `fonts-noto-cjk` (or the files `KUMIAI_PDF_FONTS` names, separated by `:`), read once.
//!
//! Text from records goes into the document only as string literals ([`literal`]), never as
//! markup, so no record can inject Typst code.

use std::sync::OnceLock;

/// The fonts read when nothing else is configured.
const DEFAULT_FONTS: [&str; 2] = ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"];

/// The family the documents use.
pub const FONT_FAMILY: &str = "Noto Sans CJK JP";

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("PDF output is not built into this binary (cargo feature `pdf`)")]
    NotBuilt,
    #[error("no font for PDF output: {0}")]
    NoFonts(String),
    #[error("typesetting failed: {0}")]
    Typst(String),
}

/// `text` as a Typst string literal: `"…"` with `\` and `"` escaped and line breaks kept.
pub fn literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The font files' bytes, read on first use.
fn fonts() -> Result<&'static [Vec<u8>], PdfError> {
    static FONTS: OnceLock<Result<Vec<Vec<u8>>, String>> = OnceLock::new();
    let loaded = FONTS.get_or_init(|| {
        let configured = std::env::var("KUMIAI_PDF_FONTS").ok().filter(|v| !v.trim().is_empty());
        let paths: Vec<String> = match &configured {
            Some(v) => v.split(':').map(str::to_string).collect(),
            None => DEFAULT_FONTS.iter().map(|p| p.to_string()).collect(),
        };
        let read: Vec<Vec<u8>> = paths.iter().filter_map(|p| std::fs::read(p).ok()).collect();
        if read.is_empty() { Err(paths.join(", ")) } else { Ok(read) }
    });
    loaded.as_deref().map_err(|p| PdfError::NoFonts(p.clone()))
}

/// Typesets `source` (a whole Typst document) into a PDF.
#[cfg(feature = "pdf")]
pub fn render(source: &str) -> Result<Vec<u8>, PdfError> {
    use typst_as_lib::TypstEngine;
    let fonts = fonts()?;
    let engine = TypstEngine::builder().main_file(source.to_string()).fonts(fonts.iter().map(|f| f.as_slice())).build();
    let doc = engine.compile().output.map_err(|e| PdfError::Typst(format!("{e:?}")))?;
    typst_pdf::pdf(&doc, &Default::default()).map_err(|e| PdfError::Typst(format!("{e:?}")))
}

#[cfg(not(feature = "pdf"))]
pub fn render(_source: &str) -> Result<Vec<u8>, PdfError> {
    let _ = fonts;
    Err(PdfError::NotBuilt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_text_stays_text() {
        assert_eq!(literal("第1報 \"速報\"\n#import \\x"), "\"第1報 \\\"速報\\\"\\n#import \\\\x\"");
    }

    /// Japanese text set in a real PDF (when the binary has PDF output and the fonts are here).
    #[cfg(feature = "pdf")]
    #[test]
    fn typesets_japanese() {
        if fonts().is_err() {
            return;
        }
        let pdf = render(&format!("#set text(font: {}, lang: \"ja\")\n#text({})", literal(FONT_FAMILY), literal("賃金改善分の平均"))).unwrap();
        assert!(pdf.starts_with(b"%PDF-") && pdf.len() > 1_000, "{} bytes", pdf.len());
    }
}
