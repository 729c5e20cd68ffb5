import StrictJSON

/// How big a demo world is.
public enum DemoScale: String, Sendable, CaseIterable {
    /// A few thousand packs over four months: generated in about a second, for `make run` and tests.
    case small
    /// Ten million packs over six months (about what a small country's market sells in a month or two):
    /// streamed to the snapshot, never held in memory. Minutes, and gigabytes on disk.
    case national

    /// Packs made when the recipe does not say.
    public var defaultPacks: Int { self == .small ? 8_000 : 10_000_000 }
    /// Cases per pallet (40 is a full pallet of 20,000 packs; small worlds use short pallets so that
    /// a few thousand packs still make enough pallets for every planted case).
    var casesPerPallet: Int { self == .small ? 2 : 40 }
    /// Months of production, ending October 2026.
    var months: Int { self == .small ? 4 : 6 }
    /// Packs inspectors looked at per case delivered to a shop.
    var sightingsPerCase: Int { self == .small ? 12 : 2 }
}

/// What a demo world is made from: the seed decides everything; the scale and pack count decide the size.
public struct DemoWorldRecipe: Sendable, Equatable {
    public var seed: UInt64
    public var scale: DemoScale
    /// Packs to make instead of the scale's default (rounded up to whole cases of 500).
    public var packs: Int?

    public static let packsPerCarton = 10
    public static let cartonsPerCase = 50
    public static let packsPerCase = packsPerCarton * cartonsPerCase
    /// Eight pallets of at least two cases carry the planted cases (three from Matola, two from Beira,
    /// one from each other plant; a planted case and a genuine sample share some pallets).
    public static let minimumPallets = 8
    public static let minimumPacks = minimumPallets * 2 * packsPerCase
    public static let maximumPacks = 100_000_000

    public init(seed: UInt64, scale: DemoScale = .small, packs: Int? = nil) {
        self.seed = seed
        self.scale = scale
        self.packs = packs
    }

    /// Whole cases to make.
    public var cases: Int {
        let wanted = packs ?? scale.defaultPacks
        return max(Self.minimumPacks / Self.packsPerCase, (wanted + Self.packsPerCase - 1) / Self.packsPerCase)
    }

    public var totalPacks: Int { cases * Self.packsPerCase }

    /// Cases per pallet: the scale's, shortened when too few cases would make fewer than eight pallets.
    var casesPerPallet: Int { max(2, min(scale.casesPerPallet, cases / Self.minimumPallets)) }

    /// Checks the pack count; the message says what is allowed.
    public func validated() throws(DemoWorldError) -> DemoWorldRecipe {
        if let packs, packs < Self.minimumPacks || packs > Self.maximumPacks {
            throw DemoWorldError(.recipe, "packs must be between \(Self.minimumPacks) (eight pallets of planted cases) and \(Self.maximumPacks), not \(packs)")
        }
        guard seed <= UInt64(Int64.max) else { throw DemoWorldError(.recipe, "seed must be at most \(Int64.max), not \(seed)") }
        return self
    }

    /// Reads a recipe file: `{"seed": 20260701, "scale": "small"}`, optionally `"packs": N` and a
    /// free-text `"about"`. Unknown members are refused, so a typo cannot silently change the world.
    public static func parse(_ bytes: [UInt8]) throws(DemoWorldError) -> DemoWorldRecipe {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw DemoWorldError(.recipe, "not valid JSON: \(error)") }
        guard case .object(let o) = value else { throw DemoWorldError(.recipe, "must be a JSON object, found \(value.typeName)") }
        for key in o.keys where !["seed", "scale", "packs", "about"].contains(key) {
            throw DemoWorldError(.recipe, "unknown member \"\(key)\" (allowed: seed, scale, packs, about)")
        }
        guard let seedValue = o["seed"] else { throw DemoWorldError(.recipe, "seed is missing") }
        guard case .integer(let seed) = seedValue, seed >= 0 else {
            throw DemoWorldError(.recipe, "seed must be a non-negative integer, found \(seedValue)")
        }
        var scale = DemoScale.small
        if let s = o["scale"] {
            guard case .string(let name) = s, let parsed = DemoScale(rawValue: name) else {
                throw DemoWorldError(.recipe, "scale must be \"small\" or \"national\", found \(s)")
            }
            scale = parsed
        }
        var packs: Int?
        if let p = o["packs"], !p.isNull {
            guard case .integer(let n) = p else { throw DemoWorldError(.recipe, "packs must be an integer, found \(p)") }
            packs = Int(clamping: n)
        }
        return try DemoWorldRecipe(seed: UInt64(seed), scale: scale, packs: packs).validated()
    }

    var jsonValue: JSONValue {
        .object(JSONObject([("seed", .integer(Int64(bitPattern: seed))), ("scale", .string(scale.rawValue)),
                            ("packs", .integer(Int64(totalPacks)))]))
    }
}

/// Why a world could not be made.
public struct DemoWorldError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The recipe or the options are wrong.
        case recipe
        /// The output could not be created or written.
        case output
        /// A bug: generated data failed its own checks (an EPCIS event, a key).
        case `internal`
    }

    public var kind: Kind
    public var message: String
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
    public var description: String { message }
}
