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

            The audit is stored in the results database (tables spof_audits and spof_outcomes, \
            with the time, --label, version and command line) unless --no-db. --html PATH writes \
            it as one HTML file: the topology coloured by the baseline's utilization with the \
            single points of failure marked, and each outage's worst availability and p99 against \
            the SLO; --dot PATH the topology as Graphviz DOT. --format csv: one row per target and \
            workload.

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
        let progress = options.progress(label: config.name + " spof")
        let audit = SpofAudit.run(config, seed: options.seed, jobs: options.jobs, progress: progress.update)
        progress.display.finish()
        switch options.format {
        case .json: Console.standardOutput.write(SpofReport.json(audit))
        case .csv: Console.standardOutput.write(SpofReport.csv(audit))
        case .text: Console.standardOutput.write(SpofReport.text(audit))
        }
        if files.any {
            let topology = HTMLReport.spofTopology(audit, config: config)
            try files.write(dotText: topology.dot(name: config.name)) { HTMLReport.spof(audit, config: config, dotSVG: $0) }
        }
        let metadata = store.metadata(command: "spof")
        try store.write { db in try db.record(audit, scenarioFile: file, metadata: metadata) }
        if audit.stopped {
            Console.standardError.write("sdsim: the baseline misses the SLO with nothing down; the audit stopped\n")
            throw ExitCode.failure
        }
        if !audit.singlePointsOfFailure.isEmpty { throw ExitCode.failure }
    }
}
