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
    let mut tmp = temp_beside(path, "")?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    persist(tmp, path)
}

/// A temporary file in the folder of `path`, ending in `suffix`, that will
/// become `path`: with the permissions of the file it replaces, or those of
/// any new file (the umask applies), not the private ones of a temporary file.
pub(crate) fn temp_beside(path: &Path, suffix: &str) -> std::io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".scamatlas-").suffix(suffix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let tmp = builder.tempfile_in(folder_of(path))?;
    if let Ok(old) = std::fs::metadata(path) {
        std::fs::set_permissions(tmp.path(), old.permissions())?;
    }
    Ok(tmp)
}

/// Renames `tmp` over `path` and makes the rename durable.
pub(crate) fn persist(tmp: tempfile::NamedTempFile, path: &Path) -> std::io::Result<()> {
    tmp.persist(path).map_err(|e| e.error)?;
    if let Ok(d) = std::fs::File::open(folder_of(path)) {
        let _ = d.sync_all();
    }
    Ok(())
}

fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}
