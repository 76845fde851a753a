import SDConfig
import Yams

/// One `PATH=VALUE` override of a scenario value, from `--set` on the command line.
///
/// A path names a value by its keys from the top of the file, separated by dots:
/// `components.app.replicas`, `machines.big.cores`, `duration`. An entry of a list is named by
/// its `name` (or `type`, `target`), or by its index from 0: `workload.reads.arrival`,
/// `workload.0.arrival`. The value is YAML, read as if written in the file at that place.
public struct Override: Sendable, Equatable {
    /// The path, such as `components.app.replicas`.
    public var path: String
    /// The value as written, such as `8` or `poisson(900/s)`.
    public var value: String

    /// An override.
    public init(path: String, value: String) { self.path = path; self.value = value }

    /// Splits `PATH=VALUE` at the first `=`; nil when there is no `=` or no path.
    public static func parse(_ text: String) -> Override? {
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex else { return nil }
        let path = String(text[..<eq]).trimmingSpaces()
        guard !path.isEmpty else { return nil }
        return Override(path: path, value: String(text[text.index(after: eq)...]))
    }

    /// The override as written on the command line.
    public var text: String { path + "=" + value }
}

/// One system of a scenario file: the file's own values (name `base`) or one of its `variants:`.
public struct ScenarioSystem: Sendable {
    /// The variant's name, or the scenario's name when the file has no variants.
    public var name: String
    /// The complete system, overrides applied and validated.
    public var config: ModelConfig
}

/// What a scenario file declares for comparisons: its systems and the expectations that compare them.
public struct ScenarioSystems: Sendable {
    /// One system per variant, in file order; the file's own values alone when it has no variants.
    public var systems: [ScenarioSystem]
    /// Whether the systems are the file's `variants:` (false: the file's own values, one system).
    public var fromVariants: Bool
    /// `expect:` lines comparing variants (`vertical.p99 < horizontal.p99`).
    public var comparisons: [SystemExpectation]
}

/// A `variants:` entry read from the file.
struct VariantDraft {
    var name: String
    var keyNode: YAMLNode
    /// (path key node, path text, value node), in file order.
    var overrides: [(keyNode: YAMLNode, path: String, value: YAMLNode)]
}

/// Applies overrides to the YAML node tree before validation, so that every check and located
/// error of the scenario format applies to overridden values as it does to written ones.
struct OverrideApplier {
    let validator: Validator
    /// Lines of the file itself; `--set` number k is shown as line `fileLines + k` internally.
    let fileLines: Int

    /// Where a path error points: the node naming the path, and the column of each segment
    /// (from 1) on its line.
    struct Site {
        var line: Int
        var columns: [Int]
    }

    /// Replaces the value at `segments` in `root` with `value`; reports a located error (and
    /// leaves the tree alone) when the path does not exist.
    func apply(_ segments: [String], value: YAMLNode, to root: inout YAMLNode, site: Site, pathText: String) {
        var trail: [String] = []
        if let replaced = replace(root, segments[...], value: value, site: site, index: 0, trail: &trail, pathText: pathText) {
            root = replaced
        }
    }

    private func fail(_ message: String, site: Site, index: Int) {
        validator.error(message, line: site.line, column: site.columns[min(index, site.columns.count - 1)])
    }

