import ArgumentParser
import Foundation
import SDAnalysis
import SDConfig
import SDModels
import SDReports
import SDScenario

/// Output formats of `sdsim sweep`.
enum SweepFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, csv
}

/// `sdsim sweep FILE --vary PATH=FROM..TO[:STEPS]`.
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a scenario over a range of values of one or more settings.",
        discussion: """
            Each --vary names a path, as for --set, and its values: a range FROM..TO[:STEPS] \
            whose ends differ in one number (poisson(100/s)..poisson(900/s):9, or \
            poisson(100/s)..900:9), or a list A,B,C. Several --vary give their grid, the first \
            outermost. Every point runs as independent replications, with the same seeds at \
            every point (common random numbers), and the tables show every workload's figures \
            and every tier's utilization with 95% intervals.

            With an SLO (--slo 'p99<100ms', terms separated by commas, or the scenario's 'slo:'), \
            each point says whether every workload meets it, and a sweep of one path reports \
            the highest value that still meets it, interpolated between the last point that \
            meets it and the next, with a band from the ends of the intervals.

            When the path is a workload's arrival (a load sweep), the report gives the knee: the \
            load at which Kleinrock's power, throughput ÷ mean latency, peaks (the vertex of a \
            parabola through the best point and its neighbours). For an M/M/1 queue theory puts \
            it at utilization 1/2.

            The sweep is stored in the results database (unless --no-db) as an analysis (kind \
            'sweep', with the time, --label, version and command line): its points, figures, SLO \
            verdicts, knee and SLO limit, and one run per point (its swept values as settings); \
            'sdsim results show ID' prints it. The database is opened before the first run and \
            written before the report is printed. --html PATH writes \
            the sweep as one self-contained HTML file: for a sweep of one numeric path, latency \
            (p99 and mean) and throughput against the swept value with the knee and the SLO limit \
            shaded and the SLO's latency terms as lines, then the tables. --dot PATH writes the \
            topology of the base scenario (its --set values, without --vary) as Graphviz DOT.

            Examples:
              sdsim sweep scenarios/mm1.yaml --vary 'workload.jobs.arrival=poisson(0.1/s)..poisson(0.9/s):9' --set duration=20000s
              sdsim sweep scenarios/three-tier.yaml --vary components.app.replicas=2..6 --slo 'p99<100ms' --html sweep.html
              sdsim sweep FILE --vary 'workload.reads.arrival=poisson(500/s),poisson(1000/s)' --vary components.app.workers=4,8 --format csv
            """)

    @Argument(help: "The scenario file (YAML).")
    var file: String

    @Option(name: .customLong("vary"), help: ArgumentHelp("A path and its values: PATH=FROM..TO[:STEPS] or PATH=A,B,C (repeatable: a grid).",
                                                           valueName: "PATH=VALUES"))
    var varies: [String] = []

    @Option(help: ArgumentHelp("Service-level objective, e.g. 'p99<100ms' or 'mean<=2s,availability>=99.9%' (default: the scenario's 'slo:').",
                               valueName: "TERMS"))
    var slo: String?

    @OptionGroup var scenario: ScenarioOptions

    @Option(help: "Seed for every random stream; overrides the file's 'seed'.")
    var seed: UInt64?

    @Option(help: "Output format: text, json or csv (one row per point and figure).")
    var format: SweepFormat = .text

    @Option(help: "Threads for the runs (default: the number of cores); the output does not depend on it.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "No progress display, even on a terminal.")
    var quiet = false

    @Option(help: "Independent replications per point (at least 2 for intervals).")
    var replications: Int = 5

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("Also write the sweep as one self-contained HTML file: latency and throughput against the swept value, the knee and the SLO limit shaded, the SLO's latency terms as lines.",
                               valueName: "path"))
    var html: String?

    @Option(help: ArgumentHelp("Also write the base scenario's topology (without --vary) as Graphviz DOT.", valueName: "path"))
    var dot: String?

    func validate() throws {
        if let html, let dot, html == dot { throw ValidationError("--html and --dot name the same file '\(html)'") }
        guard !varies.isEmpty else { throw ValidationError("sweep needs at least one --vary PATH=FROM..TO[:STEPS]") }
        guard replications >= 1 && replications <= 100_000 else {
            throw ValidationError("--replications must be between 1 and 100000 (found \(replications))")
        }
        guard jobs >= 1 && jobs <= 1024 else { throw ValidationError("--jobs must be between 1 and 1024 (found \(jobs))") }
    }

    func run() throws {
        let specs = try varies.map(parseVary)
        let sloTarget = try resolveSLO(slo, file: file, scenario: scenario)
        // The grid, first axis outermost.
        var points: [[Int]] = [[]]
        for s in specs { points = points.flatMap { p in s.values.indices.map { p + [$0] } } }
        guard points.count <= 10_000 else {
            throw ValidationError("the sweep has \(points.count) points; at most 10000")
        }
        var configs: [ModelConfig] = []
        for p in points {
            let sets = zip(specs, p).map { Override(path: $0.path, value: $0.values[$1]) }
            configs.append(try loadPoint(file, scenario, extra: sets))
        }
        let seed = self.seed ?? configs[0].seed
        // Opened before simulating: a database that cannot be written fails now, not after the sweep.
        let database = try store.open()
        defer { database?.close() }
        let display = Progress(label: "sweep", enabled: !quiet && Console.standardError.isTerminal)
        var update: (@Sendable (Double) -> Void)? = nil
        if display.enabled { update = { display.update($0) } }
        let outcomes = Experiment.run(configs, seed: seed, replications: replications, jobs: jobs, progress: update)
        try display.finish()
        let axes = specs.map {
            SweepAxis(path: $0.path, values: $0.values, coordinates: $0.coordinates, prefix: $0.template?.prefix, suffix: $0.template?.suffix)
        }
        let loadSweep = specs.count == 1 && (specs[0].path.hasSuffix(".arrival") || specs[0].path.hasSuffix(".users"))
        let result = SweepResult.make(axes: axes, points: points, configs: configs, outcomes: outcomes, seed: seed,
                                      slo: sloTarget, loadSweep: loadSweep)
        let name = configs[0].name
        // Stored first, then written and printed: a closed pipe cannot lose the points.
        let text = try? String(contentsOfFile: file, encoding: .utf8)
        let metadata = store.metadata(command: "sweep")
        try store.record(in: database) { db in try db.record(.sweep(result, scenario: name, file: file, text: text), metadata: metadata) }
        if let html { try writeHTMLReport(HTMLReport.sweep(result, scenario: name), to: html) }
        if let dot { try writeReportFile(Topology(try loadPoint(file, scenario, extra: [])).dot(name: name), to: dot, mark: Topology.dotMark) }
        switch format {
        case .text: try Console.standardOutput.writeReport(SweepReport.text(result, scenario: name))
        case .json: try Console.standardOutput.writeReport(SweepReport.json(result, scenario: name))
        case .csv: try Console.standardOutput.writeReport(SweepReport.csv(result))
        }
    }
}

