//! A bounded, deterministic fuzz test per loader (issue 13): real fixtures mutated by a seeded
//! generator (truncations, duplicated and deleted slices, junk bytes, format tokens, deep
//! nesting), each loaded and, when it loads, compared with its seed. Every case must end with a
//! value or a typed error: a panic fails the test and names the case. No new crate: the
//! mutations are a few lines, and the same seeds give the same cases on every run. The wall-time
//! bound is the harness's (`.config/nextest.toml`).

use apidiff::diff::{self, Options};
use apidiff::source::Input;
use apidiff::spec::{self, LoadOptions, Spec};
use std::path::{Path, PathBuf};

/// Cases per loader: enough to reach every loader's error paths, small enough for a debug build.
/// `APIDIFF_FUZZ_CASES=N` runs more (a longer local session); `APIDIFF_FUZZ_SALT=N` other cases.
const CASES: usize = 600;

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// xorshift64*: a tiny deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
}

/// Characters that matter to some grammar.
const JUNK: &[&str] = &[
    "{", "}", "[", "]", "<", ">", "(", ")", ":", ",", ";", "\"", "'", "\n", "\t", " ", "-", "#", "&", "*", "!", "|", "?", "=", "@", "$",
    "\\", "/", ".", "0", "1e999", "-0", "\u{feff}", "é", "\u{2028}", "~1",
];

/// Tokens of the formats under test.
const TOKENS: &[&str] = &[
    "$ref: '#/components/schemas/A'\n",
    "\"$ref\": \"#/definitions/X\",",
    "$ref: '#'\n",
    "allOf: [{$ref: '#'}]\n",
    "oneOf:\n",
    "type: object\n",
    "required: [a]\n",
    "properties: {a: {type: string}}\n",
    "enum: [a, b]\n",
    "&a [*a, *a]\n",
    "!!binary AAAA\n",
    "<<: *a\n",
    "message M { M m = 1; }\n",
    "import \"google/protobuf/any.proto\";\n",
    "import \"../x.proto\";\n",
    "option (x) = { a: { b: 1 } };\n",
    "extend M { int32 e = 99; }\n",
    "oneof o { int32 q = 7; }\n",
    "type Q { a(x: Int = 1): [String!]! @deprecated }\n",
    "union U = A | B\n",
    "interface I implements J { i: I }\n",
    "directive @d(a: Int) repeatable on FIELD\n",
    "extend type Query { z: Int }\n",
    "export declare function f<T extends keyof U>(a?: T): Promise<T>;\n",
    "export type A = B extends infer C ? C : never;\n",
    "declare namespace N { export const x: number; }\n",
    "export interface I { [k: string]: I }\n",
    "export default class C<T = {}> { private constructor(); }\n",
];

/// Links of chains that nest without brackets (issue 24's hostile shapes and their relatives).
const CHAINS: &[&str] = &[
    "a => ",
    "a =>\n",
    "keyof ",
    "a ? b : ",
    "a = ",
    "new ",
    "A extends B ? C : ",
    "() => ",
    "!",
    ".b",
    "[]",
    "if (a)\n",
    "${`",
    "$ref: '#/components/schemas/A'\n",
    "- ",
    "@d ",
    "!",
    "[",
    "message M { ",
];

fn mutate(seed: &str, rng: &mut Rng) -> String {
    let mut s = seed.to_string();
    for _ in 0..1 + rng.below(3) {
        let at = floor(&s, rng.below(s.len() + 1));
        match rng.below(8) {
            0 => s.truncate(at),
            1 => {
                let end = floor(&s, at + rng.below(200));
                let slice = s[at..end].to_string();
                s.insert_str(end, &slice);
            }
            2 => {
                let end = floor(&s, at + rng.below(120));
                s.replace_range(at..end, "");
            }
            3 | 4 => s.insert_str(at, JUNK[rng.below(JUNK.len())]),
            5 => s.insert_str(at, TOKENS[rng.below(TOKENS.len())]),
            6 if rng.below(2) == 0 => {
                // Deep nesting of whatever bracket the grammar uses.
                let (open, close) = [("[", "]"), ("{", "}"), ("{a:", "}"), ("(", ")"), ("Array<", ">"), ("{ a: ", " }")][rng.below(6)];
                let n = 1 + rng.below(3000);
                let deep = format!("{}{}", open.repeat(n), close.repeat(n));
                s.insert_str(at, &deep);
            }
            6 => {
                // Chains that nest without brackets (issue 24): the parser recurses once per link.
                let link = CHAINS[rng.below(CHAINS.len())];
                let n = 1 + rng.below(20_000);
                s.insert_str(at, &link.repeat(n));
            }
            _ => {
                // Swap two lines.
                let mut lines: Vec<&str> = s.lines().collect();
                if lines.len() > 1 {
                    let (i, j) = (rng.below(lines.len()), rng.below(lines.len()));
                    lines.swap(i, j);
                }
                s = lines.join("\n");
            }
        }
    }
    s
}

