//! The nesting budget of a TypeScript file, checked on the raw text before the (recursive)
//! parser runs: a file that could nest deeper than [`MAX_NESTING`] is a located error, never a
//! stack overflow, and never gigabytes of syntax tree.
//!
//! oxc's parser recurses once per bracket, and also once per link of a chain that has no
//! brackets at all: `a => a => …`, `c ? a : c ? a : …`, `a = a = …`, `new new …`,
//! `keyof keyof …`, `!!…`, `A extends B ? C : …`; left-deep chains (`a.b.c…`, `f()()…`,
//! `A[][]…`, `a + b + …`, `x as A as B …`) are lowered and compared recursively. So the scan
//! counts both: the brackets that are open, plus, in each open bracket, the operators of the
//! expression or type being written there. A `,` or `;`, or a line break between two complete
//! tokens (`a = 1⏎b = 2` without semicolons), ends that expression and its count. The count
//! is an upper bound on how deep oxc and the lowering can recurse (it over-counts left-deep
//! binary chains, which only matter for size); flat unions and intersections (`'a' | 'b' | …`,
//! often thousands long in generated declarations) are not counted. Strings and comments are
//! skipped; template literals nest (`${…}` is a bracket); an unclosed `<` (a comparison in an
//! implementation body) is dropped when its enclosing bracket closes or its statement ends.

/// Deepest nesting (open brackets plus the operators chained inside them) accepted in one file.
pub const MAX_NESTING: usize = 1000;

/// Prefix words: they chain (`new new X`, `keyof keyof T`, `if (a) if (b) …`); after a
/// complete operand and a line break they start a new statement.
const PREFIX_WORDS: &[&[u8]] = &[
    b"new",
    b"keyof",
    b"typeof",
    b"infer",
    b"readonly",
    b"unique",
    b"await",
    b"void",
    b"delete",
    b"yield",
    b"asserts",
    b"if",
    b"for",
    b"while",
    b"do",
    b"with",
];

/// Infix words: they continue the expression or statement before them (a left-deep `as` or
/// `in` chain, a conditional type, an `else if` chain), so they never start a new one.
const INFIX_WORDS: &[&[u8]] = &[b"as", b"satisfies", b"instanceof", b"in", b"extends", b"is", b"else", b"of"];

/// Words whose parenthesised head is followed by a statement body (`for (…) for (…) …`): the
/// closing `)` does not complete an operand.
const HEAD_WORDS: &[&[u8]] = &[b"if", b"for", b"while", b"with"];

/// An open bracket and the operators chained directly inside it.
struct Frame {
    open: u8,
    ops: usize,
    /// The parentheses of an `if`/`for`/`while`/`with` head.
    head: bool,
}

/// The scan's state: open frames, their total depth, and what the last token was.
struct Scan {
    frames: Vec<Frame>,
    depth: usize,
    /// The last token completes an operand (a name, a literal, a closing bracket): a line break
    /// after it followed by a name starts a new statement (no semicolons).
    complete: bool,
    newline: bool,
    /// The last token closed a `{` block: a name after it starts a new statement.
    after_brace: bool,
    /// The last token was a word of [`HEAD_WORDS`].
    head: bool,
}

impl Scan {
    fn top(&mut self) -> &mut Frame {
        if self.frames.is_empty() {
            self.frames.push(Frame { open: 0, ops: 0, head: false });
        }
        let last = self.frames.len() - 1;
        &mut self.frames[last]
    }

    fn op(&mut self) {
        self.top().ops += 1;
        self.depth += 1;
        self.complete = false;
    }

    fn open(&mut self, b: u8) {
        self.frames.push(Frame { open: b, ops: 0, head: b == b'(' && self.head });
        self.head = false;
        self.depth += 1;
        self.complete = false;
    }

    fn pop(&mut self) -> Option<Frame> {
        if self.frames.len() <= 1 {
            return None;
        }
        let f = self.frames.pop()?;
        self.depth -= f.ops + 1;
        Some(f)
    }

    /// Ends the expression of the innermost frame.
    fn reset(&mut self) {
        let f = self.top();
        let ops = std::mem::take(&mut f.ops);
        self.depth -= ops;
    }

    fn drop_comparisons(&mut self) {
        while self.frames.last().is_some_and(|f| f.open == b'<') {
            self.pop();
        }
    }

    fn close(&mut self, b: u8) {
        let open = match b {
            b'}' => b'{',
            b')' => b'(',
            _ => b'[',
        };
        self.drop_comparisons();
        let top = self.frames.last().map(|f| f.open);
        let mut head = false;
        if top == Some(open) || (b == b'}' && top == Some(b'$')) {
            head = self.pop().is_some_and(|f| f.head);
        }
        self.complete = !head;
        self.after_brace = b == b'}';
    }
}