/// Parses one --vary, or exits with status 2.
func parseVary(_ text: String) throws -> SweepSpec {
    switch SweepSpec.parse(text) {
    case .success(let s): return s
    case .failure(let e): throw ValidationError("--vary '\(text)': \(e.message)")
    }
}

/// The SLO from --slo, else the scenario's `slo:`; nil when neither is given.
func resolveSLO(_ text: String?, file: String, scenario: ScenarioOptions) throws -> SLOTarget? {
    if let text {
        switch SLOParser.parse(text) {
        case .success(let s): return s
        case .failure(let e):
            let caret = e.offset.map { "\n  \(text)\n  " + String(repeating: " ", count: $0) + "^" } ?? ""
            throw ValidationError("--slo: \(e.message)\(caret)")
        }
    }
    let config = try loadSystems(file, scenario, baseOnly: scenario.variant == nil).systems[0].config
    return config.slo.map(SLOTarget.init)
}

/// The scenario with the command line's overrides and `extra` (a point's settings) applied;
/// errors in a point's values are shown against the --set they became.
func loadPoint(_ file: String, _ options: ScenarioOptions, extra: [Override]) throws -> ModelConfig {
    do {
        return try ScenarioLoader.load(path: file, overrides: options.overrides + extra, variant: options.variant)
    } catch {
        throw reportScenarioErrors(error, file: file)
    }
}
