//! A child process's output with its peak resident memory, for the tests that bound memory
//! (issue #24): `ru_maxrss` of that one process, from `wait4`.

use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Output, Stdio};

/// Runs `cmd` to its end; its output and its peak resident memory in bytes. The wall-time
/// bound is the harness's (`.config/nextest.toml`).
// The child is reaped by `wait4` below, which `Child::wait` would do without the usage.
#[allow(clippy::zombie_processes)]
pub fn output_and_peak(mut cmd: Command) -> (Output, usize) {
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = r.read_to_end(&mut bytes);
            bytes
        })
    };
    let (out, err) = (drain(Box::new(child.stdout.take().unwrap())), drain(Box::new(child.stderr.take().unwrap())));
    let mut status = 0;
    // SAFETY: `rusage` is plain integers, for which all zeroes is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: the pid is this process's child, not reaped yet; both out-pointers are valid.
    let reaped = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(reaped, child.id() as libc::pid_t, "wait4: {}", std::io::Error::last_os_error());
    let output = Output { status: std::process::ExitStatus::from_raw(status), stdout: out.join().unwrap(), stderr: err.join().unwrap() };
    (output, usage.ru_maxrss as usize * 1024)
}