    /// The node `node` with the value at `segments` replaced, or nil after an error.
    private func replace(_ node: YAMLNode, _ segments: ArraySlice<String>, value: YAMLNode, site: Site, index: Int,
                         trail: inout [String], pathText: String) -> YAMLNode? {
        guard let segment = segments.first else { return value }
        let here = trail.isEmpty ? "the top level" : "'\(trail.joined(separator: "."))'"
        switch node {
        case .mapping(let mapping):
            var pairs = Array(mapping.map { ($0.key, $0.value) })
            if let i = pairs.firstIndex(where: { $0.0.scalar?.string == segment }) {
                trail.append(segment)
                guard let inner = replace(pairs[i].1, segments.dropFirst(), value: value, site: site, index: index + 1,
                                          trail: &trail, pathText: pathText) else { return nil }
                pairs[i].1 = inner
            } else if segments.count == 1 {
                // A key the file leaves out: added here, and checked by the validator like a written key.
                let mark = OverrideApplier.mark(line: site.line, column: site.columns[index])
                pairs.append((.scalar(.init(segment, .implicit, .plain, mark)), value))
            } else {
                let keys = pairs.compactMap { $0.0.scalar?.string }
                let hint = Suggestions.closest(to: segment, among: keys).map { "; did you mean '\($0)'?" }
                    ?? (keys.isEmpty ? "" : " (keys there: \(keys.joined(separator: ", ")))")
                fail("unknown path '\(pathText)': \(here) has no '\(segment)'\(hint)", site: site, index: index)
                return nil
            }
            return .mapping(.init(pairs, mapping.tag, mapping.style, mapping.mark))
        case .sequence(let sequence):
            var items = Array(sequence)
            let names = items.map(OverrideApplier.entryName)
            guard let i = names.firstIndex(where: { $0 == segment }) ?? Int(segment).flatMap({ $0 >= 0 && $0 < items.count ? $0 : nil })
            else {
                let known = names.compactMap { $0 }
                let hint = Suggestions.closest(to: segment, among: known).map { "; did you mean '\($0)'?" }
                    ?? " (entries: \(known.isEmpty ? "0 to \(items.count - 1)" : known.joined(separator: ", ")))"
                fail("unknown path '\(pathText)': \(here) is a list with no entry '\(segment)'\(hint)", site: site, index: index)
                return nil
            }
            trail.append(segment)
            guard let inner = replace(items[i], segments.dropFirst(), value: value, site: site, index: index + 1,
                                      trail: &trail, pathText: pathText) else { return nil }
            items[i] = inner
            return .sequence(.init(items, sequence.tag, sequence.style, sequence.mark))
        case .scalar, .alias:
            fail("unknown path '\(pathText)': \(here) is a single value (\(Validator.describe(node))), with no '\(segment)' inside",
                 site: site, index: index)
            return nil
        }
    }

    /// The name of a list entry: its `name`, `type` or `target`, whichever it has first.
    static func entryName(_ node: YAMLNode) -> String? {
        guard case .mapping(let m) = node else { return nil }
        for key in ["name", "type", "target"] {
            if let v = m.first(where: { $0.key.scalar?.string == key })?.value.scalar?.string { return v }
        }
        return nil
    }

    /// A YAML mark at `line`:`column` (Yams offers no initialiser for one, so it is read from a
    /// composed placeholder).
    static func mark(line: Int, column: Int) -> Mark? {
        let text = String(repeating: "\n", count: max(0, line - 1)) + String(repeating: " ", count: max(0, column - 1)) + "x"
        return (try? Yams.compose(yaml: text))??.mark
    }

    /// The columns (from 1) at which each segment of `path` starts, for a path written at `column`.
    static func segmentColumns(_ path: String, startingAt column: Int) -> [Int] {
        var columns: [Int] = [column]
        var c = column
        for ch in path.unicodeScalars {
            c += 1
            if ch == "." { columns.append(c) }
        }
        return columns
    }

    /// Splits a path into segments; nil when a segment is empty.
    static func segments(_ path: String) -> [String]? {
        let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        return parts.contains(where: { $0.trimmingSpaces().isEmpty }) ? nil : parts
    }
}

extension ScenarioLoader {
    /// Reads the file at `path` with `overrides` applied (after the values of `variant`, when
    /// given). Every variant of the file is validated too, so a broken variant is reported
    /// whichever one is run.
    ///
    /// - Throws: ``ScenarioErrors`` with every problem found.
    public static func load(path: String, overrides: [Override], variant: String? = nil) throws(ScenarioErrors) -> ModelConfig {
        let systems = try loadSystems(path: path, overrides: overrides, variant: variant, baseOnly: variant == nil)
        return systems.systems[0].config
    }

    /// Like ``load(path:overrides:variant:)`` for scenario `text` named `file`.
    public static func load(text: String, file: String, overrides: [Override], variant: String? = nil) throws(ScenarioErrors) -> ModelConfig {
        let systems = try loadSystems(text: text, file: file, overrides: overrides, variant: variant, baseOnly: variant == nil)
        return systems.systems[0].config
    }

    /// The systems the file at `path` describes: one per variant (or only `variant`), each with
    /// `overrides` applied after the variant's own values; the file's own values when it has no
    /// variants (`variant` must then be nil).
    public static func loadSystems(path: String, overrides: [Override] = [], variant: String? = nil,
                                   baseOnly: Bool = false) throws(ScenarioErrors) -> ScenarioSystems {
        switch readFile(path) {
        case .success(let text): return try loadSystems(text: text, file: path, overrides: overrides, variant: variant, baseOnly: baseOnly)
        case .failure(let failure):
            throw ScenarioErrors([Diagnostic(file: path, line: 1, column: 1, message: "cannot read file: \(failure.message)")])
        }
    }

