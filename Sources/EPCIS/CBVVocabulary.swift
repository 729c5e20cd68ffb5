/// The GS1 Core Business Vocabulary (CBV) 2.0 standard vocabularies that EPCIS fields draw on, and
/// the rule that decides whether a written value is a standard term, a user vocabulary URI, or wrong.
///
/// Why a closed list: the EPCIS 2.0 JSON schema enumerates the bare-string forms, and CBV reserves
/// its namespaces (`urn:epcglobal:cbv:…`, `https://ref.gs1.org/cbv/…`) for defined terms. A value that
/// claims a CBV vocabulary but names no term of it ("transforming", "cbv:BizStep-transforming") is an
/// error; any other absolute URI is a user-defined value and passes, as the schema allows.
public enum CBVVocabulary: String, Sendable, CaseIterable {
    case bizStep
    case disposition
    case bizTransactionType
    case sourceDestinationType
    case errorReason
    case sensorMeasurementType
    case sensorAlertType
    case component

    /// The defined terms, as written in bare-string JSON form.
    public var terms: Set<String> {
        switch self {
        case .bizStep: return CBVVocabulary.bizSteps
        case .disposition: return CBVVocabulary.dispositions
        case .bizTransactionType: return ["bol", "cert", "desadv", "inv", "pedigree", "po", "poc", "prodorder", "recadv", "rma", "testprd", "testres", "upevt"]
        case .sourceDestinationType: return ["owning_party", "possessing_party", "location"]
        case .errorReason: return ["did_not_occur", "incorrect_data"]
        case .sensorMeasurementType: return CBVVocabulary.measurementTypes
        case .sensorAlertType: return ["ALARM_CONDITION", "ERROR_CONDITION"]
        case .component: return ["x", "y", "z", "axial_distance", "azimuth", "height", "spherical_radius", "polar_angle", "elevation_angle", "easting", "northing", "latitude", "longitude", "altitude"]
        }
    }

    /// The web URI that a bare term expands to (`https://ref.gs1.org/cbv/BizStep-`); the GS1 Web
    /// Vocabulary for sensor types and alerts.
    public var webPrefix: String {
        switch self {
        case .bizStep: return "https://ref.gs1.org/cbv/BizStep-"
        case .disposition: return "https://ref.gs1.org/cbv/Disp-"
        case .bizTransactionType: return "https://ref.gs1.org/cbv/BTT-"
        case .sourceDestinationType: return "https://ref.gs1.org/cbv/SDT-"
        case .errorReason: return "https://ref.gs1.org/cbv/ER-"
        case .component: return "https://ref.gs1.org/cbv/Comp-"
        case .sensorMeasurementType, .sensorAlertType: return "https://ref.gs1.org/voc/"
        }
    }

    /// The EPCIS 1.x URN form (`urn:epcglobal:cbv:bizstep:`), where one exists.
    public var urnPrefix: String? {
        switch self {
        case .bizStep: return "urn:epcglobal:cbv:bizstep:"
        case .disposition: return "urn:epcglobal:cbv:disp:"
        case .bizTransactionType: return "urn:epcglobal:cbv:btt:"
        case .sourceDestinationType: return "urn:epcglobal:cbv:sdt:"
        case .errorReason: return "urn:epcglobal:cbv:er:"
        default: return nil
        }
    }

    /// A short human name for messages.
    public var displayName: String {
        switch self {
        case .bizStep: return "business step"
        case .disposition: return "disposition"
        case .bizTransactionType: return "business transaction type"
        case .sourceDestinationType: return "source/destination type"
        case .errorReason: return "error reason"
        case .sensorMeasurementType: return "sensor measurement type"
        case .sensorAlertType: return "sensor alert type"
        case .component: return "component"
        }
    }

