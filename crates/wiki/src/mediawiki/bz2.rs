//! bzip2 decoded on every core. A bzip2 file is a series of blocks of at most 900 kB, each
//! compressed on its own and starting with a 48-bit magic number at any bit position. One thread
//! finds the blocks; a worker decodes each (`bz2_block`, or libbz2 for a block that refuses as a
//! one-block stream of its own); the reader returns the outputs in order. Decompression set the
//! pace of a MediaWiki import (libbz2: 28–36 MB/s on one core here, 4–5 s of a 140 MB history), so
//! it is spread over the cores the import leaves idle.
//!
//! Memory stays bounded: the scanner keeps one block of compressed input, and at most
//! `IN_FLIGHT` decoded blocks wait for the reader. Every block's CRC is checked by the decoder.
//! The block magic can also occur by chance inside compressed data (about once in 2^47 bit
//! positions); such a false split makes both halves fail to decode, and the two are then decoded
//! together.

use std::io::{self, Read};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

pub(super) const BLOCK_MAGIC: u64 = 0x3141_5926_5359;
const END_MAGIC: u64 = 0x1772_4538_5090;
const MASK48: u64 = (1 << 48) - 1;
/// No compressed block is larger (900 kB of input at worst expands by a few per cent).
const MAX_BLOCK_BYTES: usize = 2 << 20;
const IN_FLIGHT: usize = 8;

/// The bits of one block, from its magic number up to (not including) the next magic.
#[derive(Clone, Debug)]
struct Segment {
    level: u8,
    bytes: Vec<u8>,
    bits: usize,
}

/// A block's outcome; a failed one keeps its bits so it can be retried joined with the next.
type Outcome = Result<Vec<u8>, (io::Error, Segment)>;

/// Bits written most significant first, as bzip2 orders them.
#[derive(Default)]
struct BitWriter {
    bytes: Vec<u8>,
    bits: usize,
}

impl BitWriter {
    /// Appends the low `n` bits of `value`, a byte's worth at a time.
    fn push(&mut self, value: u64, n: usize) {
        let mut left = n;
        while left > 0 {
            let used = self.bits % 8;
            if used == 0 {
                self.bytes.push(0);
            }
            let take = (8 - used).min(left);
            let chunk = ((value >> (left - take)) & ((1 << take) - 1)) as u8;
            *self.bytes.last_mut().expect("pushed above") |= chunk << (8 - used - take);
            self.bits += take;
            left -= take;
        }
    }

    /// Appends `bits` bits of `src`, starting at bit `from`.
    fn copy(&mut self, src: &[u8], from: usize, bits: usize) {
        let mut at = from;
        let end = from + bits;
        if self.bits % 8 == 0 && at % 8 == 0 {
            let whole = bits / 8;
            self.bytes.extend_from_slice(&src[at / 8..at / 8 + whole]);
            self.bits += whole * 8;
            at += whole * 8;
        }
        while at + 8 <= end {
            self.push(u64::from(read_bits(src, at, 8)), 8);
            at += 8;
        }
        if at < end {
            self.push(u64::from(read_bits(src, at, end - at)), end - at);
        }
    }
}

/// `n` (≤ 8) bits of `src` from bit `at`.
fn read_bits(src: &[u8], at: usize, n: usize) -> u8 {
    let (byte, shift) = (at / 8, at % 8);
    let pair = (u16::from(src[byte]) << 8) | u16::from(*src.get(byte + 1).unwrap_or(&0));
    ((pair << shift) >> (16 - n)) as u8
}

/// The 48 bits of `buf` starting at bit `at` (the caller knows they are there).
fn read48(buf: &[u8], at: usize) -> u64 {
    let mut v = 0u64;
    for k in 0..6 {
        v = (v << 8) | u64::from(read_bits(buf, at + 8 * k, 8));
    }
    v
}

/// Decodes `parts` (contiguous in the file) as one block: a stream of its own, with the block's
/// CRC as the stream's.
fn decode(parts: &[&Segment]) -> io::Result<Vec<u8>> {
    let first = parts[0];
    // Our own decoder first (see `bz2_block`); libbz2 takes what it refuses and words the error.
    let fast = match parts {
        [one] => super::bz2_block::decode(&one.bytes, one.level),
        _ => {
            let mut joined = BitWriter::default();
            for p in parts {
                joined.copy(&p.bytes, 0, p.bits);
            }
            super::bz2_block::decode(&joined.bytes, first.level)
        }
    };
    if let Ok(out) = fast {
        return Ok(out);
    }
    let mut w = BitWriter::default();
    w.bytes.extend_from_slice(&[b'B', b'Z', b'h', b'0' + first.level]);
    w.bits = 32;
    for p in parts {
        w.copy(&p.bytes, 0, p.bits);
    }
    w.push(END_MAGIC, 48);
    let crc = (0..4).fold(0u64, |c, k| (c << 8) | u64::from(read_bits(&first.bytes, 48 + 8 * k, 8)));
    w.push(crc, 32);
    let mut out = Vec::with_capacity(usize::from(first.level) * 100_000);
    bzip2::read::BzDecoder::new(&w.bytes[..]).read_to_end(&mut out)?;
    Ok(out)
}

