//! The release archive layout, built locally by scripts/package.sh from the binary under test:
//! the binary, completions for five shells, the man page, both licences and the README, and a
//! SHA256SUMS file that matches. The Action and the release workflow rely on this layout.

use std::path::Path;
use std::process::Command;

fn package(out: &Path, target: &str) -> String {
    let o = Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/package.sh"))
        .args(["--bin", env!("CARGO_BIN_EXE_apidiff"), "--target", target, "--version", "9.8.7", "--out"])
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "package.sh: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap().trim().to_string()
}

#[test]
fn the_archive_holds_binary_completions_man_page_licences_and_readme() {
    let out = tempfile::tempdir().unwrap();
    let archive = package(out.path(), "x86_64-unknown-linux-musl");
    assert!(archive.ends_with("apidiff-v9.8.7-x86_64-unknown-linux-musl.tar.gz"), "{archive}");
    let o = Command::new("tar").args(["-tzf", &archive]).output().unwrap();
    let mut listed: Vec<String> = String::from_utf8(o.stdout).unwrap().lines().filter(|l| !l.ends_with('/')).map(str::to_string).collect();
    listed.sort();
    let root = "apidiff-v9.8.7-x86_64-unknown-linux-musl";
    let mut want: Vec<String> = [
        "LICENSE-APACHE",
        "LICENSE-MIT",
        "README.md",
        "apidiff",
        "completions/_apidiff",
        "completions/_apidiff.ps1",
        "completions/apidiff.bash",
        "completions/apidiff.elv",
        "completions/apidiff.fish",
        "man/apidiff.1",
    ]
    .iter()
    .map(|f| format!("{root}/{f}"))
    .collect();
    want.sort();
    assert_eq!(listed, want);

    // Unpacked, the binary runs and the generated files are what it generates.
    let x = tempfile::tempdir().unwrap();
    assert!(Command::new("tar").args(["-xzf", &archive, "-C"]).arg(x.path()).status().unwrap().success());
    let dir = x.path().join(root);
    let v = Command::new(dir.join("apidiff")).arg("--version").output().unwrap();
    assert!(String::from_utf8(v.stdout).unwrap().starts_with("apidiff "));
    let man = std::fs::read_to_string(dir.join("man/apidiff.1")).unwrap();
    assert!(man.contains(".TH apidiff 1"));
    let zsh = std::fs::read_to_string(dir.join("completions/_apidiff")).unwrap();
    assert!(zsh.starts_with("#compdef apidiff"));
    assert!(std::fs::read_to_string(dir.join("LICENSE-APACHE")).unwrap().contains("Apache License"));
    assert!(std::fs::read_to_string(dir.join("LICENSE-MIT")).unwrap().contains("Permission is hereby granted"));

    // SHA256SUMS covers every archive in the folder, in `sha256sum -c` format.
    package(out.path(), "aarch64-unknown-linux-musl");
    let sums = std::fs::read_to_string(out.path().join("SHA256SUMS")).unwrap();
    assert_eq!(sums.lines().count(), 2, "{sums}");
    let check = Command::new("sha256sum").args(["-c", "SHA256SUMS"]).current_dir(out.path()).output().unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
}

#[test]
fn the_manifest_installs_apidiff_from_a_package_the_project_owns() {
    let manifest = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"apidiff-cli\""), "the package is apidiff-cli");
    assert!(manifest.contains("[[bin]]\nname = \"apidiff\""), "the binary is apidiff");
    assert!(manifest.contains("[lib]\nname = \"apidiff\""), "the library is apidiff");
    for file in ["README.md", "action.yml", "README_API_DIFF.md", "Dockerfile", ".github/workflows/release.yml", "ci/gitlab.yml"] {
        let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap();
        for line in text.lines() {
            let l = line.split('#').next().unwrap_or("");
            assert!(
                !l.contains("cargo install apidiff ") && !l.trim_end().ends_with("cargo install apidiff"),
                "{file} installs the unowned crate `apidiff`: {line}"
            );
            assert!(!l.contains("cargo binstall apidiff "), "{file}: {line}");
        }
    }
}

#[test]
fn the_container_image_has_the_static_binary_git_and_the_apidiff_entrypoint() {
    // Docker cannot run here; this checks the Dockerfile's shape only.
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Dockerfile")).unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty()).collect();
    assert!(lines[0].starts_with("FROM "), "a Dockerfile starts with FROM");
    assert!(lines.iter().any(|l| l.contains("alpine") && l.starts_with("FROM ")), "a musl (static) base");
    assert!(lines.iter().any(|l| l.contains("apk add") && l.contains(" git")), "git in the image");
    assert!(lines.iter().any(|l| l.starts_with("COPY --from=build") && l.contains("/usr/local/bin/apidiff")));
    assert_eq!(lines.iter().filter(|l| l.starts_with("ENTRYPOINT ")).collect::<Vec<_>>(), [&"ENTRYPOINT [\"apidiff\"]"]);
    for l in &lines {
        let word = l.split_whitespace().next().unwrap();
        let continued = lines.iter().any(|p| p.ends_with('\\') && p.contains(l.trim()));
        assert!(continued || ["FROM", "RUN", "WORKDIR", "COPY", "ENTRYPOINT", "CMD", "&&"].contains(&word), "unknown instruction: {l}");
    }
}
