import ArgumentParser
import CLISupport
import EPCIS
import Foundation

struct Capture: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate EPCIS 2.0 JSON-LD documents (or single events) for capture.",
        discussion: """
        With --dry-run, checks FILE against the EPCIS 2.0 schema and CBV 2.0 rules without storing it, and \
        computes the CBV 2.0 event hash for events without an eventID. An invalid document is rejected whole, \
        with one error per problem naming the event index and the field. Exit 0 valid, 65 invalid, 66 no file.
        To store events, send them to a running hub (`stampwatch-hub serve`): POST /epcis/capture. Without \
        --dry-run this command says so and exits 69.
        """)

    @Flag(name: .long, help: "Validate and report only; store nothing.")
    var dryRun = false

    @Flag(name: .long, help: "One JSON object per event (or per problem) on stdout.")
    var json = false

    @Argument(help: ArgumentHelp("EPCIS document, or - for standard input.", valueName: "file"))
    var file: String

    func run() throws {
        try reporting {
            let bytes = file == "-" ? Array(FileHandle.standardInput.readDataToEndOfFile()) : try readFile(file, what: "EPCIS document")
            let report = DryRun.report(bytes)
            if json {
                writeAll(report.jsonLines.map { $0 + "\n" }.joined())
            } else {
                switch report {
                case .accepted(let events):
                    print("valid: \(events.count) event(s)")
                    for e in events { print("  #\(e.index) \(e.type) \(e.eventID)\(e.hashed ? " (computed)" : "")") }
                case .rejected(let issues):
                    printError("invalid: \(issues.count) problem(s); nothing was stored")
                    for i in issues { printError("  \(i.description)") }
                }
            }
            guard dryRun else {
                throw CommandFailure(.unavailable, "this command only validates (--dry-run); to store events, POST them to a running hub's /epcis/capture.")
            }
            if report.exitCode != 0 { throw ExitCode(report.exitCode) }
        }
    }
}
