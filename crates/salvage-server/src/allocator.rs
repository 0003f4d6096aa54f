//! How the process gives large buffers back to the system.
//!
//! glibc's allocator serves a large allocation from a per-thread arena once a buffer of that size
//! has been freed (its mmap threshold rises to the largest size freed, up to 32 MiB), and an arena
//! keeps what was freed in it. A server whose threads each once held a large buffer — a password
//! check's 19 MiB (argon2id), an envelope of tens of MiB — therefore stays that much larger per
//! thread long after, whatever the body budget and the turns for password checks allow at once
//! (measured: 8 wrong logins at once left the server 183 MiB larger with the dynamic threshold,
//! 39 MiB with a fixed one). A fixed threshold makes every buffer above it a mapping of its own,
//! returned to the system as soon as it is freed. Other allocators and C libraries are left alone.

/// Buffers larger than this are mapped on their own and unmapped when freed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: libc::c_int = 128 * 1024;

/// Makes large buffers go back to the system when they are freed (glibc only). Call it once, at
/// start.
pub fn return_large_buffers() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only sets a tuning parameter of the allocator, under the allocator's own
    // lock; it touches no memory of the caller.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    }
}
