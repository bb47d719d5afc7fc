//! Blob storage access, on the official `azure_storage_blob` SDK.
//!
//! A [`Container`] is a small blocking façade: list names under a prefix, read a blob with its
//! metadata, create a blob only if it is absent, replace a blob only if it is unchanged. Every error
//! is a [`BlobError`] whose message names the container without its SAS and says what to check.

use std::collections::HashMap;
use std::sync::Arc;

use azure_core::credentials::TokenCredential;
use azure_core::http::{ExponentialRetryOptions, RequestContent, RetryOptions, StatusCode};
use azure_core::time::Duration;
use azure_storage_blob::models::{BlobClientUploadOptions, BlobContainerClientListBlobsOptions};
use azure_storage_blob::{BlobContainerClient, BlobContainerClientOptions};
use futures::TryStreamExt;

use crate::location::{redact, Auth, ContainerLocation};

/// A failure talking to Blob storage. Messages never contain a SAS signature.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BlobError {
    /// The container URL or SAS settings are unusable.
    #[error("container location {0}")]
    BadLocation(String),
    /// The service refused the credentials.
    #[error("access to {container} denied ({code}): check that the SAS (CARPRICE_SAS or the URL) is genuine, unexpired and grants this operation, or sign in for --auth entra")]
    Denied {
        /// The container, redacted.
        container: String,
        /// The service's error code.
        code: String,
    },
    /// The container does not exist.
    #[error("container {0} does not exist: check --container / CARPRICE_CONTAINER_URL")]
    ContainerNotFound(String),
    /// A blob that was to be created already exists.
    #[error("{name} already exists in {container}")]
    AlreadyExists {
        /// The blob name.
        name: String,
        /// The container, redacted.
        container: String,
    },
    /// A blob changed between reading and replacing it.
    #[error("{name} in {container} was changed by someone else meanwhile: run the command again")]
    Changed {
        /// The blob name.
        name: String,
        /// The container, redacted.
        container: String,
    },
    /// No answer from the service.
    #[error("cannot reach {container} ({detail}): check the URL and that the storage service is up, then run the command again (every registry operation is safe to repeat)")]
    Unreachable {
        /// The container, redacted.
        container: String,
        /// What the HTTP stack said, redacted.
        detail: String,
    },
    /// Any other refusal by the service.
    #[error("storage request for {name} in {container} failed: {detail}")]
    Service {
        /// The blob name (or the container for listings).
        name: String,
        /// The container, redacted.
        container: String,
        /// What the service said, redacted.
        detail: String,
    },
    /// Entra ID sign-in could not be set up.
    #[error("cannot set up Entra ID sign-in ({0}): set AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE for workload identity, or run `az login`")]
    Credential(String),
    /// The async runtime for the SDK could not start.
    #[error("cannot start the network runtime: {0}")]
    Runtime(#[from] std::io::Error),
}

/// A blob's content and user metadata.
#[derive(Debug, Clone)]
pub(crate) struct Blob {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// User metadata (`x-ms-meta-*`), keys in lower case.
    pub metadata: HashMap<String, String>,
    /// The entity tag, for [`Container::replace`].
    pub etag: Option<String>,
}

