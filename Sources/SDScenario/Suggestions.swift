/// "Did you mean …?" suggestions for misspelled keys, kinds, names and units.
public enum Suggestions {
    /// The optimal-string-alignment edit distance between `a` and `b`: insertions, deletions,
    /// substitutions and swaps of two neighbouring characters each cost 1.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                var best = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    best = min(best, d[i - 2][j - 2] + 1)
                }
                d[i][j] = best
            }
        }
        return d[x.count][y.count]
    }

    /// The largest edit distance still worth suggesting for a word of `length` characters:
    /// 1 up to 3 characters, 2 up to 8, then a third of the length.
    public static func tolerance(forLength length: Int) -> Int {
        if length <= 3 { return 1 }
        return max(2, length / 3)
    }

    /// The candidate closest to `word` (ignoring case), if it is close enough to be a likely typo.
    /// Ties go to the earlier candidate, so the answer never depends on hashing.
    public static func closest(to word: String, among candidates: [String]) -> String? {
        let w = word.lowercased()
        var best: (name: String, distance: Int)?
        for c in candidates where c != word {
            let dist = editDistance(w, c.lowercased())
            if best == nil || dist < best!.distance { best = (c, dist) }
        }
        guard let best else { return nil }
        let limit = tolerance(forLength: max(w.unicodeScalars.count, best.name.unicodeScalars.count))
        return best.distance <= limit ? best.name : nil
    }

    /// `"; did you mean 'x'?"` when a close candidate exists, else the empty string.
    static func didYouMean(_ word: String, among candidates: [String]) -> String {
        closest(to: word, among: candidates).map { "; did you mean '\($0)'?" } ?? ""
    }
}

/// Joins `["a", "b", "c"]` as `"a, b or c"`.
func listing(_ items: [String], conjunction: String = "or") -> String {
    switch items.count {
    case 0: return ""
    case 1: return items[0]
    default: return items.dropLast().joined(separator: ", ") + " \(conjunction) " + items.last!
    }
}
