#!/usr/bin/env python3
"""File-level import-cycle finder for a Rust crate (read-only).

Usage:
    python3 scripts/import-cycles.py [--root .] [--check] [--follow-reexports] [--strict]
                            [--include-macro-bodies] [--quiet-pc]

Graph: one node per .rs file under <root>/src (src/main.rs skipped).
Edge A -> B when file A names a path that resolves (longest existing file-module
prefix) to file B.  Path forms recognised, after stripping comments/strings and
the `#[cfg(test)] mod NAME { ... }` blocks (brace-matched):
  * `use` trees (crate::/super::/self::/$crate::, nested braces, `self`, `as`, globs)
  * inline paths anywhere: crate::a::b, super::x, self::x, $crate::a
  * (unless --strict) bare paths whose first segment is a name in scope in that file:
    a child module declared by `mod x;` (e.g. lib.rs `pub use error::Error`),
    a name bound by a `use` of a crate module (`use crate::store; store::record::f()`),
    or a child module brought in by a glob `use super::*`.
Self-edges are dropped.  Edges between a module and its direct parent/child are
"pc" edges.  An SCC whose internal edges are all pc edges is a "parent<->child"
cycle; any SCC with at least one non-pc internal edge is an "other" cycle.

--follow-reexports: re-target each edge to the file that actually defines the
referenced name when the target only re-exports it (`pub use child::X`, private
`use` seen through `super::X`, globs, #[macro_export] macros at crate root).
"""
import argparse
import itertools
import os
import re
import sys
from collections import defaultdict

IDENT = r"(?:r#)?[A-Za-z_][A-Za-z0-9_]*"
KEYWORD_STARTS = {"crate", "super", "self", "$crate"}


# ----------------------------------------------------------------------------
# lexing: blank out comments and literal contents, keep offsets/newlines
# ----------------------------------------------------------------------------
def strip_rust(src):
    out = list(src)
    n = len(src)
    i = 0

    def blank(a, b):
        for k in range(a, b):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        c = src[i]
        if c == "/" and i + 1 < n and src[i + 1] == "/":
            j = src.find("\n", i)
            j = n if j < 0 else j
            blank(i, j)
            i = j
        elif c == "/" and i + 1 < n and src[i + 1] == "*":
            depth, j = 1, i + 2
            while j < n and depth:
                if src.startswith("/*", j):
                    depth += 1
                    j += 2
                elif src.startswith("*/", j):
                    depth -= 1
                    j += 2
                else:
                    j += 1
            blank(i, j)
            i = j
        elif c in "rbc" and (i == 0 or not (src[i - 1].isalnum() or src[i - 1] == "_")):
            m = re.compile(r'(?:br|cr|r)(#*)"').match(src, i)
            if m:  # raw string
                close = '"' + m.group(1)
                j = src.find(close, m.end())
                j = n if j < 0 else j + len(close)
                blank(m.end(), j - len(close))
                i = j
            elif src.startswith(('b"', 'c"'), i):
                i = skip_string(src, i + 1, blank)
            elif src.startswith("b'", i):
                i = skip_char(src, i + 1, blank)
            else:
                i += 1
        elif c == '"':
            i = skip_string(src, i, blank)
        elif c == "'":
            i = skip_char(src, i, blank)
        else:
            i += 1
    return "".join(out)


def skip_string(src, i, blank):
    j = i + 1
    n = len(src)
    while j < n and src[j] != '"':
        j += 2 if src[j] == "\\" else 1
    blank(i + 1, min(j, n))
    return j + 1


def skip_char(src, i, blank):
    # char literal vs lifetime/label
    n = len(src)
    if i + 1 < n and src[i + 1] == "\\":
        j = src.find("'", i + 2)
        if j < 0:
            return i + 1
        if src[i + 2] == "'":  # '\''
            j = src.find("'", i + 3)
        blank(i + 1, j)
        return j + 1
    if i + 2 < n and src[i + 2] == "'":
        blank(i + 1, i + 2)
        return i + 3
    return i + 1  # lifetime


