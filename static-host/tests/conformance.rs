//! Conformance with the real thing: one table of requests against static-host and against the
//! Azure Static Web Apps emulator (`swa start`), both serving the same built site; status, content
//! type, the configuration's security headers, the `cache-control` its routes set and the
//! `cache-control` of error answers must agree.
//! (One known gap of the emulator: it sends no `globalHeaders` on error answers, where the service
//! documents them on every response; there static-host must send them.)
//!
//! The site is `STATIC_HOST_SITE` when set (e.g. the real `dist/`; a relative path is taken from
//! the workspace root), else a fixture built here. The emulator is `SWA_BIN`, else
//! `node_modules/.bin/swa` at the workspace root. Set `STATIC_HOST_SKIP_SWA=1` to skip where the
//! emulator is not installed.

mod common;

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{raw_request, RawResponse};

/// The emulator, running in its own process group, stopped when dropped.
struct Emulator {
    child: Child,
    address: SocketAddr,
    log: PathBuf,
}

impl Emulator {
    fn start(swa: &Path, site: &Path, log_dir: &Path) -> Emulator {
        use std::os::unix::process::CommandExt;
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = log_dir.join("swa.log");
        let out = std::fs::File::create(&log).unwrap();
        let child = Command::new(swa)
            .arg("start")
            .arg(site)
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            // Without this the emulator reads staticwebapp.config.json from its working folder,
            // not from the site, and silently applies none of it.
            .arg("--swa-config-location")
            .arg(site)
            .current_dir(site)
            .env("SWA_CLI_DEBUG", "silly")
            .env("SWA_DISABLE_TELEMETRY", "1")
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", swa.display()));
        let emulator = Emulator {
            child,
            address: SocketAddr::from(([127, 0, 0, 1], port)),
            log,
        };
        emulator.wait_ready(Duration::from_secs(90));
        emulator
    }

