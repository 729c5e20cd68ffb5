import Foundation
import Hub
import HTTPTypes
import HummingbirdTesting
import StampCodes
import StampCrypto
import XCTest

/// Clone detection: one UID where one pack cannot be.
final class CloneDetectionTests: XCTestCase, @unchecked Sendable {
    // Maputo, Matola (about 15 km away), Beira (about 730 km), Pemba (about 1,670 km).
    let maputo = (-25.9692, 32.5732), matola = (-25.9622, 32.4589), beira = (-19.8436, 34.8389), pemba = (-12.9740, 40.5178)
    let hour: Int64 = 3600

    func s(_ uid: String, _ rec: String, _ device: String, _ region: String, _ time: Int64, _ at: (Double, Double)?) -> Sighting {
        Sighting(uid: uid, recordUUID: rec, deviceID: device, region: region, time: time, latitude: at?.0, longitude: at?.1)
    }

    func testTwoPlacesTooFarApartForTheTimeBetweenAreFlagged() {
        let flags = CloneDetector.detect([
            s("UID-1", "r1", "dev-a", "MZ-MPM", t0, maputo),
            s("UID-1", "r2", "dev-b", "MZ-MPM", t0 + 2 * hour, pemba),  // 1,670 km in 2 h
        ])
        XCTAssertEqual(flags.count, 1)
        XCTAssertEqual(flags[0].uid, "UID-1")
        XCTAssertEqual(flags[0].since, t0 + 2 * hour)
        XCTAssertEqual(flags[0].evidence, ["r1", "r2"])
        XCTAssertTrue(flags[0].note.contains("km"), flags[0].note)
        XCTAssertEqual(CloneFlag.reason, "clone")
    }

    func testPlausibleJourneysAndNearbyPlacesAreNotFlagged() {
        let policy = ClonePolicy(flagDifferentRegions: false)
        XCTAssertEqual(CloneDetector.detect([
            s("UID-2", "r1", "dev-a", "MZ", t0, maputo),
            s("UID-2", "r2", "dev-b", "MZ", t0 + 60, matola),  // 12 km, a minute apart: under the minimum distance
            s("UID-3", "r3", "dev-a", "MZ", t0, maputo),
            s("UID-3", "r4", "dev-b", "MZ", t0 + 3 * 86_400, pemba),  // three days by road: possible
            s("UID-4", "r5", "dev-a", "MZ", t0, maputo),
            s("UID-4", "r6", "dev-a", "MZ", t0 + 5, maputo),  // re-scanned on the spot
            s("UID-5", "r7", "dev-a", "MZ", t0, nil),
            s("UID-5", "r8", "dev-b", "MZ", t0 + 10, nil),  // free-text places: no distance to judge
        ], policy: policy), [])
        // Beira in 4 h (730 km, 180 km/h) is not plausible; in 8 h (90 km/h) it is.
        XCTAssertEqual(CloneDetector.detect([s("U", "a", "d1", "", t0, maputo), s("U", "b", "d2", "", t0 + 4 * hour, beira)]).count, 1)
        XCTAssertEqual(CloneDetector.detect([s("U", "a", "d1", "", t0, maputo), s("U", "b", "d2", "", t0 + 8 * hour, beira)]).count, 0)
    }

    func testTwoDevicesOfDifferentRegionsSeeingOneUID() {
        let flags = CloneDetector.detect([
            s("UID-6", "r1", "dev-mpm", "MZ-MPM", t0, nil),
            s("UID-6", "r2", "dev-cab", "MZ-P", t0 + 30 * 86_400, nil),
        ])
        XCTAssertEqual(flags.map(\.uid), ["UID-6"])
        XCTAssertTrue(flags[0].note.contains("MZ-P"))
        // A country and its own subdivision are one area; a window can bound the rule.
        XCTAssertEqual(CloneDetector.detect([s("U", "a", "d1", "MZ", t0, nil), s("U", "b", "d2", "MZ-MPM", t0, nil)]), [])
        XCTAssertEqual(CloneDetector.detect([s("U", "a", "d1", "MZ-MPM", t0, nil), s("U", "b", "d2", "MZ-P", t0 + 10 * 86_400, nil)],
                                            policy: ClonePolicy(regionWindowSeconds: 7 * 86_400)), [])
    }

