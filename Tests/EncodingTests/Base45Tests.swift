import XCTest
import Encoding

final class Base45Tests: XCTestCase {
    private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    private func base45Error(_ text: String) -> Base45Error? {
        do {
            _ = try Base45.decode(text)
            return nil
        } catch {
            return error
        }
    }

    func testRFC9285Examples() throws {
        XCTAssertEqual(Base45.encode(bytes("AB")), "BB8")
        XCTAssertEqual(Base45.encode(bytes("Hello!!")), "%69 VD92EX0")
        XCTAssertEqual(Base45.encode(bytes("base-45")), "UJCLQE7W581")
        XCTAssertEqual(Base45.encode(bytes("ietf!")), "QED8WEX0")
        XCTAssertEqual(try Base45.decode("QED8WEX0"), bytes("ietf!"))
        XCTAssertEqual(try Base45.decode("BB8"), bytes("AB"))
        XCTAssertEqual(try Base45.decode("%69 VD92EX0"), bytes("Hello!!"))
        XCTAssertEqual(try Base45.decode("UJCLQE7W581"), bytes("base-45"))
        XCTAssertEqual(try Base45.decode(ascii: bytes("QED8WEX0")), bytes("ietf!"))
        XCTAssertEqual(try Base45.decode(ascii: bytes("QED8WEX0")[...]), bytes("ietf!"))
        XCTAssertEqual(try Base45.decode(ascii: bytes("QED8WEX0").lazy.map { $0 }), bytes("ietf!"))
        XCTAssertEqual(Base45.encode([]), "")
        XCTAssertEqual(try Base45.decode(""), [])
        // Extremes of each group.
        XCTAssertEqual(Base45.encode([0xff, 0xff]), "FGW")
        XCTAssertEqual(try Base45.decode("FGW"), [0xff, 0xff])
        XCTAssertEqual(Base45.encode([0xff]), "U5")
        XCTAssertEqual(Base45.encode([0, 0]), "000")
        XCTAssertEqual(Base45.encode([0]), "00")
    }

    func testRFC9285InvalidInputs() {
        // "GGW" = 16 + 16*45 + 32*2025 = 65536 > 65535.
        let ggw = base45Error("GGW")
        XCTAssertEqual(ggw?.kind, .valueOutOfRange)
        XCTAssertEqual(ggw?.position, 0)
        XCTAssertEqual(ggw?.value, 65536)
        XCTAssertEqual(ggw?.description,
                       "characters 0-2 (\"GGW\") of the Base45 text encode 65536, more than the maximum 65535 for two bytes")
        XCTAssertEqual(base45Error(":::")?.kind, .valueOutOfRange)
        XCTAssertEqual(base45Error("BB8:::")?.position, 3)
        // A final pair above 255 ("::" = 44 + 44*45 = 2024; "V5" = 31 + 5*45 = 256).
        XCTAssertEqual(base45Error("BB8::")?.kind, .valueOutOfRange)
        XCTAssertEqual(base45Error("BB8::")?.position, 3)
        XCTAssertEqual(base45Error("V5")?.kind, .valueOutOfRange)
        XCTAssertNil(base45Error("U5"))
        // Lengths of the form 3k + 1.
        for text in ["A", "BB8A", "QED8WEX0AB", "%69 VD92EX0AB"] {
            let error = base45Error(text)
            XCTAssertEqual(error?.kind, .invalidLength, text)
            XCTAssertEqual(error?.position, text.count - 1, text)
            XCTAssertNil(error?.character)
        }
        XCTAssertTrue(base45Error("BB8A")?.description.contains("4 characters") ?? false)
    }

    func testInvalidCharacters() {
        var error = base45Error("QED8WEX0BB8BB8BB8a0")
        XCTAssertEqual(error?.kind, .invalidCharacter)
        XCTAssertEqual(error?.position, 17)
        XCTAssertEqual(error?.character, "a")
        XCTAssertEqual(error?.description,
                       "character 17 ('a') is not in the Base45 alphabet (0-9, A-Z, space and $%*+-./:); "
                           + "Base45 is upper-case only - check Caps Lock or the scanner's keyboard layout")
        error = base45Error("BB#")
        XCTAssertEqual(error?.position, 2)
        XCTAssertEqual(error?.description, "character 2 ('#') is not in the Base45 alphabet (0-9, A-Z, space and $%*+-./:)")
        // Positions count characters, not UTF-8 bytes.
        error = base45Error("BB8\u{e9}\u{20ac}")
        XCTAssertEqual(error?.position, 3)
        XCTAssertEqual(error?.character, "\u{e9}")
        error = base45Error("B\u{20ac}8")
        XCTAssertEqual(error?.position, 1)
        XCTAssertEqual(error?.character, "\u{20ac}")
        XCTAssertTrue(error?.description.contains("U+20AC") ?? false)
        // An invalid character is reported before a bad length.
        XCTAssertEqual(base45Error("BB8a")?.kind, .invalidCharacter)
        XCTAssertEqual(base45Error("bb8")?.position, 0)
        XCTAssertEqual(base45Error("\n")?.kind, .invalidCharacter)
        // Raw bytes: a non-ASCII byte is reported at its byte index.
        do {
            _ = try Base45.decode(ascii: [0x42, 0x42, 0xc3])
            XCTFail("accepted")
        } catch {
            XCTAssertEqual(error.kind, .invalidCharacter)
            XCTAssertEqual(error.position, 2)
            XCTAssertEqual(error.character, "\u{c3}")
        }
        // Every byte outside the alphabet is rejected, every byte in it accepted.
        let alphabet = Set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".utf8)
        for b in 0 ... 255 {
            let ok = (try? Base45.decode(ascii: [UInt8(b), 0x30])) != nil
            XCTAssertEqual(ok, alphabet.contains(UInt8(b)), "byte \(b)")
        }
    }

    func testRandomRoundTripsOfEveryLength() throws {
        var rng = SplitMix64(seed: 45)
        for length in 0 ... 300 {
            let data = rng.bytes(length)
            let text = Base45.encode(data)
            XCTAssertEqual(text.utf8.count, length / 2 * 3 + (length % 2) * 2)
            XCTAssertEqual(try Base45.decode(text), data, "length \(length)")
            XCTAssertEqual(try Base45.decode(ascii: Array(text.utf8)), data)
        }
    }

    func testEveryTwoByteValueRoundTrips() throws {
        var data: [UInt8] = []
        data.reserveCapacity(131_072)
        for v in 0 ... 0xffff {
            data.append(UInt8(v >> 8))
            data.append(UInt8(v & 0xff))
        }
        let text = Base45.encode(data)
        XCTAssertEqual(try Base45.decode(text), data)
        var single: [UInt8] = []
        for v in 0 ... 255 { single.append(UInt8(v)) }
        for v in single {
            XCTAssertEqual(try Base45.decode(Base45.encode([v])), [v])
        }
    }
}
