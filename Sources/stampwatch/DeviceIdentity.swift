import CLISupport
import Foundation

/// This device's id for inspection records and the outbox: `$STAMPWATCH_DEVICE_ID`, else the id kept in
/// `device-id` beside the field store, created (random) on first use. The console, `verify --record` and
/// enrolment all read it here, so every record of one device carries one id.
enum DeviceIdentity {
    static var path: String { (DevicePaths.store as NSString).deletingLastPathComponent + "/device-id" }

    static func id(env: [String: String]) throws(CommandFailure) -> String {
        if let id = env["STAMPWATCH_DEVICE_ID"], !id.isEmpty { return id }
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            let id = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !id.isEmpty { return id }
        }
        let id = "console-" + UUID().uuidString.lowercased()
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try (id + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw CommandFailure(.cantCreate, "cannot write the device id to \(path): \(error.localizedDescription)")
        }
        return id
    }
}