def mask_cfg_test_mods(code):
    """Blank out `#[cfg(test)] mod NAME { ... }` (brace matched)."""
    out = list(code)
    for m in re.finditer(r"#\[cfg\(test\)\]\s*(?:#\[[^\]]*\]\s*)*(?:pub(?:\([^)]*\))?\s+)?mod\s+\w+\s*\{", code):
        depth, j = 1, m.end()
        while j < len(code) and depth:
            if code[j] == "{":
                depth += 1
            elif code[j] == "}":
                depth -= 1
            j += 1
        for k in range(m.start(), j):
            if out[k] != "\n":
                out[k] = " "
    return "".join(out)


def macro_rules_spans(code):
    spans = []
    for m in re.finditer(r"\bmacro_rules!\s*\w+\s*([{(\[])", code):
        op = m.group(1)
        cl = {"{": "}", "(": ")", "[": "]"}[op]
        depth, j = 1, m.end()
        while j < len(code) and depth:
            if code[j] == op:
                depth += 1
            elif code[j] == cl:
                depth -= 1
            j += 1
        spans.append((m.start(), j))
    return spans


# ----------------------------------------------------------------------------
# use-tree parsing
# ----------------------------------------------------------------------------
TOK = re.compile(r"\s*(::|\{|\}|,|\*|\$crate|" + IDENT + r")")


def tokenize_use(text, base):
    toks, i = [], 0
    while i < len(text):
        m = TOK.match(text, i)
        if not m:
            if text[i:].strip() == "":
                break
            i += 1
            continue
        toks.append((m.group(1), base + m.start(1)))
        i = m.end()
    return toks


def parse_use_tree(toks):
    """Return leaves: (segments, bound_name|None, is_glob, offset)."""
    leaves = []
    pos = [0]

    def peek():
        return toks[pos[0]][0] if pos[0] < len(toks) else None

    def take():
        t = toks[pos[0]]
        pos[0] += 1
        return t

    def tree(prefix):
        segs = list(prefix)
        if peek() == "::":  # leading :: => extern
            take()
            segs.append("::")
        while True:
            t = peek()
            if t is None:
                return
            if t == "{":
                take()
                while peek() not in (None, "}"):
                    tree(segs)
                    if peek() == ",":
                        take()
                if peek() == "}":
                    take()
                return
            if t == "*":
                _, off = take()
                leaves.append((segs, None, True, off))
                return
            name, off = take()
            if peek() == "::":
                take()
                segs = segs + [name]
                continue
            bound = name
            if peek() == "as":
                take()
                bound = take()[0] if peek() is not None else None
                if bound == "_":
                    bound = None
            if name == "self":
                leaves.append((segs, bound if bound != "self" else (segs[-1] if segs else None), False, off))
            else:
                leaves.append((segs + [name], bound, False, off))
            return

    while pos[0] < len(toks):
        before = pos[0]
        tree([])
        if peek() == ",":
            take()
        if pos[0] == before:
            pos[0] += 1
    return leaves


USE_RE = re.compile(r"\buse\s+(?=[A-Za-z_{:$])")


def find_use_statements(code):
    """Yield (start, end, body_start) of `use ...;` statements."""
    for m in USE_RE.finditer(code):
        j, depth = m.end(), 0
        while j < len(code):
            ch = code[j]
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            elif ch == ";" and depth == 0:
                break
            j += 1
        yield m.start(), j + 1, m.end()


INLINE_RE = re.compile(
    r"(?<![A-Za-z0-9_])(?<!::)(?<!\.)(\$crate|" + IDENT + r")((?:\s*::\s*(?:" + IDENT + r"))+)(\s*!)?(\s*\()?"
)


# ----------------------------------------------------------------------------
# model
# ----------------------------------------------------------------------------
class FileInfo:
    def __init__(self, rel, mod):
        self.rel = rel
        self.mod = mod  # tuple of segments, () == crate root
        self.is_dirmod = rel.endswith("mod.rs") or rel == "src/lib.rs"
        self.lines = []
        self.code = ""
        self.children = set()  # names from `mod x;`
        self.use_leaves = []  # (segs, bound, glob, offset)
        self.bindings = {}  # name -> abs tuple or None (extern/shadow)
        self.glob_mods = []  # abs module tuples imported with *
        self.defs = set()
        self.macro_spans = []
        self.test_only = False


def module_of(rel):
    p = rel[len("src/"):]
    if p == "lib.rs":
        return ()
    parts = p[:-3].split("/")
    if parts[-1] == "mod":
        parts = parts[:-1]
    return tuple(parts)


