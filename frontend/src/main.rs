//! Entry point of the carprice staff web app (built for the browser by trunk).

/// A small free-list allocator instead of the standard library's dlmalloc: about 3 KB less to
/// download, and the app's few thousand short-lived allocations per edit do not need more.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());

fn main() {
    #[cfg(target_arch = "wasm32")]
    frontend::start();
}
