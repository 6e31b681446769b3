//! Request bodies that are files: streamed to a temporary file under the upload directory as
//! they arrive, never held in memory, bounded by `maxUploadSize`. The file is removed when the
//! request ends unless the handler kept it.
use std::cell::RefCell;
use std::path::{Path, PathBuf};

pub struct Upload {
    path: RefCell<Option<PathBuf>>,
    pub size: u64,
}

impl Upload {
    pub fn new(path: PathBuf, size: u64) -> Upload {
        Upload {
            path: RefCell::new(Some(path)),
            size,
        }
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

impl Drop for Upload {
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
