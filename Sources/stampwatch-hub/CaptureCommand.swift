import ArgumentParser
import CLISupport
import EPCIS
import Foundation
import Hub

struct Capture: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Capture EPCIS 2.0 JSON-LD documents (or single events) into the hub, or validate them with --dry-run.",
        discussion: """
        Each FILE is read, checked against the EPCIS 2.0 schema and CBV 2.0 rules, and stored in the hub's database \
        (--data DIR, the same store and rules as POST /epcis/capture): an invalid document is rejected whole, with one \
        error per problem naming the event index and the field, and nothing of it is stored; an event whose eventID \
        (or, without one, CBV 2.0 event hash) is stored already is a duplicate and stores nothing new. Files are \
        captured one by one, each in its own transaction. Prints one line per file (with --json, one JSON object per \
        event). With --dry-run nothing is stored and every event's computed hash is shown. \
        Exit 0 all captured (or valid), 65 some file invalid or in conflict, 66 no such file, 74 database error.
        """)

    @Flag(name: .long, help: "Validate and report only; store nothing.")
    var dryRun = false

    @Flag(name: .long, help: "One JSON object per event (or per problem) on stdout.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Hub data directory (default: $XDG_DATA_HOME/stampwatch-hub).", valueName: "dir"))
    var data: String?

    @Option(name: .long, help: "Who sent the documents (kept with each capture).")
    var client = "cli"

    @Argument(help: ArgumentHelp("EPCIS documents, or - for standard input.", valueName: "file"))
    var files: [String]

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("Give at least one EPCIS document (or - for standard input).") }
    }

    func run() throws {
        try reporting {
            if dryRun {
                var worst: Int32 = 0
                for file in files {
                    let report = DryRun.report(try read(file))
                    if json {
                        writeAll(report.jsonLines.map { $0 + "\n" }.joined())
                    } else {
                        switch report {
                        case .accepted(let events):
                            print("\(file): valid, \(events.count) event(s)")
                            for e in events { print("  #\(e.index) \(e.type) \(e.eventID)\(e.hashed ? " (computed)" : "")") }
                        case .rejected(let issues):
                            printError("\(file): invalid, \(issues.count) problem(s); nothing was stored")
                            for i in issues { printError("  \(i.description)") }
                        }
                    }
                    worst = max(worst, report.exitCode)
                }
                if worst != 0 { throw ExitCode(worst) }
                return
            }
            let (store, _) = try openHubData(data ?? defaultHubDataDirectory())
            defer { try? store.close() }
            var failed = false
            for file in files {
                let bytes = try read(file)
                switch EPCISCapture.prepare(bytes) {
                case .failure(let e):
                    failed = true
                    if json {
                        writeAll(DryRun.report(bytes).jsonLines.map { $0 + "\n" }.joined())
                    }
                    printError("\(file): invalid, \(e.issues.count) problem(s); nothing was stored")
                    for i in e.issues.prefix(50) { printError("  \(i.description)") }
                    if e.issues.count > 50 { printError("  … and \(e.issues.count - 50) more") }
                case .success(let events):
                    let outcome: CaptureOutcome
                    do {
                        outcome = try store.captureSync(clientID: client, document: bytes, events: events, now: Int64(Date().timeIntervalSince1970))
                    } catch let e as HubStoreError {
                        if case .conflict(let m) = e {
                            failed = true
                            printError("\(file): refused, nothing was stored: \(m)")
                            continue
                        }
                        throw CommandFailure(.ioError, "\(file): \(e.description)")
                    }
                    let stored = outcome.events.filter { $0.status == "stored" }.count
                    if json {
                        for (e, status) in outcome.events {
                            writeAll("{\"file\":\(jsonString(file)),\"index\":\(e.index),\"type\":\(jsonString(e.type)),\"eventID\":\(jsonString(e.eventID)),"
                                     + "\"hashed\":\(e.hashed),\"status\":\"\(status)\"}\n")
                        }
                    } else {
                        print("\(file): \(stored) event(s) stored, \(outcome.events.count - stored) duplicate(s)"
                              + (outcome.repeated ? " (nothing new)" : "") + ", capture \(outcome.captureID)")
                    }
                }
            }
            if failed { throw ExitCode(65) }
        }
    }

    private func read(_ file: String) throws -> [UInt8] {
        file == "-" ? Array(FileHandle.standardInput.readDataToEndOfFile()) : try readFile(file, what: "EPCIS document")
    }

    private func jsonString(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default:
                if c.value < 0x20 { out += String(format: "\\u%04x", c.value) } else { out.unicodeScalars.append(c) }
            }
        }
        return out + "\""
    }
}
