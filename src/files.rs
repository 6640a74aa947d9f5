//! How apidiff writes files: every write goes through a temporary created exclusively (`O_EXCL`,
//! an unpredictable name) in the destination folder, synced, then renamed over the destination
//! ([`replace`]) or linked to a name that must not exist yet ([`create_new`]). Nothing already at
//! a name (a committed symbolic link, another process's file) is ever opened for writing, and a
//! reader never sees half a file. [`dirs_within`] creates folders under a base without following
//! any link on the way, and [`inside`] checks a path after resolving its links.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// A temporary in `dir` for the file `name`, created exclusively with a random name and the
/// permissions a plain write gets (0666 less the umask, not the temporary's usual 0600), so a
/// shared store or a written report stays readable as before.
fn temporary(dir: &Path, name: &str) -> std::io::Result<tempfile::NamedTempFile> {
    let prefix = format!(".{name}.");
    let mut b = tempfile::Builder::new();
    b.prefix(&prefix).suffix(".apidiff-tmp").rand_bytes(12);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o666));
    }
    b.tempfile_in(dir)
}

fn parts(dest: &Path) -> std::io::Result<(&Path, String)> {
    let dir = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "the path names no file"))?;
    Ok((dir, name))
}

fn written(dest: &Path, bytes: &[u8]) -> std::io::Result<tempfile::NamedTempFile> {
    let (dir, name) = parts(dest)?;
    let mut tmp = temporary(dir, &name)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    Ok(tmp)
}

/// Writes `bytes` to `dest`, replacing what is there: a link at `dest` is replaced by the file,
/// never written through. The folder must exist. On failure nothing is left behind. A device or
/// pipe at `dest` itself is refused, never renamed over (that would remove `/dev/null` for
/// everyone on the machine); a name the user gave on the command line goes through [`output`].
pub fn replace(dest: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if std::fs::symlink_metadata(dest).is_ok_and(|m| special(&m.file_type())) {
        return Err(refused(dest, "is a device or a pipe, not a file"));
    }
    let tmp = written(dest, bytes)?;
    tmp.persist(dest).map(|_| ()).map_err(|e| e.error)
}

/// Writes an output the user named on the command line (`--out FILE`): a character device, pipe or
/// socket there, directly or through links (`/dev/null`, `/dev/stdout`, a FIFO), is opened and
/// written in place, as a shell redirection would; anything else is [`replace`]d. Only for names
/// from flags: a name read from a repository's files goes through [`replace`], which never writes
/// through a link.
pub fn output(dest: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if std::fs::metadata(dest).is_ok_and(|m| special(&m.file_type()) && !block(&m.file_type())) {
        let mut f = std::fs::OpenOptions::new().write(true).open(dest)?;
        f.write_all(bytes)?;
        return f.flush();
    }
    replace(dest, bytes)
}

/// A device, pipe or socket: not a file to replace.
fn special(t: &std::fs::FileType) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        t.is_char_device() || t.is_block_device() || t.is_fifo() || t.is_socket()
    }
    #[cfg(not(unix))]
    {
        !t.is_file() && !t.is_dir() && !t.is_symlink()
    }
}

/// A block device (a disk): never written, even when named.
fn block(t: &std::fs::FileType) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        t.is_block_device()
    }
    #[cfg(not(unix))]
    {
        let _ = t;
        false
    }
}

/// Writes `bytes` to `dest` only when nothing (not even a link) is at that name: `Ok(false)` when
/// something is. The folder must exist. On failure nothing is left behind.
pub fn create_new(dest: &Path, bytes: &[u8]) -> std::io::Result<bool> {
    if std::fs::symlink_metadata(dest).is_ok() {
        return Ok(false);
    }
    let tmp = written(dest, bytes)?;
    match tmp.persist_noclobber(dest) {
        Ok(_) => Ok(true),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e.error),
    }
}

