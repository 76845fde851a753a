import ArgumentParser
import SDAnalysis
import SDConfig
import SDModels
import SDScenario

/// Options that change what a scenario file describes, on every command: `--set PATH=VALUE` and
/// `--variant NAME`.
struct ScenarioOptions: ParsableArguments {
    @Option(name: .customLong("set"),
            help: ArgumentHelp("Override one value of the scenario, e.g. 'components.app.replicas=8' or 'workload.reads.arrival=poisson(900/s)' (repeatable).",
                               valueName: "PATH=VALUE"))
    var sets: [String] = []

    @Option(help: ArgumentHelp("Run this one of the file's 'variants:' (its overrides, then any --set).", valueName: "NAME"))
    var variant: String?

    func validate() throws {
        for s in sets where Override.parse(s) == nil {
            throw ValidationError("--set needs PATH=VALUE, such as 'components.app.replicas=8' (found '\(s)')")
        }
    }

    /// The overrides, in the order given.
    var overrides: [Override] { sets.compactMap(Override.parse) }
}

/// Prints every diagnostic of a scenario that failed to load and exits with status 2.
func reportScenarioErrors(_ error: ScenarioErrors, file: String) -> ExitCode {
    Console.standardError.write(error.rendered())
    let n = error.diagnostics.count
    Console.standardError.write("\(n) error\(n == 1 ? "" : "s") in \(file)\n")
    return ExitCode(2)
}

/// Loads the systems of a scenario file with the command line's overrides, or prints every
/// diagnostic and exits with status 2.
func loadSystems(_ path: String, _ options: ScenarioOptions, baseOnly: Bool = false) throws -> ScenarioSystems {
    do {
        return try ScenarioLoader.loadSystems(path: path, overrides: options.overrides, variant: options.variant, baseOnly: baseOnly)
    } catch {
        throw reportScenarioErrors(error, file: path)
    }
}

/// Loads the one system a command runs: the file's own values, or `--variant`'s, with `--set`
/// applied. A file with variants run without --variant runs its own values and says so on stderr.
func loadScenario(_ path: String, _ options: ScenarioOptions) throws -> ModelConfig {
    let systems = try loadSystems(path, options, baseOnly: options.variant == nil)
    if options.variant == nil, let names = try? ScenarioLoader.variantNames(path: path), !names.isEmpty {
        Console.standardError.write("sdsim: note: \(path) declares variants (\(names.joined(separator: ", "))); this runs the file's "
                                    + "own values. Use --variant NAME for one of them, or 'sdsim compare \(path)' to compare them.\n")
    }
    return systems.systems[0].config
}
