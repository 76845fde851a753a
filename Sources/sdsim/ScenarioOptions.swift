import SDEngine
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
    Console.standardError.writeIfPossible(error.rendered())
    let n = error.diagnostics.count
    Console.standardError.writeIfPossible("\(n) error\(n == 1 ? "" : "s") in \(file.escapingControlCharacters())\n")
    return ExitCode(2)
}

/// Loads the systems of a scenario file with the command line's overrides, or prints every
/// diagnostic and exits with status 2.
func loadSystems(_ path: String, _ options: ScenarioOptions, baseOnly: Bool = false) throws -> ScenarioSystems {
    try loadSystemsAndText(path, options, baseOnly: baseOnly).systems
}

/// The systems and the exact text they were loaded from, read once (what a stored run keeps:
/// never the file re-read later, which may have changed or, for /dev/stdin, be gone).
func loadSystemsAndText(_ path: String, _ options: ScenarioOptions, baseOnly: Bool = false) throws -> (systems: ScenarioSystems, text: String) {
    do {
        let text = try ScenarioLoader.readText(path: path)
        return (try ScenarioLoader.loadSystems(text: text, file: path, overrides: options.overrides, variant: options.variant,
                                               baseOnly: baseOnly), text)
    } catch {
        throw reportScenarioErrors(error, file: path)
    }
}

/// Loads the one system a command runs: the file's own values, or `--variant`'s, with `--set`
/// applied. A file with variants run without --variant runs its own values and says so on stderr.
func loadScenario(_ path: String, _ options: ScenarioOptions) throws -> ModelConfig {
    try loadScenarioAndText(path, options).config
}

/// ``loadScenario(_:_:)`` and the text it was loaded from.
func loadScenarioAndText(_ path: String, _ options: ScenarioOptions) throws -> (config: ModelConfig, text: String) {
    let (systems, text) = try loadSystemsAndText(path, options, baseOnly: options.variant == nil)
    if options.variant == nil, let names = try? ScenarioLoader.variantNames(text: text), !names.isEmpty {
        Console.standardError.writeIfPossible(
            "sdsim: note: \(path) declares variants (\(names.joined(separator: ", "))); this runs the file's "
            + "own values. Use --variant NAME for one of them, or 'sdsim compare \(path)' to compare them.\n".escapingControlCharacters(keepingNewlines: true))
    }
    return (systems.systems[0].config, text)
}