def load(root):
    files = {}
    src = os.path.join(root, "src")
    for dp, _, fns in os.walk(src):
        for fn in fns:
            if not fn.endswith(".rs"):
                continue
            rel = os.path.relpath(os.path.join(dp, fn), root).replace(os.sep, "/")
            if rel == "src/main.rs" or rel.startswith("src/bin/"):
                continue
            fi = FileInfo(rel, module_of(rel))
            text = open(os.path.join(root, rel), encoding="utf-8").read()
            fi.lines = text.split("\n")
            fi.code = mask_cfg_test_mods(strip_rust(text))
            fi.macro_spans = macro_rules_spans(fi.code)
            files[fi.mod] = fi
    for fi in files.values():
        code = fi.code
        for m in re.finditer(r"(#\[cfg\(test\)\]\s*)?(?:pub(?:\([^)]*\))?\s+)?\bmod\s+(" + IDENT + r")\s*;", code):
            fi.children.add(m.group(2))
            if m.group(1):
                child = files.get(fi.mod + (m.group(2),))
                if child:
                    child.test_only = True
        for m in re.finditer(r"\b(?:fn|struct|enum|trait|type|const|static|union|mod)\s+(" + IDENT + r")", code):
            fi.defs.add(m.group(1))
        for m in re.finditer(r"\bmacro_rules!\s*(" + IDENT + r")", code):
            fi.defs.add(m.group(1))
    return files


def line_of(fi, off):
    return fi.code.count("\n", 0, off) + 1


class Resolver:
    def __init__(self, files, strict):
        self.files = files
        self.strict = strict
        self.macro_exports = {}
        for fi in files.values():
            for m in re.finditer(r"#\[macro_export\]\s*macro_rules!\s*(" + IDENT + r")", fi.code):
                self.macro_exports[m.group(1)] = fi.mod

    def absolute(self, fi, segs, depth=0):
        """Resolve a path (list of segments) to an absolute tuple, or None if extern/unknown.
        Returns (abs_tuple, kind)."""
        if not segs or segs[0] == "::":
            return None, None
        head = segs[0]
        if head in ("crate", "$crate"):
            return tuple(segs[1:]), "crate"
        if head in ("self", "super"):
            cur = list(fi.mod)
            i = 0
            kind = head
            while i < len(segs) and segs[i] in ("self", "super"):
                if segs[i] == "super":
                    if not cur:
                        return None, None
                    cur.pop()
                i += 1
            return tuple(cur) + tuple(segs[i:]), kind
        if self.strict or depth > 5:
            return None, None
        if head in fi.children:  # a child module owns the type namespace; checked before use-bindings
            return fi.mod + tuple(segs), "bare-child"
        if head in fi.bindings:
            b = fi.bindings[head]
            if b is None:
                return None, None
            return b + tuple(segs[1:]), "alias"
        for g in fi.glob_mods:
            if g + (head,) in self.files:
                return g + tuple(segs), "glob"
        return None, None

    def file_for(self, abs_path):
        for k in range(len(abs_path), -1, -1):
            if abs_path[:k] in self.files:
                return abs_path[:k], abs_path[k:]
        return (), abs_path

    def bind_all(self):
        for fi in self.files.values():
            for _ in range(3):
                for segs, bound, glob, off in fi.use_leaves:
                    a, _k = self.absolute(fi, segs)
                    if glob:
                        if a is not None and a in self.files and a not in fi.glob_mods:
                            fi.glob_mods.append(a)
                        continue
                    if bound is None:
                        continue
                    fi.bindings[bound] = a  # None = extern / unknown (shadows)

    def through(self, target, rest, seen=None):
        """Follow re-exports: return the file that defines rest[0] seen from module `target`."""
        seen = seen or set()
        if not rest or (target, rest[0]) in seen:
            return target
        seen.add((target, rest[0]))
        fi = self.files[target]
        name = rest[0]
        if name in fi.defs:
            return target
        if name in fi.bindings and fi.bindings[name] is not None:
            tmod, trest = self.file_for(fi.bindings[name] + tuple(rest[1:]))
            return self.through(tmod, trest, seen)
        if target == () and name in self.macro_exports:
            return self.macro_exports[name]
        for g in fi.glob_mods:
            gf = self.files[g]
            if name in gf.defs or name in gf.bindings:
                return self.through(g, rest, seen)
        return target