fn corrupt(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("bzip2: {what} / bzip2 のデータが壊れています"))
}

/// Finds the blocks of `src` (one or more concatenated streams) and hands each to `emit`.
struct Scanner<R> {
    src: R,
    buf: Vec<u8>,
    eof: bool,
}

impl<R: Read> Scanner<R> {
    /// Reads until `buf` holds more than `len` bytes or the input ends; false at the end.
    fn fill(&mut self, len: usize) -> io::Result<bool> {
        while self.buf.len() <= len && !self.eof {
            let old = self.buf.len();
            self.buf.resize(old + (1 << 20), 0);
            let n = loop {
                match self.src.read(&mut self.buf[old..]) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    r => break r,
                }
            };
            self.buf.truncate(old + n.as_ref().copied().unwrap_or(0));
            if n? == 0 {
                self.eof = true;
            }
        }
        Ok(self.buf.len() > len)
    }

    /// Drops the bytes before `byte`; returns how many bits that was.
    fn consume(&mut self, byte: usize) -> usize {
        self.buf.drain(..byte);
        byte * 8
    }

    fn run(&mut self, emit: &mut dyn FnMut(Segment) -> bool) -> io::Result<()> {
        let mut pos = 0usize; // byte where the next stream header starts
        let mut first = true;
        loop {
            if !self.fill(pos + 3)? {
                if first {
                    return Err(corrupt("empty file"));
                }
                return Ok(());
            }
            let h = &self.buf[pos..pos + 4];
            if !(h[..3] == *b"BZh" && (b'1'..=b'9').contains(&h[3])) {
                if first {
                    return Err(corrupt("not a bzip2 file"));
                }
                // What follows the last stream is ignored, as bzip2 itself does.
                return Ok(());
            }
            first = false;
            let level = h[3] - b'0';
            self.consume(pos + 4);
            // Bits relative to buf[0]: the current block starts at `start`.
            let mut start = 0usize;
            if !self.fill(5)? {
                return Err(corrupt("truncated stream header"));
            }
            let mut magic = read48(&self.buf, 0);
            loop {
                if magic == END_MAGIC {
                    pos = (start + 80).div_ceil(8);
                    break;
                }
                if magic != BLOCK_MAGIC {
                    return Err(corrupt("no block where one should start"));
                }
                // The next magic: the earliest bit position after this block's magic and CRC.
                let mut i = (start + 80) / 8 + 1;
                let next = loop {
                    if !self.fill(i)? {
                        return Err(corrupt("unexpected end of file (truncated?)"));
                    }
                    if i >= 7 {
                        let window = u64::from_be_bytes(self.buf[i - 7..=i].try_into().expect("8 bytes"));
                        let found = (0..8).rev().find_map(|k| {
                            let m = (window >> k) & MASK48;
                            let at = (i + 1) * 8 - k - 48;
                            ((m == BLOCK_MAGIC || m == END_MAGIC) && at >= start + 80).then_some((at, m))
                        });
                        if let Some(f) = found {
                            break f;
                        }
                    }
                    if i - start / 8 > MAX_BLOCK_BYTES {
                        return Err(corrupt("a block larger than bzip2 writes"));
                    }
                    i += 1;
                };
                let mut seg = BitWriter::default();
                seg.copy(&self.buf, start, next.0 - start);
                if !emit(Segment { level, bytes: seg.bytes, bits: seg.bits }) {
                    return Ok(());
                }
                // Keep the byte holding the next magic's first bit.
                let dropped = self.consume(next.0 / 8);
                start = next.0 - dropped;
                magic = next.1;
                // The byte holding the last bit of the next magic's CRC.
                if !self.fill((start + 79) / 8)? {
                    return Err(corrupt("unexpected end of file (truncated?)"));
                }
            }
        }
    }
}

/// The decoded bytes of a bzip2 file, in order, decoded by `threads` workers.
pub struct ParallelDecoder {
    order: Receiver<Receiver<Outcome>>,
    current: io::Cursor<Vec<u8>>,
    /// The error met, returned again by every later read.
    failed: Option<(io::ErrorKind, String)>,
}

impl ParallelDecoder {
    pub fn new(src: impl Read + Send + 'static, threads: usize) -> ParallelDecoder {
        let (order_tx, order) = sync_channel::<Receiver<Outcome>>(IN_FLIGHT);
        let (work_tx, work_rx) = sync_channel::<(Segment, SyncSender<Outcome>)>(IN_FLIGHT);
        let work_rx = Arc::new(Mutex::new(work_rx));
        for _ in 0..threads.max(1) {
            let work_rx = work_rx.clone();
            std::thread::spawn(move || {
                loop {
                    let job = work_rx.lock().map_err(|_| ()).and_then(|r| r.recv().map_err(|_| ()));
                    let Ok((seg, done)) = job else { return };
                    let _ = done.send(decode(&[&seg]).map_err(|e| (e, seg)));
                }
            });
        }
        std::thread::spawn(move || {
            let mut scanner = Scanner { src, buf: Vec::new(), eof: false };
            let result = scanner.run(&mut |seg| {
                let (done, result) = sync_channel(1);
                order_tx.send(result).is_ok() && work_tx.send((seg, done)).is_ok()
            });
            if let Err(e) = result {
                let (done, result) = sync_channel(1);
                let _ = done.send(Err((e, Segment { level: 9, bytes: vec![], bits: 0 })));
                let _ = order_tx.send(result);
            }
        });
        ParallelDecoder { order, current: io::Cursor::new(vec![]), failed: None }
    }

