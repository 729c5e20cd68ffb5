import Foundation
import StampCrypto
import StrictJSON

extension VerificationResult {
    /// One JSON object on one line, fields as documented for `stampwatch verify --json`.
    /// Payload fields appear only when the payload was decrypted; key ids only when the code was readable.
    public func jsonLine() -> String {
        var out: [UInt8] = []
        appendJSONLine(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The JSON object of `jsonLine()`, appended as UTF-8 without a newline (the batch hot path: no String work).
    public func appendJSONLine(to out: inout [UInt8]) {
        func raw(_ s: StaticString) { s.withUTF8Buffer { out.append(contentsOf: $0) } }
        func quoted(_ s: String) { JSONString.appendQuoted(s, to: &out) }
        func hex(_ bytes: [UInt8]) {
            let digits: [UInt8] = Array("0123456789abcdef".utf8)
            out.append(0x22)
            for b in bytes {
                out.append(digits[Int(b >> 4)])
                out.append(digits[Int(b & 0x0F)])
            }
            out.append(0x22)
        }
        func integer(_ v: Int64) { out.append(contentsOf: String(v).utf8) }
        out.reserveCapacity(out.count + input.utf8.count + 200 * reasons.count + 400)
        raw("{\"input\":")
        quoted(input)
        raw(",\"verdict\":\"")
        out.append(contentsOf: verdict.rawValue.utf8)
        raw("\",\"reasons\":[")
        for (i, r) in reasons.enumerated() {
            if i > 0 { out.append(0x2C) }
            raw("{\"code\":")
            quoted(r.code)
            raw(",\"message\":")
            quoted(r.message)
            out.append(0x7D)
        }
        out.append(0x5D)
        if let p = payload {
            func field(_ name: StaticString, _ value: String?) {
                raw(",\"")
                raw(name)
                raw("\":")
                if let value { quoted(value) } else { raw("null") }
            }
            field("uid", p.uid)
            field("product", p.product)
            field("facility", p.facility)
            field("machine", p.machine)
            field("manufactured", RFC3339.format(p.manufactured))
            field("shift", p.shift)
            field("market", p.market)
            field("series", p.series)
            field("operator", p.operator)
        }
        if let k = signerKid {
            raw(",\"signer_kid\":")
            hex(k)
        }
        if let k = dataKid {
            raw(",\"data_kid\":")
            hex(k)
        }
        if let c = cache {
            raw(",\"cache_version\":")
            integer(c.version)
            raw(",\"cache_age_seconds\":")
            integer(c.ageSeconds)
            raw(",\"cache_freshness\":")
            quoted(c.freshness)
        }
        out.append(0x7D)
    }

    /// A readable block for people: verdict word and symbol first, then the pack data and the reasons.
    public func textBlock() -> String {
        var lines: [String] = []
        lines.append("\(verdict.symbol) \(verdict.rawValue.uppercased())  \(input.count > 60 ? String(input.prefix(57)) + "..." : input)")
        if let p = payload {
            let rows: [(String, String?)] = [
                ("uid", p.uid), ("product", p.product), ("facility", p.facility), ("machine", p.machine),
                ("manufactured", RFC3339.format(p.manufactured)), ("shift", p.shift), ("market", p.market),
                ("series", p.series), ("operator", p.operator),
            ]
            for (name, value) in rows {
                lines.append("  " + name.padding(toLength: 13, withPad: " ", startingAt: 0) + (value ?? "(not given)"))
            }
        }
        if let k = signerKid {
            lines.append("  signer key   \(Hex.encode(k))\(issuer.map { $0.isEmpty ? "" : " (\($0))" } ?? "")")
        }
        if let k = dataKid { lines.append("  data key     \(Hex.encode(k))") }
        if let c = cache {
            lines.append("  cache        version \(c.version), \(c.freshness), \(c.ageSeconds / 3600) h old")
        }
        lines.append("  reasons:")
        for r in reasons { lines.append("    - [\(r.code)] \(r.message)") }
        return lines.joined(separator: "\n") + "\n"
    }
}
