// CBOR encoder using preferred serialization (RFC 8949 §4.1): shortest heads,
// definite lengths, and floats in the shortest of half/single/double that
// represents the value exactly. Map entries are written in the given order.

extension CBOR {
    /// The preferred serialization of this item.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        encode(into: &out)
        return out
    }

    /// Appends the preferred serialization of this item to `out`.
    ///
    /// `.simple(20...23)` is written as false/true/null/undefined (the same
    /// data items); `.simple(24...31)` is written as 0xf8 0x18...0x1f, which
    /// is not well-formed CBOR - do not build such values.
    public func encode(into out: inout [UInt8]) {
        switch self {
        case .unsigned(let n):
            cborWriteHead(0, n, &out)
        case .negative(let n):
            cborWriteHead(1, n, &out)
        case .bytes(let b):
            cborWriteHead(2, UInt64(b.count), &out)
            out.append(contentsOf: b)
        case .text(let s):
            let utf8 = s.utf8
            cborWriteHead(3, UInt64(utf8.count), &out)
            out.append(contentsOf: utf8)
        case .array(let items):
            cborWriteHead(4, UInt64(items.count), &out)
            for item in items { item.encode(into: &out) }
        case .map(let pairs):
            cborWriteHead(5, UInt64(pairs.count), &out)
            for pair in pairs {
                pair.key.encode(into: &out)
                pair.value.encode(into: &out)
            }
        case .tagged(let tag, let item):
            cborWriteHead(6, tag, &out)
            item.encode(into: &out)
        case .simple(let v):
            if v < 24 {
                out.append(0xe0 | v)
            } else {
                out.append(0xf8)
                out.append(v)
            }
        case .bool(let b):
            out.append(b ? 0xf5 : 0xf4)
        case .null:
            out.append(0xf6)
        case .undefined:
            out.append(0xf7)
        case .float(let d):
            cborWriteFloat(d, &out)
        }
    }
}

@inline(__always)
func cborWriteHead(_ major: UInt8, _ argument: UInt64, _ out: inout [UInt8]) {
    let mt = major &<< 5
    if argument < 24 {
        out.append(mt | UInt8(truncatingIfNeeded: argument))
    } else if argument <= 0xff {
        out.append(mt | 24)
        out.append(UInt8(truncatingIfNeeded: argument))
    } else if argument <= 0xffff {
        out.append(mt | 25)
        out.append(UInt8(truncatingIfNeeded: argument &>> 8))
        out.append(UInt8(truncatingIfNeeded: argument))
    } else if argument <= 0xffff_ffff {
        out.append(mt | 26)
        cborAppendBE(argument, byteCount: 4, &out)
    } else {
        out.append(mt | 27)
        cborAppendBE(argument, byteCount: 8, &out)
    }
}

@inline(__always)
func cborAppendBE(_ value: UInt64, byteCount: Int, _ out: inout [UInt8]) {
    var shift = (byteCount &- 1) &* 8
    while shift >= 0 {
        out.append(UInt8(truncatingIfNeeded: value &>> UInt64(shift)))
        shift &-= 8
    }
}

func cborWriteFloat(_ d: Double, _ out: inout [UInt8]) {
    if let half = doubleToHalfExactly(d) {
        out.append(0xf9)
        out.append(UInt8(truncatingIfNeeded: half &>> 8))
        out.append(UInt8(truncatingIfNeeded: half))
        return
    }
    let single = Float(d)
    if Double(single) == d {
        out.append(0xfa)
        cborAppendBE(UInt64(single.bitPattern), byteCount: 4, &out)
        return
    }
    out.append(0xfb)
    cborAppendBE(d.bitPattern, byteCount: 8, &out)
}

/// The binary16 encoding of `d` if it represents `d` exactly (NaN maps to the
/// canonical quiet NaN 0x7e00, infinities to 0x7c00/0xfc00).
func doubleToHalfExactly(_ d: Double) -> UInt16? {
    if d.isNaN { return 0x7e00 }
    let bits = d.bitPattern
    let sign = UInt16(truncatingIfNeeded: bits &>> 48) & 0x8000
    if d.isInfinite { return sign | 0x7c00 }
    if d == 0 { return sign }
    let biased = Int((bits &>> 52) & 0x7ff)
    if biased == 0 { return nil }                 // double subnormal: far below half range
    let exponent = biased - 1023
    let mantissa = bits & 0x000f_ffff_ffff_ffff   // 52 bits
    if exponent >= -14 && exponent <= 15 {
        // Normal half: 10 mantissa bits; the low 42 bits must be zero.
        guard mantissa & ((1 << 42) - 1) == 0 else { return nil }
        return sign | UInt16(exponent + 15) << 10 | UInt16(truncatingIfNeeded: mantissa &>> 42)
    }
    if exponent >= -24 && exponent < -14 {
        // Subnormal half: value = m × 2^-24 with m < 1024.
        let significand = mantissa | (1 << 52)            // 53 bits, value = significand × 2^(exponent-52)
        let shift = UInt64(52 - 24 - exponent)            // so that m = significand >> shift
        guard significand & ((1 << shift) - 1) == 0 else { return nil }
        return sign | UInt16(truncatingIfNeeded: significand &>> shift)
    }
    return nil
}
