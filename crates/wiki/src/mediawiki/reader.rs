//! Streams a MediaWiki XML export (schema 0.10 or 0.11, plain, .bz2 or .gz) one page at a time:
//! memory holds one page's history, never the whole dump.

use quick_xml::Reader;
use quick_xml::events::Event;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

#[derive(Clone, Debug, Default)]
pub struct MwRevision {
    pub id: i64,
    pub timestamp: String,
    pub username: Option<String>,
    pub ip: Option<String>,
    pub comment: String,
    pub text: String,
    /// Marked as a minor edit (`<minor/>`).
    pub minor: bool,
}

#[derive(Clone, Debug, Default)]
pub struct MwPage {
    pub title: String,
    pub ns: i64,
    pub id: i64,
    pub redirect: Option<String>,
    pub revisions: Vec<MwRevision>,
    /// A file page's uploads (`dumpBackup.php --uploads`), oldest first as written.
    pub uploads: Vec<MwUpload>,
}

/// One upload of a file: who, when and why, and where the file was in the images directory.
#[derive(Clone, Debug, Default)]
pub struct MwUpload {
    pub timestamp: String,
    pub username: Option<String>,
    pub comment: String,
    pub filename: String,
    /// Set on an older version: its name in `images/archive/` (`20240403000000!名前.png`).
    pub archivename: Option<String>,
    /// The path under the images directory (`5/5f/名前.png`), when the export says.
    pub rel: Option<String>,
    pub size: Option<u64>,
}

pub struct Dump {
    reader: Reader<Box<dyn BufRead + Send>>,
    buf: Vec<u8>,
    /// The source wiki's database name (from siteinfo), used to keep imports of different wikis apart.
    pub dbname: Option<String>,
    /// `</mediawiki>` was read: an end of file before it means the file was cut off.
    closed: bool,
}

/// Opens a dump, decompressing by extension (.bz2 handles multistream files).
pub fn open(path: &Path) -> anyhow::Result<Dump> {
    let file = std::fs::File::open(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let name = path.to_string_lossy().to_lowercase();
    // Decompressing takes as long as importing: it runs on threads of their own, ahead of the
    // import (bzip2 on every core, block by block).
    let inner: Box<dyn Read + Send> = if name.ends_with(".bz2") {
        let cores = std::thread::available_parallelism().map(usize::from).unwrap_or(1);
        Box::new(super::bz2::ParallelDecoder::new(file, cores))
    } else if name.ends_with(".gz") {
        Box::new(ReadAhead::spawn(flate2::read::MultiGzDecoder::new(file)))
    } else {
        Box::new(file)
    };
    Ok(from_reader(Box::new(BufReader::with_capacity(1 << 16, inner))))
}

/// Reads a stream on its own thread, at most a few blocks ahead of the reader (so memory stays
/// flat however large the file).
struct ReadAhead {
    blocks: std::sync::mpsc::Receiver<std::io::Result<Vec<u8>>>,
    current: std::io::Cursor<Vec<u8>>,
}

impl ReadAhead {
    const BLOCK: usize = 256 * 1024;
    const AHEAD: usize = 8;

    fn spawn(mut source: impl Read + Send + 'static) -> ReadAhead {
        let (tx, rx) = std::sync::mpsc::sync_channel(Self::AHEAD);
        std::thread::spawn(move || {
            loop {
                let mut block = vec![0; Self::BLOCK];
                match source.read(&mut block) {
                    Ok(0) => break,
                    Ok(n) => {
                        block.truncate(n);
                        if tx.send(Ok(block)).is_err() {
                            break;
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        break;
                    }
                }
            }
        });
        ReadAhead { blocks: rx, current: std::io::Cursor::new(vec![]) }
    }
}

impl Read for ReadAhead {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let n = self.current.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            match self.blocks.recv() {
                Ok(block) => self.current = std::io::Cursor::new(block?),
                // The thread is done: the end of the stream.
                Err(_) => return Ok(0),
            }
        }
    }
}

pub fn from_reader(r: Box<dyn BufRead + Send>) -> Dump {
    let mut reader = Reader::from_reader(r);
    reader.config_mut().trim_text(false);
    Dump { reader, buf: vec![], dbname: None, closed: false }
}

