import FieldStore

/// The fixed cast of the demo world: Mozambique, its provinces and neighbours, the manufacturers and
/// importers with their facilities and brands, the distributors and shops, the stamp series and their
/// optical checklists. Every name is invented (brands are Mozambican words and places, not real
/// products); every GS1 key uses the 952 demonstration prefix range. The seed decides what happens
/// to them (production, shipments, incidents), not who they are, so a trainer can learn the cast once.
enum MasterData {
    struct Region {
        let code: String
        let name: String
        let capital: String
        let latitude: Double
        let longitude: Double
    }

    /// Mozambique's ISO 3166-2 subdivisions (ten provinces and the capital city).
    static let regions: [Region] = [
        Region(code: "MZ-MPM", name: "Maputo (city)", capital: "Maputo", latitude: -25.9692, longitude: 32.5732),
        Region(code: "MZ-L", name: "Maputo", capital: "Matola", latitude: -25.9622, longitude: 32.4589),
        Region(code: "MZ-G", name: "Gaza", capital: "Xai-Xai", latitude: -25.0519, longitude: 33.6442),
        Region(code: "MZ-I", name: "Inhambane", capital: "Inhambane", latitude: -23.8650, longitude: 35.3833),
        Region(code: "MZ-B", name: "Manica", capital: "Chimoio", latitude: -19.1164, longitude: 33.4833),
        Region(code: "MZ-S", name: "Sofala", capital: "Beira", latitude: -19.8436, longitude: 34.8389),
        Region(code: "MZ-T", name: "Tete", capital: "Tete", latitude: -16.1564, longitude: 33.5867),
        Region(code: "MZ-Q", name: "Zambézia", capital: "Quelimane", latitude: -17.8786, longitude: 36.8883),
        Region(code: "MZ-N", name: "Nampula", capital: "Nampula", latitude: -15.1165, longitude: 39.2666),
        Region(code: "MZ-A", name: "Niassa", capital: "Lichinga", latitude: -13.3128, longitude: 35.2406),
        Region(code: "MZ-P", name: "Cabo Delgado", capital: "Pemba", latitude: -12.9740, longitude: 40.5178),
    ]

    static func region(_ code: String) -> Region { regions.first { $0.code == code }! }

    struct Neighbour {
        let code: String
        let name: String
    }

    /// Countries goods are diverted to or from.
    static let neighbours: [Neighbour] = [
        Neighbour(code: "ZA", name: "South Africa"), Neighbour(code: "ZW", name: "Zimbabwe"),
        Neighbour(code: "MW", name: "Malawi"), Neighbour(code: "TZ", name: "Tanzania"),
        Neighbour(code: "ZM", name: "Zambia"), Neighbour(code: "SZ", name: "Eswatini"),
    ]

    /// The demo tax authority: issues the stamps, runs the border posts and the seizure store.
    static let authorityName = "Demo Tax Authority of Mozambique (DEMO, NOT FOR ENFORCEMENT)"
    static let authorityPrefix = "9520001"

    struct Operator {
        let id: String
        let name: String
        let role: OperatorRole
        let country: String
        let prefix: String
        /// The economic-operator row for the cache.
        var row: EconomicOperator { EconomicOperator(operatorID: id, name: name, role: role, country: country) }
    }

    static let operators: [Operator] = [
        Operator(id: "EO-MZ-000117", name: "Fábrica de Tabacos do Índico, SA", role: .manufacturer, country: "MZ", prefix: "9520011"),
        Operator(id: "EO-MZ-000254", name: "Tabacos da Beira, Lda", role: .manufacturer, country: "MZ", prefix: "9520012"),
        Operator(id: "EO-MZ-000389", name: "Companhia Tabaqueira do Norte, SA", role: .manufacturer, country: "MZ", prefix: "9520013"),
        Operator(id: "EO-ZA-000521", name: "Highveld Cigarette Manufacturers (Pty) Ltd", role: .manufacturer, country: "ZA", prefix: "9520021"),
        Operator(id: "EO-MW-000607", name: "Shire Valley Tobacco Products Ltd", role: .manufacturer, country: "MW", prefix: "9520022"),
        Operator(id: "EO-MZ-000733", name: "Limpopo Trading Imports, Lda", role: .importer, country: "MZ", prefix: "9520031"),
        Operator(id: "EO-MZ-000846", name: "Zambeze Import & Export, Lda", role: .importer, country: "MZ", prefix: "9520032"),
    ]

