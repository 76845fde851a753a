import ArgumentParser
import SDScenario

/// `sdsim docs reference|schema`: the generated scenario reference and JSON Schema, for
/// `make docs`. Hidden: it serves the project's own documentation.
struct Docs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the scenario reference (Markdown) or the JSON Schema of scenario files.",
        discussion: """
            Both are generated from the loader's own field specifications. `make docs` writes them to \
            docs/reference/scenario.md and docs/scenario.schema.json.
            """,
        shouldDisplay: false)

    enum What: String, ExpressibleByArgument, CaseIterable {
        case reference, schema
    }

    @Argument(help: "What to print: reference (Markdown) or schema (JSON Schema).")
    var what: What

    func run() throws {
        switch what {
        case .reference: try Console.standardOutput.write(ScenarioReference.markdown())
        case .schema: try Console.standardOutput.write(ScenarioJSONSchema.text())
        }
    }
}
