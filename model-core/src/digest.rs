//! Content fingerprints: the sha256 that ties a release's files together.

use sha2::{Digest, Sha256};

/// sha256 of bytes as lowercase hex.
pub fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
