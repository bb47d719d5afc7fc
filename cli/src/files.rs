//! Reading inputs with clear errors, and writing outputs atomically.

use std::ffi::OsString;
use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use model_core::{parse_row_list, CarTable, Model};

use crate::out_file::{self, OutFile};

/// Largest file read as an input: a car table's limit (models are far smaller).
const MAX_INPUT_BYTES: u64 = model_core::MAX_TABLE_BYTES as u64;

/// Reads a whole file, refusing absurd sizes.
pub fn read(path: &Path) -> Result<Vec<u8>> {
    let size = fs::metadata(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .len();
    anyhow::ensure!(
        size <= MAX_INPUT_BYTES,
        "{} is {size} bytes, more than the {MAX_INPUT_BYTES}-byte limit",
        path.display()
    );
    fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Reads and validates a model file.
pub fn read_model(path: &Path) -> Result<Model> {
    parse_model(&read(path)?, &path.display().to_string())
}

/// Validates the bytes of a model file; `origin` names it in errors.
pub fn parse_model(bytes: &[u8], origin: &str) -> Result<Model> {
    Model::from_slice(bytes).with_context(|| format!("invalid model {origin}"))
}

/// Reads a car table whose fields are separated by `delimiter`.
pub fn read_table(path: &Path, delimiter: u8) -> Result<CarTable> {
    CarTable::from_csv_with(&read(path)?, delimiter)
        .with_context(|| format!("cannot use car table {}", path.display()))
}

/// Reads a row list (0-based indices, one per line).
pub fn read_rows(path: &Path) -> Result<Vec<usize>> {
    let bytes = read(path)?;
    let text = String::from_utf8_lossy(&bytes);
    parse_row_list(&text).with_context(|| format!("cannot use row list {}", path.display()))
}

/// Writes a file atomically through [`OutFile`]: a temporary file beside it, synced, then renamed
/// over the target, so readers see the old content or the new, never a half-written file; a
/// replaced file keeps its mode, a symbolic link is written through, a device or FIFO directly.
pub fn write_atomically(path: &Path, contents: &[u8]) -> Result<()> {
    OutFile::create(path)?.write_and_commit(contents)
}

/// Creates or replaces the directory `dir` with exactly `files` (name, contents), so that `dir` never
/// holds a mix of old and new files or a half-written one: the files are written and synced in a
/// temporary directory beside it, which is then renamed into place. An existing `dir` may only hold
/// files of the same names (a previous run's output); anything else is refused, never deleted.
pub fn replace_dir(dir: &Path, files: &[(&str, &[u8])]) -> Result<()> {
    let parent = out_file::parent(dir);
    let name = dir
        .file_name()
        .with_context(|| format!("{} is not a directory path", dir.display()))?;
    if dir.exists() {
        let entries = fs::read_dir(dir)
            .with_context(|| format!("cannot read directory {}", dir.display()))?;
        for entry in entries {
            let entry =
                entry.with_context(|| format!("cannot read directory {}", dir.display()))?;
            let known = files.iter().any(|(file, _)| entry.file_name() == *file);
            anyhow::ensure!(
                known,
                "{} holds {:?}, which this command did not write: choose a new or empty directory",
                dir.display(),
                entry.file_name()
            );
        }
    }
    let sibling = |suffix: &str| {
        let mut sibling = OsString::from(".");
        sibling.push(name);
        sibling.push(format!(".{}.{suffix}", std::process::id()));
        parent.join(sibling)
    };
    let (staging, retired) = (sibling("tmp"), sibling("old"));
    let result = (|| {
        fs::create_dir_all(&staging)?;
        for (file, contents) in files {
            let mut out = fs::File::create(staging.join(file))?;
            out.write_all(contents)?;
            out.sync_all()?;
        }
        if dir.exists() {
            fs::rename(dir, &retired)?;
        }
        fs::rename(&staging, dir)?;
        if retired.exists() {
            fs::remove_dir_all(&retired)?;
        }
        Ok::<(), std::io::Error>(())
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
        if !dir.exists() && retired.exists() {
            let _ = fs::rename(&retired, dir);
        }
    }
    result.with_context(|| format!("cannot write directory {}", dir.display()))
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    use std::process::Command;

    use super::*;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    fn names(dir: &Path) -> Vec<OsString> {
        let mut names: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn write_atomically_onto_a_fifo_replaced_it_with_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("model.json");
        assert!(Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || fs::read(fifo).unwrap())
        };
        write_atomically(&fifo, b"{}\n").unwrap();
        // Checked first: had the FIFO been replaced, its reader would wait forever.
        assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
        assert_eq!(reader.join().unwrap(), b"{}\n");
        assert_eq!(names(dir.path()), ["model.json"]);
    }

    #[test]
    fn write_atomically_through_a_symlink_replaced_the_link() {
        let dir = tempfile::tempdir().unwrap();
        let (target, link) = (dir.path().join("v2.json"), dir.path().join("model.json"));
        fs::write(&target, "old").unwrap();
        std::os::unix::fs::symlink("v2.json", &link).unwrap();
        write_atomically(&link, b"new").unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read(&target).unwrap(), b"new");
        assert_eq!(names(dir.path()), ["model.json", "v2.json"]);
    }

    #[test]
    fn write_atomically_through_a_dangling_symlink_creates_the_file_it_names() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("model.json");
        std::os::unix::fs::symlink("v3.json", &link).unwrap();
        write_atomically(&link, b"new").unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read(dir.path().join("v3.json")).unwrap(), b"new");

        let looped = dir.path().join("loop.json");
        std::os::unix::fs::symlink("loop.json", &looped).unwrap();
        let error = format!("{:#}", write_atomically(&looped, b"new").unwrap_err());
        assert!(
            error.starts_with(&format!("cannot write {}: ", looped.display())),
            "{error}"
        );
    }

    #[test]
    fn write_atomically_onto_a_folder_says_it_is_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        let error = format!("{:#}", write_atomically(dir.path(), b"new").unwrap_err());
        assert_eq!(
            error,
            format!(
                "cannot write {}: it is a folder; name a file to write",
                dir.path().display()
            )
        );
        let missing = dir.path().join("no-such-folder").join("model.json");
        let error = format!("{:#}", write_atomically(&missing, b"new").unwrap_err());
        assert_eq!(
            error,
            format!(
                "cannot write {}: there is no folder {}",
                missing.display(),
                missing.parent().unwrap().display()
            )
        );
    }

    #[test]
    fn an_output_under_a_file_said_there_is_no_folder() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("afile");
        fs::write(&file, "x").unwrap();
        let under = file.join("model.json");
        let error = format!("{:#}", write_atomically(&under, b"new").unwrap_err());
        assert_eq!(
            error,
            format!(
                "cannot write {}: {} is a file, not a folder",
                under.display(),
                file.display()
            )
        );
    }

    #[test]
    fn write_atomically_gave_a_new_file_mode_0600_and_a_replaced_file_lost_its_mode() {
        let dir = tempfile::tempdir().unwrap();
        // What the umask makes of a plain new file, whatever this process's umask is.
        let plain = dir.path().join("plain");
        fs::File::create(&plain).unwrap();
        let new = dir.path().join("new.json");
        write_atomically(&new, b"new").unwrap();
        assert_eq!(mode(&new), mode(&plain));

        let replaced = dir.path().join("replaced.json");
        fs::write(&replaced, "old").unwrap();
        fs::set_permissions(&replaced, fs::Permissions::from_mode(0o664)).unwrap();
        write_atomically(&replaced, b"new").unwrap();
        assert_eq!(mode(&replaced), 0o664);
        assert_eq!(fs::read(&replaced).unwrap(), b"new");
    }
}