    /// Operators who order stamps (the Mozambican manufacturers and the importers).
    static var stampOrderingOperators: [Operator] { operators.filter { $0.country == "MZ" } }

    struct FacilitySpec {
        let id: String
        /// Index in `operators` of the owner.
        let owner: Int
        /// Index in `operators` of the operator who orders the stamps applied here (the importer for
        /// a foreign plant).
        let stampOperator: Int
        let name: String
        let place: String
        let region: String
        let latitude: Double
        let longitude: Double
        let locationReference: Int
        let machines: [String]
        /// Share of national production (percent).
        let weight: Int
        /// Index in `customers` of the first customer of its domestic pallets (importers receive imports).
        let firstCustomers: [Int]
        /// Minimum pallets (the planted cases need them).
        let minimumPallets: Int
        var isForeign: Bool { !region.hasPrefix("MZ") }
        var series: String { isForeign ? MasterData.importSeries : MasterData.domesticSeries }
        var machineIDs: [String] { machines.indices.map { "\(id)-M\($0 + 1)" } }

        var sgln: String { GS1IDs.sgln(prefix: MasterData.operators[owner].prefix, locationReference: locationReference) }
        func machineSGLN(_ m: Int) -> String {
            GS1IDs.sgln(prefix: MasterData.operators[owner].prefix, locationReference: locationReference, extension: "M\(m + 1)")
        }
        var dockSGLN: String {
            GS1IDs.sgln(prefix: MasterData.operators[owner].prefix, locationReference: locationReference, extension: "DOCK")
        }
    }

    static let facilities: [FacilitySpec] = [
        FacilitySpec(id: "F-MZL-01", owner: 0, stampOperator: 0, name: "Fábrica da Matola", place: "Matola, Maputo province",
                     region: "MZ-L", latitude: -25.9455, longitude: 32.4432, locationReference: 1,
                     machines: ["Maker-packer line 1", "Maker-packer line 2", "Maker-packer line 3"], weight: 35,
                     firstCustomers: [0, 0, 1, 3], minimumPallets: 3),
        FacilitySpec(id: "F-MZS-01", owner: 1, stampOperator: 1, name: "Fábrica do Munhava", place: "Munhava, Beira",
                     region: "MZ-S", latitude: -19.8139, longitude: 34.8611, locationReference: 1,
                     machines: ["Line A", "Line B"], weight: 20, firstCustomers: [1, 1, 2, 3], minimumPallets: 2),
        FacilitySpec(id: "F-MZN-01", owner: 2, stampOperator: 2, name: "Fábrica de Nampula", place: "Nampula",
                     region: "MZ-N", latitude: -15.1034, longitude: 39.2390, locationReference: 1,
                     machines: ["Linha 1", "Linha 2"], weight: 15, firstCustomers: [2, 2, 1], minimumPallets: 1),
        FacilitySpec(id: "F-ZA-01", owner: 3, stampOperator: 5, name: "Rustenburg plant", place: "Rustenburg, North West, South Africa",
                     region: "ZA-NW", latitude: -25.6676, longitude: 27.2421, locationReference: 1,
                     machines: ["Line 7", "Line 8"], weight: 18, firstCustomers: [4], minimumPallets: 1),
        FacilitySpec(id: "F-MW-01", owner: 4, stampOperator: 6, name: "Blantyre factory", place: "Blantyre, Southern Region, Malawi",
                     region: "MW-S", latitude: -15.7861, longitude: 35.0058, locationReference: 1,
                     machines: ["Maker 1"], weight: 12, firstCustomers: [5], minimumPallets: 1),
    ]

    struct ProductSpec {
        let gtin: String
        let brand: String
        let variant: String
        let facility: Int
        var description: String { "\(brand) \(variant), 20 king size filter cigarettes" }
        var name: String { "\(brand) \(variant) 20s" }
    }

