#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SDEngine
import SDConfig
import Yams

/// Reads scenario files into a ``ModelConfig``, reporting every problem at once as
/// compiler-style diagnostics.
public enum ScenarioLoader {
    /// Reads and validates the scenario file at `path`. Diagnostics name the file as `path`.
    ///
    /// - Throws: ``ScenarioErrors`` with every problem found, sorted by position; a file that
    ///   cannot be read gives one diagnostic at 1:1.
    public static func load(path: String) throws(ScenarioErrors) -> ModelConfig {
        try load(text: readText(path: path), file: path)
    }

    /// The whole text of the scenario file at `path` (read once: a pipe such as /dev/stdin works).
    ///
    /// - Throws: ``ScenarioErrors`` with one diagnostic at 1:1 when the file cannot be read.
    public static func readText(path: String) throws(ScenarioErrors) -> String {
        switch readFile(path) {
        case .success(let text): return text
        case .failure(let failure):
            throw ScenarioErrors([Diagnostic(file: path, line: 1, column: 1, message: "cannot read file: \(failure.message)")])
        }
    }

    /// Validates scenario `text`; diagnostics name the file as `file`.
    ///
    /// - Throws: ``ScenarioErrors`` with every problem found, sorted by position.
    public static func load(text: String, file: String) throws(ScenarioErrors) -> ModelConfig {
        let source = SourceText(text)
        let v = Validator(file: file, source: source)
        let root: YAMLNode?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            v.reportYAMLError(error)
            throw ScenarioErrors(v.diagnostics)
        }
        guard var root else {
            v.error("the scenario file is empty; it needs at least 'name', 'duration', 'workload' and 'components'",
                    line: 1, column: 1)
            throw ScenarioErrors(v.diagnostics)
        }
        // A file with variants runs as its own values here; ``loadSystems(text:file:overrides:variant:)`` applies them.
        let variants = v.readVariants(&root)
        _ = v.readComparisons(&root, variants: variants.map(\.name))
        guard v.diagnostics.isEmpty else { throw ScenarioErrors(v.diagnostics) }
        return try load(root: root, text: text, file: file)
    }

    /// Validates the YAML tree `root` of scenario `text` (overrides already applied).
    static func load(root: YAMLNode, text: String, file: String) throws(ScenarioErrors) -> ModelConfig {
        let v = Validator(file: file, source: SourceText(text))
        var draft = v.readScenario(root)
        v.applyScaling(&draft)
        v.applyAutoscaling(&draft)
        v.checkWorkloadWindows(draft)
        v.checkGraph(components: draft.components, workloads: draft.workloads)
        v.checkMachines(draft.components, machines: draft.machines)
        v.checkFailures(draft.failures, components: draft.components, duration: draft.duration)
        v.checkExpectations(draft)
        v.checkRegions(draft)
        guard v.diagnostics.isEmpty, let config = assemble(draft) else {
            if v.diagnostics.isEmpty {
                v.error("internal error: the scenario was accepted but could not be assembled", line: 1, column: 1)
            }
            throw ScenarioErrors(v.diagnostics)
        }
        return config
    }

    /// The configuration of a draft without errors; nil if something is missing.
    static func assemble(_ d: ScenarioDraft) -> ModelConfig? {
        guard let name = d.name, let duration = d.duration else { return nil }
        var workloads: [WorkloadConfig] = []
        for w in d.workloads {
            guard let wname = w.name, let arrival = w.arrival else { return nil }
            let classes: [RequestClass]
            if let mix = w.mix {
                var out: [RequestClass] = []
                for m in mix {
                    guard let type = m.type, let share = m.share, let route = m.route ?? w.route else { return nil }
                    out.append(RequestClass(type: type, share: share, route: route.map(\.name), size: m.size ?? w.size,
                                            isWrite: m.isWrite ?? w.isWrite, payloads: (m.payloads ?? w.payloads).map(\.config),
                                            copies: m.copies ?? w.copies))
                }
                classes = out
            } else {
                guard let route = w.route else { return nil }
                classes = [RequestClass(type: w.type, share: 1, route: route.map(\.name), size: w.size, isWrite: w.isWrite,
                                        payloads: w.payloads.map(\.config), copies: w.copies)]
            }
            var workload = WorkloadConfig(name: wname, arrival: arrival, mix: classes, keys: w.keys,
                                          timeout: w.timeout, retry: w.retry)
            workload.start = w.start ?? .zero
            workload.stop = w.stop
            workloads.append(workload)
        }
        var components: [ComponentConfig] = []
        for c in d.components {
            guard let kind = c.kind?.build(c) else { return nil }
            var component = ComponentConfig(name: c.name, replicas: c.replicas, kind: kind, machine: c.machine?.name)
            component.zone = c.zone
            component.placement = c.placement
            component.activeReplicas = c.activeReplicas
            components.append(component)
        }
        var machines: [MachineConfig] = []
        for m in d.machines {
            guard let cores = m.cores else { return nil }
            machines.append(MachineConfig(name: m.name, cores: cores, speed: m.speed, memory: m.memory, costPerHour: m.costPerHour,
                                          scheduling: m.resolvedScheduling))
        }
        guard !workloads.isEmpty, !components.isEmpty else { return nil }
        var config = ModelConfig(name: name, description: d.description, seed: d.seed, duration: duration,
                                 warmup: d.warmup, network: d.network, workloads: workloads, components: components)
        config.machines = machines
        guard let scaling = Validator.assembleScaling(d.scale) else { return nil }
        config.scaling = scaling
        guard let autoscaling = Validator.assembleAutoscaling(d.autoscale) else { return nil }
        config.autoscaling = autoscaling
        (config.failures, config.randomFailures) = assembleFailures(d.failures)
        config.slo = d.slo
        config.lesson = d.lesson
        config.expectations = d.expectations.map(\.expectation)
        if let p = d.population {
            guard let population = Validator.assemblePopulation(p) else { return nil }
            config.population = population
        }
        guard Validator.assembleRegions(d, into: &config) else { return nil }
        return config
    }

    /// Why a file could not be read.
    struct ReadFailure: Error { var message: String }

    /// The whole file as UTF-8 text, or the reason it cannot be read (as `strerror` words it).
    static func readFile(_ path: String) -> Result<String, ReadFailure> {
        guard let f = fopen(path, "rb") else { return .failure(ReadFailure(message: String(cString: strerror(errno)))) }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
            bytes.append(contentsOf: chunk[0..<n])
            if n < chunk.count {
                if ferror(f) != 0 { return .failure(ReadFailure(message: String(cString: strerror(errno)))) }
                break
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .failure(ReadFailure(message: "the file is not valid UTF-8 text"))
        }
        return .success(text)
    }
}

