import ArgumentParser
import Foundation
import SDAnalysis
import SDConfig
import SDModels
import SDReports
import SDScenario

/// `sdsim compare FILE` (its variants) or `sdsim compare A.yaml B.yaml …`.
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare systems side by side: a file's variants, or several files.",
        discussion: """
            Runs each system as independent replications with common random numbers: \
            replication r of every system uses the same seed, and a workload draws its arrivals, \
            request types, keys and sizes from streams named after the workload alone, so every \
            system receives the same requests at the same times. Differences are then paired \
            replication by replication, which cancels most of the noise both share.

            For each figure (per workload: throughput, mean, p50, p99, p99.9, availability, \
            requests lost; per tier and machine type: utilization; cost per hour and per million \
            requests) the table shows each system's mean ± the half-width of its 95% interval, \
            and each system's paired difference from the baseline with its 95% interval. A * \
            marks a difference whose interval excludes zero. Each system is complete on its own: \
            nothing is pooled across systems.

            'expect:' lines in the file may compare variants: 'vertical.p99 < horizontal.p99', \
            'horizontal.cost < vertical.cost', 'vertical.web.utilization < 0.8' (means over the \
            replications). When one fails, the exit status is 1.

            The comparison is stored in the results database (unless --no-db) as an analysis \
            (kind 'compare', with the time, --label, version and command line): its table of \
            figures, differences and significance, its expectations, and one run per system (its \
            replications combined, each replication's figures kept, the setting system=NAME); \
            'sdsim results show ID' prints it, and 'sdsim results diff A B' puts two systems side \
            by side, paired over their common seeds. The database is opened before the first run \
            and written before the report is printed.

            --html PATH writes the comparison as one self-contained HTML file: each system's \
            steady state and bottleneck, the side-by-side table with significant differences \
            marked (green better, red worse), each workload's latency distribution (a CDF) with \
            one curve per system, p99 and throughput over simulated time, and each system's \
            topology coloured by its utilization. --dot PATH writes the systems' topologies as \
            one Graphviz DOT file, one cluster per system (docs/how-to/html-reports.md). A system \
            without a steady state is marked, and its latency figures are not given.

            Examples:
              sdsim compare scenarios/scaling-horizontal-vs-vertical.yaml
              sdsim compare a.yaml b.yaml --replications 20 --baseline b
              sdsim compare scenarios/scaling-horizontal-vs-vertical.yaml --set duration=120s --format json
              sdsim compare scenarios/scaling-horizontal-vs-vertical.yaml --html compare.html --dot compare.dot
            """)

    @Argument(help: "One scenario file with 'variants:', or two or more scenario files.")
    var files: [String]

    @OptionGroup var scenario: ScenarioOptions

    @OptionGroup var options: SimulationOptions

    @Option(help: "Independent replications of each system (at least 2 for intervals).")
    var replications: Int = 10

    @Option(help: ArgumentHelp("The system the others are compared with (default: the first).", valueName: "NAME"))
    var baseline: String?

    @Flag(help: "Do not check the 'expect:' lines that compare variants.")
    var noExpect = false

    @OptionGroup var store: StoreOptions

    @OptionGroup var reportFiles: ReportFileOptions

    func validate() throws {
        guard replications >= 1 && replications <= 100_000 else {
            throw ValidationError("--replications must be between 1 and 100000 (found \(replications))")
        }
        guard scenario.variant == nil else { throw ValidationError("compare runs every variant; --variant does not apply") }
    }

    func run() throws {
        var names: [String] = []
        var configs: [ModelConfig] = []
        var comparisons: [SystemExpectation] = []
        if files.count == 1 {
            let found = try loadSystems(files[0], scenario)
            guard found.fromVariants, found.systems.count >= 2 else {
                Console.standardError.writeIfPossible("sdsim: error: \(files[0]) declares \(found.fromVariants ? "one variant" : "no 'variants:'"); "
                                            + "compare needs two systems: add variants to the file, or give two or more files\n")
                throw ExitCode(2)
            }
            names = found.systems.map(\.name)
            configs = found.systems.map(\.config)
            comparisons = found.comparisons
        } else {
            for file in files {
                let found = try loadSystems(file, scenario, baseOnly: true)
                configs.append(found.systems[0].config)
                names.append(found.systems[0].config.name)
            }
            // Two files with the same scenario name are told apart by their file names.
            if Set(names).count < names.count { names = files.map { ($0 as NSString).lastPathComponent } }
            if Set(names).count < names.count { names = files }
        }
        var base = 0
        if let baseline {
            guard let i = names.firstIndex(of: baseline) else {
                let hint = Suggestions.closest(to: baseline, among: names).map { "; did you mean '\($0)'?" } ?? ""
                Console.standardError.writeIfPossible("sdsim: error: unknown --baseline '\(baseline)'\(hint) (systems: \(names.joined(separator: ", ")))\n")
                throw ExitCode(2)
            }
            base = i
        }
        let seed = options.seed ?? configs[0].seed
        // Opened before simulating: a database that cannot be written fails now, not after the runs.
        let database = try store.open()
        defer { database?.close() }
        let progress = options.progress(label: "compare")
        let results = Experiment.run(configs, seed: seed, replications: replications, jobs: options.jobs, progress: progress.update)
        try progress.display.finish()
        let c = Comparison.make(names: names, configs: configs, results: results, baseline: base, seed: seed,
                                expectations: noExpect ? [] : comparisons)
        // Stored first, then printed: a closed pipe cannot lose the systems' results.
        let metadata = store.metadata(command: "compare")
        try store.record(in: database) { db in
            try db.record(.compare(c, files: files, texts: files.map { try? String(contentsOfFile: $0, encoding: .utf8) }), metadata: metadata)
        }
        if reportFiles.any { try writeCompareFiles(c, configs: configs, files: reportFiles) }
        var text = options.format == .json ? ComparisonReport.json(c) : ComparisonReport.text(c)
        if options.format == .text {
            let workloads = configs.map { $0.workloads.map(\.name) }
            if workloads.contains(where: { $0 != workloads[0] }) {
                text += "\nNote: the systems' workloads differ; only workloads of the same name receive the same requests.\n"
            }
        }
        try Console.standardOutput.writeReport(text)
        if !c.expectationsHold { throw ExitCode.failure }
    }
}

/// `--html` and `--dot` of `sdsim compare`: every system's topology (coloured by its own
/// utilization) in one DOT file, a cluster per system, and the HTML report.
func writeCompareFiles(_ c: Comparison, configs: [ModelConfig], files: ReportFileOptions) throws {
    let topologies = c.systems.indices.map { HTMLReport.compareTopology(c, $0, configs[$0]) }
    let dot = Topology.dot(name: "compare " + c.systems.joined(separator: ", "),
                           systems: zip(c.systems, topologies).map { (name: $0, topology: $1) })
    try files.write(dotText: dot, renders: zip(c.systems, topologies).map { $1.dot(name: $0) }) {
        HTMLReport.compare(c, configs: configs, dotSVGs: $0)
    }
}
