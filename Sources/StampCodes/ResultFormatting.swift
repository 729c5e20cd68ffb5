import Foundation
import StampCrypto
import StrictJSON

extension VerificationResult {
    /// One JSON object on one line, fields as documented for `stampwatch verify --json`.
    /// Payload fields appear only when the payload was decrypted; key ids only when the code was readable.
    public func jsonLine() -> String {
        var out = "{\"input\":"
        out.reserveCapacity(512)
        JSONString.appendQuoted(input, to: &out)
        out += ",\"verdict\":\"\(verdict.rawValue)\",\"reasons\":["
        for (i, r) in reasons.enumerated() {
            if i > 0 { out += "," }
            out += "{\"code\":"
            JSONString.appendQuoted(r.code, to: &out)
            out += ",\"message\":"
            JSONString.appendQuoted(r.message, to: &out)
            out += "}"
        }
        out += "]"
        if let p = payload {
            func field(_ name: String, _ value: String?) {
                out += ",\"\(name)\":"
                if let value { JSONString.appendQuoted(value, to: &out) } else { out += "null" }
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
        if let k = signerKid { out += ",\"signer_kid\":\"\(Hex.encode(k))\"" }
        if let k = dataKid { out += ",\"data_kid\":\"\(Hex.encode(k))\"" }
        if let c = cache {
            out += ",\"cache_version\":\(c.version),\"cache_age_seconds\":\(c.ageSeconds),\"cache_freshness\":\"\(c.freshness)\""
        }
        out += "}"
        return out
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
