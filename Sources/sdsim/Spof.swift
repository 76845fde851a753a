import ArgumentParser
import Foundation
import SDModels
import SDReports
import SDConfig
import SDAnalysis

/// `sdsim spof FILE`: find the single points of failure.
struct Spof: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Take each component, machine and zone down in turn and name the single points of failure.",
        discussion: """
            First runs the system as it is, without the scenario's own 'failures:' (the output says \
            how many were left out): the baseline. If the baseline already misses the scenario's \
            'slo:' (or has no steady state), no outage can be judged, and the audit stops there \
            with the bottleneck to fix first.

            Then runs the scenario once per component group, machine and zone. Each run takes it \
            down for the middle third (a replicated group loses one replica; a database its \
            primaries; a machine every component on it) and measures, for every workload on its \
            own, the requests that arrive during the outage: availability, p99 latency, requests \
            lost. A target whose loss breaks the SLO for any workload (availability and p99; by \
            default 99.9% availability) is a single point of failure; each row says why and what \
            to change. The runs use all cores (--jobs) and the output does not depend on how many.

            The audit is stored in the results database as an analysis (kind 'spof', with the \
            time, --label, version and command line; tables 'audit' and 'outcomes', see 'sdsim \
            results show ID') unless --no-db; the database is opened before the first run and \
            written before the report is printed. --html PATH \
            writes the audit as one HTML file: the topology coloured by the baseline's utilization \
            with the single points of failure marked, and each outage's worst availability and p99 \
            against the SLO; --dot PATH the topology as Graphviz DOT. --format csv: one row per \
            target and workload.

            Budgets: the runs' events and the model's memory are estimated first and checked \
            against --max-events and --max-memory (exit status 2 past them); a run that piles up \
            more requests in flight than --max-memory holds stops early, and its row says PARTIAL.

            Exit status: 0 when there is no single point of failure, 1 when there is one or the \
            baseline misses the SLO, 2 on bad input.

            Examples:
              sdsim spof scenarios/instagram.yaml
              sdsim spof scenarios/spof-lesson.yaml --format json | jq '.single_points_of_failure'
            """)

    @Argument(help: "The scenario file (YAML).")
    var file: String

    @OptionGroup var scenario: ScenarioOptions

    @OptionGroup var options: SimulationOptions

    @OptionGroup var store: StoreOptions

    @OptionGroup var files: ReportFileOptions

    func run() throws {
        let config = try loadScenario(file, scenario)
        let runs = SpofAudit.runCount(config)
        let budget = try options.checkBudget(config, file: file, runs: runs, parallel: min(options.jobs, runs))
        // Opened before the audit: a database that cannot be written fails now, not after every run.
        let database = try store.open()
        defer { database?.close() }
        let progress = options.progress(label: config.name + " spof")
        let audit = SpofAudit.run(config, seed: options.seed, jobs: options.jobs, budget: budget, progress: progress.update)
        try progress.display.finish()
        // Stored first, then written and printed: a closed pipe or a full disk on stdout cannot
        // lose the audit.
        try store.record(in: database) { db in
            try db.record(.spof(audit, scenarioFile: file, configText: try? String(contentsOfFile: file, encoding: .utf8),
                                seed: options.seed ?? config.seed), metadata: store.metadata(command: "spof"))
        }
        if files.any {
            let topology = HTMLReport.spofTopology(audit, config: config)
            try files.write(dotText: topology.dot(name: config.name)) { HTMLReport.spof(audit, config: config, dotSVG: $0) }
        }
        switch options.format {
        case .json: try Console.standardOutput.writeReport(SpofReport.json(audit))
        case .csv: try Console.standardOutput.writeReport(SpofReport.csv(audit))
        case .text: try Console.standardOutput.writeReport(SpofReport.text(audit))
        }
        if audit.stopped {
            Console.standardError.writeIfPossible("sdsim: the baseline misses the SLO with nothing down; the audit stopped\n")
            throw ExitCode.failure
        }
        if !audit.singlePointsOfFailure.isEmpty { throw ExitCode.failure }
    }
}
