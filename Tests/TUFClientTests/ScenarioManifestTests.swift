import Foundation
import XCTest
@testable import TUFClient

/// Every scenario of Tests/tuf/make_scenarios.py, step by step, against its expectations: the
/// refresh outcome and error kind, the target lookups and downloads, and the metadata the client
/// holds afterwards. The topic test files look closer at the interesting ones.
final class ScenarioManifestTests: XCTestCase {
    func testEveryScenarioBehavesAsItsManifestSays() throws {
        let manifest = try Scenarios.manifest()
        XCTAssertGreaterThan(manifest.scenarios.count, 60)
        var stepsRun = 0, downloadsRun = 0
        for (name, scenario) in manifest.scenarios.sorted(by: { $0.key < $1.key }) {
            let device = try Device(scenario)
            for (i, step) in scenario.steps.enumerated() {
                let label = "\(name) step \(i) (\(scenario.description))"
                var (updater, outcome) = device.refresh(step, at: manifest.now)
                stepsRun += 1
                switch outcome {
                case .success:
                    XCTAssertTrue(step.ok, "\(label): refresh succeeded but should have failed with \(step.errors)")
                case .failure(let error):
                    XCTAssertFalse(step.ok, "\(label): refresh failed: \(error)")
                    if !step.ok {
                        XCTAssertTrue(step.errors.contains(keyword(error)), "\(label): expected \(step.errors), got \(keyword(error)): \(error)")
                    }
                }
                if case .success = outcome {
                    for d in step.downloads {
                        downloadsRun += 1
                        let result = Result { () throws(TUFError) -> (String, [UInt8], TargetFile) in
                            switch try updater.lookup(d.path) {
                            case .found(let file, let role): return (role, try updater.download(file), file)
                            case .notFound: throw TUFError.workflow("targetNotFound")
                            }
                        }
                        switch result {
                        case .success(let (role, bytes, file)):
                            XCTAssertTrue(d.ok, "\(label): \(d.path) was downloaded but should have failed with \(d.errors)")
                            XCTAssertEqual(role, d.role, "\(label): \(d.path) found in the wrong role")
                            XCTAssertEqual(bytes.count, file.length)
                        case .failure(let error):
                            XCTAssertFalse(d.ok, "\(label): \(d.path) failed: \(error)")
                            let kind = error == .workflow("targetNotFound") ? "targetNotFound" : keyword(error)
                            if !d.ok { XCTAssertTrue(d.errors.contains(kind), "\(label): \(d.path): expected \(d.errors), got \(kind): \(error)") }
                        }
                    }
                }
                for (role, version) in step.trusted {
                    XCTAssertEqual(try device.version(role), version, "\(label): trusted \(role)")
                }
                // Nothing but metadata (and no temp file) is ever left in the metadata directory.
                for file in try device.files() {
                    XCTAssertTrue(file.hasSuffix(".json") && !file.contains(".tmp-"), "\(label): stray file \(file)")
                }
            }
        }
        XCTAssertGreaterThan(stepsRun, 70)
        XCTAssertGreaterThan(downloadsRun, 30)
    }

    /// The expectations are not only this client's opinion: python-tuf's ngclient, run over the
    /// same repositories, must reach the same outcomes (except where a scenario documents why
    /// this client deliberately differs).
    func testPythonTUFReachesTheSameOutcomes() throws {
        let dir = Temp.directory("crosscheck")
        let (status, stderr) = try Scenarios.runGenerator(into: dir, extra: ["--check-with-python-tuf"])
        XCTAssertEqual(status, 0, stderr)
        XCTAssertTrue(stderr.contains("python-tuf agrees"), stderr)
    }
}