    /// Like ``loadSystems(path:overrides:variant:baseOnly:)`` for scenario `text` named `file`.
    /// With `baseOnly`, the file's own values are the one system, whatever its variants.
    public static func loadSystems(text: String, file: String, overrides: [Override] = [], variant: String? = nil,
                                   baseOnly: Bool = false) throws(ScenarioErrors) -> ScenarioSystems {
        let fileLines = SourceText(text).lines.count
        // The validator sees the file and then one line per --set, so that errors in an
        // overriding value are located like any other; they are shown as `--set:K:COL` after.
        var combined = text
        if !combined.isEmpty && !combined.hasSuffix("\n") { combined += "\n" }
        combined += overrides.map { $0.text + "\n" }.joined()
        let source = SourceText(combined)
        let prep = Validator(file: file, source: source)
        let root: YAMLNode?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            prep.reportYAMLError(error)
            throw ScenarioErrors(prep.diagnostics)
        }
        guard var base = root else {
            // The usual message for an empty file.
            _ = try load(text: text, file: file)
            throw ScenarioErrors([])
        }
        let variants = prep.readVariants(&base)
        let comparisons = prep.readComparisons(&base, variants: variants.map(\.name))
        // The --set values, parsed where they are written.
        var sets: [(segments: [String], value: YAMLNode, site: OverrideApplier.Site, text: String)] = []
        for (k, o) in overrides.enumerated() {
            let line = fileLines + k + 1
            guard let segments = OverrideApplier.segments(o.path) else {
                prep.error("invalid path '\(o.path)'; write keys separated by single dots, such as 'components.app.replicas'",
                           line: line, column: 1)
                continue
            }
            let valueColumn = o.path.unicodeScalars.count + 2
            let yaml = String(repeating: "\n", count: line - 1) + String(repeating: " ", count: valueColumn - 1) + o.value
            var value: YAMLNode
            do {
                value = try Yams.compose(yaml: yaml) ?? .scalar(.init("", .implicit, .plain, OverrideApplier.mark(line: line, column: valueColumn)))
            } catch {
                prep.error("invalid YAML in the value of '\(o.path)': \(error)", line: line, column: valueColumn)
                continue
            }
            if case .scalar(var s) = value, s.mark == nil { s.mark = OverrideApplier.mark(line: line, column: valueColumn); value = .scalar(s) }
            sets.append((segments, value, .init(line: line, columns: OverrideApplier.segmentColumns(o.path, startingAt: 1)), o.text))
        }
        if let variant, !variants.contains(where: { $0.name == variant }) {
            let names = variants.map(\.name)
            let hint = names.isEmpty ? "; this file declares no 'variants:'"
                : Suggestions.closest(to: variant, among: names).map { "; did you mean '\($0)'?" } ?? " (variants: \(names.joined(separator: ", ")))"
            prep.error("unknown variant '\(variant)'\(hint)", line: 1, column: 1)
        }
        var diagnostics = prep.diagnostics
        var systems: [ScenarioSystem] = []
        var chosen: [VariantDraft?] = variants.isEmpty || baseOnly ? [nil] : variants.map { $0 }
        if let variant { chosen = variants.filter { $0.name == variant }.map { $0 } }
        for v in chosen {
            let scratch = Validator(file: file, source: source)
            let apply = OverrideApplier(validator: scratch, fileLines: fileLines)
            var tree = base
            for o in v?.overrides ?? [] {
                guard let segments = OverrideApplier.segments(o.path), let mark = o.keyNode.mark else {
                    scratch.error("invalid path '\(o.path)'; write keys separated by single dots, such as 'components.app.replicas'", at: o.keyNode)
                    continue
                }
                let column = o.keyNode.scalar?.style == .plain || o.keyNode.scalar?.style == .any ? mark.column : mark.column + 1
                apply.apply(segments, value: o.value, to: &tree,
                            site: .init(line: mark.line, columns: OverrideApplier.segmentColumns(o.path, startingAt: column)),
                            pathText: o.path)
            }
            for s in sets { apply.apply(s.segments, value: s.value, to: &tree, site: s.site, pathText: s.text.prefix { $0 != "=" }.description) }
            // Path errors and the validator's errors together: every error at once.
            var found = scratch.diagnostics
            do {
                let config = try load(root: tree, text: combined, file: file)
                if found.isEmpty { systems.append(ScenarioSystem(name: v?.name ?? config.name, config: config)) }
            } catch {
                found += error.diagnostics
            }
            // A variant's name goes with its errors when they are not on its own lines.
            if let v {
                found = found.map { d in
                    var d = d
                    if !v.overrides.contains(where: { $0.keyNode.mark?.line == d.line || $0.value.mark?.line == d.line }) {
                        d.message += " (in variant '\(v.name)')"
                    }
                    return d
                }
            }
            diagnostics += found
        }
        guard diagnostics.isEmpty else {
            throw ScenarioErrors(remap(diagnostics, fileLines: fileLines, overrides: overrides, file: file))
        }
        return ScenarioSystems(systems: systems, fromVariants: !variants.isEmpty && !baseOnly, comparisons: comparisons)
    }

    /// Diagnostics on the lines after the file's own (the --set values) shown as `--set:K:COL`
    /// with the override as the source line. Errors that several variants share are shown once.
    static func remap(_ diagnostics: [Diagnostic], fileLines: Int, overrides: [Override], file: String) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for var d in diagnostics {
            if d.line > fileLines {
                let k = d.line - fileLines
                d.file = "--set"
                d.line = k
                d.sourceLine = k <= overrides.count ? overrides[k - 1].text : nil
                if let r = d.message.firstRange(of: " (in variant '") { d.message = String(d.message[..<r.lowerBound]) }
            }
            if !out.contains(d) { out.append(d) }
        }
        return out
    }
}

