import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive `flock` on `<store>.staging/lock`, held for the whole of an update (stage, verify, swap).
///
/// Why a file lock: several processes may open the same store (the console and a sync job). Whoever
/// opens the store cleans up after a killed update, and must not mistake another process's running
/// update for a dead one. The kernel drops a `flock` when its holder dies, even by `kill -9`, so
/// "I can take the lock" means "no update is running anywhere".
final class ApplyLock {
    private let fd: Int32
    let directory: String

    private init(fd: Int32, directory: String) {
        self.fd = fd
        self.directory = directory
    }

    private static func openLockFile(_ directory: String, _ name: String) -> Int32? {
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let fd = Glibc.open(directory + "/" + name, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        return fd >= 0 ? fd : nil
    }

    /// Waits for the lock (an update in this or another process finishes first).
    /// `name` "lock" serialises updates; "open-lock" serialises migrations at open (GRDB's migrator
    /// reads the applied steps outside its transaction, so two processes opening a new file could both
    /// run step 1).
    static func acquire(directory: String, name: String = "lock") throws(FieldStoreError) -> ApplyLock {
        guard let fd = openLockFile(directory, name) else {
            throw FieldStoreError.database("cannot open the update lock in \(directory): \(String(cString: strerror(errno)))")
        }
        while flock(fd, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            let message = String(cString: strerror(errno))
            Glibc.close(fd)
            throw FieldStoreError.database("cannot lock \(directory)/lock: \(message)")
        }
        return ApplyLock(fd: fd, directory: directory)
    }

    /// The lock if nobody holds it, else nil.
    static func tryAcquire(directory: String) -> ApplyLock? {
        guard let fd = openLockFile(directory, "lock") else { return nil }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            Glibc.close(fd)
            return nil
        }
        return ApplyLock(fd: fd, directory: directory)
    }

    func release() {
        flock(fd, LOCK_UN)
        Glibc.close(fd)
    }

    /// Removes staged files (everything but the lock file). Only called while holding the lock.
    func removeStagedFiles() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names where name != "lock" && name != "open-lock" {
            try? FileManager.default.removeItem(atPath: directory + "/" + name)
        }
    }
}