def collect_edges(files, res, include_macro_bodies):
    # 1) use statements (parsed first, then masked for the inline scan)
    masked = {}
    use_sites = {}
    for fi in files.values():
        code = list(fi.code)
        sites = []
        for s, e, b in find_use_statements(fi.code):
            toks = tokenize_use(fi.code[b:e - 1], b)
            for leaf in parse_use_tree(toks):
                fi.use_leaves.append(leaf)
                sites.append(leaf)
            for k in range(s, e):
                if code[k] != "\n":
                    code[k] = " "
        masked[fi.mod] = "".join(code)
        use_sites[fi.mod] = sites
    res.bind_all()

    edges = defaultdict(list)  # (src, dst) -> [(line, kind, path, rest)]

    def add(fi, abs_path, kind, off, raw, is_macro=False):
        if abs_path is None:
            return
        if abs_path[0] == "__value__":
            abs_path = abs_path[1]
            dst, rest = res.file_for(abs_path[:-1])
            rest = rest + abs_path[-1:]
        else:
            dst, rest = res.file_for(abs_path)
        if is_macro and dst == () and rest and rest[-1] in res.macro_exports and len(rest) == 1:
            kind += "+macro"
        in_macro = any(a <= off < b for a, b in fi.macro_spans)
        if in_macro:
            if not include_macro_bodies:
                return
            kind += "+macro_rules-body"
        if dst == fi.mod:
            return
        edges[(fi.mod, dst)].append((line_of(fi, off), kind, raw, rest))

    for fi in files.values():
        for segs, bound, glob, off in use_sites[fi.mod]:
            a, kind = res.absolute(fi, segs)
            if a is None:
                continue
            raw = "::".join(segs) + ("::*" if glob else "")
            add(fi, a, "use-" + kind, off, raw)
        for m in INLINE_RE.finditer(masked[fi.mod]):
            head = m.group(1)
            segs = [head] + re.findall(IDENT, m.group(2))
            if head not in KEYWORD_STARTS and res.strict:
                continue
            a, kind = res.absolute(fi, segs)
            if a is None:
                continue
            if m.group(3) or m.group(4):
                # last segment is a macro or a called function (value namespace), never a module:
                # `protobuf::load(..)` must not resolve to the private module file protobuf/load.rs
                a = ("__value__", a)
            add(fi, a, "inline-" + kind, m.start(), "::".join(segs) + ("!" if m.group(3) else ""),
                is_macro=bool(m.group(3)))
    return edges


# ----------------------------------------------------------------------------
# graph algorithms
# ----------------------------------------------------------------------------
def tarjan(nodes, adj):
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]
    sys.setrecursionlimit(10000)

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(adj.get(v, ())):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(sorted(comp))

    for v in sorted(nodes):
        if v not in index:
            strong(v)
    return out


def is_pc(a, b):
    return (len(a) + 1 == len(b) and b[:-1] == a) or (len(b) + 1 == len(a) and a[:-1] == b)


def sccs_of(nodes, edge_set):
    adj = defaultdict(set)
    for a, b in edge_set:
        adj[a].add(b)
    return [c for c in tarjan(nodes, adj) if len(c) > 1]


def bad_left(nodes, edge_set):
    """Number of non-pc edges still lying on a cycle."""
    cnt = 0
    for comp in sccs_of(nodes, edge_set):
        cs = set(comp)
        cnt += sum(1 for a, b in edge_set if a in cs and b in cs and not is_pc(a, b))
    return cnt


def pure_left(nodes, edge_set):
    """Number of non-pc edges on a cycle made only of non-pc edges."""
    sub = {e for e in edge_set if not is_pc(*e)}
    cnt = 0
    for comp in sccs_of(nodes, sub):
        cs = set(comp)
        cnt += sum(1 for a, b in sub if a in cs and b in cs)
    return cnt


def top(m):
    return m[0] if m else ""


def cross_left(nodes, edge_set):
    """Number of edges between different top-level modules that still lie on a cycle."""
    cnt = 0
    for comp in sccs_of(nodes, edge_set):
        cs = set(comp)
        cnt += sum(1 for a, b in edge_set if a in cs and b in cs and top(a) != top(b))
    return cnt


