import ArgumentParser
import SDModels
import SDConfig
import SDAnalysis

/// `sdsim validate FILE...`: check scenario files without running them.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check scenario files and report every error at once, without running them.",
        discussion: """
            Errors are printed as FILE:LINE:COL: error: MESSAGE, with the source line and a caret. \
            Exit status: 0 when every file is valid, 2 otherwise.
            """)

    @Argument(help: "Scenario files (YAML).")
    var files: [String]

    func run() throws {
        var failed = false
        for file in files {
            do {
                let config = try loadScenario(file)
                let instances = config.components.reduce(0) { $0 + $1.replicas }
                Console.standardOutput.write(
                    "\(file): ok: scenario '\(config.name)', \(config.workloads.count) workload(s), " +
                    "\(config.components.count) component(s) (\(instances) instance(s)), duration \(config.duration)\n")
            } catch {
                failed = true
            }
        }
        if failed { throw ExitCode(2) }
    }
}
