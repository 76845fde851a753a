import ArgumentParser
import SDModels
import SDConfig
import SDAnalysis
import SDScenario

/// `sdsim validate FILE...`: check scenario files without running them.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check scenario files and report every error at once, without running them.",
        discussion: """
            Errors are printed as FILE:LINE:COL: error: MESSAGE, with the source line and a caret \
            (an error in a --set value as --set:K:COL, K counting the --set options). A file with \
            'variants:' is checked once per variant. Exit status: 0 when every file is valid, 2 otherwise.
            """)

    @Argument(help: "Scenario files (YAML).")
    var files: [String]

    @OptionGroup var scenario: ScenarioOptions

    func run() throws {
        var failed = false
        for file in files {
            let found: ScenarioSystems
            do {
                found = try loadSystems(file, scenario)
            } catch {
                failed = true
                continue
            }
            for system in found.systems {
                let config = system.config
                let instances = config.components.reduce(0) { $0 + $1.replicas }
                let label = found.fromVariants ? " variant '\(system.name)':" : ""
                // A failed write is not a bad file: it ends the command with status 1.
                try Console.standardOutput.writeReport(
                    "\(file):\(label) ok: scenario '\(config.name)', \(config.workloads.count) workload(s), " +
                    "\(config.components.count) component(s) (\(instances) instance(s)), duration \(config.duration)\n")
                for warning in config.designWarnings {
                    try Console.standardOutput.writeReport("\(file):\(label) warning: \(warning)\n")
                }
            }
        }
        if failed { throw ExitCode(2) }
    }
}
