//! The one runner for work that recurses through input (loading, lowering, comparing,
//! rendering): a thread with a large stack, so that the explicit depth limits, not the
//! platform's default stack, are what bound it, and a caught panic that becomes an
//! [`Error::Internal`] naming what was being done instead of ending the process.

use crate::error::{Error, Result};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Stack of a deep-work thread: specs are graphs and loading and comparing recurse through
/// them, bounded by explicit depth limits well inside this.
pub const STACK_BYTES: usize = 256 * 1024 * 1024;

/// Runs `f` on a thread of its own with [`STACK_BYTES`] of stack and waits for it. `f` may
/// borrow from the caller. A panic in `f` is an [`Error::Internal`] naming `what`; when no
/// thread can be started, `f` runs on the caller's thread (still isolated).
pub fn run<T: Send, E: From<Error> + Send>(what: &str, f: impl FnOnce() -> Result<T, E> + Send) -> Result<T, E> {
    // The closure goes to whichever thread runs it: the worker, or this one when none starts.
    let slot = std::sync::Mutex::new(Some(f));
    let take = || slot.lock().ok().and_then(|mut f| f.take());
    std::thread::scope(|s| {
        let spawned =
            std::thread::Builder::new().name(format!("apidiff-{}", slug(what))).stack_size(STACK_BYTES).spawn_scoped(s, || match take() {
                Some(f) => isolate(what, f),
                None => Err(Error::Internal(format!("{what}: the work was taken twice")).into()),
            });
        match spawned {
            Ok(handle) => handle.join().unwrap_or_else(|p| Err(internal(what, p.as_ref()).into())),
            Err(_) => match take() {
                Some(f) => isolate(what, f),
                None => Err(Error::Internal(format!("{what}: the worker thread could not start")).into()),
            },
        }
    })
}

/// Runs `a` on this thread and `b` at the same time on a thread with [`STACK_BYTES`] of stack
/// (on this thread after `a` when none starts), and returns both results. A panic in either
/// goes on unwinding here, so the caller's [`run`] or [`isolate`] names it. The two halves of
/// a comparison (locating base and revision, for example) use both cores this way.
pub fn both<A: Send, B: Send>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B + Send) -> (A, B) {
    let slot = std::sync::Mutex::new(Some(b));
    let take = || slot.lock().ok().and_then(|mut f| f.take());
    std::thread::scope(|s| {
        let spawned =
            std::thread::Builder::new().name("apidiff-both".into()).stack_size(STACK_BYTES).spawn_scoped(s, || take().map(|f| f()));
        let first = a();
        let second = match spawned {
            Ok(handle) => handle.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
            Err(_) => None,
        };
        // The worker never started (or never got the work): run it here.
        let second = match second {
            Some(v) => v,
            None => match take() {
                Some(f) => f(),
                None => unreachable!("the second half ran nowhere"),
            },
        };
        (first, second)
    })
}

/// Runs `f` on this thread; a panic in it becomes an [`Error::Internal`] naming `what`, so one
/// bad input cannot stop work on the others.
pub fn isolate<T, E: From<Error>>(what: &str, f: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|p| Err(internal(what, p.as_ref()).into()))
}

fn internal(what: &str, payload: &(dyn std::any::Any + Send)) -> Error {
    let detail = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".into());
    Error::Internal(format!("{what} panicked: {detail}"))
}

/// A thread name part: letters and dashes only.
fn slug(what: &str) -> String {
    what.chars().take(24).map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_an_internal_error_naming_the_work() {
        let e = run("comparing a.yaml", || -> Result<()> { panic!("boom") }).unwrap_err();
        assert_eq!(e.kind(), crate::error::ErrorKind::Internal);
        let text = e.to_string();
        assert!(text.contains("comparing a.yaml panicked: boom") && text.contains("a bug in apidiff"), "{text}");
        let e = isolate("loading b", || -> Result<()> { panic!("{}", String::from("owned")) }).unwrap_err();
        assert!(e.to_string().contains("loading b panicked: owned"), "{e}");
    }

    #[test]
    fn deep_recursion_fits_and_borrows_work() {
        fn depth(n: u64) -> u64 {
            if n == 0 { 0 } else { 1 + depth(n - 1) }
        }
        let local = [1, 2, 3];
        assert_eq!(run("sum", || Ok::<_, Error>(local.iter().sum::<i32>())).unwrap(), 6);
        // Far deeper than the default 2 MiB (or 8 MiB main) stack allows.
        assert_eq!(run("recurse", || Ok::<_, Error>(depth(std::hint::black_box(200_000)))).unwrap(), 200_000);
    }
}
