//! Output files (`--out`, a trained model, a staged site's files) written without ever harming
//! what was at the path: a regular file is replaced atomically and keeps its mode, a symbolic
//! link is written through (the link stays), and a device or FIFO (`/dev/null`, `>(…)`) is
//! written directly instead of being replaced by a regular file.

use std::fs::{self, File, OpenOptions, Permissions};
use std::io::ErrorKind;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use tempfile::{Builder, NamedTempFile};

use crate::interrupt::Pending;

/// The mode asked for a new file, before the umask: what `File::create` and a shell's `>` ask.
const NEW_FILE_MODE: u32 = 0o666;

/// An output being written: [`OutFile::as_file`] to write it, [`OutFile::commit`] when complete.
/// Dropped without a commit, a replacement is deleted and the old file is left as it was.
pub struct OutFile {
    sink: Sink,
    /// The path as given, for messages.
    path: PathBuf,
    /// A replacement's temporary file, removed if a signal ends the run first.
    pending: Option<Pending>,
}

enum Sink {
    /// A temporary file beside the target, renamed over it when complete: readers see the old
    /// content or the new, never a half-written file.
    Replace {
        temporary: NamedTempFile,
        target: PathBuf,
    },
    /// A device, FIFO or socket, opened and written in place: there is nothing to replace.
    Direct(File),
}

/// What is at an output's path, symbolic links followed.
enum Target {
    /// Nothing yet: a new file, with the usual mode (`0666` less the umask).
    New(PathBuf),
    /// A regular file, replaced by one with the same permissions.
    Regular(PathBuf, Permissions),
    /// Anything else a file can be opened on (character or block device, FIFO, socket).
    Special(PathBuf),
}

impl OutFile {
    /// Prepares to write `path`. Errors name `path` and say what is wrong: a folder, a missing
    /// parent folder, a symbolic link loop, no permission.
    pub fn create(path: &Path) -> Result<OutFile> {
        let cannot = || format!("cannot write {}", path.display());
        let sink = match resolve(path, path)? {
            Target::Special(device) => Sink::Direct(
                OpenOptions::new()
                    .write(true)
                    .open(device)
                    .with_context(cannot)?,
            ),
            Target::New(target) => Sink::Replace {
                temporary: temporary_beside(&target, Permissions::from_mode(NEW_FILE_MODE))
                    .with_context(cannot)?,
                target,
            },
            Target::Regular(target, permissions) => {
                // The temporary file is created private, then given the old file's mode, which
                // the umask must not narrow.
                let temporary = temporary_beside(&target, Permissions::from_mode(0o600))
                    .and_then(|t| t.as_file().set_permissions(permissions).map(|()| t))
                    .with_context(cannot)?;
                Sink::Replace { temporary, target }
            }
        };
        let pending = match &sink {
            Sink::Replace { temporary, .. } => Some(Pending::new(temporary.path())),
            Sink::Direct(_) => None,
        };
        Ok(OutFile {
            sink,
            path: path.to_path_buf(),
            pending,
        })
    }

    /// Says whether `path` can be written, as [`OutFile::create`] would (a folder, a missing
    /// parent folder, a symbolic link loop are refused), without creating anything: for a
    /// command that works a while before it writes.
    pub fn check(path: &Path) -> Result<()> {
        resolve(path, path).map(drop)
    }

    /// The file to write the output to.
    pub fn as_file(&self) -> &File {
        match &self.sink {
            Sink::Replace { temporary, .. } => temporary.as_file(),
            Sink::Direct(file) => file,
        }
    }

    /// Writes `contents` (all of it, or the error names the output), not yet completed.
    pub fn write(&self, contents: &[u8]) -> Result<()> {
        use std::io::Write as _;
        self.as_file()
            .write_all(contents)
            .with_context(|| format!("cannot write {}", self.path.display()))
    }

    /// Writes `contents` as the whole output and completes it ([`OutFile::commit`]).
    pub fn write_and_commit(self, contents: &[u8]) -> Result<()> {
        self.write(contents)?;
        self.commit()
    }

    /// Completes the output: a replacement is synced to disk and renamed over the target.
    /// Written data must be flushed first (a `BufWriter` over [`OutFile::as_file`]).
    pub fn commit(self) -> Result<()> {
        let OutFile {
            sink,
            path,
            pending,
        } = self;
        let committed = match sink {
            Sink::Replace { temporary, target } => temporary
                .as_file()
                .sync_all()
                .and_then(|()| temporary.persist(&target).map(drop).map_err(|e| e.error)),
            Sink::Direct(_) => Ok(()),
        };
        // Renamed (or removed on failure): nothing for a signal to clean up.
        drop(pending);
        committed.with_context(|| format!("cannot write {}", path.display()))
    }
}

/// Finds what `path` (given by the user as `original`) leads to. A symbolic link is followed to
/// its file; a dangling one to the path it names, which is then created (as a shell's `>` does).
fn resolve(path: &Path, original: &Path) -> Result<Target> {
    let metadata = match fs::symlink_metadata(path) {
        Ok(metadata) => metadata,
        // Not there, or under something that is not a folder: the parent says which.
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => {
            anyhow::ensure!(
                path.file_name().is_some(),
                "cannot write {}: it is not a file path",
                original.display()
            );
            let dir = parent(path);
            anyhow::ensure!(
                dir.is_dir(),
                "cannot write {}: {}",
                original.display(),
                if dir.exists() {
                    format!("{} is a file, not a folder", dir.display())
                } else {
                    format!("there is no folder {}", dir.display())
                }
            );
            return Ok(Target::New(path.to_path_buf()));
        }
        Err(e) => return Err(e).with_context(|| format!("cannot write {}", original.display())),
    };
    let kind = metadata.file_type();
    if kind.is_symlink() {
        return match fs::canonicalize(path) {
            Ok(real) => resolve(&real, original),
            // Dangling (the file it names does not exist): follow it one step. A loop is
            // `canonicalize`'s "too many levels of symbolic links", so the steps end.
            Err(e) if e.kind() == ErrorKind::NotFound => {
                let link = fs::read_link(path)
                    .with_context(|| format!("cannot write {}", original.display()))?;
                resolve(&parent(path).join(link), original)
            }
            Err(e) => Err(e).with_context(|| format!("cannot write {}", original.display())),
        };
    }
    if kind.is_dir() {
        bail!(
            "cannot write {}: it is a folder; name a file to write",
            original.display()
        );
    }
    Ok(if kind.is_file() {
        Target::Regular(path.to_path_buf(), metadata.permissions())
    } else {
        Target::Special(path.to_path_buf())
    })
}

/// A hidden temporary file in `target`'s folder (a rename stays on one file system) whose name
/// says whose it is, created with `permissions` less the umask.
fn temporary_beside(target: &Path, permissions: Permissions) -> std::io::Result<NamedTempFile> {
    let mut prefix = std::ffi::OsString::from(".");
    if let Some(name) = target.file_name() {
        prefix.push(name);
    }
    prefix.push(".");
    Builder::new()
        .prefix(&prefix)
        .suffix(".tmp")
        .permissions(permissions)
        .tempfile_in(parent(target))
}

/// The folder holding `path` (`.` for a bare file name).
pub fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}