    fn wait_ready(&self, limit: Duration) {
        let start = Instant::now();
        while start.elapsed() < limit {
            if raw_request(self.address, "GET", "/", &[]).is_ok_and(|r| r.status < 500) {
                return;
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        panic!(
            "the emulator did not answer within {limit:?}; its log:\n{}",
            std::fs::read_to_string(&self.log).unwrap_or_default()
        );
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        // The emulator's node processes share the group we gave the child; stop that group only.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let _ = self.child.wait();
    }
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn swa_binary() -> Option<PathBuf> {
    let path = std::env::var_os("SWA_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("node_modules/.bin/swa"));
    path.exists().then_some(path)
}

/// One request of the table.
struct Probe {
    method: &'static str,
    path: String,
    headers: Vec<(&'static str, &'static str)>,
}

fn probe(method: &'static str, path: impl Into<String>) -> Probe {
    Probe {
        method,
        path: path.into(),
        headers: Vec::new(),
    }
}

/// The files at the site's root (the configuration file aside), sorted.
fn root_files(site: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(site)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_file())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| name != "staticwebapp.config.json")
        .collect();
    names.sort();
    names
}

/// The request table: pages, every file at the root (plain and compressed), deep links, missing
/// files, the configuration file and methods other than GET and HEAD.
fn table(site: &Path) -> Vec<Probe> {
    let mut probes = vec![
        probe("GET", "/"),
        probe("GET", "/index.html"),
        probe("HEAD", "/index.html"),
        probe("GET", "/cars/42"),
        probe("GET", "/price?make=audi"),
        // Other spellings of a path get that path's rules.
        probe("GET", "//index.html"),
        probe("GET", "/./index.html"),
        probe("GET", "/missing-file.js"),
        probe("GET", "/missing-image.png"),
        // A hashed asset of an earlier deploy: its route makes hashed assets immutable.
        probe("GET", "/frontend-0123456789abcdef_bg.wasm"),
        probe("GET", "/frontend-0123456789abcdef.js"),
        probe("HEAD", "/frontend-0123456789abcdef_bg.wasm"),
        probe("GET", "/staticwebapp.config.json"),
        probe("POST", "/index.html"),
        probe("PUT", "/"),
        probe("DELETE", "/index.html"),
    ];
    for name in root_files(site) {
        probes.push(probe("GET", format!("/{name}")));
        let mut compressed = probe("GET", format!("/{name}"));
        compressed.headers.push(("accept-encoding", "br, gzip"));
        probes.push(compressed);
    }
    probes
}

/// The security headers the site's configuration sets globally.
fn security_headers(site: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(site.join("staticwebapp.config.json")).unwrap_or_default();
    let config: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    config["globalHeaders"]
        .as_object()
        .map(|h| h.keys().map(|k| k.to_ascii_lowercase()).collect())
        .unwrap_or_default()
}

/// The `cache-control` values the configuration's routes set (e.g. `no-cache` for the page,
/// `public, max-age=31536000, immutable` for hashed assets).
fn configured_cache_controls(site: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(site.join("staticwebapp.config.json")).unwrap_or_default();
    let config: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let routes = config["routes"].as_array().cloned().unwrap_or_default();
    routes
        .iter()
        .filter_map(|route| route["headers"].as_object())
        .flat_map(|headers| headers.iter())
        .filter(|(name, _)| name.eq_ignore_ascii_case("cache-control"))
        .filter_map(|(_, value)| value.as_str().map(str::to_string))
        .collect()
}

/// Whether a `cache-control` lets no cache reuse the answer without asking again.
fn stale_at_once(value: &str) -> bool {
    let directives: Vec<String> = value
        .split(',')
        .map(|d| d.trim().to_ascii_lowercase())
        .collect();
    !directives.iter().any(|d| d == "immutable")
        && directives
            .iter()
            .any(|d| d == "no-store" || d == "no-cache" || d == "max-age=0")
}

/// static-host's `cache-control` where the configuration sets none.
const DEFAULT_CACHE_CONTROL: &str = "no-cache";

fn essence(response: &RawResponse) -> String {
    response
        .header("content-type")
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

#[test]
fn static_host_answers_like_the_static_web_apps_emulator() {
    let Some(swa) = swa_binary() else {
        if std::env::var_os("STATIC_HOST_SKIP_SWA").is_some() {
            eprintln!("skipped: no Static Web Apps emulator (STATIC_HOST_SKIP_SWA is set)");
            return;
        }
        panic!("no Static Web Apps emulator: run scripts/setup.sh (npm ci) or set SWA_BIN; STATIC_HOST_SKIP_SWA=1 skips");
    };
    let fixture = tempfile::tempdir().unwrap();
    let site = match std::env::var_os("STATIC_HOST_SITE") {
        Some(dir) => {
            // Relative to the workspace root, where the documented commands run (cargo runs the
            // test in the crate's folder).
            let dir = workspace().join(dir);
            dir.canonicalize()
                .unwrap_or_else(|e| panic!("STATIC_HOST_SITE={}: {e}", dir.display()))
        }
        None => {
            common::write_site(fixture.path());
            fixture.path().to_path_buf()
        }
    };
    let logs = tempfile::tempdir().unwrap();
    let emulator = Emulator::start(&swa, &site, logs.path());

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let ours = runtime.block_on(common::serve(common::router(&site)));

    let security = security_headers(&site);
    let cache_controls = configured_cache_controls(&site);
    let mut differences = Vec::new();
    let mut lines = Vec::new();
    for probe in table(&site) {
        let theirs =
            raw_request(emulator.address, probe.method, &probe.path, &probe.headers).unwrap();
        let mine = raw_request(ours, probe.method, &probe.path, &probe.headers).unwrap();
        let label = format!("{} {} {:?}", probe.method, probe.path, probe.headers);
        lines.push(format!(
            "{label:<70} swa {} {:<28} {:?} static-host {} {} {:?}",
            theirs.status,
            essence(&theirs),
            theirs.header("cache-control"),
            mine.status,
            essence(&mine),
            mine.header("cache-control"),
        ));
        if theirs.status != mine.status {
            differences.push(format!(
                "{label}: status {} (swa) vs {} (static-host)",
                theirs.status, mine.status
            ));
        }
        if essence(&theirs) != essence(&mine) {
            differences.push(format!(
                "{label}: content type {:?} (swa) vs {:?} (static-host)",
                essence(&theirs),
                essence(&mine)
            ));
        }
        for name in &security {
            // The emulator leaves globalHeaders off error answers; the service applies them to
            // every response, and so does static-host. Compare where the emulator sets them.
            let differs = if theirs.status < 400 {
                theirs.header(name) != mine.header(name)
            } else {
                mine.header(name).is_none()
            };
            if differs {
                differences.push(format!(
                    "{label}: {name} {:?} (swa) vs {:?} (static-host)",
                    theirs.header(name),
                    mine.header(name)
                ));
            }
        }
        // Caching: where either server applies a cache-control of the configuration's routes
        // (hashed assets immutable, the page and the model revalidated), both must send the same.
        // Where the configuration says nothing (icons, the navigation fallback) the emulator sends
        // its own default (`must-revalidate, max-age=30`) and static-host `no-cache`: not compared.
        let configured = |value: Option<&str>| {
            value.is_some_and(|v| cache_controls.iter().any(|c| c.as_str() == v))
        };
        let (their_cache, my_cache) =
            (theirs.header("cache-control"), mine.header("cache-control"));
        if theirs.status < 400
            && (configured(their_cache)
                || (configured(my_cache) && my_cache != Some(DEFAULT_CACHE_CONTROL)))
            && their_cache != my_cache
        {
            differences.push(format!(
                "{label}: cache-control {their_cache:?} (swa) vs {my_cache:?} (static-host)"
            ));
        }
        // On errors, whatever the routes say: the emulator's value where it sends one (its error
        // pages: `public, max-age=0`); where it sends none (its bare 405s), static-host's must
        // still be stale at once and never immutable.
        if theirs.status >= 400 {
            let differs = match their_cache {
                Some(theirs) => my_cache != Some(theirs),
                None => !my_cache.is_some_and(stale_at_once),
            };
            if differs {
                differences.push(format!(
                    "{label}: error cache-control {their_cache:?} (swa) vs {my_cache:?} (static-host)"
                ));
            }
        }
    }
    drop(emulator);
    eprintln!("{}", lines.join("\n"));
    assert!(
        differences.is_empty(),
        "static-host differs from the emulator:\n{}",
        differences.join("\n")
    );
}
