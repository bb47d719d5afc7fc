//! Outputs' temporary files removed when a signal ends the run (Ctrl-C, `kill`, a closed
//! terminal) before they are renamed into place, so that no stray `.OUT.xxxx.tmp` is left beside
//! an output; the old file is kept, and the command exits with 128 + the signal's number, as a
//! shell reports a command a signal ended.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

/// The temporary files being written.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// A temporary file removed if a signal ends the run while this lives.
pub struct Pending(PathBuf);

impl Pending {
    /// Registers `path` (and, the first time, the thread that waits for the signals).
    pub fn new(path: &Path) -> Pending {
        static WATCHER: Once = Once::new();
        WATCHER.call_once(|| {
            // Without the signals (an unusual sandbox), the default (end at once) stays.
            if let Ok(mut signals) = Signals::new([SIGINT, SIGTERM, SIGHUP]) {
                std::thread::spawn(move || {
                    if let Some(signal) = signals.forever().next() {
                        let pending = PENDING.lock().map(|p| p.clone()).unwrap_or_default();
                        for path in pending {
                            let _ = std::fs::remove_file(path);
                        }
                        std::process::exit(128 + signal);
                    }
                });
            }
        });
        if let Ok(mut pending) = PENDING.lock() {
            pending.push(path.to_path_buf());
        }
        Pending(path.to_path_buf())
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Ok(mut pending) = PENDING.lock() {
            pending.retain(|p| p != &self.0);
        }
    }
}