/// Creates the folders of the relative path `rel` under `base`, one at a time, refusing any
/// part that is a link or not a folder (so nothing is ever created through a link), and returns
/// the full path. `rel` must be relative and plain (no `..`).
pub fn dirs_within(base: &Path, rel: &Path) -> std::io::Result<PathBuf> {
    let mut at = base.to_path_buf();
    for c in rel.components() {
        let Component::Normal(part) = c else {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("{} is not a plain relative path", rel.display())));
        };
        at.push(part);
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => return Err(refused(&at, "is a symbolic link")),
            Ok(m) if !m.is_dir() => return Err(refused(&at, "is not a folder")),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => match std::fs::create_dir(&at) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && at.is_dir() && !at.is_symlink() => {}
                Err(e) => return Err(e),
            },
            Err(e) => return Err(e),
        }
    }
    Ok(at)
}

/// Whether `path` (its links resolved) lies inside `real_base` (a canonical path); `Ok` with the
/// real path when it does. A path that does not exist is an error.
pub fn inside(real_base: &Path, path: &Path) -> std::io::Result<PathBuf> {
    let real = std::fs::canonicalize(path)?;
    if real.starts_with(real_base) {
        Ok(real)
    } else {
        Err(refused(path, &format!("resolves to {}, outside {}", real.display(), real_base.display())))
    }
}

fn refused(path: &Path, why: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::PermissionDenied, format!("{} {why}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replace_and_create_new_leave_no_temporary() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("a.txt");
        replace(&f, b"one").unwrap();
        replace(&f, b"two").unwrap();
        assert_eq!(std::fs::read(&f).unwrap(), b"two");
        assert!(!create_new(&f, b"three").unwrap());
        assert!(create_new(&d.path().join("b.txt"), b"b").unwrap());
        assert_eq!(std::fs::read(&f).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 2);
    }

    #[cfg(unix)]
    #[test]
    fn written_files_get_the_permissions_of_a_plain_write() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("plain"), b"x").unwrap();
        replace(&d.path().join("a"), b"x").unwrap();
        create_new(&d.path().join("b"), b"x").unwrap();
        let mode = |n: &str| std::fs::metadata(d.path().join(n)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode("a"), mode("plain"));
        assert_eq!(mode("b"), mode("plain"));
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_pipes_are_written_in_place_by_output_and_never_renamed_over() {
        use std::os::unix::fs::FileTypeExt;
        output(Path::new("/dev/null"), b"report").unwrap();
        assert!(std::fs::symlink_metadata("/dev/null").unwrap().file_type().is_char_device());
        let e = replace(Path::new("/dev/null"), b"x").unwrap_err();
        assert!(e.to_string().contains("device or a pipe"), "{e}");
        assert!(std::fs::symlink_metadata("/dev/null").unwrap().file_type().is_char_device());
        let d = tempfile::tempdir().unwrap();
        let fifo = d.path().join("fifo");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).unwrap())
        };
        std::os::unix::fs::symlink(&fifo, d.path().join("out")).unwrap();
        output(&d.path().join("out"), b"through the pipe").unwrap();
        assert_eq!(reader.join().unwrap(), b"through the pipe");
        assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
        output(&d.path().join("plain"), b"file").unwrap();
        assert_eq!(std::fs::read(d.path().join("plain")).unwrap(), b"file");
    }

    #[cfg(unix)]
    #[test]
    fn links_are_replaced_or_refused_never_written_through() {
        let d = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let victim = outside.path().join("victim");
        std::fs::write(&victim, "keep").unwrap();
        std::os::unix::fs::symlink(&victim, d.path().join("out.json")).unwrap();
        assert!(!create_new(&d.path().join("out.json"), b"x").unwrap());
        replace(&d.path().join("out.json"), b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
        assert!(!d.path().join("out.json").is_symlink());
        std::os::unix::fs::symlink(outside.path(), d.path().join("records")).unwrap();
        let e = dirs_within(d.path(), Path::new("records/entries")).unwrap_err();
        assert!(e.to_string().contains("symbolic link"), "{e}");
        assert!(!outside.path().join("entries").exists());
        let real = std::fs::canonicalize(d.path()).unwrap();
        assert!(inside(&real, &d.path().join("records")).is_err());
        assert!(dirs_within(d.path(), Path::new("x/y")).is_ok());
        assert!(inside(&real, &d.path().join("x/y")).is_ok());
    }
}
