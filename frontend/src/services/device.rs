//! This device's anonymous id for canary buckets (random, 128 bits as hex, kept in
//! `localStorage` under `carprice.device`).

use super::storage::local_storage;

/// Storage key of the device id (the rollout contract's name).
const DEVICE_KEY: &str = "carprice.device";

/// 128 random bits as 32 lower-case hex digits (the browser's `crypto.getRandomValues`).
fn random_id() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        for byte in &mut bytes {
            *byte = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// This device's id: the stored one, or a new random one, stored (without storage, a new one
/// per page load).
pub fn id() -> String {
    let storage = local_storage();
    if let Some(id) = storage
        .as_ref()
        .and_then(|s| s.get_item(DEVICE_KEY).ok().flatten())
        .filter(|id| !id.is_empty())
    {
        return id;
    }
    let id = random_id();
    if let Some(storage) = storage {
        let _ = storage.set_item(DEVICE_KEY, &id);
    }
    id
}
