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

/// Every way the library can fail.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input (spec, config, ignore file) could not be read or understood.
    #[error("{0}")]
    Input(Located),
    /// The arguments do not make sense together.
    #[error("{0}")]
    Usage(String),
    /// A store could not be read or written.
    #[error("store: {0}")]
    Store(String),
}

impl From<Located> for Error {
    fn from(l: Located) -> Self {
        Error::Input(l)
    }
}

/// Library result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
