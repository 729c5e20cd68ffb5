import XCTest

@testable import EPCIS

/// GS1 keys from EPC URIs and Digital Links: pack UIDs (SGTIN), aggregation IDs (SSCC), locations
/// (SGLN) and parties (PGLN) read alike whichever syntax an event uses.
final class GS1KeyTests: XCTestCase {
    private func key(_ s: String, file: StaticString = #filePath, line: UInt = #line) -> GS1Key? {
        switch GS1Key.parse(s) {
        case .success(let k): return k
        case .failure(let e):
            XCTFail("\(s): \(e)", file: file, line: line)
            return nil
        }
    }

    private func problem(_ s: String) -> String? {
        if case .failure(let e) = GS1Key.parse(s) { return e.message }
        return nil
    }

    func testSGTINFromEPCURIAndDigitalLinkIsOnePack() {
        let pack = GS1Key.sgtin(gtin: "09521141012345", serial: "2017")
        XCTAssertEqual(key("urn:epc:id:sgtin:9521141.001234.2017"), pack)
        XCTAssertEqual(key("https://id.gs1.org/01/09521141012345/21/2017"), pack)
        XCTAssertEqual(key("https://brand.example.com/some/prefix/01/9521141012345/21/2017?linkType=gs1:pip"), pack)
        XCTAssertEqual(key("https://id.gs1.org/gtin/09521141012345/ser/2017"), pack)
        XCTAssertEqual(key("https://id.gs1.org/01/09521141012345/10/LOT7/21/2017"), pack, "a serial wins over a lot")
        XCTAssertEqual(pack.role, .tradeItemInstance)
        XCTAssertEqual(pack.digitalLink, "https://id.gs1.org/01/09521141012345/21/2017")
    }

    func testSSCCIsAnAggregationID() {
        let pallet = GS1Key.sscc("106141412345678908")
        XCTAssertEqual(key("urn:epc:id:sscc:0614141.1234567890"), pallet)
        XCTAssertEqual(key("https://id.gs1.org/00/106141412345678908"), pallet)
        XCTAssertEqual(pallet.role, .logisticUnit)
        XCTAssertTrue(problem("https://id.gs1.org/00/106141412345678907")?.contains("check digit") == true)
        XCTAssertNotNil(problem("https://id.gs1.org/00/10614141234567890"))
    }

    func testSGLNIsALocation() {
        XCTAssertEqual(key("urn:epc:id:sgln:0614141.00777.0"), .sgln(gln: "0614141007776", extension: nil))
        XCTAssertEqual(key("urn:epc:id:sgln:0614141.07346.1234"), .sgln(gln: "0614141073467", extension: "1234"))
        XCTAssertEqual(key("https://id.gs1.org/414/0614141073467/254/1234"), .sgln(gln: "0614141073467", extension: "1234"))
        XCTAssertEqual(key("https://id.gs1.de/414/4012345000115"), .sgln(gln: "4012345000115", extension: nil))
        XCTAssertEqual(key("urn:epc:id:pgln:9520001.11111"), .pgln("9520001111112"))
        XCTAssertEqual(key("urn:epc:id:sgln:952005385.011.ts4711")?.role, .location)
        XCTAssertTrue(problem("https://id.gs1.org/414/0614141073468")?.contains("check digit") == true)
    }

    func testClassLevelKeys() {
        XCTAssertEqual(key("urn:epc:class:lgtin:4012345.012345.998877"), .lgtin(gtin: "04012345123456", lot: "998877"))
        XCTAssertEqual(key("https://id.gs1.org/01/04012345123456/10/998877"), .lgtin(gtin: "04012345123456", lot: "998877"))
        XCTAssertEqual(key("urn:epc:idpat:sgtin:4012345.098765.*"), .gtin("04012345987652"))
        XCTAssertEqual(key("https://id.gs1.org/01/4012345987652"), .gtin("04012345987652"))
    }

    func testEscapedSerialsDecodeAndReencode() {
        XCTAssertEqual(key("urn:epc:id:sgtin:0614141.107346.a%2Fb%25c"), .sgtin(gtin: "10614141073464", serial: "a/b%c"))
        XCTAssertEqual(key("https://id.gs1.org/01/10614141073464/21/a%2Fb%25c"), .sgtin(gtin: "10614141073464", serial: "a/b%c"))
        XCTAssertEqual(GS1Key.sgtin(gtin: "10614141073464", serial: "a/b%c").digitalLink, "https://id.gs1.org/01/10614141073464/21/a%2Fb%25c")
        XCTAssertNotNil(problem("urn:epc:id:sgtin:0614141.107346.a/b"), "'/' must be escaped in an EPC URI")
    }

    func testOtherGS1KeysFromTheCorpus() {
        XCTAssertEqual(key("urn:epc:id:grai:4012345.66666.87"), .other(ai: "8003", value: "0401234566666387"))
        XCTAssertEqual(key("urn:epc:id:giai:4012345.AAbb"), .other(ai: "8004", value: "4012345AAbb"))
        XCTAssertEqual(key("urn:epc:id:gdti:4012345.55555.98"), .other(ai: "253", value: "401234555555498"))
        XCTAssertEqual(key("urn:epc:id:itip:4012345.012345.01.02.999"), .other(ai: "8006", value: "040123451234560102/21/999"))
    }

    func testMalformedIdentifiersAreExplained() {
        XCTAssertTrue(problem("urn:epc:id:sgtin:0614141.10734.2017")?.contains("6 digits") == true, problem("urn:epc:id:sgtin:0614141.10734.2017") ?? "")
        XCTAssertNotNil(problem("urn:epc:id:sgtin:0614141.107346.123456789012345678901"))
        XCTAssertNotNil(problem("urn:epc:id:sgtin:06141.1073461.1"))
        XCTAssertNotNil(problem("urn:epc:id:sscc:0614141.123456789"))
        XCTAssertNotNil(problem("urn:epc:id:unknownscheme:0614141.1"))
        XCTAssertNotNil(problem("urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"))
        XCTAssertNotNil(problem("https://example.com/no/key/here"))
        XCTAssertNotNil(problem("https://id.gs1.org/01/09521141012346/21/2017"))
        XCTAssertNotNil(problem(""))
    }

    func testCheckDigit() {
        XCTAssertEqual(GS1Key.checkDigit("0952114101234"), 5)
        XCTAssertEqual(GS1Key.checkDigit("10614141234567890"), 8)
        XCTAssertEqual(GS1Key.checkDigit("061414100777"), 6)
    }
}