impl Dump {
    /// The next page, or None at the end.
    pub fn next_page(&mut self) -> anyhow::Result<Option<MwPage>> {
        let mut page: Option<MwPage> = None;
        let mut rev: Option<MwRevision> = None;
        let mut upload: Option<MwUpload> = None;
        let mut path: Vec<String> = vec![];
        let mut text = String::new();
        loop {
            self.buf.clear();
            let event = self.reader.read_event_into(&mut self.buf).map_err(|e| anyhow::anyhow!("XML error at byte {}: {e}", self.reader.buffer_position()))?;
            match event {
                Event::Start(e) => {
                    let name = e.local_name().as_ref().to_string();
                    match name.as_str() {
                        "page" => page = Some(MwPage::default()),
                        "revision" => rev = Some(MwRevision::default()),
                        "upload" => upload = Some(MwUpload::default()),
                        _ => {}
                    }
                    path.push(name);
                    text.clear();
                }
                Event::Empty(e) => {
                    if e.local_name().as_ref() == "minor"
                        && let Some(r) = rev.as_mut()
                    {
                        r.minor = true;
                    } else if e.local_name().as_ref() == "redirect"
                        && let Some(p) = page.as_mut()
                        && let Ok(Some(a)) = e.try_get_attribute("title")
                    {
                        p.redirect = Some(a.normalized_value(quick_xml::XmlVersion::Implicit1_0)?.to_string());
                    }
                }
                Event::Text(t) => text.push_str(&t.xml10_content()),
                Event::CData(t) => text.push_str(&t.xml10_content()),
                Event::GeneralRef(r) => {
                    if let Ok(Some(c)) = r.resolve_char_ref() {
                        text.push(c);
                    } else if let Some(s) = quick_xml::escape::resolve_predefined_entity(&r) {
                        text.push_str(s);
                    }
                }
                Event::End(e) => {
                    if e.local_name().as_ref() == "mediawiki" {
                        self.closed = true;
                    }
                    let name = path.pop().unwrap_or_default();
                    let parent = path.last().map(String::as_str).unwrap_or("");
                    let value = std::mem::take(&mut text);
                    match (parent, name.as_str()) {
                        ("siteinfo", "dbname") => self.dbname = Some(value.trim().to_string()),
                        ("page", "title") => page.get_or_insert_default().title = value,
                        ("page", "ns") => page.get_or_insert_default().ns = value.trim().parse().unwrap_or(0),
                        ("page", "id") => page.get_or_insert_default().id = value.trim().parse().unwrap_or(0),
                        ("revision", "id") => rev.get_or_insert_default().id = value.trim().parse().unwrap_or(0),
                        ("revision", "timestamp") => rev.get_or_insert_default().timestamp = value.trim().to_string(),
                        ("revision", "comment") => rev.get_or_insert_default().comment = value,
                        ("revision", "text") => rev.get_or_insert_default().text = value,
                        ("contributor", "username") if upload.is_some() => upload.get_or_insert_default().username = Some(value.trim().to_string()),
                        ("contributor", "username") => rev.get_or_insert_default().username = Some(value.trim().to_string()),
                        ("upload", field) if upload.is_some() => {
                            let u = upload.get_or_insert_default();
                            match field {
                                "timestamp" => u.timestamp = value.trim().to_string(),
                                "comment" => u.comment = value,
                                "filename" => u.filename = value.trim().to_string(),
                                "archivename" => u.archivename = Some(value.trim().to_string()).filter(|a| !a.is_empty()),
                                "rel" => u.rel = Some(value.trim().to_string()).filter(|r| !r.is_empty()),
                                "size" => u.size = value.trim().parse().ok(),
                                _ => {}
                            }
                        }
                        (_, "upload") => {
                            if let (Some(p), Some(u)) = (page.as_mut(), upload.take()) {
                                p.uploads.push(u);
                            }
                        }
                        ("contributor", "ip") => rev.get_or_insert_default().ip = Some(value.trim().to_string()),
                        (_, "revision") => {
                            if let (Some(p), Some(r)) = (page.as_mut(), rev.take()) {
                                p.revisions.push(r);
                            }
                        }
                        (_, "page") => return Ok(page.take()),
                        _ => {}
                    }
                }
                Event::Eof if self.closed => return Ok(None),
                Event::Eof => anyhow::bail!(
                    "XML ends at byte {} before </mediawiki>: the file is cut off / XML が </mediawiki> の前で終わっています（ファイルが途中で切れています）",
                    self.reader.buffer_position()
                ),
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pages_revisions_and_entities() {
        let xml = r#"<mediawiki version="0.11"><siteinfo><dbname>jcmpedia</dbname></siteinfo>
<page><title>TEAM &amp; 友誼組織</title><ns>0</ns><id>5</id><redirect title="新題名" />
<revision><id>10</id><timestamp>2020-01-01T00:00:00Z</timestamp><contributor><username>山田</username><id>1</id></contributor>
<comment>初版</comment><text xml:space="preserve">本文 &lt;ref&gt;注&lt;/ref&gt; &#x30C6;</text></revision>
<upload><timestamp>2024-02-15T02:00:00Z</timestamp><contributor><username>田中</username><id>3</id></contributor><comment>グラフ</comment>
<filename>推移.png</filename><archivename>20240403000000!推移.png</archivename><size>2981</size><rel>archive/5/5f/20240403000000!推移.png</rel></upload></page></mediawiki>"#;
        let mut d = from_reader(Box::new(std::io::Cursor::new(xml.as_bytes().to_vec())));
        let p = d.next_page().unwrap().unwrap();
        assert_eq!(d.dbname.as_deref(), Some("jcmpedia"));
        assert_eq!((p.title.as_str(), p.ns, p.id, p.redirect.as_deref()), ("TEAM & 友誼組織", 0, 5, Some("新題名")));
        assert_eq!(p.revisions[0].text, "本文 <ref>注</ref> テ");
        assert_eq!(p.revisions[0].username.as_deref(), Some("山田"));
        let u = &p.uploads[0];
        assert_eq!((u.username.as_deref(), u.filename.as_str(), u.archivename.as_deref(), u.size), (Some("田中"), "推移.png", Some("20240403000000!推移.png"), Some(2981)));
        assert_eq!((u.comment.as_str(), u.rel.as_deref(), p.revisions.len()), ("グラフ", Some("archive/5/5f/20240403000000!推移.png"), 1));
        assert!(d.next_page().unwrap().is_none());
        // Cut after the last page: the page arrives, then the missing end is an error, not the end.
        let cut = &xml[..xml.len() - "</mediawiki>".len()];
        let mut d = from_reader(Box::new(std::io::Cursor::new(cut.as_bytes().to_vec())));
        assert!(d.next_page().unwrap().is_some());
        assert!(d.next_page().unwrap_err().to_string().contains("cut off"));
    }
}