def cyclic_left(nodes, edge_set):
    cnt = 0
    for comp in sccs_of(nodes, edge_set):
        cs = set(comp)
        cnt += sum(1 for a, b in edge_set if a in cs and b in cs)
    return cnt


def min_cut(nodes, edge_set, candidates, weight, goal, exact_limit=4):
    """Smallest set of candidate edges whose removal makes goal(...) == 0.
    Exact search up to exact_limit edges (if combinatorially cheap), else greedy + prune."""
    candidates = sorted(candidates, key=lambda e: (weight(e), e))
    for k in range(1, exact_limit + 1):
        ncomb = 1
        for i in range(k):
            ncomb = ncomb * (len(candidates) - i) // (i + 1)
        if ncomb > 20000:
            break
        best = None
        for combo in itertools.combinations(candidates, k):
            if goal(nodes, edge_set - set(combo)) == 0:
                w = sum(weight(e) for e in combo)
                if best is None or w < best[0]:
                    best = (w, combo)
        if best:
            return list(best[1]), "exact"
    cut, cur = [], set(edge_set)
    while goal(nodes, cur):
        e = min((c for c in candidates if c in cur),
                key=lambda c: (goal(nodes, cur - {c}), weight(c), c), default=None)
        if e is None:
            break
        cut.append(e)
        cur.discard(e)
    for e in sorted(cut, key=lambda e: -weight(e)):
        if goal(nodes, cur | {e}) == 0:
            cut.remove(e)
            cur.add(e)
    return cut, "greedy"


