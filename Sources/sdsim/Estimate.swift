import ArgumentParser
import SDModels
import SDReports
import SDConfig
import SDAnalysis

/// `sdsim estimate FILE`: back-of-the-envelope numbers from a scenario, without simulating.
struct EstimateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimate",
        abstract: "Back-of-the-envelope numbers from a scenario, before any simulation.",
        discussion: """
            Requests per second per activity (average, and peak = average × daily cycle × weekly \
            cycle), storage per month and per year, bandwidth in and out, and the machines each \
            tier needs at a target utilization (workers = λ × E[S] ÷ target, machines = ⌈workers ÷ \
            workers per replica⌉). Every number shows the arithmetic behind it.

            Examples:
              sdsim estimate scenarios/instagram.yaml
              sdsim estimate scenarios/instagram.yaml --target-utilization 0.5 --format json
            """)

    @Argument(help: "The scenario file (YAML).")
    var file: String

    @OptionGroup var scenario: ScenarioOptions

    @Option(help: "Utilization the machines are sized for (above 0, at most 1).")
    var targetUtilization: Double = 0.7

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func validate() throws {
        guard format != .csv else { throw ValidationError("estimate prints text or json (--format csv is not supported)") }
        guard targetUtilization > 0 && targetUtilization <= 1 else {
            throw ValidationError("--target-utilization must be above 0 and at most 1 (found \(targetUtilization))")
        }
    }

    func run() throws {
        let config = try loadScenario(file, scenario)
        let e = Estimate.make(config, targetUtilization: targetUtilization)
        try Console.standardOutput.writeReport(format == .json ? EstimateReport.renderJSON(e) : EstimateReport.render(e))
    }
}
