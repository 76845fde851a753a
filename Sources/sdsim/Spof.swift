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

            The audit is stored in the results database (tables spof_audits and spof_outcomes).

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

    @Option(help: "SQLite results database to append the audit to.")
    var db: String = "results/sdsim.db"

    @Flag(help: "Do not write the results database.")
    var noDb = false

    func run() throws {
        let config = try loadScenario(file, scenario)
        let progress = options.progress(label: config.name + " spof")
        let audit = SpofAudit.run(config, seed: options.seed, jobs: options.jobs, progress: progress.update)
        progress.display.finish()
        Console.standardOutput.write(options.format == .json ? SpofReport.json(audit) : SpofReport.text(audit))
        if !noDb { try store(audit) }
        if audit.stopped {
            Console.standardError.write("sdsim: the baseline misses the SLO with nothing down; the audit stopped\n")
            throw ExitCode.failure
        }
        if !audit.singlePointsOfFailure.isEmpty { throw ExitCode.failure }
    }

    private func store(_ audit: SpofAuditResult) throws {
        let directory = (db as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        do {
            let store = try ResultsStore(path: db)
            defer { store.close() }
            try store.record(audit, scenarioFile: file)
        } catch {
            Console.standardError.write("sdsim: error: \(error)\n")
            throw ExitCode.failure
        }
    }
}
