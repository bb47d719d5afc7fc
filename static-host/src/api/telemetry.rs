//! `POST /api/telemetry`: batches of rollout quotes from the web app, checked
//! ([`Batch::from_json`]), rate-limited per client and stored create-only in the configured
//! [`TelemetryStore`] (a local folder, or a Blob container). Answers `202 {"accepted": n}`, also
//! to a resend of a batch already stored (which stores nothing).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use carprice_registry::telemetry::{Batch, BatchError, Stored, TelemetryStore, MAX_BATCH_BYTES};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde_json::json;

use super::score::JsonBody;
use super::{ApiError, ApiState};

/// Batches one client may send per minute by default (and at once, after a quiet minute).
pub const DEFAULT_BATCHES_PER_MINUTE: u32 = 60;

/// Clients tracked before the limiter forgets those that are back to a full allowance.
const TRACKED_CLIENTS: usize = 10_000;

/// Where telemetry goes and how often a client may send it. Cheap to clone.
#[derive(Clone)]
pub struct Telemetry {
    store: Arc<TelemetryStore>,
    limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
}

impl std::fmt::Debug for Telemetry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Telemetry")
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}

impl Telemetry {
    /// Telemetry stored in `store`, at most `per_minute` batches a minute per client (a client
    /// may spend a whole minute's allowance at once).
    pub fn new(store: TelemetryStore, per_minute: NonZeroU32) -> Self {
        Telemetry {
            store: Arc::new(store),
            limiter: Arc::new(RateLimiter::keyed(Quota::per_minute(per_minute))),
        }
    }

    /// Takes one request from `client`'s allowance; when it is spent, the whole seconds until the
    /// next request is allowed.
    fn admit(&self, client: IpAddr) -> Result<(), u64> {
        if self.limiter.len() > TRACKED_CLIENTS {
            self.limiter.retain_recent();
        }
        self.limiter.check_key(&client).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            // Round up, and never say 0: the client must wait.
            (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
        })
    }
}

/// The client a request comes from: the TCP peer, or, when the peer is on this machine (a
/// front end such as the Functions host or a local proxy), the last address of
/// `X-Forwarded-For` (the one that front end saw; earlier entries are the client's own claims).
pub fn client_address(headers: &HeaderMap, peer: Option<SocketAddr>) -> IpAddr {
    let peer = peer.map(|p| p.ip());
    if peer.is_none_or(|ip| ip.is_loopback()) {
        // Only the last entry: an unreadable one is not replaced by an earlier, client-written one.
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .next_back()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|entry| {
                let entry = entry.trim();
                entry
                    .parse::<IpAddr>()
                    .ok()
                    .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))
            });
        if let Some(ip) = forwarded {
            return ip;
        }
    }
    peer.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

/// The handler: rate limit first (before the body is read), then read, check and store.
pub(super) async fn telemetry(
    State(state): State<ApiState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    request: Request,
) -> Result<Response, ApiError> {
    let client = client_address(request.headers(), peer.map(|Extension(ConnectInfo(p))| p));
    state
        .telemetry
        .admit(client)
        .map_err(|seconds| ApiError::RateLimited { seconds })?;
    let body = JsonBody::read(request, &state, MAX_BATCH_BYTES).await?;
    let batch = Batch::from_json(body.bytes()).map_err(|error| match error {
        BatchError::TooLarge { limit, .. } => ApiError::BodyTooLarge { limit },
        BatchError::Malformed {
            line,
            column,
            message,
        } => ApiError::MalformedJson {
            line,
            column,
            message,
        },
        BatchError::Invalid { field, message } => ApiError::BadBatch { field, message },
        other => ApiError::BadBatch {
            field: String::new(),
            message: other.to_string(),
        },
    })?;
    let accepted = batch.quotes.len();
    let id = batch.batch.clone();
    let store = state.telemetry.store.clone();
    let stored = match tokio::task::spawn_blocking(move || store.store(&batch)).await {
        Ok(stored) => stored,
        Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
        Err(_) => return Err(ApiError::ShuttingDown),
    };
    match stored {
        Ok(Stored::Created) => {}
        Ok(Stored::AlreadyStored) => tracing::debug!("telemetry batch resent; stored once"),
        Ok(Stored::Conflict) => return Err(ApiError::BatchConflict { batch: id }),
        Err(error) => {
            tracing::error!(%error, "cannot store a telemetry batch");
            return Err(ApiError::StorageUnavailable);
        }
    }
    Ok((StatusCode::ACCEPTED, Json(json!({ "accepted": accepted }))).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_local_front_end_may_name_the_client() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            "10.0.0.1, 203.0.113.7:51234".parse().unwrap(),
        );
        let local: SocketAddr = "127.0.0.1:40000".parse().unwrap();
        let remote: SocketAddr = "198.51.100.2:40000".parse().unwrap();
        assert_eq!(
            client_address(&headers, Some(local)),
            "203.0.113.7".parse::<IpAddr>().unwrap()
        );
        // A remote client's own header is ignored.
        assert_eq!(client_address(&headers, Some(remote)), remote.ip());
        // An unreadable last entry is not replaced by an earlier one.
        headers.insert("x-forwarded-for", "10.0.0.1, unknown".parse().unwrap());
        assert_eq!(client_address(&headers, Some(local)), local.ip());
    }
}
