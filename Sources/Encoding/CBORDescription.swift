// Diagnostic notation (RFC 8949 §8). Indefinite-length items are shown as
// their definite equivalents because the data model does not keep them apart.

extension CBOR: CustomStringConvertible {
    /// Diagnostic notation, e.g. `[1, h'0102', {"a": 1.5}]`, `1(1363896240)`,
    /// `simple(16)`, `NaN`, `-Infinity`, `-0.0`.
    public var description: String {
        var out = ""
        writeDiagnostic(to: &out)
        return out
    }

    func writeDiagnostic(to out: inout String) {
        switch self {
        case .unsigned(let n):
            out += String(n)
        case .negative(let n):
            if n == .max {
                out += "-18446744073709551616"
            } else {
                out += "-"
                out += String(n + 1)
            }
        case .bytes(let b):
            out += "h'"
            let digits: [Character] = Array("0123456789abcdef")
            for byte in b {
                out.append(digits[Int(byte >> 4)])
                out.append(digits[Int(byte & 0xf)])
            }
            out += "'"
        case .text(let s):
            writeQuoted(s, to: &out)
        case .array(let items):
            out += "["
            var first = true
            for item in items {
                if !first { out += ", " }
                first = false
                item.writeDiagnostic(to: &out)
            }
            out += "]"
        case .map(let pairs):
            out += "{"
            var first = true
            for pair in pairs {
                if !first { out += ", " }
                first = false
                pair.key.writeDiagnostic(to: &out)
                out += ": "
                pair.value.writeDiagnostic(to: &out)
            }
            out += "}"
        case .tagged(let tag, let item):
            out += String(tag)
            out += "("
            item.writeDiagnostic(to: &out)
            out += ")"
        case .simple(let v):
            out += "simple(\(v))"
        case .bool(let b):
            out += b ? "true" : "false"
        case .null:
            out += "null"
        case .undefined:
            out += "undefined"
        case .float(let d):
            out += diagnosticFloat(d)
        }
    }
}

private func writeQuoted(_ s: String, to out: inout String) {
    out += "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\u{08}": out += "\\b"
        case "\u{0C}": out += "\\f"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7f {
                let hex = String(scalar.value, radix: 16)
                out += "\\u"
                out += String(repeating: "0", count: 4 - hex.count)
                out += hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    out += "\""
}

/// `1.5`, `-0.0`, `1.0e+300`, `5.960464477539063e-8`, `NaN`, `Infinity`.
func diagnosticFloat(_ d: Double) -> String {
    if d.isNaN { return "NaN" }
    if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
    let text = d.description
    guard let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) else {
        return text.contains(".") ? text : text + ".0"
    }
    var mantissa = String(text[..<e])
    if !mantissa.contains(".") { mantissa += ".0" }
    var exponent = Substring(text[text.index(after: e)...])
    var sign = "+"
    if let first = exponent.first, first == "+" || first == "-" {
        sign = String(first)
        exponent = exponent.dropFirst()
    }
    let digits = exponent.drop(while: { $0 == "0" })
    return mantissa + "e" + sign + (digits.isEmpty ? "0" : String(digits))
}
