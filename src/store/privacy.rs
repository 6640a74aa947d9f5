//! Privacy: pseudonyms for exports and erasure of a person from the records (GDPR/CCPA).
//!
//! Records are create-only, so erasure cannot rewrite them. Instead an erasure is itself a
//! record (`records/erasures/<time>-<id>.json`), a tombstone holding only a salted hash of the
//! erased name or email, never the name itself. Every read path of the [`super::Archive`]
//! (entries, notes, acknowledgements, the audit log) applies the tombstones: a person field
//! whose full value, name part or email part hashes to an erased subject reads back as
//! [`ERASED`]. The salt is a per-store random value kept at [`SALT_KEY`], so hashes cannot be
//! compared across stores.

use crate::spec::bundle::sha256_hex;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// What an erased person field reads back as.
pub const ERASED: &str = "[erased]";

/// Where a store keeps its pseudonym salt.
pub const SALT_KEY: &str = "privacy/salt.json";

/// An erasure tombstone.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Erasure {
    /// Record id.
    pub id: String,
    /// When.
    pub time: String,
    /// Salted hash of the erased subject (see [`subject_hash`]).
    pub subject_hash: String,
    /// Who asked for the erasure (pseudonymised when it is the subject).
    pub actor: Option<String>,
}

/// The hash a subject (a name or an email) is matched by: case and surrounding space do not matter.
pub fn subject_hash(salt: &str, subject: &str) -> String {
    sha256_hex(format!("{salt}\0{}", subject.trim().to_lowercase()).as_bytes())
}

/// The parts a person field (`Jane Doe <jane@example.com>`, a name, or an email) can be
/// named by: the whole value, the name before `<`, the email inside `<...>`.
pub fn parts(person: &str) -> Vec<String> {
    let mut out = vec![person.trim().to_string()];
    if let (Some(open), Some(close)) = (person.find('<'), person.rfind('>'))
        && open < close
    {
        out.push(person[..open].trim().to_string());
        out.push(person[open + 1..close].trim().to_string());
    }
    out.retain(|p| !p.is_empty());
    out
}

/// The erased hashes a read path applies.
#[derive(Debug, Clone, Default)]
pub struct Tombstones {
    salt: String,
    hashes: BTreeSet<String>,
}

impl Tombstones {
    /// Tombstones for these erasures under this store's salt.
    pub fn new(salt: &str, erasures: &[Erasure]) -> Self {
        Tombstones { salt: salt.to_string(), hashes: erasures.iter().map(|e| e.subject_hash.clone()).collect() }
    }

    /// Whether nothing was erased.
    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }

    /// Whether a person field names an erased subject.
    pub fn erased(&self, person: &str) -> bool {
        !self.hashes.is_empty() && parts(person).iter().any(|p| self.hashes.contains(&subject_hash(&self.salt, p)))
    }

    /// Applies the tombstones to an optional person field.
    pub fn apply(&self, person: &mut Option<String>) {
        if person.as_deref().is_some_and(|p| self.erased(p)) {
            *person = Some(ERASED.to_string());
        }
    }
}

/// A stable pseudonym for a person field: the same person (by email when there is one, else
/// by name) always gets the same pseudonym in one store, and it cannot be reversed without
/// the store's salt.
pub fn pseudonym(salt: &str, person: &str) -> String {
    if person == ERASED {
        return person.to_string();
    }
    let ps = parts(person);
    let key = ps.last().map(String::as_str).unwrap_or(person).to_lowercase();
    let h = sha256_hex(format!("pseudonym\0{salt}\0{key}").as_bytes());
    format!("person-{}", &h[..12])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erasure_matches_name_email_or_whole() {
        let salt = "s";
        let t = Tombstones::new(
            salt,
            &[Erasure { id: "1".into(), time: "t".into(), subject_hash: subject_hash(salt, "JANE@example.com "), actor: None }],
        );
        assert!(t.erased("Jane Doe <jane@example.com>"));
        assert!(t.erased("jane@example.com"));
        assert!(!t.erased("John <john@example.com>"));
        let mut f = Some("Jane Doe <jane@example.com>".to_string());
        t.apply(&mut f);
        assert_eq!(f.as_deref(), Some(ERASED));
        // A different salt (another store) does not match.
        assert!(
            !Tombstones::new(
                "other",
                &[Erasure { id: "1".into(), time: "t".into(), subject_hash: subject_hash(salt, "jane@example.com"), actor: None }]
            )
            .erased("jane@example.com")
        );
    }

    #[test]
    fn pseudonyms_are_stable_and_salted() {
        assert_eq!(pseudonym("a", "Jane <jane@x.org>"), pseudonym("a", "J. Doe <JANE@x.org>"));
        assert_ne!(pseudonym("a", "Jane <jane@x.org>"), pseudonym("b", "Jane <jane@x.org>"));
        assert!(pseudonym("a", "Jane").starts_with("person-"));
        assert!(!pseudonym("a", "Jane <jane@x.org>").contains("jane"));
    }
}
