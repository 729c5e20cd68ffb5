/// A reader for the YAML subset docs/openapi.yaml is written in: block mappings and sequences, plain and
/// quoted scalars, flow sequences of scalars (`[a, b]`), `|` block scalars, full-line comments.
/// Enough to check the document against the router without a YAML dependency.
indirect enum YAMLNode: Equatable {
    case map([(String, YAMLNode)])
    case list([YAMLNode])
    case scalar(String)

    static func == (a: YAMLNode, b: YAMLNode) -> Bool {
        switch (a, b) {
        case (.scalar(let x), .scalar(let y)): return x == y
        case (.list(let x), .list(let y)): return x == y
        case (.map(let x), .map(let y)): return x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
        default: return false
        }
    }

    subscript(key: String) -> YAMLNode? {
        if case .map(let pairs) = self { return pairs.first { $0.0 == key }?.1 }
        return nil
    }

    var keys: [String] {
        if case .map(let pairs) = self { return pairs.map(\.0) }
        return []
    }

    var string: String? {
        if case .scalar(let s) = self { return s }
        return nil
    }

    var items: [YAMLNode] {
        if case .list(let l) = self { return l }
        return []
    }
}

struct YAMLError: Error, CustomStringConvertible {
    var line: Int
    var message: String
    var description: String { "line \(line): \(message)" }
}

enum MiniYAML {
    struct Line { var number: Int; var indent: Int; var text: String }

    static func parse(_ text: String) throws -> YAMLNode {
        var lines: [Line] = []
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let s = String(raw)
            let trimmed = s.drop { $0 == " " }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard !s.contains("\t") else { throw YAMLError(line: n + 1, message: "tabs are not allowed") }
            lines.append(Line(number: n + 1, indent: s.count - trimmed.count, text: String(trimmed)))
        }
        var p = Parser(lines: lines)
        guard !lines.isEmpty else { return .map([]) }
        let node = try p.node(indent: lines[0].indent)
        guard p.i == lines.count else { throw YAMLError(line: lines[p.i].number, message: "unexpected indentation") }
        return node
    }

    struct Parser {
        var lines: [Line]
        var i = 0

        mutating func node(indent: Int) throws -> YAMLNode {
            lines[i].text.hasPrefix("- ") || lines[i].text == "-" ? try list(indent: indent) : try map(indent: indent)
        }

        mutating func list(indent: Int) throws -> YAMLNode {
            var items: [YAMLNode] = []
            while i < lines.count, lines[i].indent == indent, lines[i].text.hasPrefix("- ") || lines[i].text == "-" {
                let text = lines[i].text
                let rest = text.dropFirst().drop { $0 == " " }
                if rest.isEmpty {
                    i += 1
                    guard i < lines.count, lines[i].indent > indent else { items.append(.scalar("")); continue }
                    items.append(try node(indent: lines[i].indent))
                } else if (try? splitKey(String(rest))) != nil {
                    lines[i] = Line(number: lines[i].number, indent: indent + (text.count - rest.count), text: String(rest))
                    items.append(try map(indent: lines[i].indent))
                } else {
                    items.append(try scalar(String(rest), line: lines[i].number))
                    i += 1
                }
            }
            return .list(items)
        }

        mutating func map(indent: Int) throws -> YAMLNode {
            var pairs: [(String, YAMLNode)] = []
            while i < lines.count, lines[i].indent == indent, !lines[i].text.hasPrefix("- ") {
                let line = lines[i]
                let (key, rest) = try splitKey(line.text)
                guard !pairs.contains(where: { $0.0 == key }) else { throw YAMLError(line: line.number, message: "duplicate key \(key)") }
                i += 1
                let value: YAMLNode
                if rest == "|" || rest == "|-" || rest == ">" {
                    var block: [String] = []
                    while i < lines.count, lines[i].indent > indent { block.append(lines[i].text); i += 1 }
                    value = .scalar(block.joined(separator: "\n"))
                } else if rest.isEmpty {
                    if i < lines.count, lines[i].indent > indent || (lines[i].indent == indent && lines[i].text.hasPrefix("- ")) {
                        value = try node(indent: lines[i].indent)
                    } else {
                        value = .scalar("")
                    }
                } else {
                    value = try scalar(rest, line: line.number)
                }
                pairs.append((key, value))
            }
            if i < lines.count, lines[i].indent > indent {
                throw YAMLError(line: lines[i].number, message: "unexpected indentation")
            }
            return .map(pairs)
        }

        func splitKey(_ text: String) throws -> (String, String) {
            if text.hasPrefix("\"") || text.hasPrefix("'") {
                let q = text.first!
                guard let end = text.dropFirst().firstIndex(of: q) else { throw YAMLError(line: 0, message: "unterminated key") }
                let key = String(text[text.index(after: text.startIndex)..<end])
                let after = text[text.index(after: end)...]
                guard after.hasPrefix(":") else { throw YAMLError(line: 0, message: "expected : after a quoted key") }
                return (key, after.dropFirst().trimmingCharacters(in: .whitespaces))
            }
            if let r = text.range(of: ": ") {
                let key = String(text[..<r.lowerBound])
                guard !key.isEmpty, !key.contains(" "), !key.hasPrefix("["), !key.hasPrefix("{") else {
                    throw YAMLError(line: 0, message: "not a key: \(text)")
                }
                return (key, String(text[r.upperBound...]).trimmingCharacters(in: .whitespaces))
            }
            if text.hasSuffix(":"), !text.dropLast().contains(" ") { return (String(text.dropLast()), "") }
            throw YAMLError(line: 0, message: "not a key: \(text)")
        }

        func scalar(_ text: String, line: Int) throws -> YAMLNode {
            if text.hasPrefix("[") {
                guard text.hasSuffix("]") else { throw YAMLError(line: line, message: "unterminated flow sequence") }
                let inner = text.dropFirst().dropLast()
                if inner.trimmingCharacters(in: .whitespaces).isEmpty { return .list([]) }
                return .list(try inner.split(separator: ",").map { try scalar($0.trimmingCharacters(in: .whitespaces), line: line) })
            }
            if text.hasPrefix("\"") {
                guard text.count >= 2, text.hasSuffix("\"") else { throw YAMLError(line: line, message: "unterminated string") }
                return .scalar(String(text.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\""))
            }
            if text.hasPrefix("'") {
                guard text.count >= 2, text.hasSuffix("'") else { throw YAMLError(line: line, message: "unterminated string") }
                return .scalar(String(text.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'"))
            }
            return .scalar(text)
        }
    }
}

import Foundation
