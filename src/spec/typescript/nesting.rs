//! The nesting budget of a TypeScript file, checked on the raw text before the (recursive)
//! parser runs: brackets nested deeper than [`MAX_NESTING`] are a located error, never a stack
//! overflow. Strings, template literals and comments are skipped; an unclosed `<` (a comparison
//! in an implementation body) is dropped when its enclosing bracket closes.

/// Deepest bracket nesting (`{`, `(`, `[`, `<`) accepted in one file.
pub const MAX_NESTING: usize = 1000;

/// The byte offset where the text first nests deeper than `limit`, if it does.
pub fn too_deep(text: &str, limit: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut stack: Vec<u8> = Vec::new();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while bytes.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len() && !(bytes.get(i) == Some(&b'*') && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 2;
                continue;
            }
            b'"' | b'\'' | b'`' => {
                i += 1;
                while let Some(&c) = bytes.get(i) {
                    i += 1;
                    if c == b'\\' {
                        i += 1;
                    } else if c == b || c == b'\n' && b != b'`' {
                        break;
                    }
                }
                continue;
            }
            b'{' | b'(' | b'[' | b'<' => {
                stack.push(b);
                if stack.len() > limit {
                    return Some(i);
                }
            }
            b'>' if i > 0 && bytes.get(i - 1) == Some(&b'=') => {}
            b'>' if stack.last() == Some(&b'<') => {
                stack.pop();
            }
            b'}' | b')' | b']' => {
                let open = match b {
                    b'}' => b'{',
                    b')' => b'(',
                    _ => b'[',
                };
                // Unclosed `<` (comparisons) end with their enclosing bracket.
                while stack.last() == Some(&b'<') {
                    stack.pop();
                }
                if stack.last() == Some(&open) {
                    stack.pop();
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_brackets_and_skips_strings_comments_and_arrows() {
        assert_eq!(too_deep("type A = Array<Array<string>>;", 2), None);
        assert_eq!(too_deep("type A = Array<Array<Array<string>>>;", 2), Some(26));
        assert_eq!(too_deep("type A = '{{{{' // {{{{\n /* {{{{ */ ;", 1), None);
        assert_eq!(too_deep("type F = (a: string) => void; type G = (b: number) => void;", 1), None);
        assert_eq!(too_deep("function f() { if (a < b) {} if (a < b) {} if (a < b) {} }", 3), None);
        assert_eq!(too_deep(&"{a:".repeat(200_000), MAX_NESTING), Some(MAX_NESTING * 3));
    }
}
