import Encoding

/// Parses hex ("0a1b", spaces allowed). Traps on malformed test data.
func hex(_ text: String) -> [UInt8] {
    let digits = text.filter { !$0.isWhitespace }
    precondition(digits.count % 2 == 0, "odd hex: \(text)")
    var out: [UInt8] = []
    var index = digits.startIndex
    while index < digits.endIndex {
        let next = digits.index(index, offsetBy: 2)
        out.append(UInt8(digits[index ..< next], radix: 16)!)
        index = next
    }
    return out
}

func hexString(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef")
    var s = ""
    for b in bytes {
        s.append(digits[Int(b >> 4)])
        s.append(digits[Int(b & 0xf)])
    }
    return s
}

/// SplitMix64: small, seeded, reproducible.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform-enough value in 0..<n (n > 0).
    mutating func below(_ n: Int) -> Int {
        Int(next() % UInt64(n))
    }
    mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }
    mutating func bytes(_ count: Int) -> [UInt8] { (0 ..< count).map { _ in byte() } }
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}

/// Runs a CBOR decode and returns the error, or nil when it succeeded.
func cborError(_ bytes: [UInt8], limits: CBORLimits = .init()) -> CBORError? {
    do {
        _ = try CBOR.decode(bytes, limits: limits)
        return nil
    } catch {
        return error
    }
}
