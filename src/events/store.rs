//! Writing files so that a crash never leaves a truncated one and two writers
//! never lose each other's changes.
//!
//! The new content goes to a temporary file in the same folder, is synced to
//! disk, then renamed over the old file in one step. Writers of one file take
//! an advisory lock on `FILE.lock` beside it ([`WriteLock`]) and hold it from
//! reading the old content to the rename: a lock on the data file itself would
//! leave with the copy the rename replaces. The lock file is never removed
//! (removing it would let two writers lock two different files).
//!
//! A writer killed before its rename leaves its temporary file behind; the next
//! writer of that file, holding the lock, removes the temporaries named as this
//! module names them (`.FILE.scamatlas-XXXXXX`) and no others.

use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// What every temporary file of `FILE` starts with, after `.FILE`.
const TEMP_MARK: &str = ".scamatlas-";
/// The random letters and digits after the mark.
const TEMP_RANDOM: usize = 6;

/// Replaces (or creates) `path` with `bytes`, atomically, holding the lock of
/// `path` while it does.
///
/// # Errors
/// Any I/O error; the old file is then untouched.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    WriteLock::acquire(path)?.write(bytes)
}

/// The exclusive right to replace one file, held until dropped: an advisory
/// lock on `FILE.lock`. Writers wait for each other; readers never wait.
///
/// # Example
/// ```
/// use scamatlas::events::WriteLock;
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("events.geojson");
/// let lock = WriteLock::acquire(&path).unwrap();
/// let old = std::fs::read(&path).unwrap_or_default(); // read, change ...
/// lock.write(&[old, b"new".to_vec()].concat()).unwrap(); // ... and replace
/// assert_eq!(std::fs::read(&path).unwrap(), b"new");
/// ```
#[derive(Debug)]
pub struct WriteLock {
    path: PathBuf,
    _file: File,
}

impl WriteLock {
    /// Waits for the lock of `path` (creating `FILE.lock` if needed), then
    /// removes the temporaries that killed writers of `path` left behind.
    ///
    /// # Errors
    /// If the lock file cannot be opened or locked.
    pub fn acquire(path: &Path) -> std::io::Result<Self> {
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(lock_path(path))?;
        file.lock()?;
        remove_stale_temps(path);
        Ok(Self {
            path: path.to_path_buf(),
            _file: file,
        })
    }

    /// Replaces the locked file with `bytes`, atomically; the lock is then
    /// released.
    ///
    /// # Errors
    /// Any I/O error; the old file is then untouched.
    pub fn write(self, bytes: &[u8]) -> std::io::Result<()> {
        let mut tmp = temp_beside(&self.path, "")?;
        tmp.write_all(bytes)?;
        tmp.as_file().sync_all()?;
        persist(tmp, &self.path)
    }
}

/// `FILE.lock`, beside `FILE`.
fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// `.FILE.scamatlas-`: the start of the name of each temporary of `path`.
fn temp_prefix(path: &Path) -> OsString {
    let mut prefix = OsString::from(".");
    prefix.push(path.file_name().unwrap_or_default());
    prefix.push(TEMP_MARK);
    prefix
}

/// Removes the files named `.FILE.scamatlas-XXXXXX` beside `path`: the
/// temporaries of [`WriteLock::write`], left by a writer killed before its
/// rename. Only call it holding the lock. Failures are ignored: a stale
/// temporary wastes space but harms nothing.
fn remove_stale_temps(path: &Path) {
    let prefix = temp_prefix(path);
    let Some(prefix) = prefix.to_str() else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(folder_of(path)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let ours = name
            .to_str()
            .and_then(|n| n.strip_prefix(prefix))
            .is_some_and(|rest| {
                rest.len() == TEMP_RANDOM && rest.bytes().all(|b| b.is_ascii_alphanumeric())
            });
        if ours && entry.file_type().is_ok_and(|t| t.is_file()) {
            let stale = entry.path();
            match std::fs::remove_file(&stale) {
                Ok(()) => {
                    tracing::info!("removed {}, left by an interrupted write", stale.display())
                }
                Err(e) => tracing::debug!("cannot remove {}: {e}", stale.display()),
            }
        }
    }
}

/// A temporary file in the folder of `path`, named `.FILE.scamatlas-XXXXXX`
/// and then `suffix`, that will become `path`: with the permissions of the
/// file it replaces, or those of any new file (the umask applies), not the
/// private ones of a temporary file.
pub(crate) fn temp_beside(path: &Path, suffix: &str) -> std::io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    let prefix = temp_prefix(path);
    builder
        .prefix(&prefix)
        .rand_bytes(TEMP_RANDOM)
        .suffix(suffix);
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
    if let Ok(d) = File::open(folder_of(path)) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stale_temporary_of_ours_is_removed_by_the_next_write_and_no_other_file() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("e.geojson");
        let ours = dir.path().join(".e.geojson.scamatlas-AbC123");
        let others = [
            ".e.geojson.scamatlas-AbC123.gpkg",
            ".f.geojson.scamatlas-AbC123",
            ".e.geojson.scamatlas-AbC12",
            "e.geojson.scamatlas-AbC123",
        ];
        std::fs::write(&ours, "half").expect("write");
        for o in others {
            std::fs::write(dir.path().join(o), "keep").expect("write");
        }
        write_atomic(&path, b"new").expect("written");
        assert!(!ours.exists());
        for o in others {
            assert!(dir.path().join(o).exists(), "{o} was removed");
        }
        assert_eq!(std::fs::read(&path).expect("read"), b"new");
        assert!(dir.path().join("e.geojson.lock").exists());
    }

    #[test]
    fn temporaries_are_named_after_their_file() {
        let dir = tempfile::tempdir().expect("dir");
        let tmp = temp_beside(&dir.path().join("x.csv"), ".gpkg").expect("tmp");
        let name = tmp
            .path()
            .file_name()
            .and_then(|n| n.to_str())
            .expect("name");
        assert!(
            name.starts_with(".x.csv.scamatlas-") && name.ends_with(".gpkg"),
            "{name}"
        );
    }
}