/// The byte offset where the text first nests deeper than `limit`, if it does.
pub fn too_deep(text: &str, limit: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut s = Scan {
        frames: vec![Frame { open: 0, ops: 0, head: false }],
        depth: 0,
        complete: false,
        newline: false,
        after_brace: false,
        head: false,
    };
    let mut i = 0;
    while i < bytes.len() {
        let at = i;
        i = if s.frames.last().is_some_and(|f| f.open == b'`') { template(bytes, i, &mut s) } else { token(bytes, i, &mut s) };
        if s.depth > limit {
            return Some(at);
        }
    }
    None
}

/// Scans template text from `i` to its closing backtick or its next `${`.
fn template(bytes: &[u8], mut i: usize, s: &mut Scan) -> usize {
    while let Some(&c) = bytes.get(i) {
        match c {
            b'\\' => i += 2,
            b'`' => {
                s.pop();
                s.complete = true;
                return i + 1;
            }
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                s.open(b'$');
                return i + 2;
            }
            _ => i += 1,
        }
    }
    i
}

/// Scans one token (or a skipped run) from `i` and returns where the next starts.
fn token(bytes: &[u8], i: usize, s: &mut Scan) -> usize {
    let b = bytes[i];
    let next = bytes.get(i + 1).copied();
    if b == b'\n' {
        s.newline = true;
        return i + 1;
    }
    if b.is_ascii_whitespace() {
        return i + 1;
    }
    if b == b'/' && next == Some(b'/') {
        return bytes[i..].iter().position(|&c| c == b'\n').map_or(bytes.len(), |p| i + p);
    }
    if b == b'/' && next == Some(b'*') {
        let end = bytes[i + 2..].windows(2).position(|w| w == b"*/").map_or(bytes.len(), |p| i + 2 + p + 2);
        if bytes[i..end].contains(&b'\n') {
            s.newline = true;
        }
        return end;
    }
    let word = b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80;
    let (newline, after_brace) = (std::mem::take(&mut s.newline), std::mem::take(&mut s.after_brace));
    let head = std::mem::take(&mut s.head);
    if !word {
        s.head = head;
        return punct(bytes, i, s);
    }
    let len =
        bytes[i..].iter().position(|&c| !(c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80)).unwrap_or(bytes.len() - i);
    let w = &bytes[i..i + len];
    let infix = INFIX_WORDS.contains(&w);
    // A statement without a semicolon ends where a new one starts.
    if s.complete && (newline || after_brace) && !infix {
        s.reset();
    }
    if infix || PREFIX_WORDS.contains(&w) {
        s.op();
        s.head = HEAD_WORDS.contains(&w);
    } else {
        s.complete = true;
    }
    i + len
}

