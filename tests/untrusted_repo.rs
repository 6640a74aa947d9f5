//! A repository's own files and its archived records are untrusted (issue 24, part C): what
//! they may ask for is limited, every file apidiff writes goes through an exclusive temporary
//! (never through a link), and an edited record is refused by what acts on it.

mod common_repo;

use common_repo::{ENV, Repo};
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};

const SPEC: &str =
    "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {description: ok}\n";
const SPEC2: &str = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {description: ok}\n  /b:\n    get:\n      responses:\n        '200': {description: ok}\n";
const SECRET: &str = "ghs_TOPSECRET123";

fn run(repo: &Repo, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .args(args)
        .current_dir(repo.path())
        .env_remove("APIDIFF_STORE")
        .env_remove("APIDIFF_MIRROR")
        .env_remove("APIDIFF_REF_ROOTS")
        .env_remove("APIDIFF_HEADERS_ENV_PREFIX")
        .envs(ENV.iter().copied())
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!("status {:?}\nstderr: {}\nstdout: {}", o.status.code(), String::from_utf8_lossy(&o.stderr), String::from_utf8_lossy(&o.stdout))
}

/// Exit 2 with every `needle` on stderr, and the secret nowhere.
fn refused(o: &Output, needles: &[&str]) {
    let all = text(o);
    assert_eq!(o.status.code(), Some(2), "{all}");
    let stderr = String::from_utf8_lossy(&o.stderr);
    for n in needles {
        assert!(stderr.contains(n), "expected `{n}`: {all}");
    }
    assert!(!all.contains(SECRET), "the secret leaked: {all}");
}

/// A repository with one committed spec and one archived baseline.
fn recorded() -> Repo {
    let repo = Repo::new();
    repo.write("api/openapi.yaml", SPEC);
    repo.commit("spec");
    let o = run(&repo, &["check", "--record"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    repo
}

/// A one-request-at-a-time HTTP server on loopback that records every request and serves SPEC2.
struct Server {
    url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

fn serve() -> Server {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://127.0.0.1:{}/openapi.yaml", listener.local_addr().unwrap().port());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for mut s in listener.incoming().flatten() {
            let mut req = Vec::new();
            let mut buf = [0u8; 4096];
            while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                match s.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => req.extend_from_slice(&buf[..n]),
                }
            }
            log.lock().unwrap().push(String::from_utf8_lossy(&req).into_owned());
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: application/yaml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{SPEC2}",
                SPEC2.len()
            );
        }
    });
    Server { url, seen }
}

#[cfg(unix)]
#[test]
fn every_output_replaces_a_link_and_never_writes_through_it() {
    let repo = recorded();
    repo.write("api/new.yaml", SPEC2);
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim");
    std::fs::write(&victim, "keep").unwrap();
    let link = |rel: &str| {
        let p = repo.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        let _ = std::fs::remove_file(&p);
        std::os::unix::fs::symlink(&victim, &p).unwrap();
    };
    // `tests --out`: learn the file names, then put a link at one of them.
    let o = run(&repo, &["tests", "api/openapi.yaml", "api/new.yaml", "--out", "hurl"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let name = std::fs::read_dir(repo.path().join("hurl")).unwrap().next().unwrap().unwrap().file_name();
    let hurl = format!("hurl/{}", name.to_string_lossy());
    link(&hurl);
    link("report.json");
    link("history.md");
    link("gen/README_API_DIFF.md");
    let runs: [&[&str]; 4] = [
        &["tests", "api/openapi.yaml", "api/new.yaml", "--out", "hurl"],
        &["diff", "api/openapi.yaml", "api/new.yaml", "--format", "json", "--out", "report.json"],
        &["export", "--format", "markdown", "--out", "history.md"],
        &["docs", "--out", "gen"],
    ];
    for args in runs {
        let o = run(&repo, args, &[]);
        assert!(matches!(o.status.code(), Some(0 | 1)), "{args:?}: {}", text(&o));
    }
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep", "a link was written through");
    for rel in [hurl.as_str(), "report.json", "history.md", "gen/README_API_DIFF.md"] {
        let p = repo.path().join(rel);
        assert!(!p.is_symlink() && p.is_file(), "{rel} is the file written");
        let left: Vec<_> = std::fs::read_dir(p.parent().unwrap())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".apidiff-tmp"))
            .collect();
        assert!(left.is_empty(), "no temporary is left beside {rel}");
    }
}