    /// Examples for messages ("e.g. shipping, receiving").
    var examples: String {
        switch self {
        case .bizStep: return "e.g. \"shipping\", \"receiving\", \"commissioning\""
        case .disposition: return "e.g. \"in_transit\", \"in_progress\", \"recalled\""
        case .bizTransactionType: return "e.g. \"inv\", \"po\", \"desadv\""
        case .sourceDestinationType: return "\"owning_party\", \"possessing_party\" or \"location\""
        case .errorReason: return "\"did_not_occur\" or \"incorrect_data\""
        case .sensorMeasurementType: return "e.g. \"Temperature\""
        case .sensorAlertType: return "\"ALARM_CONDITION\" or \"ERROR_CONDITION\""
        case .component: return "e.g. \"latitude\", \"x\""
        }
    }

    /// The outcome of reading one vocabulary value.
    public enum Resolution: Sendable, Equatable {
        /// A term of this vocabulary, in bare form (`shipping`), however it was written.
        case standard(String)
        /// A user-defined absolute URI (or CURIE) outside the CBV namespaces.
        case custom(String)
        /// Not acceptable; the message says why.
        case invalid(String)
    }

    /// Decides what `value` is for this vocabulary. `gs1:` and `cbv:` CURIEs are read with their
    /// standard expansions (a document cannot usefully redefine them: the GS1 context is protected).
    public func resolve(_ value: String) -> Resolution {
        if terms.contains(value) { return .standard(value) }
        if self == .sensorMeasurementType, CBVVocabulary.isWebVocabularyName(value) {
            // gs1:MeasurementType is an open list in the GS1 Web Vocabulary, larger than the schema's
            // enumeration (EffectiveDoseRate, Molar_concentration, …): accept any name of its shape.
            return .standard(value)
        }
        // Claims on a CBV vocabulary: URN form, web form, CURIE form.
        if let urn = urnPrefix, value.hasPrefix(urn) {
            let t = String(value.dropFirst(urn.count))
            return terms.contains(t) ? .standard(t) : .invalid("\(quoted(value)) names no CBV 2.0 \(displayName) (\(examples))")
        }
        let expanded = CBVVocabulary.expandStandardCURIE(value)
        if expanded.hasPrefix(webPrefix) {
            let t = String(expanded.dropFirst(webPrefix.count))
            if terms.contains(t) { return .standard(t) }
            if self == .sensorMeasurementType || self == .sensorAlertType {
                // The GS1 Web Vocabulary is open-ended beyond the CBV list; accept a term-shaped name.
                return t.isEmpty ? .invalid("\(quoted(value)) names no \(displayName)") : .custom(value)
            }
            return .invalid("\(quoted(value)) names no CBV 2.0 \(displayName) (\(examples))")
        }
        for other in CBVVocabulary.allCases where other != self {
            if let urn = other.urnPrefix, value.hasPrefix(urn) {
                return .invalid("\(quoted(value)) is a CBV \(other.displayName), not a \(displayName)")
            }
            if other.webPrefix.hasPrefix("https://ref.gs1.org/cbv/"), expanded.hasPrefix(other.webPrefix) {
                return .invalid("\(quoted(value)) is a CBV \(other.displayName), not a \(displayName)")
            }
        }
        if value.hasPrefix("urn:epcglobal:cbv:") {
            return .invalid("\(quoted(value)) is in the reserved CBV URN namespace but is not a CBV 2.0 \(displayName)")
        }
        if value.hasPrefix("https://ns.gs1.org/cbv/") || value.hasPrefix("http://ns.gs1.org/cbv/") {
            return .invalid("\(quoted(value)) uses the withdrawn draft namespace ns.gs1.org/cbv; write the bare term (\(examples))")
        }
        if URISyntax.isAbsoluteURI(value) { return .custom(value) }
        return .invalid("\(quoted(value)) is not a CBV 2.0 \(displayName) (\(examples)) nor a URI of your own vocabulary")
    }

    /// A bare GS1 Web Vocabulary term name: a capital letter, then letters, digits or underscores.
    static func isWebVocabularyName(_ s: String) -> Bool {
        guard let f = s.utf8.first, f >= 0x41, f <= 0x5A else { return false }
        return s.utf8.allSatisfy { URISyntax.isAlpha($0) || URISyntax.isDigit($0) || $0 == 0x5F }
    }

