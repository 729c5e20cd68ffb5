import Foundation
import HTTP
import XCTest

/// HTTPS against a loopback server with a self-signed certificate made by the openssl CLI.
final class TLSTests: XCTestCase {
    private let client = HTTPClient()

    private func get(_ server: TestServer, host: String = "127.0.0.1", tls: TLSOptions) throws(HTTPError) -> HTTPResponse {
        try client.send(HTTPRequest(url: server.url("/file?size=1000", host: host),
                                    options: TransferOptions(connectTimeout: .seconds(5), totalTimeout: .seconds(10), tls: tls)))
    }

    func testCAFileTrustsTheServer() throws {
        let (server, material) = try TestServer.tls()
        let response = try get(server, tls: TLSOptions(caFile: material.certPath))
        XCTAssertEqual(response.body, patternBytes(0..<1000))
        XCTAssertEqual(try get(server, host: "localhost", tls: TLSOptions(caFile: material.certPath)).status, 200)
    }

    func testMatchingPinIsAccepted() throws {
        let (server, material) = try TestServer.tls()
        XCTAssertEqual(try get(server, tls: TLSOptions(caFile: material.certPath, pinnedPublicKey: material.pin)).status, 200)
        // A backup pin listed first does not stop the current key from matching.
        XCTAssertEqual(try get(server, tls: TLSOptions(caFile: material.certPath,
                                                       pinnedPublicKey: material.otherPin + ";" + material.pin)).status, 200)
    }

    func testMismatchedPinIsRefusedEvenAfterASuccessfulConnection() throws {
        let (server, material) = try TestServer.tls()
        XCTAssertEqual(try get(server, tls: TLSOptions(caFile: material.certPath, pinnedPublicKey: material.pin)).status, 200)
        // Same client, same host: the open connection made under the right pin must not be reused here.
        let error = expectHTTPError { () throws(HTTPError) in
            try get(server, tls: TLSOptions(caFile: material.certPath, pinnedPublicKey: material.otherPin))
        }
        guard case .pinnedKeyMismatch(let detail)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertFalse(detail.isEmpty)
        XCTAssertFalse(error!.isTransient)
        XCTAssertTrue(error!.description.contains("interception"), error!.description)
    }

    func testUntrustedCertificateIsATLSFailure() throws {
        let (server, material) = try TestServer.tls()
        for tls in [TLSOptions(), TLSOptions(caFile: material.otherCertPath)] {
            let error = expectHTTPError { () throws(HTTPError) in try get(server, tls: tls) }
            guard case .tlsFailure(let detail)? = error else { XCTFail("\(tls): \(String(describing: error))"); continue }
            XCTAssertFalse(detail.isEmpty)
        }
    }

    func testPlainHTTPToTheTLSPortIsNotMistakenForSuccess() throws {
        let (server, _) = try TestServer.tls()
        let error = expectHTTPError { () throws(HTTPError) in
            try client.send(HTTPRequest(url: "http://127.0.0.1:\(server.port)/file?size=10",
                                        options: loopbackOptions { $0.totalTimeout = .seconds(3) }))
        }
        guard case .interrupted(0, _)? = error else { return XCTFail("\(String(describing: error))") }
    }
}
