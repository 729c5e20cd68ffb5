import Dispatch
import Foundation
import Synchronization

/// Reads lines from a file descriptor in bounded batches. Only LF and CRLF terminators are stripped:
/// every other byte, spaces included, belongs to the line.
public final class LineReader {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var eof = false
    private let chunk: Int
    private var discarding = false
    /// Longer lines are cut here (and the rest of the line skipped), so endless input cannot exhaust memory.
    /// No stamp code comes near it: the verifier refuses anything over `StampEnvelope.maxCodeLength`.
    public static let maxLineLength = 1 << 16

    public init(fileDescriptor: Int32, chunkSize: Int = 1 << 16) {
        fd = fileDescriptor
        chunk = chunkSize
    }

    /// The next line without its terminator, or nil at end of input. A final line without LF is returned too.
    public func next() -> [UInt8]? {
        while true {
            if let nl = buffer[start...].firstIndex(of: 0x0A) {
                if discarding {
                    discarding = false
                    start = nl + 1
                    continue
                }
                var end = nl
                if end > start, buffer[end - 1] == 0x0D { end -= 1 }
                let line = Array(buffer[start..<end])
                start = nl + 1
                return line
            }
            if buffer.count - start > Self.maxLineLength {
                if discarding {
                    start = buffer.count
                } else {
                    let line = Array(buffer[start..<(start + Self.maxLineLength)])
                    start = buffer.count
                    discarding = true
                    return line
                }
            }
            if eof {
                guard start < buffer.count, !discarding else { return nil }
                let line = Array(buffer[start...])
                start = buffer.count
                return line
            }
            if start > 0 {
                buffer.removeFirst(start)
                start = 0
            }
            var tmp = [UInt8](repeating: 0, count: chunk)
            let n = tmp.withUnsafeMutableBytes { read(fd, $0.baseAddress, chunk) }
            if n < 0 {
                if errno == EINTR { continue }
                eof = true
            } else if n == 0 {
                eof = true
            } else {
                buffer.append(contentsOf: tmp[0..<n])
            }
        }
    }

    /// Up to `max` non-blank lines; nil at end of input. Blank lines (empty, or only spaces and tabs) are skipped.
    public func nextBatch(max: Int) -> [[UInt8]]? {
        var out: [[UInt8]] = []
        out.reserveCapacity(max)
        while out.count < max, let line = next() {
            if isBlank(line) { continue }
            out.append(line)
        }
        return out.isEmpty ? nil : out
    }
}

/// True for lines a scanner dump may contain between codes: empty, or only spaces and tabs.
public func isBlank(_ line: [UInt8]) -> Bool {
    line.allSatisfy { $0 == 0x20 || $0 == 0x09 }
}

/// Maps a batch on `jobs` threads and returns results in input order.
public enum OrderedParallel {
    /// Workers take chunks of `grain` items from a shared counter, so uneven work still balances.
    public static func map<T: Sendable, R: Sendable>(_ items: [T], jobs: Int, grain: Int = 16,
                                                     _ transform: @Sendable (T) -> R) -> [R] {
        map(items, jobs: jobs, grain: grain) { _, item in transform(item) }
    }

    /// As `map`, passing the worker number (0 ..< jobs) so each worker can use state of its own.
    public static func map<T: Sendable, R: Sendable>(_ items: [T], jobs: Int, grain: Int = 16,
                                                     _ transform: @Sendable (Int, T) -> R) -> [R] {
        if jobs <= 1 || items.count < 2 { return items.map { transform(0, $0) } }
        let chunks = (items.count + grain - 1) / grain
        let out = UnsafeMutableBufferPointer<R?>.allocate(capacity: items.count)
        out.initialize(repeating: nil)
        defer {
            out.deinitialize()
            out.deallocate()
        }
        let box = UnsafeSendable(out)
        let next = ChunkCounter()
        items.withUnsafeBufferPointer { input in
            let inBox = UnsafeSendable(input)
            DispatchQueue.concurrentPerform(iterations: min(jobs, chunks)) { worker in
                while true {
                    let c = next.take()
                    guard c < chunks else { return }
                    let lo = c * grain
                    for i in lo..<min(lo + grain, inBox.value.count) { box.value[i] = transform(worker, inBox.value[i]) }
                }
            }
        }
        return out.map { $0! }
    }
}