    /// About thirty brands and variants, each made in one facility.
    static let products: [ProductSpec] = {
        let lines: [(facility: Int, brand: String, variants: [String])] = [
            (0, "Índico", ["Red", "Gold", "Menthol"]), (0, "Baobá", ["Red", "Blue"]), (0, "Marrabenta", ["Red", "Silver"]),
            (0, "Kapulana", ["Slims Rose", "Slims Menthol"]),
            (1, "Chaimite", ["Red", "Blue", "Menthol"]), (1, "Gorongosa", ["Red", "Gold"]), (1, "Pungué", ["Red"]),
            (2, "Ilha", ["Red", "Blue"]), (2, "Makonde", ["Red", "Gold", "Menthol"]), (2, "Lúrio", ["Red"]),
            (3, "Highveld", ["Red", "Gold"]), (3, "Karoo", ["Blue", "Menthol"]), (3, "Drakensberg", ["Red"]),
            (4, "Shire", ["Red", "Gold"]), (4, "Zomba", ["Red"]), (4, "Mulanje", ["Menthol"]),
        ]
        var out: [ProductSpec] = []
        var itemReference: [Int: Int] = [:]
        for line in lines {
            for v in line.variants {
                let n = (itemReference[line.facility] ?? 100) + 1
                itemReference[line.facility] = n
                let prefix = operators[facilities[line.facility].owner].prefix
                out.append(ProductSpec(gtin: GS1IDs.gtin14(prefix: prefix, itemReference: n), brand: line.brand, variant: v,
                                       facility: line.facility))
            }
        }
        return out
    }()

    static func products(of facility: Int) -> [Int] { products.indices.filter { products[$0].facility == facility } }

    /// A party with a place: a first customer (distributor or importer), a shop, a border post.
    struct Party {
        let name: String
        let region: String
        let latitude: Double
        let longitude: Double
        let prefix: String
        let reference: Int
        var gln: String { GS1IDs.gln(prefix: prefix, locationReference: reference) }
        var sgln: String { GS1IDs.sgln(prefix: prefix, locationReference: reference) }
        var pgln: String { GS1IDs.pgln(prefix: prefix, partyReference: reference) }
        var country: String { String(region.prefix(2)) }
    }

    /// First customers not affiliated with the manufacturers (FCTC item e): four distributors, the two
    /// importers (first customers of the foreign plants) and a South African wholesaler (exports).
    static let customers: [Party] = [
        Party(name: "Distribuidora Austral, Lda (Maputo)", region: "MZ-MPM", latitude: -25.9310, longitude: 32.5660, prefix: "9520041", reference: 1),
        Party(name: "Armazéns do Centro, Lda (Beira)", region: "MZ-S", latitude: -19.8280, longitude: 34.8520, prefix: "9520042", reference: 1),
        Party(name: "Comercial do Norte, Lda (Nampula)", region: "MZ-N", latitude: -15.1250, longitude: 39.2800, prefix: "9520043", reference: 1),
        Party(name: "Grossista de Tete, Lda", region: "MZ-T", latitude: -16.1700, longitude: 33.6000, prefix: "9520044", reference: 1),
        Party(name: "Limpopo Trading Imports, Lda, bonded warehouse (Maputo)", region: "MZ-MPM", latitude: -25.9150, longitude: 32.5900, prefix: "9520031", reference: 1),
        Party(name: "Zambeze Import & Export, Lda, bonded warehouse (Tete)", region: "MZ-T", latitude: -16.1450, longitude: 33.5750, prefix: "9520032", reference: 1),
        Party(name: "Lebombo Wholesale (Pty) Ltd (Komatipoort)", region: "ZA-MP", latitude: -25.4330, longitude: 31.9500, prefix: "9520051", reference: 1),
    ]
    static let exportCustomer = 6

    /// Regions each first customer delivers to.
    static let deliveryRegions: [[String]] = [
        ["MZ-MPM", "MZ-L", "MZ-G", "MZ-I"], ["MZ-S", "MZ-B", "MZ-Q"], ["MZ-N", "MZ-A", "MZ-P"], ["MZ-T", "MZ-B", "MZ-Q"],
        ["MZ-MPM", "MZ-L", "MZ-G", "MZ-I", "MZ-S"], ["MZ-T", "MZ-Q", "MZ-A", "MZ-N"], [],
    ]