/// Scans a string, a bracket or an operator at `i`.
fn punct(bytes: &[u8], i: usize, s: &mut Scan) -> usize {
    let b = bytes[i];
    let next = bytes.get(i + 1).copied();
    match b {
        b'"' | b'\'' => {
            let mut j = i + 1;
            while let Some(&c) = bytes.get(j) {
                j += 1;
                if c == b'\\' {
                    j += 1;
                } else if c == b || c == b'\n' {
                    break;
                }
            }
            s.complete = true;
            return j.min(bytes.len());
        }
        b'`' => s.open(b'`'),
        b'{' => s.open(b),
        // Calls, indexes and array types chain as well as nest: `f()()`, `A[][]`.
        b'(' | b'[' => {
            s.op();
            s.open(b);
        }
        b'<' if next == Some(b'=') => s.op(),
        b'<' => s.open(b),
        b'>' if s.frames.last().is_some_and(|f| f.open == b'<') => {
            s.pop();
            s.complete = true;
        }
        b'}' | b')' | b']' => s.close(b),
        b',' => {
            s.reset();
            s.complete = false;
        }
        b';' => {
            s.drop_comparisons();
            s.reset();
            s.complete = false;
        }
        // `=>` is one arrow; `==`, `===`, `!=` and `!==` are one comparison.
        b'=' if next == Some(b'>') => {
            s.op();
            return i + 2;
        }
        b'=' | b'!' if next == Some(b'=') => {
            s.op();
            let end = if bytes.get(i + 2) == Some(&b'=') { i + 3 } else { i + 2 };
            return end;
        }
        // Flat unions and intersections; `||` and `&&` are binary chains.
        b'|' | b'&' if next != Some(b) => s.complete = false,
        b'#' | b'@' => s.complete = false,
        // `a!` (non-null) completes an operand as much as it chains.
        _ => s.op(),
    }
    i + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_brackets_and_skips_strings_comments_and_arrows() {
        assert_eq!(too_deep("type A = Array<Array<string>>;", 3), None);
        assert!(too_deep("type A = Array<Array<Array<Array<string>>>>;", 3).is_some());
        assert_eq!(too_deep("type A = '{{{{' // {{{{\n /* {{{{ */ ;", 2), None);
        assert_eq!(too_deep("type F = (a: string) => void; type G = (b: number) => void;", 4), None);
        assert_eq!(too_deep("function f() {\n if (a < b) {}\n if (a < b) {}\n if (a < b) {} }", 6), None);
        assert_eq!(too_deep("const a = b < c; const d = e < f; const g = h < i;", 3), None);
        assert!(too_deep(&"{a:".repeat(200_000), MAX_NESTING).is_some_and(|at| at < MAX_NESTING * 3));
    }

    #[test]
    fn chains_without_brackets_count() {
        let n = 5000;
        for shape in [
            format!("export const f = {}a;", "a => ".repeat(n)),
            format!("export const f = {}a;", "a =>\n".repeat(n)),
            format!("export type T = {}X;", "keyof ".repeat(n)),
            format!("export const x = {}c;", "a ? b : ".repeat(n)),
            format!("export const x = {}c;", "a\n? b\n: ".repeat(n)),
            format!("export const x = {}1;", "a = ".repeat(n)),
            format!("export const x = {}1;", "a <<= ".repeat(n)),
            format!("export const x = {}X;", "new ".repeat(n)),
            format!("export const x = {}X;", "new\n".repeat(n)),
            format!("export type T = {}D;", "A extends B ? C : ".repeat(n)),
            format!("export type T = A{};", ".B".repeat(n)),
            format!("export type T = A{};", "[]".repeat(n)),
            format!("export const x = f{};", "()".repeat(n)),
            format!("export const x = 1{};", "+1".repeat(n)),
            format!("export const x = {}a;", "!".repeat(n)),
            format!("export const x = {}a;", "- ".repeat(n)),
            format!("export const x = a{};", " as A".repeat(n)),
            format!("export type T = {}void;", "() => ".repeat(n)),
            format!("export const x = `{}`;", "${`".repeat(n)),
            format!("export const x = `${{{}a}}`;", "a => ".repeat(n)),
            format!("function f() {{ {}x; }}", "for (;;)\n".repeat(n)),
            format!("function f() {{ {}x; }}", "if (a)\n".repeat(n)),
            format!("function f() {{ if (a) {{}}{}", "\nelse if (a) {}".repeat(n)),
            format!("function f() {{ {}x; }}", "l:\n".repeat(n)),
        ] {
            assert!(too_deep(&shape, MAX_NESTING).is_some(), "{}", &shape[..60]);
        }
    }

    #[test]
    fn ordinary_files_stay_within_budget() {
        let n = 5000;
        for text in [
            format!("export type T = {}'z';", (0..n).map(|i| format!("'a{i}' | ")).collect::<String>()),
            format!("export type T = {}Z;", (0..n).map(|i| format!("A{i} & ")).collect::<String>()),
            format!("export interface I {{\n{}}}", (0..n).map(|i| format!("  a{i}?: string\n")).collect::<String>()),
            format!("export class C {{\n{}}}", (0..n).map(|i| format!("  a{i} = {i}\n")).collect::<String>()),
            format!("function f() {{\n{}}}", (0..n).map(|i| format!("  x = a.b.c(d) + {i}\n")).collect::<String>()),
            format!("export const o = {{ {} }};", (0..n).map(|i| format!("a{i}: x ? y : z => z, ")).collect::<String>()),
            format!("export enum E {{ {} }}", (0..n).map(|i| format!("A{i} = {i}, ")).collect::<String>()),
            (0..n).map(|i| format!("export declare function f{i}(a: keyof T): Promise<Array<T>>;\n")).collect::<String>(),
            (0..n).map(|i| format!("const a{i} = `x${{b}}y${{`z${{c}}`}}`\n")).collect::<String>(),
            format!("function f() {{\n{}}}", "  if (a < b) { x() } else if (c) {}\n  new Foo()\n  await g()\n".repeat(n)),
            format!("function f() {{\n{}}}", "  for (const a of b) {}\n  while (a) {}\n  do { x() } while (a)\n".repeat(n)),
        ] {
            assert_eq!(too_deep(&text, MAX_NESTING), None, "{}", &text[..80]);
        }
    }
}
