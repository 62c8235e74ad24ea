//! Locking shared by the worker's stages and the librdkafka callbacks.

use std::sync::{Mutex, MutexGuard};

/// Locks a mutex, taking over a poisoned one (a panicked holder leaves plain data behind).
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    match mutex.lock() {
        Ok(t) => t,
        Err(poisoned) => poisoned.into_inner(),
    }
}
