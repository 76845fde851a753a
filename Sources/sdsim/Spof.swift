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
            The runs use all cores (--jobs) and the output does not depend on how many.

            Exit status: 0 when there is no single point of failure, 1 when there is one, 2 on bad input.
            """)

    @Argument(help: "The scenario file (YAML).")
    var file: String

    @OptionGroup var options: SimulationOptions

    func run() throws {
        let config = try loadScenario(file)
        let budget = try options.checkBudget(config, file: file, runs: config.components.count,
                                             parallel: min(options.jobs, config.components.count))
        let progress = options.progress(label: config.name + " spof")
        let rows = SpofAudit.run(config, seed: options.seed, jobs: options.jobs, budget: budget, progress: progress.update)
        try progress.display.finish()
        let slo = config.slo ?? SpofAudit.defaultSLO
        try Console.standardOutput.writeReport(options.format == .json ? SpofReport.json(rows, scenario: config.name)
                                     : SpofReport.text(rows, scenario: config.name, slo: slo, sloGiven: config.slo != nil))
        if rows.contains(where: { !$0.meetsSLO }) { throw ExitCode.failure }
    }
}
