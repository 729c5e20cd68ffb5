import Foundation
import StrictJSON
import XCTest

@testable import EPCIS

/// Where the shared EPCIS test corpus lives: `../shared/testdata/epcis` next to the repository root
/// (three levels up from this file). The corpus is read in place, never copied into the repository.
enum Corpus {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/testdata/epcis/openepcis")

    static func files(_ folder: String) throws -> [URL] {
        let dir = root.appendingPathComponent(folder)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }.sorted()
        return names.map { dir.appendingPathComponent($0) }
    }

    static func bytes(_ folder: String, _ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent(folder).appendingPathComponent(name)))
    }

    static func bytes(_ url: URL) throws -> [UInt8] { Array(try Data(contentsOf: url)) }
}
