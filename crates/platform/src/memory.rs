//! The process's memory. The binary runs on mimalloc, which hands freed pages back on its own,
//! with transparent huge pages off for the process (`no_huge_pages`). SQLite's C code still
//! allocates through glibc, which keeps what it frees in each thread's arena (up to 8 × cores of
//! them): a periodic trim hands those free pages back. Measured in docs/benchmarks.md, "Memory
//! after load".

use std::time::Duration;

/// Keeps the process on small pages. With transparent huge pages set to `always` (as on this
/// machine kind), every 2 MiB region the allocator touches becomes resident whole, and freeing
/// part of it gives nothing back: the server held three times the memory it used. Called first
/// thing in `main`, before the allocator reserves anything.
pub fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE only changes this process's page-size policy.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Returns the allocator's free pages to the system.
pub fn give_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free heap pages; live allocations are untouched.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Gives free pages back every `every`, off the async workers (a trim takes each arena's lock
/// in turn; 0.7–22 ms measured under load), and drops the resident pages of the read-only files
/// mapped from `mapped` (the search dictionary: every page written is tokenized through it).
pub fn spawn_trimmer(every: Duration, mapped: Vec<std::path::PathBuf>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.tick().await;
        loop {
            tick.tick().await;
            let mapped = mapped.clone();
            let _ = tokio::task::spawn_blocking(move || {
                let (before, started) = (rss_kib(), std::time::Instant::now());
                give_back();
                for dir in &mapped {
                    release_mapped(dir);
                }
                tracing::debug!(rss_kib_before = before, rss_kib_after = rss_kib(), us = started.elapsed().as_micros() as u64, "memory trimmed");
            })
            .await;
        }
    });
}

/// Drops the resident pages of read-only files mapped from `dir` (indexing reads most of the
/// search dictionary through its map; searches then touch little of it). The pages stay in the
/// system's file cache and come back on the next read, so the process's size says what it holds.
pub fn release_mapped(dir: &std::path::Path) {
    #[cfg(target_os = "linux")]
    {
        let Ok(maps) = std::fs::read_to_string("/proc/self/maps") else { return };
        let dir = dir.to_string_lossy();
        for line in maps.lines() {
            let mut f = line.split_whitespace();
            let (Some(range), Some(perms), Some(path)) = (f.next(), f.next(), f.nth(3)) else { continue };
            // Read-only file mappings only: nothing private is lost.
            if !path.starts_with(dir.as_ref()) || perms.contains('w') {
                continue;
            }
            let Some((a, b)) = range.split_once('-') else { continue };
            let (Ok(a), Ok(b)) = (usize::from_str_radix(a, 16), usize::from_str_radix(b, 16)) else { continue };
            // SAFETY: the range is a read-only mapping of a file of ours; MADV_DONTNEED only drops
            // its resident pages, which the kernel reads back from the file when they are used.
            unsafe {
                libc::madvise(a as *mut libc::c_void, b - a, libc::MADV_DONTNEED);
            }
        }
    }
}

/// The process's resident size in KiB (0 where /proc is not there).
pub fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn freed_memory_goes_back() {
        // 64 MiB in small blocks (below the mmap threshold, so they live in the heap), touched,
        // then freed but for the last: without a trim glibc keeps the heap below it.
        let before = rss_kib();
        let blocks: Vec<Vec<u8>> = (0..64 * 1024).map(|i| vec![(i % 251) as u8 + 1; 1024]).collect();
        let last = blocks.last().cloned();
        let full = rss_kib();
        assert!(full > before + 50 * 1024, "the blocks are resident: {before} -> {full} KiB");
        drop(blocks);
        give_back();
        let after = rss_kib();
        assert!(after + 40 * 1024 < full, "trimmed: {full} -> {after} KiB");
        assert!(last.is_some_and(|b| b.len() == 1024));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn huge_pages_are_off() {
        let thp = || std::fs::read_to_string("/proc/self/status").unwrap().lines().find_map(|l| l.strip_prefix("THP_enabled:").map(|v| v.trim().to_string()));
        // Kernels before 6.x do not report it; there the call is still made, unchecked.
        no_huge_pages();
        if let Some(v) = thp() {
            assert_eq!(v, "0");
        }
    }
}