extension Validator {
    /// Turns an error from Yams into a diagnostic.
    func reportYAMLError(_ error: any Error) {
        guard let e = error as? YamlError else {
            self.error("invalid YAML: \(error)", line: 1, column: 1)
            return
        }
        switch e {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let line = source.line(mark.line)
            let scalars = line.map { Array($0.unicodeScalars) } ?? []
            let atTab = mark.column - 1 < scalars.count && mark.column >= 1 && scalars[mark.column - 1] == "\t"
            var message = "invalid YAML: \(problem)"
            if problem == "but found another document" {
                message = "invalid YAML: a scenario file holds one document, but a second one starts here"
            } else if atTab {
                message = "invalid YAML: tab characters cannot be used for indentation; indent with spaces"
            } else if let context {
                let here = context.mark.line == mark.line && context.mark.column == mark.column
                message += " \(context.text)" + (here ? "" : " started at line \(context.mark.line), column \(context.mark.column)")
            }
            self.error(message, line: mark.line, column: mark.column)
        case .reader(let problem, let offset, _, let yaml):
            var line = 1, column = 1
            if let offset {
                for ch in yaml.prefix(offset) {
                    if ch == "\n" { line += 1; column = 1 } else { column += ch.unicodeScalars.count }
                }
            }
            self.error("invalid YAML: \(problem)", line: line, column: column)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }
            let first = context.mark
            if let name = duplicates.first, let second = source.repeatedKey(name, after: first.line, column: first.column) {
                let col = (source.line(second).map { Array($0.unicodeScalars) } ?? []).firstIndex { $0 != " " }.map { $0 + 1 } ?? 1
                self.error("duplicate key '\(name)'; it is already set at line \(first.line), and a key may appear only once in a mapping",
                           line: second, column: col)
            } else {
                self.error("duplicate key\(keys.count > 1 ? "s" : "") \(listing(keys, conjunction: "and")) in this mapping; a key may appear only once",
                           line: first.line, column: first.column)
            }
        default:
            self.error("invalid YAML: \(e)", line: 1, column: 1)
        }
    }
}
