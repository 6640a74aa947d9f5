//! The `apidiff` binary: parse arguments, run, map the result to an exit code.

use clap::Parser;
use std::process::ExitCode;

// Loading a large spec is allocation-bound; glibc's per-thread arenas grow with mprotect page by
// page, mimalloc does not (GitHub's REST pair: see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = apidiff::cli::Cli::parse();
    match apidiff::cli::run(cli) {
        Ok(code) => ExitCode::from(code as u8),
        Err(e) => {
            #[allow(clippy::print_stderr)]
            {
                // Error text may quote a spec or a server's answer: no terminal escapes.
                eprintln!("error: {}", apidiff::report::safe::terminal(&e.to_string()));
            }
            ExitCode::from(apidiff::cli::exit_code(&e) as u8)
        }
    }
}