extension Validator {
    /// Reads and removes `variants:` from the top-level mapping: `NAME: {PATH: VALUE, …}`.
    func readVariants(_ root: inout YAMLNode) -> [VariantDraft] {
        guard case .mapping(let mapping) = root,
              let entry = mapping.first(where: { $0.key.scalar?.string == "variants" }) else { return [] }
        root = .mapping(.init(mapping.filter { $0.key.scalar?.string != "variants" }.map { ($0.key, $0.value) },
                              mapping.tag, mapping.style, mapping.mark))
        let node = entry.value
        guard case .mapping(let list) = node, !list.isEmpty else {
            error("'variants' must map variant names to overrides, such as 'vertical: {machines.web.cores: 16}', found \(Validator.describe(node))",
                  at: node)
            return []
        }
        var out: [VariantDraft] = []
        for (keyNode, value) in list {
            guard case .scalar(let k) = keyNode, Validator.isValidName(k.string) else {
                error("invalid variant name \(Validator.describe(keyNode)); use letters, digits, '-' and '_', starting with a letter", at: keyNode)
                continue
            }
            if out.contains(where: { $0.name == k.string }) { continue }
            var draft = VariantDraft(name: k.string, keyNode: keyNode, overrides: [])
            if case .mapping(let sets) = value {
                for (pathNode, v) in sets {
                    guard case .scalar(let p) = pathNode, !Validator.isNull(pathNode) else {
                        error("each override in variant '\(k.string)' must be PATH: VALUE, such as 'components.app.replicas: 4'", at: pathNode)
                        continue
                    }
                    draft.overrides.append((pathNode, p.string, v))
                }
            } else if !Validator.isNull(value) {
                error("variant '\(k.string)' must be a mapping of paths to values, such as '{components.app.replicas: 4}', found \(Validator.describe(value))",
                      at: value)
                continue
            }
            out.append(draft)
        }
        return out
    }

    /// Reads and removes the `expect:` lines that compare variants (`vertical.p99 < horizontal.p99`).
    func readComparisons(_ root: inout YAMLNode, variants: [String]) -> [SystemExpectation] {
        guard !variants.isEmpty, case .mapping(let mapping) = root,
              let entry = mapping.first(where: { $0.key.scalar?.string == "expect" }),
              case .sequence(let seq) = entry.value else { return [] }
        var kept: [YAMLNode] = []
        var out: [SystemExpectation] = []
        for item in seq {
            guard case .scalar(let s) = item,
                  let first = s.string.trimmingSpaces().split(separator: ".").first.map(String.init),
                  variants.contains(first) else { kept.append(item); continue }
            switch SystemExpectationParser.parse(s.string, systems: variants) {
            case .success(let e): out.append(e)
            case .failure(let e): error(e.message, at: item, offset: e.offset)
            }
        }
        let expectNode: YAMLNode = .sequence(.init(kept, seq.tag, seq.style, seq.mark))
        root = .mapping(.init(mapping.map { ($0.key, $0.key.scalar?.string == "expect" ? expectNode : $0.value) },
                              mapping.tag, mapping.style, mapping.mark))
        return out
    }
}

extension ScenarioLoader {
    /// The names of the file's `variants:`, in file order (empty when it has none or cannot be read).
    public static func variantNames(path: String) throws -> [String] {
        guard case .success(let text) = readFile(path) else { return [] }
        return try variantNames(text: text)
    }

    /// The names under `variants:` in scenario `text` (empty when it has none or does not parse).
    public static func variantNames(text: String) throws -> [String] {
        guard let root = try Yams.compose(yaml: text),
              case .mapping(let m) = root,
              case .mapping(let list)? = m.first(where: { $0.key.scalar?.string == "variants" })?.value else { return [] }
        return list.compactMap { $0.key.scalar?.string }
    }
}
