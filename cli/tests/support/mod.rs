//! Test harness for the Blob storage commands: an Azurite emulator per test on a free port of
//! 127.0.0.1 with a temporary folder (killed when dropped), account SAS tokens for the emulator's
//! well-known development account, sample models, and a runner for the real `carprice` binary.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use azure_core::http::{RequestContent, Url};
use azure_storage_blob::models::{BlobContainerClientCreateOptions, PublicAccessType};
use azure_storage_blob::BlobContainerClient;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub mod closed_pipe;

/// The emulator's well-known development account (public, documented by Microsoft).
pub const ACCOUNT: &str = "devstoreaccount1";
const ACCOUNT_KEY: &str =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
const SAS_VERSION: &str = "2021-08-06";

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// An Azurite blob service, stopped when dropped.
pub struct Azurite {
    child: Option<Child>,
    port: u16,
    _data: tempfile::TempDir,
}

impl Azurite {
    /// Starts Azurite from the repository's `node_modules` (installed by `scripts/setup.sh`).
    pub fn start() -> Azurite {
        let binary = repo_root().join("node_modules/.bin/azurite-blob");
        assert!(
            binary.exists(),
            "{} is missing: run scripts/setup.sh",
            binary.display()
        );
        let data = tempfile::tempdir().unwrap();
        let port = free_port();
        let child = Command::new(&binary)
            .args(["--blobHost", "127.0.0.1", "--blobPort", &port.to_string()])
            .arg("--location")
            .arg(data.path())
            .args(["--skipApiVersionCheck", "--loose", "--silent"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start azurite-blob");
        let mut azurite = Azurite {
            child: Some(child),
            port,
            _data: data,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(status) = azurite.child.as_mut().unwrap().try_wait().unwrap() {
                panic!("azurite-blob exited at start: {status}");
            }
            assert!(
                Instant::now() < deadline,
                "azurite-blob did not listen on {port} within 30 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        azurite
    }

    /// The URL of a container (no SAS).
    pub fn container_url(&self, container: &str) -> String {
        format!("http://127.0.0.1:{}/{ACCOUNT}/{container}", self.port)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The process id of the running emulator.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Reads a blob's bytes.
    pub fn read(&self, container: &str, blob: &str) -> Vec<u8> {
        let client = self.admin_client(container).blob_client(blob);
        runtime().block_on(async {
            let response = client.download(None).await.expect("read blob");
            response
                .body
                .collect()
                .await
                .expect("read blob body")
                .to_vec()
        })
    }

    /// Stops the emulator now (a storage outage).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Creates a container, private or with public read access to its blobs and listings.
    pub fn create_container(&self, container: &str, public: bool) {
        let options = BlobContainerClientCreateOptions {
            access: public.then_some(PublicAccessType::Container),
            ..Default::default()
        };
        let client = self.admin_client(container);
        runtime()
            .block_on(client.create(Some(options)))
            .expect("create container");
    }

    /// Overwrites a blob's bytes and keeps its metadata (to simulate corruption in storage).
    pub fn overwrite_keeping_metadata(&self, container: &str, blob: &str, bytes: &[u8]) {
        let client = self.admin_client(container).blob_client(blob);
        runtime().block_on(async {
            let metadata = client
                .download(None)
                .await
                .expect("read blob")
                .properties
                .metadata;
            let options = azure_storage_blob::models::BlobClientUploadOptions {
                metadata: Some(metadata),
                ..Default::default()
            };
            client
                .upload(RequestContent::from(bytes.to_vec()), Some(options))
                .await
                .expect("overwrite blob");
        });
    }

    /// Deletes a blob (to simulate a publication interrupted half-way).
    pub fn delete(&self, container: &str, blob: &str) {
        let client = self.admin_client(container).blob_client(blob);
        runtime()
            .block_on(client.delete(None))
            .expect("delete blob");
    }

    fn admin_client(&self, container: &str) -> BlobContainerClient {
        let url = format!("{}?{}", self.container_url(container), account_sas());
        BlobContainerClient::new(Url::parse(&url).unwrap(), None, None).unwrap()
    }
}

impl Drop for Azurite {
    fn drop(&mut self) {
        self.stop();
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// An account SAS for the development account: blob service, all resource types, full rights
/// (what an administrator or the deploy holds).
pub fn account_sas() -> String {
    let (permissions, services, resource_types, expiry, protocol) =
        ("rwdlacup", "b", "sco", "2099-01-01T00:00:00Z", "https,http");
    let string_to_sign = format!(
        "{ACCOUNT}\n{permissions}\n{services}\n{resource_types}\n\n{expiry}\n\n{protocol}\n{SAS_VERSION}\n\n"
    );
    format!(
        "sv={SAS_VERSION}&ss={services}&srt={resource_types}&sp={permissions}&se={}&spr={}&sig={}",
        encode(expiry),
        encode(protocol),
        encode(&sign(&string_to_sign))
    )
}

/// A service SAS for one container with the given permissions (e.g. `rcl`: what a data scientist
/// holds to publish).
pub fn container_sas(container: &str, permissions: &str) -> String {
    let (expiry, protocol) = ("2099-01-01T00:00:00Z", "https,http");
    // Fields: permissions, start, expiry, resource, identifier, IP, protocol, version, resource
    // type, snapshot time, encryption scope, then the five response header overrides.
    let string_to_sign = format!(
        "{permissions}\n\n{expiry}\n/blob/{ACCOUNT}/{container}\n\n\n{protocol}\n{SAS_VERSION}\nc\n\n\n\n\n\n\n"
    );
    format!(
        "sv={SAS_VERSION}&sr=c&sp={permissions}&se={}&spr={}&sig={}",
        encode(expiry),
        encode(protocol),
        encode(&sign(&string_to_sign))
    )
}

/// HMAC-SHA256 of a SAS string-to-sign with the account key, in base64.
fn sign(string_to_sign: &str) -> String {
    let key = base64::engine::general_purpose::STANDARD
        .decode(ACCOUNT_KEY)
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Percent-encodes a SAS query value.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The signature part of a SAS, to check that it never appears in output.
pub fn signature_of(sas: &str) -> String {
    sas.split('&')
        .find_map(|pair| pair.strip_prefix("sig="))
        .unwrap()
        .to_string()
}

/// Runs the real `carprice` binary against a container, with a SAS (through `CARPRICE_SAS`) or none.
pub fn carprice(container_url: &str, sas: Option<&str>, args: &[&str], dir: &Path) -> Output {
    carprice_command(container_url, sas, args, dir)
        .output()
        .expect("run carprice")
}

/// The [`carprice`] command, not started yet.
pub fn carprice_command(
    container_url: &str,
    sas: Option<&str>,
    args: &[&str],
    dir: &Path,
) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_carprice"));
    command
        .args(args)
        .current_dir(dir)
        .env("CARPRICE_CONTAINER_URL", container_url)
        .env_remove("CARPRICE_AUTH")
        .env_remove("GITHUB_SHA");
    match sas {
        Some(sas) => command.env("CARPRICE_SAS", sas),
        None => command.env_remove("CARPRICE_SAS"),
    };
    command
}

/// Text of an output, for assertions and failure messages.
pub fn text(output: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Asserts success and returns stdout.
#[track_caller]
pub fn ok(output: Output) -> String {
    assert!(
        output.status.success(),
        "carprice failed:\n{}",
        text(&output)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Asserts failure and returns stderr.
#[track_caller]
pub fn fails(output: Output) -> String {
    assert!(
        !output.status.success(),
        "carprice should have failed:\n{}",
        text(&output)
    );
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The packaged model with another version and its intercept (log price) shifted by `shift`:
/// 0.0 keeps its accuracy, 0.3 prices every car about 35% too high.
pub fn model_json(version: &str, shift: f64) -> String {
    let text = std::fs::read_to_string(repo_root().join("assets/model.json")).unwrap();
    let mut document: serde_json::Value = serde_json::from_str(&text).unwrap();
    document["version"] = version.into();
    let intercept = document["intercept"].as_f64().unwrap();
    document["intercept"] = (intercept + shift).into();
    serde_json::to_string_pretty(&document).unwrap()
}

/// The sample car data, used as test data.
pub fn test_data() -> Vec<u8> {
    let path = model_core::data::sample_data_path(&repo_root());
    std::fs::read(&path)
        .unwrap_or_else(|e| panic!("car data {}: {e}; set CARPRICE_DATA", path.display()))
}

/// A working folder with `model-<version>.json` files and `test-data.csv`.
pub struct Workspace {
    /// The folder.
    pub dir: tempfile::TempDir,
}

impl Workspace {
    /// An empty folder with the test data.
    pub fn new() -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("test-data.csv"), test_data()).unwrap();
        Workspace { dir }
    }

    /// Writes a model file and returns its name.
    pub fn model(&self, version: &str, shift: f64) -> String {
        let name = format!("model-{version}.json");
        std::fs::write(self.dir.path().join(&name), model_json(version, shift)).unwrap();
        name
    }

    /// The folder path.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// A TCP proxy in front of a server on 127.0.0.1 that forwards everything, except for the first
/// `count` requests whose request line starts with `method` and contains `needle`: their answers
/// are dropped (the server carries the request out, the client sees its connection close: a lost
/// answer), or, with [`LossyProxy::killing`], the server is killed as such a request arrives.
/// Stopped when dropped.
pub struct LossyProxy {
    port: u16,
    dropped: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl LossyProxy {
    /// Starts the proxy in front of `upstream_port`, dropping answers.
    pub fn start(upstream_port: u16, method: &str, needle: &str, count: usize) -> LossyProxy {
        Self::with_fault(upstream_port, method, needle, count, None)
    }

    /// Starts the proxy in front of the server `azurite`, killing it when the first matching
    /// request arrives (before the request reaches it).
    pub fn killing(azurite: &Azurite, method: &str, needle: &str) -> LossyProxy {
        Self::with_fault(azurite.port, method, needle, 1, azurite.pid())
    }

    fn with_fault(
        upstream_port: u16,
        method: &str,
        needle: &str,
        count: usize,
        kill: Option<u32>,
    ) -> LossyProxy {
        let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let dropped = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let to_drop = Arc::new(AtomicUsize::new(count));
        let pattern = (format!("{method} "), needle.to_string(), kill);
        let (stop_flag, dropped_count) = (stop.clone(), dropped.clone());
        std::thread::spawn(move || {
            while !stop_flag.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((client, _)) => {
                        client.set_nonblocking(false).unwrap();
                        // With the server down, the client sees its connection closed.
                        if let Ok(upstream) = TcpStream::connect(("127.0.0.1", upstream_port)) {
                            relay(client, upstream, &pattern, &to_drop, &dropped_count);
                        }
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        LossyProxy {
            port,
            dropped,
            stop,
        }
    }

    /// The URL of a container, through the proxy.
    pub fn container_url(&self, container: &str) -> String {
        format!("http://127.0.0.1:{}/{ACCOUNT}/{container}", self.port)
    }

    /// How many answers were dropped so far.
    pub fn dropped(&self) -> usize {
        self.dropped.load(Ordering::SeqCst)
    }
}

impl Drop for LossyProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// Relays one connection both ways on two threads. Requests are not pipelined, so an answer that
/// starts arriving after a matching request line is that request's answer.
fn relay(
    client: TcpStream,
    upstream: TcpStream,
    (method, needle, kill): &(String, String, Option<u32>),
    to_drop: &Arc<AtomicUsize>,
    dropped: &Arc<AtomicUsize>,
) {
    let drop_next = Arc::new(AtomicBool::new(false));
    let (mut from_client, mut to_upstream) =
        (client.try_clone().unwrap(), upstream.try_clone().unwrap());
    let (method, needle, kill, to_drop, flag) = (
        method.clone(),
        needle.clone(),
        *kill,
        to_drop.clone(),
        drop_next.clone(),
    );
    std::thread::spawn(move || {
        let mut line = Vec::new();
        let mut buffer = [0u8; 16 * 1024];
        while let Ok(n) = from_client.read(&mut buffer) {
            if n == 0 {
                break;
            }
            for &byte in &buffer[..n] {
                line.push(byte);
                if line.ends_with(b"\r\n") {
                    let text = String::from_utf8_lossy(&line);
                    // A request line may follow a body without line breaks on the same line.
                    let request_line = text.rfind(&method).map(|start| &text[start..]);
                    let matches = request_line.is_some_and(|request| {
                        request.contains(&needle) && request.ends_with(" HTTP/1.1\r\n")
                    });
                    let claimed = matches
                        && to_drop
                            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                            .is_ok();
                    if claimed {
                        match kill {
                            // The storage service goes down with the request in flight.
                            Some(pid) => {
                                let _ =
                                    Command::new("kill").args(["-9", &pid.to_string()]).status();
                            }
                            None => flag.store(true, Ordering::SeqCst),
                        }
                    }
                    line.clear();
                }
            }
            if to_upstream.write_all(&buffer[..n]).is_err() {
                break;
            }
        }
        let _ = to_upstream.shutdown(Shutdown::Write);
    });
    let (mut from_upstream, mut to_client) = (upstream, client);
    let dropped = dropped.clone();
    std::thread::spawn(move || {
        let mut buffer = [0u8; 16 * 1024];
        while let Ok(n) = from_upstream.read(&mut buffer) {
            if n == 0 {
                break;
            }
            if drop_next.load(Ordering::SeqCst) {
                // The service has answered, so it has done the work: the client never hears of it.
                dropped.fetch_add(1, Ordering::SeqCst);
                let _ = to_client.shutdown(Shutdown::Both);
                let _ = from_upstream.shutdown(Shutdown::Both);
                return;
            }
            if to_client.write_all(&buffer[..n]).is_err() {
                break;
            }
        }
        let _ = to_client.shutdown(Shutdown::Write);
    });
}

/// Reads `latest`, `live` and `record` from the output of `carprice status`.
pub fn status_fields(output: &str) -> (String, String, String) {
    let field = |key: &str| {
        output
            .lines()
            .find_map(|line| line.strip_prefix(key)?.strip_prefix('='))
            .unwrap_or_else(|| panic!("no {key}= in {output:?}"))
            .to_string()
    };
    (field("latest"), field("live"), field("record"))
}
