//! How ids (entry, snapshot, deploy and commit ids) are shown to people: their first twelve
//! characters. Counted in characters, never bytes: an archived record is untrusted and may hold
//! any text.

/// The first 12 characters of an id.
pub fn short(id: &str) -> &str {
    id.char_indices().nth(12).map_or(id, |(i, _)| &id[..i])
}

#[cfg(test)]
mod tests {
    #[test]
    fn cuts_on_characters() {
        assert_eq!(super::short("0123456789abcdef"), "0123456789ab");
        assert_eq!(super::short("abc"), "abc");
        assert_eq!(super::short("ééééééééééééé"), "éééééééééééé");
    }
}
