import ArgumentParser
import Foundation
import SDModels
import SDReports

/// `sdsim spof FILE`: find the single points of failure.
struct Spof: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Crash each component in turn and name the single points of failure.",
        discussion: """
            Runs the scenario once per component group. Each run crashes that component (for a \
            replicated group: one replica) for the middle third of the run, and measures the \
            requests that arrive during the outage: availability, p99 latency, requests lost. A \
            component whose loss breaks the scenario's 'slo:' (availability and p99 targets; by \
            default 99.9% availability) is a single point of failure, and the table says why. \
            The runs use all cores (--jobs) and the output does not depend on how many. The rows \
            are stored in the results database (table analysis_rows) unless --no-db. --html PATH \
            writes the audit as one HTML file (topology with the single points of failure marked, \
            each outage's availability and p99 against the SLO); --dot PATH the topology as DOT.

            Exit status: 0 when there is no single point of failure, 1 when there is one, 2 on bad input.
            """)

    @Argument(help: "The scenario file (YAML).")
    var file: String

    @OptionGroup var options: SimulationOptions

    @OptionGroup var store: StoreOptions

    @OptionGroup var files: ReportFileOptions

    func run() throws {
        let config = try loadScenario(file)
        let progress = options.progress(label: config.name + " spof")
        let rows = SpofAudit.run(config, seed: options.seed, jobs: options.jobs, progress: progress.update)
        progress.display.finish()
        let slo = config.slo ?? SpofAudit.defaultSLO
        switch options.format {
        case .json: Console.standardOutput.write(SpofReport.json(rows, scenario: config.name))
        case .csv: Console.standardOutput.write(SpofReport.csv(rows))
        case .text: Console.standardOutput.write(SpofReport.text(rows, scenario: config.name, slo: slo, sloGiven: config.slo != nil))
        }
        if files.any {
            let topology = Topology(config, spofs: rows.filter { !$0.meetsSLO }.map(\.component))
            try files.write(dotText: topology.dot(name: config.name)) { HTMLReport.spof(rows, config: config, slo: slo, dotSVG: $0) }
        }
        let header = RunResult(scenario: config.name, seed: options.seed ?? config.seed, simulatedSeconds: config.duration.seconds,
                               warmupSeconds: config.warmup.seconds, events: 0, replications: 1, workloads: [], components: [])
        let metadata = store.metadata(command: "spof")
        try store.write { db in
            try db.recordAnalysis(SpofReport.analysisRows(rows), header: header, scenarioFile: file,
                                  configText: try? String(contentsOfFile: file, encoding: .utf8), metadata: metadata)
        }
        if rows.contains(where: { !$0.meetsSLO }) { throw ExitCode.failure }
    }
}