# ----------------------------------------------------------------------------
# reporting
# ----------------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", default=".")
    ap.add_argument("--check", action="store_true", help="exit 1 when any file is in an import loop")
    ap.add_argument("--strict", action="store_true",
                    help="only crate::/super::/self::/$crate:: paths (no bare child/alias/glob names)")
    ap.add_argument("--follow-reexports", action="store_true",
                    help="re-target edges to the file that defines the item")
    ap.add_argument("--include-macro-bodies", action="store_true",
                    help="count $crate:: paths inside macro_rules! bodies (expanded elsewhere)")
    ap.add_argument("--quiet-pc", action="store_true", help="don't list parent<->child SCC details")
    ap.add_argument("--sites", type=int, default=2, help="sites (distinct lines) shown per edge")
    ap.add_argument("--max-cut", type=int, default=12, help="max cut edges listed per suggestion")
    args = ap.parse_args()

    files = load(args.root)
    res = Resolver(files, args.strict)
    raw_edges = collect_edges(files, res, args.include_macro_bodies)

    edges = raw_edges
    if args.follow_reexports:
        edges = defaultdict(list)
        for (a, b), sites in raw_edges.items():
            for line, kind, path, rest in sites:
                real = res.through(b, rest)
                if real != a:
                    k = kind if real == b else kind + f"(reexp via {files[b].rel})"
                    edges[(a, real)].append((line, k, path, rest))

    def name(m):
        tag = " [cfg(test)]" if files[m].test_only else ""
        if m and m[-1] not in files.get(m[:-1], FileInfo("", ())).children:
            tag += " [ORPHAN: no `mod` decl in parent]"
        return files[m].rel[len("src/"):] + tag

    def reexport_note(b, rest):
        if not rest:
            return ""
        real = res.through(b, rest)
        return f"  [re-export of {files[real].rel[4:]}]" if real != b else ""

    def show_edge(a, b, indent="    "):
        sites = edges[(a, b)]
        tag = "pc" if is_pc(a, b) else "XX"
        direct = len({t[0] for t in sites if "alias" not in t[1]})
        print(f"{indent}[{tag}] {name(a)} -> {name(b)}   ({direct} direct line(s), "
              f"{len({t[0] for t in sites})} line(s) incl. uses of imported names)")
        seen = set()
        shown = 0
        for line, kind, path, rest in sorted(sites, key=lambda t: ("alias" in t[1], t[0])):
            if line in seen:
                continue
            seen.add(line)
            text = files[a].lines[line - 1].strip()
            if len(text) > 110:
                text = text[:107] + "..."
            note = "" if args.follow_reexports else reexport_note(b, rest)
            print(f"{indent}      L{line} {kind} `{path}`: {text}{note}")
            shown += 1
            if shown >= args.sites:
                break

    nodes = set(files)
    eset = set(edges)
    comps = sccs_of(nodes, eset)
    pc_comps, other_comps = [], []
    for comp in comps:
        cs = set(comp)
        internal = sorted(e for e in eset if e[0] in cs and e[1] in cs)
        (other_comps if any(not is_pc(*e) for e in internal) else pc_comps).append((comp, internal))

    print(f"# files: {len(files)}  edges: {len(eset)}  (sites: {sum(len(v) for v in edges.values())})")
    print(f"# mode: strict={args.strict} follow_reexports={args.follow_reexports} "
          f"macro_bodies={args.include_macro_bodies}")
    orphans = [m for m in files if m and m[-1] not in files.get(m[:-1], FileInfo("", ())).children]
    if orphans:
        print("# WARNING files not declared by a `mod` in their parent (not compiled, still graphed): "
              + ", ".join(files[m].rel for m in sorted(orphans)))
    print(f"# SCCs >1 file: {len(comps)}  -> other: {len(other_comps)}, parent<->child: {len(pc_comps)}")
    check_failed = bool(comps)
    print()
    print("=" * 100)
    print("OTHER CYCLES (SCC contains at least one edge between files not in a direct parent/child relation)")
    print("=" * 100)
    for i, (comp, internal) in enumerate(other_comps, 1):
        npc = sum(1 for e in internal if not is_pc(*e))
        print(f"\n## other SCC #{i}: {len(comp)} files, {len(internal)} internal edges ({npc} non-pc 'XX')")
        for m in comp:
            print(f"    - {name(m)}")
        print("  edges:")
        for a, b in internal:
            show_edge(a, b)
        cs = set(comp)
        sub = set(internal)
        weight = lambda e: len({s[0] for s in edges[e] if "alias" not in s[1]}) or 1

        def show_cut(cut, how, label):
            print(f"  {label} [{how}; weight = #lines naming the target directly, alias uses not counted]:")
            for a, b in cut[:args.max_cut]:
                print(f"    CUT [{'pc' if is_pc(a, b) else 'XX'}] {name(a)} -> {name(b)}  ({weight((a, b))} line(s))")
            if len(cut) > args.max_cut:
                print(f"    ... {len(cut) - args.max_cut} more (raise --max-cut)")

        pure = sccs_of(cs, {e for e in sub if not is_pc(*e)})
        if pure:
            print("  (a) cycles made only of non-pc edges (exist even if all parent/child edges are ignored):")
            for p in pure:
                print("    * " + ", ".join(name(m) for m in p))
            cut, how = min_cut(cs, sub, [e for e in sub if not is_pc(*e)], weight, pure_left)
            show_cut(cut, how, "    minimal cut for (a)")
        else:
            print("  (a) no cycle made only of non-pc edges: every cycle here goes through a parent/child edge")
        tops = sorted({top(m) for m in comp})
        if len(tops) > 1:
            cands = [e for e in sub if top(e[0]) != top(e[1])]
            print(f"  (b) SCC spans top-level modules {tops}; cut that confines every cycle to one top-level module:")
            cut, how = min_cut(cs, sub, cands, weight, cross_left)
            show_cut(cut, how, "    cross-module cut for (b)")
        cut, how = min_cut(cs, sub, [e for e in sub if not is_pc(*e)], weight, bad_left)
        show_cut(cut, how, f"(c) cut of {len(cut)} non-pc edge(s) leaving only parent<->child cycles")

    print()
    print("=" * 100)
    print(f"PARENT<->CHILD CYCLES: {len(pc_comps)} SCC(s) made only of direct parent/child edges")
    print("=" * 100)
    for i, (comp, internal) in enumerate(pc_comps, 1):
        print(f"\n## pc SCC #{i}: " + ", ".join(name(m) for m in comp))
        if not args.quiet_pc:
            for a, b in internal:
                show_edge(a, b)

    mutual = sorted({tuple(sorted((a, b))) for (a, b) in eset if (b, a) in eset and is_pc(a, b)})
    print(f"\n# mutual parent<->child pairs (A->B and B->A, anywhere in graph): {len(mutual)}")
    for a, b in mutual:
        print(f"    {name(a)} <-> {name(b)}")
    return 1 if (args.check and check_failed) else 0


if __name__ == "__main__":
    sys.exit(main())
