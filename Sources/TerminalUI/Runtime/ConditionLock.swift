#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A mutex with a condition variable, over pthreads (no Foundation, works on macOS 13).
///
/// Used where a thread must block until another thread posts something: the runtime's mailbox and the
/// in-memory backend's input queue. Waits are bounded by a deadline, never a sleep.
final class ConditionLock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let cond = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(cond, nil)
    }

    deinit {
        pthread_cond_destroy(cond)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        cond.deallocate()
    }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Wakes every waiter; call with or without the lock held.
    func broadcast() { pthread_cond_broadcast(cond) }

    /// With the lock held: waits until `done()` holds or `timeout` passes. Returns `done()`.
    func wait(timeout: Duration, until done: () -> Bool) -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while !done() {
            let remaining = ContinuousClock.now.duration(to: deadline)
            if remaining <= .zero { return false }
            var ts = timespec()
            clock_gettime(CLOCK_REALTIME, &ts)
            let (seconds, attoseconds) = remaining.components
            var nsec = Int(ts.tv_nsec) + Int(attoseconds / 1_000_000_000)
            var sec = Int(ts.tv_sec) + Int(min(seconds, 86_400))
            if nsec >= 1_000_000_000 { sec += 1; nsec -= 1_000_000_000 }
            ts.tv_sec = time_t(sec)
            ts.tv_nsec = Int(nsec)
            pthread_cond_timedwait(cond, mutex, &ts)
        }
        return true
    }
}