    /// The next block's bytes, None at the end.
    fn next_block(&mut self) -> io::Result<Option<Vec<u8>>> {
        let Ok(result) = self.order.recv() else { return Ok(None) };
        let outcome = result.recv().map_err(|_| corrupt("decoder thread ended"))?;
        match outcome {
            Ok(bytes) => Ok(Some(bytes)),
            Err((e, seg)) if seg.bits == 0 => Err(e),
            Err((e, seg)) => {
                // A chance magic inside a block splits it in two; both halves fail alone.
                let Ok(next) = self.order.recv() else { return Err(e) };
                match next.recv() {
                    Ok(Err((_, rest))) if rest.bits > 0 => decode(&[&seg, &rest]).map(Some).map_err(|_| e),
                    _ => Err(e),
                }
            }
        }
    }
}

impl Read for ParallelDecoder {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let n = self.current.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            if let Some((kind, message)) = &self.failed {
                return Err(io::Error::new(*kind, message.clone()));
            }
            match self.next_block() {
                Ok(Some(block)) => self.current = io::Cursor::new(block),
                Ok(None) => return Ok(0),
                Err(e) => {
                    self.failed = Some((e.kind(), e.to_string()));
                    return Err(e);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// Text that compresses like prose, not like a run of one byte.
    fn text(len: usize, seed: u64) -> Vec<u8> {
        let words = ["金属労協", "union", "賃上げ", "wage", "の", "minimum", "交渉", "2026年度", "\n", " "];
        let mut x = seed;
        let mut out = Vec::with_capacity(len);
        while out.len() < len {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            out.extend_from_slice(words[(x % words.len() as u64) as usize].as_bytes());
            out.extend_from_slice(&(x % 1000).to_string().into_bytes());
        }
        out
    }

    fn compress(data: &[u8], level: u32) -> Vec<u8> {
        let mut enc = bzip2::write::BzEncoder::new(vec![], bzip2::Compression::new(level));
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    fn decode_all(file: Vec<u8>, threads: usize) -> io::Result<Vec<u8>> {
        let mut out = vec![];
        ParallelDecoder::new(io::Cursor::new(file), threads).read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn many_blocks_and_streams_come_back_in_order() {
        // Level 1 makes 100 kB blocks: about 30 here, over two concatenated streams, one of them
        // empty (a stream may hold no block at all).
        let (a, b) = (text(2_000_000, 1), text(1_000_000, 2));
        let mut file = compress(&a, 1);
        file.extend(compress(b"", 9));
        file.extend(compress(&b, 9));
        for threads in [1, 3] {
            let out = decode_all(file.clone(), threads).unwrap();
            assert_eq!(out.len(), a.len() + b.len());
            assert!(out[..a.len()] == a[..] && out[a.len()..] == b[..], "{threads} threads");
        }
        assert_eq!(decode_all(compress(b"", 9), 2).unwrap(), b"");
    }

    #[test]
    fn damage_is_an_error_not_a_short_read() {
        let file = compress(&text(500_000, 3), 1);
        let err = |f: Vec<u8>| decode_all(f, 2).expect_err("damaged input must fail").to_string();
        assert!(err(file[..file.len() / 2].to_vec()).contains("bzip2"));
        let mut flipped = file.clone();
        let middle = flipped.len() / 3;
        flipped[middle] ^= 0x10;
        assert!(!err(flipped).is_empty());
        assert!(err(b"<mediawiki>".to_vec()).contains("not a bzip2 file"));
        assert!(err(vec![]).contains("empty"));
    }

    #[test]
    fn a_block_split_by_a_chance_magic_is_decoded_whole() {
        let data = text(80_000, 4);
        let file = compress(&data, 9);
        let mut whole = None;
        Scanner { src: io::Cursor::new(file), buf: vec![], eof: false }
            .run(&mut |s| {
                whole = Some(s);
                true
            })
            .unwrap();
        let whole = whole.unwrap();
        assert_eq!(decode(&[&whole]).unwrap(), data);
        // Split where no magic is, as a false match would: each half fails, the two together do not.
        let cut = whole.bits / 2 + 3;
        let part = |from: usize, bits: usize| {
            let mut w = BitWriter::default();
            w.copy(&whole.bytes, from, bits);
            Segment { level: 9, bytes: w.bytes, bits: w.bits }
        };
        let (head, tail) = (part(0, cut), part(cut, whole.bits - cut));
        assert!(decode(&[&head]).is_err());
        assert_eq!(decode(&[&head, &tail]).unwrap(), data);
    }
}