    /// `cbv:X` → `https://ref.gs1.org/cbv/X`, `gs1:X` → `https://ref.gs1.org/voc/X`; other values unchanged.
    static func expandStandardCURIE(_ value: String) -> String {
        if value.hasPrefix("cbv:") { return "https://ref.gs1.org/cbv/" + value.dropFirst(4) }
        if value.hasPrefix("gs1:") { return "https://ref.gs1.org/voc/" + value.dropFirst(4) }
        if value.hasPrefix("https://gs1.org/voc/") { return "https://ref.gs1.org/voc/" + value.dropFirst(20) }
        return value
    }

    static let bizSteps: Set<String> = [
        "accepting", "arriving", "assembling", "collecting", "commissioning", "consigning", "creating_class_instance",
        "cycle_counting", "decommissioning", "departing", "destroying", "disassembling", "dispensing", "encoding",
        "entering_exiting", "holding", "inspecting", "installing", "killing", "loading", "other", "packing", "picking",
        "receiving", "removing", "repackaging", "repairing", "replacing", "reserving", "retail_selling", "shipping",
        "staging_outbound", "stock_taking", "stocking", "storing", "transporting", "unloading", "unpacking",
        "void_shipping", "sensor_reporting", "sampling",
    ]

    static let dispositions: Set<String> = [
        "active", "container_closed", "damaged", "destroyed", "dispensed", "disposed", "encoded", "expired",
        "in_progress", "in_transit", "inactive", "no_pedigree_match", "non_sellable_other", "partially_dispensed",
        "recalled", "reserved", "retail_sold", "returned", "sellable_accessible", "sellable_not_accessible", "stolen",
        "unknown", "available", "completeness_verified", "completeness_inferred", "conformant", "container_open",
        "mismatch_instance", "mismatch_class", "mismatch_quantity", "needs_replacement", "non_conformant",
        "unavailable",
    ]

    static let measurementTypes: Set<String> = [
        "AbsoluteHumidity", "AbsorbedDose", "AbsorbedDoseRate", "Acceleration", "Radioactivity", "Altitude",
        "AmountOfSubstance", "AmountOfSubstancePerUnitVolume", "Angle", "AngularAcceleration", "AngularMomentum",
        "AngularVelocity", "Area", "Capacitance", "Conductance", "Conductivity", "Count", "Density", "Dimensionless",
        "DoseEquivalent", "DoseEquivalentRate", "DynamicViscosity", "ElectricCharge", "ElectricCurrent",
        "ElectricCurrentDensity", "ElectricFieldStrength", "Energy", "Exposure", "Force", "Frequency", "Illuminance",
        "Inductance", "Irradiance", "KinematicViscosity", "Length", "LinearMomentum", "Luminance", "LuminousFlux",
        "LuminousIntensity", "MagneticFlux", "MagneticFluxDensity", "MagneticVectorPotential", "Mass",
        "MassConcentration", "MassFlowRate", "MassPerAreaTime", "MemoryCapacity", "MolalityOfSolute", "MolarEnergy",
        "MolarMass", "MolarVolume", "Power", "Pressure", "RadiantFlux", "RadiantIntensity", "RelativeHumidity",
        "Resistance", "Resistivity", "SolidAngle", "SpecificVolume", "Speed", "SurfaceDensity", "SurfaceTension",
        "Temperature", "Time", "Torque", "Voltage", "Volume", "VolumeFlowRate", "VolumeFraction", "VolumetricFlux",
        "Wavenumber",
    ]
}

/// A vocabulary-valued field as written, with the standard term when it is one.
public struct VocabularyValue: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The text as written ("shipping", "urn:epcglobal:cbv:bizstep:shipping", "cbv:BizStep-shipping").
    public var raw: String
    /// The CBV term in bare form ("shipping"), nil for a user-defined URI.
    public var term: String?

    public init(raw: String, term: String?) {
        self.raw = raw
        self.term = term
    }

    public var description: String { raw }
}