/// The largest char boundary of `s` at or below `i`.
fn floor(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The base files of a format's fixtures whose name ends with one of `exts` and whose text
/// passes `keep`.
fn seeds(format: &str, exts: &[&str], keep: impl Fn(&str) -> bool) -> Vec<(PathBuf, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(format);
    let mut out = Vec::new();
    let mut cases: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    cases.sort();
    for case in cases {
        let Ok(files) = std::fs::read_dir(&case) else { continue };
        for f in files.map(|e| e.unwrap().path()) {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with("base.") && exts.iter().any(|e| name.ends_with(e)) {
                let text = std::fs::read_to_string(&f).unwrap();
                if keep(&text) {
                    out.push((f, text));
                }
            }
        }
    }
    assert!(!out.is_empty(), "no seeds for {format} {exts:?}");
    out
}

fn load(name: &str, text: &str, dir: &Path) -> apidiff::Result<Spec> {
    let input = Input::from_text(name, text.as_bytes().to_vec(), dir)?;
    spec::load(&input, &LoadOptions::default())
}

/// Runs [`CASES`] (or `APIDIFF_FUZZ_CASES`) mutations of the seeds through the loader (and the comparison, when the case
/// loads), on a thread with the CLI's stack, and names the first case that panics.
fn fuzz(label: &str, seeds: Vec<(PathBuf, String)>, salt: u64) {
    let label = label.to_string();
    let worker = std::thread::Builder::new().stack_size(apidiff::deep::STACK_BYTES).spawn(move || {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ salt ^ setting("APIDIFF_FUZZ_SALT", 0).wrapping_mul(0x1000_0000_01B3));
        let (mut ok, mut refused) = (0, 0);
        for case in 0..setting("APIDIFF_FUZZ_CASES", CASES as u64) {
            let (path, seed) = &seeds[rng.below(seeds.len())];
            let text = mutate(seed, &mut rng);
            let dir = path.parent().unwrap();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let loaded = load(&name, &text, dir);
                if let (Ok(base), Ok(rev)) = (load(&name, seed, dir), &loaded) {
                    // Comparing may refuse (another format), never panic.
                    let _ = diff::compare(&base, rev, &Options::default());
                }
                loaded.is_ok()
            }));
            match run {
                Ok(true) => ok += 1,
                Ok(false) => refused += 1,
                Err(_) => {
                    let keep = std::env::temp_dir().join(format!("apidiff-fuzz-{label}-{case}-{name}"));
                    let _ = std::fs::write(&keep, &text);
                    panic!("{label}: case {case} (a mutation of {}) panicked; input kept at {}", path.display(), keep.display());
                }
            }
        }
        (ok, refused)
    });
    let (ok, refused) = worker.unwrap().join().unwrap();
    // Both outcomes occur: the mutations neither all break nor all miss the parser.
    assert!(ok > 0 && refused > 0, "{ok} loaded, {refused} refused");
}

#[test]
fn openapi_yaml() {
    fuzz("openapi-yaml", seeds("openapi", &[".yaml", ".yml"], |t| t.contains("openapi:")), 1);
}

#[test]
fn openapi_json() {
    fuzz("openapi-json", seeds("openapi", &[".json"], |t| t.contains("\"openapi\"")), 2);
}

#[test]
fn swagger() {
    fuzz("swagger", seeds("openapi", &[".yaml", ".yml", ".json"], |t| t.contains("swagger")), 3);
}

#[test]
fn asyncapi() {
    fuzz("asyncapi", seeds("asyncapi", &[".yaml", ".yml", ".json"], |_| true), 4);
}

#[test]
fn graphql_sdl() {
    fuzz("graphql", seeds("graphql", &[".graphql", ".gql", ".graphqls"], |_| true), 5);
}

#[test]
fn typescript_declarations() {
    fuzz("typescript", seeds("typescript", &[".d.ts", ".ts"], |_| true), 6);
}

#[test]
fn protobuf() {
    fuzz("protobuf", seeds("protobuf", &[".proto"], |_| true), 7);
}

/// The issue-24 shapes at full size in the TypeScript loader: each chain link repeated 400,000
/// times in an exported initialiser or type ends with a located error (it used to overflow the
/// stack, exit 134).
#[test]
fn typescript_hostile_chains_at_full_size() {
    let worker = std::thread::Builder::new().stack_size(2 * 1024 * 1024).spawn(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        for link in CHAINS.iter().take(13) {
            for (name, text) in [
                ("hostile.ts", format!("export const x = {}a;\n", link.repeat(400_000))),
                ("hostile.d.ts", format!("export type T = {}X;\n", link.repeat(400_000))),
            ] {
                let err = match load(name, &text, dir) {
                    Ok(_) => None,
                    Err(e) => Some(e.to_string()),
                };
                // Some links are syntax errors where they stand; none may load, and none may crash.
                let err = err.unwrap_or_else(|| panic!("{link:?} ×400,000 loaded"));
                assert!(err.starts_with(&format!("{name}:")), "{link:?}: {err}");
            }
        }
    });
    worker.unwrap().join().unwrap();
}
