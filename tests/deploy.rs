//! The Kustomize base under deploy/ (issue #29): rendered with `kubectl kustomize`, every
//! manifest checked against the Kubernetes JSON schemas (PyPI `kubernetes-validate`, strict),
//! and tied to the code: the probes' paths answer on a real server, the containers' arguments
//! parse, and every environment variable is one the CLI reads or one the mounted configuration
//! names. kubectl and the validator come from scripts/deps.sh; under `CI=true` a missing one is
//! a failure, locally the test skips with a note.

#![cfg(feature = "server")]
#![allow(clippy::print_stderr)]

mod common_server;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const BASE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/deploy/base");

/// A tool the test needs: `env` overrides `default`; `None` (with a note) when it is missing
/// locally, a failure under `CI=true`.
fn tool(env: &str, default: PathBuf) -> Option<PathBuf> {
    let path = std::env::var_os(env).map(PathBuf::from).unwrap_or(default);
    let found = if path.components().count() == 1 {
        std::env::var_os("PATH").and_then(|p| std::env::split_paths(&p).map(|d| d.join(&path)).find(|f| f.is_file()))
    } else {
        path.is_file().then(|| path.clone())
    };
    if found.is_none() {
        let note = format!("{} is missing (set {env} or run scripts/deps.sh)", path.display());
        assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true but {note}");
        eprintln!("skipping: {note}");
    }
    found
}

fn assets() -> PathBuf {
    PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache/apidiff-test-assets")
}

/// Every manifest the base renders to, as JSON (PyYAML from the validator's venv reads them).
fn render(kubectl: &Path, python: &Path, out: &Path) -> Vec<Value> {
    let o = Command::new(kubectl).args(["kustomize", BASE]).output().unwrap();
    assert!(o.status.success(), "kubectl kustomize: {}", String::from_utf8_lossy(&o.stderr));
    std::fs::write(out, &o.stdout).unwrap();
    let json = Command::new(python)
        .args(["-c", "import sys, yaml, json; print(json.dumps([d for d in yaml.safe_load_all(open(sys.argv[1])) if d]))"])
        .arg(out)
        .output()
        .unwrap();
    assert!(json.status.success(), "{}", String::from_utf8_lossy(&json.stderr));
    serde_json::from_slice(&json.stdout).unwrap()
}

fn of_kind<'a>(docs: &'a [Value], kind: &str) -> Vec<&'a Value> {
    docs.iter().filter(|d| d["kind"] == kind).collect()
}

fn containers(deployment: &Value) -> &Vec<Value> {
    deployment["spec"]["template"]["spec"]["containers"].as_array().unwrap()
}

/// Every `"NAME"` string literal of upper-case letters, digits and `_` in the CLI's sources:
/// the environment variables the edge reads (the library reads none).
fn cli_literals() -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                for lit in text.split('"').skip(1).step_by(2) {
                    if lit.len() > 2 && lit.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_') {
                        out.push(lit.to_string());
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src/cli")), &mut out);
    out
}

#[test]
fn the_kustomize_base_renders_validates_and_matches_the_code() {
    let Some(kubectl) = tool("APIDIFF_TEST_KUBECTL", "kubectl".into()) else { return };
    let Some(validate) = tool("APIDIFF_TEST_KUBE_VALIDATE", assets().join("venv/bin/kubernetes-validate")) else { return };
    let python = validate.with_file_name("python");
    let dir = tempfile::tempdir().unwrap();
    let rendered = dir.path().join("rendered.yaml");
    let docs = render(&kubectl, &python, &rendered);

    // The Kubernetes schemas, strictly (no unknown field anywhere).
    let o = Command::new(&validate).arg("--strict").arg(&rendered).output().unwrap();
    let report = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert!(o.status.success(), "kubernetes-validate:\n{report}");
    assert_eq!(report.matches(" passed for resource ").count(), docs.len(), "{report}");

    // What the base must hold: serve (Deployment, Service, HPA) and watch (Deployment).
    let deployments = of_kind(&docs, "Deployment");
    let by_component = |c: &str| {
        *deployments
            .iter()
            .find(|d| d["metadata"]["labels"]["app.kubernetes.io/component"] == c)
            .unwrap_or_else(|| panic!("no {c} Deployment"))
    };
    let (serve, watch) = (by_component("serve"), by_component("watch"));
    assert!(watch["spec"]["replicas"].as_u64().unwrap() >= 2, "watch runs as several workers");
    let hpa = of_kind(&docs, "HorizontalPodAutoscaler");
    assert_eq!(hpa.len(), 1);
    assert_eq!(hpa[0]["spec"]["scaleTargetRef"]["name"], serve["metadata"]["name"]);
    let service = of_kind(&docs, "Service");
    assert_eq!(service.len(), 1);
    for (k, v) in service[0]["spec"]["selector"].as_object().unwrap() {
        assert_eq!(&serve["spec"]["template"]["metadata"]["labels"][k], v, "the Service selects the serve pods");
    }

    // The configuration the pods mount is one apidiff reads; its channels name secrets.
    let config_map = of_kind(&docs, "ConfigMap");
    let config_text = config_map[0]["data"]["apidiff.yaml"].as_str().unwrap();
    let config = apidiff::config::parse("apidiff.yaml", config_text).unwrap();
    let mut known: Vec<String> = cli_literals();
    known.extend(config.alerts.channels.iter().flat_map(|c| c.env_names()).map(str::to_string));

    let bin = env!("CARGO_BIN_EXE_apidiff");
    let server = common_server::Server::start();
    for d in [serve, watch] {
        for c in containers(d) {
            // The arguments parse (`--help` last: clap rejects an unknown one before it).
            let args: Vec<&str> = c["args"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
            let o = Command::new(bin).args(&args).arg("--help").output().unwrap();
            assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
            // Every variable is read by the CLI or named by the configuration; a secret's key
            // is the variable's own name.
            for e in c["env"].as_array().unwrap() {
                let name = e["name"].as_str().unwrap();
                assert!(known.iter().any(|k| k == name), "{name}: neither the CLI nor apidiff.yaml reads it");
                if let Some(key) = e["valueFrom"]["secretKeyRef"]["key"].as_str() {
                    assert_eq!(key, name);
                }
            }
            // The probes answer 200 on a real server, without a token, on the port it listens on.
            for probe in ["readinessProbe", "livenessProbe"] {
                let get = &c[probe]["httpGet"];
                if d == serve {
                    assert!(get.is_object(), "serve has a {probe}");
                }
                let Some(path) = get["path"].as_str() else { continue };
                let r = common_server::request(server.addr, "GET", path, None, None);
                assert_eq!(r.status, 200, "{probe} {path}: {}", r.body);
                let port = c["ports"].as_array().unwrap().iter().find(|p| p["name"] == get["port"] || p["containerPort"] == get["port"]);
                let port =
                    port.unwrap_or_else(|| panic!("{probe}: port {} is not a container port", get["port"]))["containerPort"].as_u64();
                let listen = args.iter().position(|a| *a == "--listen").map(|i| args[i + 1]).unwrap();
                assert_eq!(listen.rsplit(':').next().unwrap().parse::<u64>().ok(), port, "{probe} port vs --listen {listen}");
            }
        }
    }
}
