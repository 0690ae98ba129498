//! The IPADIC dictionary, compiled from Debian's `mecab-ipadic` source files on first use (about
//! two seconds) into a directory beside the data, then memory-mapped. Nothing is downloaded: a
//! missing source is a start-up error that says how to install it, never a silent downgrade.

use anyhow::{Context, bail};
use lindera::dictionary::{DictionaryBuilder, Metadata, load_fs_dictionary};
use lindera::mode::{Mode, Penalty};
use lindera::segmenter::Segmenter;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where Debian's `mecab-ipadic` puts the dictionary source (EUC-JP CSV and definition files).
pub const DEFAULT_SOURCE: &str = "/usr/share/mecab/dic/ipadic";

/// Changes when the build recipe or lindera's format changes; a mismatch rebuilds.
const FORMAT: &str = "kumiai ipadic 1 (lindera 6.2)";

const IPADIC_METADATA: &str = r#"{"name":"ipadic","encoding":"EUC-JP","default_word_cost":-10000,
 "default_left_context_id":0,"default_right_context_id":0,"default_field_value":"*","flexible_csv":true,
 "skip_invalid_cost_or_id":false,"normalize_details":true,
 "dictionary_schema":{"fields":["surface","left_context_id","right_context_id","cost","part_of_speech",
  "part_of_speech_subcategory_1","part_of_speech_subcategory_2","part_of_speech_subcategory_3",
  "conjugation_form","conjugation_type","base_form","reading","pronunciation"]},
 "user_dictionary_schema":{"fields":["surface","part_of_speech","reading"]}}"#;

fn missing_source(source: &Path) -> anyhow::Error {
    anyhow::anyhow!(
        "日本語辞書（IPADIC）の元データが {} にありません。`apt-get install mecab-ipadic`（または scripts/setup.sh）で入れるか、KUMIAI_IPADIC_SOURCE で場所を指定してください。\n\
         The Japanese dictionary source (IPADIC) is not at {}. Install it with `apt-get install mecab-ipadic` (or run scripts/setup.sh), or point KUMIAI_IPADIC_SOURCE at it.",
        source.display(),
        source.display()
    )
}

/// Opens the compiled dictionary in `dir`, compiling it from `source` first if it is missing or
/// from another format. Safe when several processes race: each builds aside and renames.
pub fn open(dir: &Path, source: &Path) -> anyhow::Result<Arc<Segmenter>> {
    let marker = dir.join("kumiai-format");
    if std::fs::read_to_string(&marker).ok().as_deref() != Some(FORMAT) {
        if !source.join("matrix.def").exists() {
            return Err(missing_source(source));
        }
        static BUILDS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = BUILDS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = PathBuf::from(format!("{}.building-{}-{n}", dir.display(), std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        let meta: Metadata = serde_json::from_str(IPADIC_METADATA).context("IPADIC metadata")?;
        let started = std::time::Instant::now();
        DictionaryBuilder::new(meta).build_dictionary(source, &tmp).map_err(|e| anyhow::anyhow!("building IPADIC from {}: {e}", source.display()))?;
        std::fs::write(tmp.join("kumiai-format"), FORMAT)?;
        if let Some(parent) = dir.parent() {
            std::fs::create_dir_all(parent)?;
        }
        // Whoever renames first wins; a loser's copy is discarded.
        if std::fs::read_to_string(&marker).ok().as_deref() != Some(FORMAT) {
            let _ = std::fs::remove_dir_all(dir);
            if std::fs::rename(&tmp, dir).is_err() && std::fs::read_to_string(&marker).ok().as_deref() != Some(FORMAT) {
                bail!("cannot move the compiled dictionary into {}", dir.display());
            }
        }
        let _ = std::fs::remove_dir_all(&tmp);
        tracing::info!(dir = %dir.display(), ms = started.elapsed().as_millis() as u64, "compiled the IPADIC dictionary");
    }
    let dict = load_fs_dictionary(dir).map_err(|e| anyhow::anyhow!("loading the dictionary in {}: {e}", dir.display()))?;
    // Decompose mode also splits long compounds (関西国際空港 → 関西 / 国際 / 空港).
    Ok(Arc::new(Segmenter::new(Mode::Decompose(Penalty::default()), dict, None)))
}
