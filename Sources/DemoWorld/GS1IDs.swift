import EPCIS

/// GS1 keys of the demo world, built with their check digits.
///
/// Every company prefix is in the 952 range, which GS1 reserves for demonstrations and examples, so
/// no demo identifier can collide with a real product, party or logistic unit. Prefixes are 7 digits.
enum GS1IDs {
    static let prefixLength = 7

    static func checkDigit(_ digits: String) -> String { String(GS1Key.checkDigit(digits)) }

    /// GTIN-14: indicator 0, company prefix, 5-digit item reference, check digit.
    static func gtin14(prefix: String, itemReference: Int) -> String {
        let body = "0" + prefix + DemoTime.pad(itemReference, 5)
        return body + checkDigit(body)
    }

    /// GLN-13: company prefix, 5-digit location reference, check digit.
    static func gln(prefix: String, locationReference: Int) -> String {
        let body = prefix + DemoTime.pad(locationReference, 5)
        return body + checkDigit(body)
    }

    /// The SGTIN EPC URI of a pack: `urn:epc:id:sgtin:<prefix>.<indicator+item ref>.<serial>`; the
    /// serial is the stamp UID, so the pack's GS1 identity and its tax-stamp identity are one.
    static func sgtin(gtin: String, serial: String) -> String {
        let prefix = gtin.dropFirst().prefix(prefixLength)
        let indicatorItem = String(gtin.prefix(1)) + gtin.dropFirst(1 + prefixLength).dropLast()
        return "urn:epc:id:sgtin:\(prefix).\(indicatorItem).\(serial)"
    }

    /// The SSCC EPC URI of a logistic unit: extension digit (1 carton, 2 case, 3 pallet) and a
    /// 9-digit serial reference after the prefix.
    static func sscc(prefix: String, extensionDigit: Int, serial: Int) -> String {
        "urn:epc:id:sscc:\(prefix).\(extensionDigit)\(DemoTime.pad(serial, 9))"
    }

    /// The SGLN EPC URI of a location (`0` for no extension).
    static func sgln(prefix: String, locationReference: Int, extension: String = "0") -> String {
        "urn:epc:id:sgln:\(prefix).\(DemoTime.pad(locationReference, 5)).\(`extension`)"
    }

    /// The PGLN EPC URI of a party.
    static func pgln(prefix: String, partyReference: Int) -> String {
        "urn:epc:id:pgln:\(prefix).\(DemoTime.pad(partyReference, 5))"
    }

    /// A CBV business transaction identifier: `urn:epcglobal:cbv:bt:<GLN>:<reference>`.
    static func bizTransaction(gln: String, reference: String) -> String { "urn:epcglobal:cbv:bt:\(gln):\(reference)" }
}