/// One blob container.
pub(crate) struct Container {
    client: BlobContainerClient,
    location: ContainerLocation,
    /// Always `Some` until dropped.
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for Container {
    /// Lets the runtime go without waiting: dropping a runtime blocks until its tasks end, which
    /// tokio forbids (a panic) inside another runtime's async code, e.g. when a server that holds
    /// a container shuts down. Nothing runs on it between calls, so there is nothing to wait for.
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl Container {
    /// Opens a container (no request is sent yet).
    ///
    /// # Errors
    /// [`BlobError::Credential`] when Entra ID sign-in cannot be set up, [`BlobError::Runtime`].
    pub fn open(location: ContainerLocation) -> Result<Self, BlobError> {
        let credential: Option<Arc<dyn TokenCredential>> = match location.auth() {
            Auth::Sas | Auth::Anonymous => None,
            Auth::Entra => Some(entra_credential()?),
        };
        let mut options = BlobContainerClientOptions::default();
        // Fail within seconds, not a minute, when the service is down: a deploy should stop and say so.
        options.client_options.retry = RetryOptions::exponential(ExponentialRetryOptions {
            initial_delay: Duration::milliseconds(200),
            max_retries: 3,
            max_total_elapsed: Duration::seconds(10),
            max_delay: Duration::seconds(2),
        });
        let client = BlobContainerClient::new(location.url().clone(), credential, Some(options))
            .map_err(|e| BlobError::BadLocation(redact(&e.to_string())))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok(Container {
            client,
            location,
            runtime: Some(runtime),
        })
    }

    fn runtime(&self) -> &tokio::runtime::Runtime {
        self.runtime
            .as_ref()
            .expect("the runtime lives as long as the container")
    }

    /// The container, for messages (no SAS).
    pub fn location(&self) -> &ContainerLocation {
        &self.location
    }

    /// Names of all blobs whose name starts with `prefix`.
    ///
    /// # Errors
    /// Any [`BlobError`] from the service.
    pub fn list(&self, prefix: &str) -> Result<Vec<String>, BlobError> {
        let options = BlobContainerClientListBlobsOptions {
            prefix: Some(prefix.to_string()),
            ..Default::default()
        };
        self.runtime().block_on(async {
            let mut pager = self
                .client
                .list_blobs(Some(options))
                .map_err(|e| self.error(prefix, e))?;
            let mut names = Vec::new();
            while let Some(item) = pager.try_next().await.map_err(|e| self.error(prefix, e))? {
                names.extend(item.name);
            }
            Ok(names)
        })
    }

    /// Reads a blob; `None` when it does not exist.
    ///
    /// # Errors
    /// Any [`BlobError`] from the service other than "blob not found".
    pub fn get(&self, name: &str) -> Result<Option<Blob>, BlobError> {
        self.runtime().block_on(async {
            let response = match self.client.blob_client(name).download(None).await {
                Ok(response) => response,
                Err(e) if is_code(&e, "BlobNotFound") => return Ok(None),
                Err(e) => return Err(self.error(name, e)),
            };
            let metadata = response
                .properties
                .metadata
                .into_iter()
                .map(|(key, value)| (key.to_ascii_lowercase(), value))
                .collect();
            let etag = response.properties.etag.map(String::from);
            let bytes = response
                .body
                .collect()
                .await
                .map_err(|e| self.error(name, e))?;
            Ok(Some(Blob {
                bytes: bytes.to_vec(),
                metadata,
                etag,
            }))
        })
    }

    /// Creates a blob, refusing to overwrite one that exists.
    ///
    /// # Errors
    /// [`BlobError::AlreadyExists`], or any other [`BlobError`] from the service.
    pub fn create(
        &self,
        name: &str,
        bytes: &[u8],
        metadata: HashMap<String, String>,
    ) -> Result<(), BlobError> {
        let options = BlobClientUploadOptions {
            metadata: Some(metadata),
            ..Default::default()
        }
        .if_not_exists();
        self.upload(name, bytes, options)
    }

    /// Replaces a blob only if it still has the entity tag `etag`, or creates it only if it is
    /// absent when `etag` is `None` (optimistic concurrency for small records).
    ///
    /// # Errors
    /// [`BlobError::Changed`] when someone else wrote it meanwhile, or any other [`BlobError`].
    pub fn replace(&self, name: &str, bytes: &[u8], etag: Option<&str>) -> Result<(), BlobError> {
        let options = BlobClientUploadOptions {
            if_match: etag.map(Into::into),
            ..Default::default()
        };
        let options = if etag.is_none() {
            options.if_not_exists()
        } else {
            options
        };
        self.upload(name, bytes, options).map_err(|e| match e {
            BlobError::AlreadyExists { name, container } => BlobError::Changed { name, container },
            other => other,
        })
    }

    fn upload(
        &self,
        name: &str,
        bytes: &[u8],
        options: BlobClientUploadOptions<'_>,
    ) -> Result<(), BlobError> {
        self.runtime().block_on(async {
            self.client
                .blob_client(name)
                .upload(RequestContent::from(bytes.to_vec()), Some(options))
                .await
                .map(drop)
                .map_err(|e| self.error(name, e))
        })
    }

    /// Turns an SDK error into a [`BlobError`] that says what to check, with secrets redacted.
    fn error(&self, name: &str, error: azure_core::Error) -> BlobError {
        let container = self.location.to_string();
        let code = error_code(&error).unwrap_or_default();
        match error.http_status() {
            Some(StatusCode::Forbidden | StatusCode::Unauthorized) => {
                BlobError::Denied { container, code }
            }
            Some(StatusCode::NotFound) if code == "ContainerNotFound" => {
                BlobError::ContainerNotFound(container)
            }
            Some(StatusCode::Conflict | StatusCode::PreconditionFailed) => {
                BlobError::AlreadyExists {
                    name: name.to_string(),
                    container,
                }
            }
            Some(_) => BlobError::Service {
                name: name.to_string(),
                container,
                detail: redact(&one_line(&error)),
            },
            None => BlobError::Unreachable {
                container,
                detail: redact(&one_line(&error)),
            },
        }
    }
}

/// The Entra ID credential for this environment: workload identity when a federated token file is
/// configured (`AZURE_FEDERATED_TOKEN_FILE`, `AZURE_CLIENT_ID`, `AZURE_TENANT_ID`), otherwise the
/// Azure CLI's signed-in account (`az login` on a laptop, `azure/login` with OIDC in GitHub Actions).
fn entra_credential() -> Result<Arc<dyn TokenCredential>, BlobError> {
    let credential: Arc<dyn TokenCredential> =
        if std::env::var_os("AZURE_FEDERATED_TOKEN_FILE").is_some() {
            azure_identity::WorkloadIdentityCredential::new(None)
                .map_err(|e| BlobError::Credential(redact(&e.to_string())))?
        } else {
            azure_identity::AzureCliCredential::new(None)
                .map_err(|e| BlobError::Credential(redact(&e.to_string())))?
        };
    Ok(credential)
}

fn error_code(error: &azure_core::Error) -> Option<String> {
    match error.kind() {
        azure_core::error::ErrorKind::HttpResponse { error_code, .. } => error_code.clone(),
        _ => None,
    }
}

fn is_code(error: &azure_core::Error, code: &str) -> bool {
    error_code(error).as_deref() == Some(code)
}

/// The error and its sources on one line.
fn one_line(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text.replace('\n', " ")
}