    /// Shops and market stalls, two per province: the subsequent purchasers (FCTC item i) and where
    /// inspectors see packs.
    static let retailers: [Party] = {
        let list: [(String, String, Double, Double)] = [
            ("Mercado Xipamanine, banca 14 (Maputo)", "MZ-MPM", -25.9530, 32.5600), ("Mercearia Polana Caniço (Maputo)", "MZ-MPM", -25.9380, 32.6050),
            ("Cantina Matola Gare", "MZ-L", -25.8330, 32.4500), ("Mercado da Machava", "MZ-L", -25.9130, 32.5000),
            ("Mercado Central de Xai-Xai", "MZ-G", -25.0500, 33.6450), ("Loja Chókwè Sul", "MZ-G", -24.5330, 32.9830),
            ("Mercado de Inhambane", "MZ-I", -23.8650, 35.3830), ("Cantina Maxixe", "MZ-I", -23.8600, 35.3470),
            ("Mercado 38 Milímetros (Chimoio)", "MZ-B", -19.1160, 33.4830), ("Loja Manica Vila", "MZ-B", -18.9360, 32.8750),
            ("Mercado do Goto (Beira)", "MZ-S", -19.8300, 34.8500), ("Cantina Dondo", "MZ-S", -19.6090, 34.7430),
            ("Mercado 1.º de Maio (Tete)", "MZ-T", -16.1560, 33.5860), ("Loja Moatize", "MZ-T", -16.1170, 33.7330),
            ("Mercado Central de Quelimane", "MZ-Q", -17.8780, 36.8880), ("Cantina Mocuba", "MZ-Q", -16.8400, 36.9850),
            ("Mercado do Waresta (Nampula)", "MZ-N", -15.1160, 39.2660), ("Loja Nacala-Porto", "MZ-N", -14.5430, 40.6720),
            ("Mercado Central de Lichinga", "MZ-A", -13.3130, 35.2400), ("Cantina Cuamba", "MZ-A", -14.8030, 36.5370),
            ("Mercado de Paquitequete (Pemba)", "MZ-P", -12.9600, 40.5100), ("Loja Montepuez", "MZ-P", -13.1250, 38.9990),
        ]
        return list.enumerated().map { i, r in
            Party(name: r.0, region: r.1, latitude: r.2, longitude: r.3, prefix: "9520600", reference: i + 1)
        }
    }()

    static func retailers(in region: String) -> [Int] { retailers.indices.filter { retailers[$0].region == region } }

    /// Border posts of the demo authority (location references under its prefix).
    static let borderPosts: [Party] = [
        Party(name: "Ressano Garcia border post (MZ/ZA)", region: "MZ-L", latitude: -25.4420, longitude: 31.9930, prefix: authorityPrefix, reference: 11),
        Party(name: "Machipanda border post (MZ/ZW)", region: "MZ-B", latitude: -18.9950, longitude: 32.7300, prefix: authorityPrefix, reference: 12),
        Party(name: "Zóbuè border post (MZ/MW)", region: "MZ-T", latitude: -15.6030, longitude: 34.4220, prefix: authorityPrefix, reference: 13),
        Party(name: "Negomano border post (MZ/TZ)", region: "MZ-P", latitude: -11.4330, longitude: 38.5000, prefix: authorityPrefix, reference: 14),
        Party(name: "Cassacatiza border post (MZ/ZM)", region: "MZ-T", latitude: -14.3330, longitude: 32.2170, prefix: authorityPrefix, reference: 15),
        Party(name: "Namaacha border post (MZ/SZ)", region: "MZ-MPM", latitude: -25.9830, longitude: 32.0170, prefix: authorityPrefix, reference: 16),
    ]
    static let ressanoGarcia = 0, machipanda = 1, zobue = 2

    /// The authority's evidence store for seized goods (Maputo).
    static let seizureStore = Party(name: "Demo Tax Authority seizure store (Maputo)", region: "MZ-MPM", latitude: -25.9650,
                                    longitude: 32.5800, prefix: authorityPrefix, reference: 20)
    /// Where the stolen truck was stopped (EN1 near Caia, Sofala), under the authority's prefix.
    static let theftScene = Party(name: "EN1 near Caia (Sofala), police report", region: "MZ-S", latitude: -17.8260, longitude: 35.3360,
                                  prefix: authorityPrefix, reference: 21)
    /// The informal warehouse where the diverted pallet turned up.
    static let divertedFind = Party(name: "Informal warehouse, Bairro Xipamanine (Maputo)", region: "MZ-MPM", latitude: -25.9560,
                                    longitude: 32.5620, prefix: authorityPrefix, reference: 22)

    // MARK: Stamp series and their optical checklists