/// Hands out chunk numbers 0, 1, 2, ... to concurrent workers.
final class ChunkCounter: Sendable {
    private let value = Atomic<Int>(0)
    func take() -> Int { value.wrappingAdd(1, ordering: .relaxed).oldValue }
}

/// Wraps a value whose concurrent use is made safe by construction (disjoint indices, joined before use).
struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Verifies a stream of codes on all cores, writing results in input order as soon as each batch is done.
public struct BatchVerification: Sendable {
    public var verifier: StampVerifier
    public var context: VerificationContext
    public var jobs: Int
    public var batchSize: Int

    public init(verifier: StampVerifier, context: VerificationContext, jobs: Int, batchSize: Int = 2048) {
        self.verifier = verifier
        self.context = context
        self.jobs = max(1, jobs)
        self.batchSize = max(1, batchSize)
    }

    /// Counts per verdict.
    public struct Summary: Sendable, Equatable {
        public var counts: [Verdict: Int] = [:]
        public var total: Int { counts.values.reduce(0, +) }
        public var allGenuine: Bool { total == (counts[.genuine] ?? 0) }
        public init() {}
    }

    /// Reads batches from `next`, formats each result with `format`, and hands the text of each batch to
    /// `write` on a writer thread, so reading, verifying and writing overlap. Memory stays bounded by two batches.
    /// `format` appends one result's output bytes; `write` receives each batch's bytes in input order.
    public func run(next: () -> [[UInt8]]?, format: @escaping @Sendable (VerificationResult, inout [UInt8]) -> Void,
                    write: @escaping @Sendable ([UInt8]) -> Void) -> Summary {
        run(next: next, process: { r, out in format(r, &out); return r.verdict }, write: write)
    }

    /// As `run(next:format:write:)`, with `process` free to refine each result before formatting it (the
    /// cache's verdict rules); it returns the verdict it reported, which is what the summary counts.
    public func run(next: () -> [[UInt8]]?, process: @escaping @Sendable (VerificationResult, inout [UInt8]) -> Verdict,
                    write: @escaping @Sendable ([UInt8]) -> Void) -> Summary {
        var summary = Summary()
        let writer = DispatchQueue(label: "stampwatch.verify.writer")
        let inFlight = DispatchSemaphore(value: 2)
        // One verifier per worker over an independent copy of the keyring: threads sharing reference-counted
        // keys and strings spent ~30% more CPU per code on contended reference counts.
        let verifiers = (0..<jobs).map { i in i == 0 ? verifier : StampVerifier(keyring: verifier.keyring.independentCopy()) }
        let context = self.context
        let grain = 32
        while let batch = next() {
            // Workers verify and format whole chunks, so the only serial work left is joining chunk texts.
            let chunks = stride(from: 0, to: batch.count, by: grain).map { batch[$0..<min($0 + grain, batch.count)] }
            let results = OrderedParallel.map(chunks, jobs: jobs, grain: 1) { worker, chunk -> ([Int], [UInt8]) in
                let verifier = verifiers[worker]
                var counts = [Int](repeating: 0, count: Verdict.allCases.count)
                var bytes: [UInt8] = []
                bytes.reserveCapacity(chunk.count * 700)
                for line in chunk {
                    let r = verifier.verify(utf8: line, context: context)
                    counts[process(r, &bytes).rank] += 1
                }
                return (counts, bytes)
            }
            var text: [UInt8] = []
            text.reserveCapacity(results.reduce(0) { $0 + $1.1.count })
            for (counts, part) in results {
                for v in Verdict.allCases where counts[v.rank] > 0 { summary.counts[v, default: 0] += counts[v.rank] }
                text += part
            }
            inFlight.wait()
            let done = text
            writer.async {
                write(done)
                inFlight.signal()
            }
        }
        writer.sync {}
        return summary
    }
}