#[cfg(unix)]
#[test]
fn a_store_folder_that_is_a_link_is_refused_and_never_written_through() {
    for inner in ["records", "objects", "records/entries"] {
        let repo = recorded();
        let outside = tempfile::tempdir().unwrap();
        let moved = outside.path().join("moved");
        let real = repo.path().join(".apidiff").join(inner);
        std::fs::rename(&real, &moved).unwrap();
        std::os::unix::fs::symlink(&moved, &real).unwrap();
        let before = walk(&moved);
        repo.write("api/openapi.yaml", SPEC2);
        repo.commit("more");
        let o = run(&repo, &["check", "--record"], &[]);
        refused(&o, &["refusing", "a store holds no links"]);
        assert_eq!(walk(&moved), before, "{inner}: nothing was written through the link");
        if inner.starts_with("records") {
            refused(&run(&repo, &["history"], &[]), &["refusing"]);
        }
    }
}

fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if e.file_type().unwrap().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path().display().to_string());
        }
    }
    out.sort();
    out
}

#[test]
fn a_store_the_repository_places_outside_it_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    let abs = outside.path().join("store");
    let abs = abs.display().to_string();
    let repo = Repo::new();
    repo.write("api/openapi.yaml", SPEC);
    for (config, line) in [
        (format!("store: {abs}\n"), "apidiff.yaml:1"),
        ("store: ../elsewhere\n".to_string(), "apidiff.yaml:1"),
        (format!("record: true\nstore:\n  url: .apidiff\n  mirror: file://{abs}\n"), "apidiff.yaml:4"),
    ] {
        repo.write("apidiff.yaml", &config);
        repo.commit("config");
        let o = run(&repo, &["check", "--record"], &[]);
        refused(&o, &[line, "--store or APIDIFF_STORE"]);
        assert!(!Path::new(&abs).exists(), "{config}: nothing was written outside");
        assert!(!repo.path().parent().unwrap().join("elsewhere").exists());
    }
    // The repository's `.env` is one of its files too.
    repo.write("apidiff.yaml", "modules: []\n");
    repo.write(".env", &format!("APIDIFF_STORE={abs}\n"));
    refused(&run(&repo, &["check", "--record"], &[]), &[".env", "absolute"]);
    assert!(!Path::new(&abs).exists());
    // The person running apidiff may choose it.
    let o = run(&repo, &["check", "--record", "--store", &abs], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = run(&repo, &["history"], &[("APIDIFF_STORE", &abs)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(Path::new(&abs).join("apidiff-store.json").is_file());
}

#[test]
fn headers_env_sends_only_variables_with_an_allowed_prefix() {
    let server = serve();
    let repo = Repo::new();
    repo.write("api/openapi.yaml", SPEC);
    repo.write("apidiff.yaml", "headers_env:\n  X-Api-Key: APIDIFF_LIVE_KEY\n  X-Token: GITHUB_TOKEN\n");
    let env = [("GITHUB_TOKEN", SECRET), ("APIDIFF_LIVE_KEY", "fine")];
    let o = run(&repo, &["diff", "api/openapi.yaml", &server.url], &env);
    refused(&o, &["apidiff.yaml:3", "GITHUB_TOKEN", "--headers-env-prefix"]);
    assert!(server.seen.lock().unwrap().is_empty(), "nothing was sent");
    // `APIDIFF_` names are allowed by default.
    repo.write("apidiff.yaml", "headers_env:\n  X-Api-Key: APIDIFF_LIVE_KEY\n");
    let o = run(&repo, &["diff", "api/openapi.yaml", &server.url], &env);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", text(&o));
    assert!(server.seen.lock().unwrap().last().unwrap().to_ascii_lowercase().contains("x-api-key: fine"));
    // The person running apidiff may widen the prefixes, by flag or environment.
    repo.write("apidiff.yaml", "headers_env:\n  X-Token: GITHUB_TOKEN\n");
    for extra in [&["--headers-env-prefix", "GITHUB_"][..], &[]] {
        let mut env = env.to_vec();
        if extra.is_empty() {
            env.push(("APIDIFF_HEADERS_ENV_PREFIX", "OTHER_,GITHUB_"));
        }
        let mut args = vec!["diff", "api/openapi.yaml", server.url.as_str()];
        args.extend(extra);
        let o = run(&repo, &args, &env);
        assert!(matches!(o.status.code(), Some(0 | 1)), "{}", text(&o));
        assert!(server.seen.lock().unwrap().last().unwrap().contains(SECRET));
    }
}

#[cfg(unix)]
#[test]
fn ref_roots_outside_the_repository_come_only_from_flags_or_the_environment() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("creds.yaml"), format!("X:\n  type: string\n  enum: [{SECRET}]\n")).unwrap();
    let creds = outside.path().join("creds.yaml").display().to_string();
    let repo = Repo::new();
    let spec = format!(
        "openapi: 3.0.0\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '{creds}#/X'}}\n"
    );
    repo.write("api/openapi.yaml", &spec);
    std::os::unix::fs::symlink(outside.path(), repo.path().join("shared")).unwrap();
    let dir = outside.path().display().to_string();
    for config in ["ref_roots: ['/']\n".to_string(), format!("modules: []\nref_roots: [api, '{dir}']\n"), "ref_roots: [shared]\n".into()] {
        repo.write("apidiff.yaml", &config);
        let line = if config.starts_with("modules") { "apidiff.yaml:2" } else { "apidiff.yaml:1" };
        let o = run(&repo, &["check", "--record"], &[]);
        refused(&o, &[line, "ref_roots", "--ref-root"]);
        assert!(
            !walk(&repo.path().join(".apidiff")).iter().any(|f| std::fs::read_to_string(f).unwrap_or_default().contains(SECRET)),
            "{config}: nothing was archived"
        );
    }
    // Inside the repository is fine; outside comes from the person running apidiff.
    repo.write("apidiff.yaml", "ref_roots: [api]\n");
    refused(&run(&repo, &["check"], &[]), &["api/openapi.yaml", "outside the repository", "APIDIFF_REF_ROOTS"]);
    let o = run(&repo, &["check"], &[("APIDIFF_REF_ROOTS", &dir)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = run(&repo, &["check", "--ref-root", &dir], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

fn entry_file(repo: &Repo) -> (std::path::PathBuf, serde_json::Value) {
    let dir = repo.path().join(".apidiff/records/entries");
    let file = std::fs::read_dir(&dir).unwrap().next().unwrap().unwrap().path();
    let v = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    (file, v)
}

#[test]
fn an_edited_entry_is_named_by_doctor_and_refused_by_show_rollback_and_report() {
    let repo = recorded();
    let o = run(&repo, &["doctor"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let (file, mut entry) = entry_file(&repo);
    let id = entry["id"].as_str().unwrap().to_string();
    entry["module"] = serde_json::json!("payments");
    entry["deploy"] = serde_json::json!("f00dfeed");
    std::fs::write(&file, serde_json::to_vec_pretty(&entry).unwrap()).unwrap();
    let o = run(&repo, &["doctor"], &[]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(stdout.contains(&format!("entry {id} does not match its content")) && stdout.contains("payments"), "{stdout}");
    let record = format!("records/entries/{id}.json");
    refused(&run(&repo, &["show", &id], &[]), &[&record, "does not match its content"]);
    refused(&run(&repo, &["rollback", "--preview", "--to", &id], &[]), &[&record, "does not match its content"]);
    // Reading the history still works: nothing stored is lost.
    let o = run(&repo, &["history"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(file.is_file());
}

#[test]
fn a_record_naming_a_live_source_the_configuration_lacks_is_never_fetched() {
    let server = serve();
    let repo = recorded();
    let (_, base) = entry_file(&repo);
    // A forged record whose id matches its content (the id is a public hash): a live source.
    let mut forged = base.clone();
    let snapshot = base["snapshot"].as_str().unwrap();
    forged["module"] = serde_json::json!("api");
    forged["spec"] = serde_json::json!(server.url);
    forged["time"] = serde_json::json!("2099-01-01T00:00:00Z");
    forged["deploy"] = serde_json::json!("forged");
    forged["source"] = serde_json::json!({"kind": "live", "locator": server.url, "fetched": "2099-01-01T00:00:00Z"});
    let id = apidiff::store::Entry::derive_id("api", &server.url, Some(snapshot), None, Some("forged"));
    forged["id"] = serde_json::json!(id);
    std::fs::write(repo.path().join(format!(".apidiff/records/entries/{id}.json")), serde_json::to_vec(&forged).unwrap()).unwrap();
    repo.write("apidiff.yaml", "headers_env:\n  X-Api-Key: APIDIFF_LIVE_KEY\n");
    let env = [("APIDIFF_LIVE_KEY", SECRET)];
    let o = run(&repo, &["rollback", "--preview", "--to", &id], &env);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(server.seen.lock().unwrap().is_empty(), "the record decided where apidiff connects");
    assert!(!text(&o).contains(SECRET));
    // Once the configuration declares it, the preview fetches what runs now, with its headers.
    repo.write(
        "apidiff.yaml",
        &format!("headers_env:\n  X-Api-Key: APIDIFF_LIVE_KEY\nmodules:\n  - name: api\n    live: ['{}']\n", server.url),
    );
    let o = run(&repo, &["rollback", "--preview", "--to", &id], &env);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let seen = server.seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "fetched once");
    assert!(seen[0].contains(SECRET));
}

/// `yes | apidiff diff - x`: stdin is read with a hard cap, so memory stays near the cap.
#[cfg(target_os = "linux")]
#[test]
fn an_endless_stdin_is_refused_at_the_cap_without_growing_past_it() {
    let repo = Repo::new();
    repo.write("a.yaml", SPEC);
    let mut child = Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .args(["diff", "-", "a.yaml"])
        .current_dir(repo.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let chunk = b"y\n".repeat(32 * 1024);
        while stdin.write_all(&chunk).is_ok() {}
    });
    let pid = child.id();
    let mut peak = 0u64;
    while child.try_wait().unwrap().is_none() {
        if let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status"))
            && let Some(kb) = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak = peak.max(kb);
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    refused(&out, &["<stdin>", "larger than the limit"]);
    // The cap (256 MiB) plus the process itself; a buffer that doubles and copies peaked at
    // about 490 MB here.
    assert!(peak < (256 + 64) * 1024, "peak resident memory {peak} kB");
}

#[test]
fn alert_channels_name_secrets_only_with_an_allowed_prefix() {
    let server = serve();
    let repo = Repo::new();
    repo.write("api/openapi.yaml", SPEC);
    let url = server.url.replace("/openapi.yaml", "/push");
    repo.write(
        "apidiff.yaml",
        &format!("modules:\n  - name: api\n    specs: ['api/*.yaml']\nalerts:\n  channels:\n    - type: push\n      url: '{url}'\n      token_env: GITHUB_TOKEN\n"),
    );
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-qm", "base"]);
    let env = [("GITHUB_TOKEN", SECRET)];
    for args in [&["check", "--record"][..], &["history"], &["watch", "--once"]] {
        let o = run(&repo, args, &env);
        refused(&o, &["apidiff.yaml:8", "token_env", "GITHUB_TOKEN", "APIDIFF_SECRETS_ENV_PREFIX"]);
    }
    assert!(server.seen.lock().unwrap().is_empty(), "nothing was sent");
    // The person running apidiff may allow the prefix; then the token is used.
    repo.write("api/openapi.yaml", SPEC2);
    let o = run(&repo, &["check", "--record"], &[("GITHUB_TOKEN", SECRET), ("APIDIFF_SECRETS_ENV_PREFIX", "VAULT_,GITHUB_")]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", text(&o));
}

#[test]
fn a_repository_env_file_cannot_send_the_environments_credentials_to_its_endpoint() {
    let server = serve();
    let endpoint = server.url.replace("/openapi.yaml", "");
    let repo = Repo::new();
    repo.write("api/openapi.yaml", SPEC);
    repo.write(".env", &format!("# local settings\nAPIDIFF_STORE=s3://history\nexport AWS_ENDPOINT_URL={endpoint}\n"));
    let bare = |envs: &[(&str, &str)]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_apidiff"));
        c.args(["history"]).current_dir(repo.path()).envs(ENV.iter().copied());
        for k in ["APIDIFF_STORE", "APIDIFF_MIRROR", "DATABASE_URL", "APIDIFF_S3_ENDPOINT", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"] {
            c.env_remove(k);
        }
        for k in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"] {
            c.env_remove(k);
        }
        c.envs(envs.iter().copied()).output().unwrap()
    };
    let o = bare(&[("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE"), ("AWS_SECRET_ACCESS_KEY", SECRET)]);
    refused(&o, &[".env:3", "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID"]);
    assert!(server.seen.lock().unwrap().is_empty(), "nothing was sent");
    // Credentials in the same .env are the repository's own to send where it likes.
    repo.write(
        ".env",
        &format!("APIDIFF_STORE=s3://history\nAWS_ENDPOINT_URL={endpoint}\nAWS_ACCESS_KEY_ID=local\nAWS_SECRET_ACCESS_KEY=local\n"),
    );
    let o = bare(&[]);
    assert!(!text(&o).contains("cannot choose where your credentials"), "{}", text(&o));
    // And the person running apidiff may choose the endpoint in the environment.
    repo.write(".env", "APIDIFF_STORE=s3://history\n");
    let o = bare(&[("AWS_ENDPOINT_URL", &endpoint), ("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE"), ("AWS_SECRET_ACCESS_KEY", SECRET)]);
    assert!(!text(&o).contains("cannot choose where your credentials"), "{}", text(&o));
}