    static let domesticSeries = "MZ-CIG-2026"
    static let importSeries = "MZ-IMP-2026"
    static let exportSeries = "MZ-EXP-2026"

    struct SeriesSpec {
        let id: String
        let name: String
        let description: String
        let features: [(id: String, name: String, level: FeatureLevel, tool: InspectionTool, lookFor: String)]
    }

    static let series: [SeriesSpec] = [
        SeriesSpec(
            id: domesticSeries, name: "Cigarettes, domestic market, 2026 (gold/green)",
            description: "Tax stamp for cigarettes made in Mozambique for sale in Mozambique, issued from January 2026. Check the overt features first, in good light; then the semi-covert ones with a 10x loupe and a 365 nm UV torch. Two or more failed features: treat the pack as counterfeit and keep it as evidence. A reader is needed only when the visual checks disagree with the code's verdict.",
            features: [
                ("colour-shift", "Colour-shifting emblem", .overt, .none, "Tilt the stamp: the national emblem turns from gold to green. Flat yellow ink that does not change is a copy."),
                ("guilloche", "Guilloche border", .overt, .none, "Fine, unbroken interlaced lines run round the whole border. Blurred, broken or dotted lines mean a scan or a photocopy."),
                ("latent-image", "Latent image", .overt, .none, "Hold the stamp at eye level and look along it against the light: the letters MZ appear in the band under the emblem."),
                ("microtext", "Microtext", .semiCovert, .loupe, "At 10x the line under the code reads REPUBLICA DE MOCAMBIQUE AT 2026 in letters 0.2 mm high. Dots or smeared letters mean a copy."),
                ("uv-fibres", "UV fibres", .semiCovert, .uvTorch, "Under 365 nm UV, red and blue fibres glow, scattered at random in the paper. No fibres, or fibres printed in a repeating pattern: counterfeit."),
                ("uv-uid", "UV-printed UID", .semiCovert, .uvTorch, "The UID printed beside the 2D code glows green under UV and is the UID the console shows for the scanned code."),
                ("taggant", "Taggant ink", .covert, .reader, "Hold the authenticator reader on the emblem: it beeps once and shows AT-26. No response: seize one pack for the laboratory."),
            ]),
        SeriesSpec(
            id: importSeries, name: "Cigarettes, imported, 2026 (red/blue)",
            description: "Tax stamp for imported cigarettes, applied at the foreign plant before shipment, issued from January 2026. The emblem shifts red to blue (not gold to green): a domestic-looking stamp on an imported brand is a warning sign. Two or more failed features: treat as counterfeit.",
            features: [
                ("colour-shift", "Colour-shifting emblem", .overt, .none, "Tilt the stamp: the emblem turns from red to blue."),
                ("foil-stripe", "OVD foil stripe", .overt, .none, "A silver diffractive stripe runs down the left edge; tilting it shows moving rainbow bands and the word IMPORTADO."),
                ("microtext", "Microtext", .semiCovert, .loupe, "At 10x the border reads AT IMPORTADO 2026 repeated without gaps."),
                ("uv-ink", "UV-reactive ink", .semiCovert, .uvTorch, "Under 365 nm UV the map of Mozambique glows yellow; the rest of the stamp stays dark."),
                ("taggant", "Taggant ink", .covert, .reader, "The authenticator reader beeps once and shows AT-26I on the emblem."),
            ]),
        SeriesSpec(
            id: exportSeries, name: "Cigarettes, export mark, 2026 (grey)",
            description: "Export mark for cigarettes made in Mozambique for a foreign market: no Mozambican excise was paid. A pack with this mark on sale in Mozambique is diverted: the code's market says where it may be sold.",
            features: [
                ("export-print", "EXPORT print", .overt, .none, "The words EXPORT - NOT FOR SALE IN MOZAMBIQUE are printed across the stamp in grey."),
                ("guilloche", "Guilloche border", .overt, .none, "Fine, unbroken interlaced lines round the border, grey on white."),
                ("microtext", "Microtext", .semiCovert, .loupe, "At 10x the line under the code reads AT EXPORTACAO 2026."),
                ("uv-fibres", "UV fibres", .semiCovert, .uvTorch, "Under 365 nm UV, green fibres glow at random positions."),
                ("taggant", "Taggant ink", .covert, .reader, "The authenticator reader beeps twice and shows AT-26E."),
            ]),
    ]
}
