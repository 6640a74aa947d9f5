//! Typed errors of the library; `cli` maps every variant to exit code 2 in one place.

use std::fmt;

/// A problem tied to a place in an input file: the file, and the line and column where known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// Display name of the file (as the user gave it, or `<git-ref>:<path>`).
    pub file: String,
    /// 1-based line, when the problem has a position.
    pub line: Option<u32>,
    /// 1-based column, when the problem has a position.
    pub column: Option<u32>,
    /// What is wrong, phrased as what was expected.
    pub message: String,
}

impl Located {
    /// A located problem.
    pub fn new(file: impl Into<String>, line: Option<u32>, column: Option<u32>, message: impl Into<String>) -> Self {
        Located { file: file.into(), line, column, message: message.into() }
    }

    /// A problem that concerns a whole file.
    pub fn file(file: impl Into<String>, message: impl Into<String>) -> Self {
        Located::new(file, None, None, message)
    }
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        // One line, always: CI logs and editors parse `file:line:col: message`.
        write!(f, ": {}", self.message.replace('\n', " "))
    }
}

/// What kind of failure an [`Error`] is: the one vocabulary the edges map to an exit code
/// (`cli::exit_code`) and to an HTTP status (`server::status`), each in one `match`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// An input (spec, config, ignore file, archived record, live answer) could not be read or
    /// understood; the error names the file and, where known, the line.
    BadInput,
    /// The request does not make sense (arguments, flags, a malformed query).
    Usage,
    /// What was asked for does not exist (an entry, a module, a deploy).
    NotFound,
    /// What was asked for conflicts with what exists (an ambiguous id, a concurrent writer).
    Conflict,
    /// No valid credentials.
    Unauthorised,
    /// Valid credentials without the right to do this.
    Forbidden,
    /// Something apidiff depends on could not be reached or used (a store, a live source).
    Unavailable,
    /// A bug in apidiff (a caught panic): never the user's fault.
    Internal,
}

impl ErrorKind {
    /// Every kind, for tests of the mappings.
    pub const ALL: [ErrorKind; 8] = [
        ErrorKind::BadInput,
        ErrorKind::Usage,
        ErrorKind::NotFound,
        ErrorKind::Conflict,
        ErrorKind::Unauthorised,
        ErrorKind::Forbidden,
        ErrorKind::Unavailable,
        ErrorKind::Internal,
    ];

    /// Lowercase name (`bad-input`, ...), as in JSON error bodies.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::BadInput => "bad-input",
            ErrorKind::Usage => "usage",
            ErrorKind::NotFound => "not-found",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Unauthorised => "unauthorised",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::Unavailable => "unavailable",
            ErrorKind::Internal => "internal",
        }
    }
}

/// Where to report a bug (named by every internal error).
pub const BUG_REPORTS: &str = "https://github.com/apidiff/apidiff/issues";

/// Every way the library can fail.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input (spec, config, ignore file, archived record) could not be read or understood.
    #[error("{0}")]
    Input(Located),
    /// The arguments do not make sense together.
    #[error("{0}")]
    Usage(String),
    /// What was asked for does not exist.
    #[error("{0}")]
    NotFound(String),
    /// What was asked for conflicts with what exists (an ambiguous id, another writer).
    #[error("{0}")]
    Conflict(String),
    /// No valid credentials.
    #[error("{0}")]
    Unauthorised(String),
    /// Valid credentials without the right to do this.
    #[error("{0}")]
    Forbidden(String),
    /// A store or another service could not be reached or used.
    #[error("{0}")]
    Unavailable(String),
    /// A bug: a caught panic. The message says what was being done.
    #[error("internal error (a bug in apidiff, please report it at {BUG_REPORTS} with the command and input): {0}")]
    Internal(String),
}

impl Error {
    /// The kind of failure, which decides the exit code and the HTTP status.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Input(_) => ErrorKind::BadInput,
            Error::Usage(_) => ErrorKind::Usage,
            Error::NotFound(_) => ErrorKind::NotFound,
            Error::Conflict(_) => ErrorKind::Conflict,
            Error::Unauthorised(_) => ErrorKind::Unauthorised,
            Error::Forbidden(_) => ErrorKind::Forbidden,
            Error::Unavailable(_) => ErrorKind::Unavailable,
            Error::Internal(_) => ErrorKind::Internal,
        }
    }

    /// A store that could not be read or written (an [`ErrorKind::Unavailable`] error whose
    /// message starts with `store: `).
    pub fn store(message: impl std::fmt::Display) -> Error {
        Error::Unavailable(format!("store: {message}"))
    }
}

impl From<Located> for Error {
    fn from(l: Located) -> Self {
        Error::Input(l)
    }
}

/// Library result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