    func testPlacesAndDistances() {
        XCTAssertNil(CloneDetector.coordinates("Mercado Central"))
        XCTAssertNil(CloneDetector.coordinates("91,10"))
        XCTAssertEqual(CloneDetector.coordinates(" -25.9692, 32.5732")?.0, -25.9692)
        XCTAssertEqual(CloneDetector.distanceKm(maputo.0, maputo.1, pemba.0, pemba.1), 1_665, accuracy: 20)
    }

    /// End to end: real codes minted by an issuer, inspected by two enrolled devices, uploaded; the hub
    /// decodes the codes with the issuer keyring and returns the watchlist entry for the cloned UID only.
    func testCloneWatchlistFromUploadedInspections() async throws {
        let signing = try SigningKey.generate(.es256)
        let data = DataKey(kid: [0xD1], key: SecureRandom.bytes(32), notBefore: 0, notAfter: Int64(Int32.max))
        let keyring = try Keyring(signingKeys: [SignerKey(kid: [0x51], algorithm: .es256, publicKey: signing.publicKey, issuer: "Test tax authority",
                                                          notBefore: 0, notAfter: Int64(Int32.max))], dataKeys: [data])
        let issuer = StampIssuer(signingKey: signing, signerKid: [0x51], dataKey: data)
        func code(_ uid: String) throws -> String {
            try issuer.mint(StampPayload(uid: uid, product: "P-1", facility: "FAC-1", machine: "M-1", manufactured: t0 - 86_400,
                                         market: "MZ", series: "S-2026"))
        }
        let cloned = try code("PACK-CLONED"), honest = try code("PACK-HONEST")
        let forged = try StampIssuer(signingKey: try SigningKey.generate(.es256), signerKid: [0x51], dataKey: data)
            .mint(StampPayload(uid: "PACK-FORGED", product: "P-1", facility: "FAC-1", machine: "M-1", manufactured: t0, market: "MZ", series: "S"))

        let hub = try HubFixture()
        let south = TestDevice("console-south"), north = TestDevice("console-north")
        try await hub.test(.router) { client in
            try await client.enrol(south, region: "MZ-MPM")
            try await client.enrol(north, region: "MZ-P")
            let place = { (p: (Double, Double)) in "\(p.0),\(p.1)" }
            try await assertStatus(await client.upload(south, [
                TestRecord(device: south.id, seq: 1, code: cloned, place: place(self.maputo), createdAt: t0),
                TestRecord(device: south.id, seq: 2, code: honest, place: place(self.maputo), createdAt: t0),
                TestRecord(device: south.id, seq: 3, code: forged, place: place(self.maputo), createdAt: t0),
            ]), .ok)
            try await assertStatus(await client.upload(north, [
                TestRecord(device: north.id, seq: 1, code: cloned, place: place(self.pemba), createdAt: t0 + 3 * self.hour),
                TestRecord(device: north.id, seq: 2, code: forged, place: place(self.pemba), createdAt: t0 + 3 * self.hour),
            ]), .ok)
        }
        let flags = try CloneWatchlist.build(store: hub.store, keyring: keyring)
        XCTAssertEqual(flags.map(\.uid), ["PACK-CLONED"], "forged codes are counterfeits, not clones of a genuine code")
        XCTAssertEqual(flags.first?.since, t0 + 3 * hour)
        XCTAssertEqual(flags.first?.evidence.count, 2)
        // The same through the database path, as `cache build` calls it.
        XCTAssertEqual(try CloneWatchlist.build(databasePath: hub.scratch.file("hub.sqlite"), keyring: keyring).map(\.uid), ["PACK-CLONED"])
    }
}
