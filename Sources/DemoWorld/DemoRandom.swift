/// A deterministic pseudo-random generator (SplitMix64) for the demo world.
///
/// Why not the standard library: a world must be identical for a seed on every machine and every
/// Swift version, so the generator and the ways numbers are drawn from it (`int`, `chance`, `pick`)
/// are written out here rather than taken from `Int.random(in:using:)`, whose algorithm is not
/// promised to stay the same. Independent streams (`DemoRandom(seed:stream:)`) keep one part of the
/// world from shifting when another part draws more numbers.
struct DemoRandom {
    private var state: UInt64

    init(seed: UInt64, stream: UInt64) {
        state = DemoRandom.mix(seed ^ DemoRandom.mix(stream &+ 0x5157_4D57))
    }

    /// The SplitMix64 finaliser: a bijection on 64 bits with good avalanche.
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `range` (the modulo bias is below 2^-40 for the ranges used here).
    mutating func int(_ range: Range<Int>) -> Int {
        precondition(!range.isEmpty)
        return range.lowerBound + Int(next() % UInt64(range.count))
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int { int(range.lowerBound..<(range.upperBound + 1)) }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < p }

    mutating func pick<T>(_ items: [T]) -> T { items[int(0..<items.count)] }

    /// An index drawn with the given (non-negative) weights.
    mutating func weighted(_ weights: [Int]) -> Int {
        let total = weights.reduce(0, +)
        var r = int(0..<total)
        for (i, w) in weights.enumerated() {
            if r < w { return i }
            r -= w
        }
        return weights.count - 1
    }
}

/// Stream numbers: one per purpose, so each part of the world draws from its own sequence.
enum Stream {
    static let planted: UInt64 = 2
    static let orders: UInt64 = 3
    /// Pallet `p` uses `pallet + p`.
    static let pallet: UInt64 = 1 << 32
}
