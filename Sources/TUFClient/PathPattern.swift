/// TUF's `paths` matching for delegated roles (as python-tuf and go-tuf implement the spec):
/// the target path and the pattern are split at `/` and must have the same number of parts;
/// each part is matched with shell-style (`fnmatch`, case-sensitive) wildcards. So `*` and `?`
/// never cross a `/`: "targets/*.tgz" matches "targets/a.tgz" but not "targets/sub/a.tgz".
///
/// Wildcards: `*` any run of characters, `?` one character, `[abc]`, `[a-z]`, `[!abc]` one
/// character in (or not in) the set; a `[` without a closing `]` is a literal `[`.
enum PathPattern {
    static func matches(path: String, pattern: String) -> Bool {
        let pathParts = path.split(separator: "/", omittingEmptySubsequences: false)
        let patternParts = pattern.split(separator: "/", omittingEmptySubsequences: false)
        guard pathParts.count == patternParts.count else { return false }
        for (p, q) in zip(pathParts, patternParts) where !fnmatch(Array(p.unicodeScalars), Array(q.unicodeScalars)) {
            return false
        }
        return true
    }

    /// Iterative wildcard matching with single-star backtracking: linear in practice, and never
    /// exponential however many stars a (hostile) pattern holds.
    static func fnmatch(_ s: [Unicode.Scalar], _ p: [Unicode.Scalar]) -> Bool {
        var si = 0, pi = 0
        var starP = -1, starS = 0
        while si < s.count {
            if pi < p.count {
                switch p[pi] {
                case "*":
                    starP = pi
                    starS = si
                    pi += 1
                    continue
                case "?":
                    si += 1
                    pi += 1
                    continue
                case "[":
                    if let (matched, next) = matchClass(p, from: pi, s[si]) {
                        if matched {
                            si += 1
                            pi = next
                            continue
                        }
                    } else if s[si] == "[" {
                        si += 1
                        pi += 1
                        continue
                    }
                default:
                    if p[pi] == s[si] {
                        si += 1
                        pi += 1
                        continue
                    }
                }
            }
            guard starP >= 0 else { return false }
            starS += 1
            si = starS
            pi = starP + 1
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }

    /// Matches `c` against the bracket expression starting at `p[start] == "["`. Returns whether
    /// it matched and the index after the closing `]`, or nil when there is no closing `]`
    /// (then the `[` is literal, as in Python's fnmatch).
    static func matchClass(_ p: [Unicode.Scalar], from start: Int, _ c: Unicode.Scalar) -> (Bool, Int)? {
        var i = start + 1
        var negate = false
        if i < p.count, p[i] == "!" {
            negate = true
            i += 1
        }
        var first = true
        var matched = false
        while i < p.count {
            if p[i] == "]" && !first {
                return (matched != negate, i + 1)
            }
            first = false
            if i + 2 < p.count, p[i + 1] == "-", p[i + 2] != "]" {
                if p[i].value <= c.value && c.value <= p[i + 2].value { matched = true }
                i += 3
            } else {
                if p[i] == c { matched = true }
                i += 1
            }
        }
        return nil
    }
}
