//! Files in transit: request bodies streamed to disk and pictures being made from them. The
//! file is removed when its guard is dropped, unless it was kept (moved into place).
use std::cell::RefCell;
use std::path::{Path, PathBuf};

pub struct TempFile {
    path: RefCell<Option<PathBuf>>,
    pub size: u64,
}

impl TempFile {
    pub fn new(path: PathBuf, size: u64) -> TempFile {
        TempFile {
            path: RefCell::new(Some(path)),
            size,
        }
    }

    /// Where the file is now (None once kept).
    pub fn path(&self) -> Option<PathBuf> {
        self.path.borrow().clone()
    }

    /// Hands the file over to a new guard (for a handler that only borrows the request).
    pub fn take(&self) -> Option<TempFile> {
        let path = self.path.borrow_mut().take()?;
        Some(TempFile::new(path, self.size))
    }

    /// Moves the file to `dest` (same file system) and keeps it.
    pub fn keep(&self, dest: &Path) -> std::io::Result<()> {
        let Some(from) = self.path.borrow().clone() else {
            return Err(std::io::Error::other("upload already kept"));
        };
        std::fs::rename(&from, dest)?;
        self.path.borrow_mut().take();
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(p) = self.path.borrow_mut().take() {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// The directory where bodies in transit are written.
pub fn incoming_dir(uploads: &Path) -> PathBuf {
    uploads.join(".incoming")
}

/// Removes what a crash left in the incoming directory: nothing there is complete, since a
/// file leaves it (renamed into place) only once fully written. Returns how many were removed.
pub fn sweep_incoming(uploads: &Path) -> std::io::Result<usize> {
    let rd = match std::fs::read_dir(incoming_dir(uploads)) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let mut removed = 0;
    for entry in rd {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            std::fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}
