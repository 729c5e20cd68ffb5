/// The production schedule of a world: which plant makes which pallet when, what becomes of each
/// pallet, and where the planted cases hide. Small (one entry per pallet) and computed before any
/// pack is made, so generation can stream pack by pack.
struct WorldPlan {
    enum Fate: String {
        /// Sold to a first customer in Mozambique (or imported by an importer), unpacked, cases sent to shops.
        case sold
        /// Exported to South Africa, seen leaving at Ressano Garcia.
        case exported
        /// Declared for export to South Africa, never left: found in Maputo (planted).
        case diverted
        /// Stolen in transit (planted).
        case stolen
    }

    struct Pallet {
        var index: Int
        var facility: Int
        var month: Int
        var cases = 0
        var firstCase = 0
        var fate = Fate.sold
        var customer = 0
        /// Case 0 of the pallet carries a planted case.
        var seizedCase = false
        var recalledCase = false
        var cloneCase = false
        /// The pallet's last case gives a genuine sample.
        var genuineSample = false
        var isExport: Bool { fate == .exported || fate == .diverted }
    }

    let startMonth: Int
    let months: Int
    let casesPerPallet: Int
    var pallets: [Pallet]

    /// The world's months: production runs from `startMonth` to October 2026.
    static let year = 2026
    static let endMonth = 10

    init(recipe: DemoWorldRecipe) {
        months = recipe.scale.months
        startMonth = Self.endMonth - months + 1
        casesPerPallet = recipe.casesPerPallet
        let cases = recipe.cases
        let palletCount = max(DemoWorldRecipe.minimumPallets, cases / casesPerPallet)
        let facilities = MasterData.facilities

        // Pallets per plant: the planted cases' minimum, then the rest by weight (largest remainder).
        var perFacility = facilities.map(\.minimumPallets)
        let spare = palletCount - perFacility.reduce(0, +)
        let weights = facilities.map(\.weight)
        let totalWeight = weights.reduce(0, +)
        var remainders: [(Int, Int)] = []
        var given = 0
        for (f, w) in weights.enumerated() {
            let exact = spare * w
            perFacility[f] += exact / totalWeight
            given += exact / totalWeight
            remainders.append((exact % totalWeight, f))
        }
        for (_, f) in remainders.sorted(by: { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }).prefix(spare - given) {
            perFacility[f] += 1
        }

        // Pallet j of a plant's n is made in month j*months/n; pallets in month order, plants in order.
        var list: [Pallet] = []
        for f in facilities.indices {
            for j in 0..<perFacility[f] {
                list.append(Pallet(index: 0, facility: f, month: j * months / perFacility[f]))
            }
        }
        list.sort { ($0.month, $0.facility) < ($1.month, $1.facility) }
        var next = 0
        for i in list.indices {
            list[i].index = i
            list[i].cases = cases / palletCount + (i < cases % palletCount ? 1 : 0)
            list[i].firstCase = next
            next += list[i].cases
        }
        pallets = list
    }

    /// Chooses the planted pallets and every pallet's first customer.
    mutating func plant(seed: UInt64) {
        var rng = DemoRandom(seed: seed, stream: Stream.planted)
        // Planted pallets are made early enough for their story to unfold before the world ends.
        let latest = max(0, months - 2)
        func eligible(_ facility: Int, taken: Set<Int>) -> [Int] {
            pallets.indices.filter { pallets[$0].facility == facility && pallets[$0].month <= latest && !taken.contains($0) }
        }
        var taken = Set<Int>()
        func choose(_ facility: Int) -> Int {
            var options = eligible(facility, taken: taken)
            if options.isEmpty { options = pallets.indices.filter { pallets[$0].facility == facility && !taken.contains($0) } }
            let i = rng.pick(options)
            taken.insert(i)
            return i
        }
        let diverted = choose(0), seized = choose(0), clone = choose(0)
        let stolen = choose(1), recalled = choose(2)

        for i in pallets.indices {
            var r = DemoRandom(seed: seed, stream: Stream.pallet + UInt64(i))
            let f = MasterData.facilities[pallets[i].facility]
            pallets[i].customer = r.pick(f.firstCustomers)
            // A tenth of Matola's other pallets are exports to South Africa.
            if pallets[i].facility == 0, !taken.contains(i), r.chance(0.1) { pallets[i].fate = .exported }
        }
        pallets[diverted].fate = .diverted
        pallets[diverted].customer = MasterData.exportCustomer
        pallets[seized].seizedCase = true
        pallets[seized].customer = 1  // Beira delivers to Manica, where the seized case was bought
        pallets[clone].cloneCase = true
        pallets[clone].customer = 0  // Maputo: the clone is first seen in Maputo city
        pallets[clone].genuineSample = true
        pallets[stolen].fate = .stolen
        pallets[recalled].recalledCase = true
        pallets[recalled].genuineSample = true
        // A genuine sample from the other Beira pallet and from each foreign plant.
        for facility in [1, 3, 4] {
            let options = pallets.indices.filter {
                pallets[$0].facility == facility && !taken.contains($0) && pallets[$0].fate == .sold
            }
            if let i = options.first(where: { pallets[$0].month <= latest }) ?? options.first { pallets[i].genuineSample = true }
        }
    }
}
