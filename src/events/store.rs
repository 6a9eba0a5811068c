//! Writing files so that a crash never leaves a truncated one: the new content
//! goes to a temporary file in the same folder, is synced to disk, then renamed
//! over the old file in one step.

use std::io::Write;
use std::path::Path;

/// Replaces (or creates) `path` with `bytes`, atomically.
///
/// # Errors
/// Any I/O error, with the file named; the old file is then untouched.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    // Make the rename itself durable.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
