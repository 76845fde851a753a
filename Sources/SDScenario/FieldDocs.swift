/// What a key's value looks like. Every ``FieldSpec`` says it, so the scenario reference
/// (`docs/reference/scenario.md`) and the JSON Schema (`docs/scenario.schema.json`) are generated
/// from the same tables the loader reads with (`make docs`).
indirect enum ValueShape: Sendable {
    /// Not said yet: a test fails for every field left so.
    case unspecified
    /// Any text (a string; numbers and booleans are read as their text).
    case text
    /// The name of a component or an instance (`app`, `app-2`).
    case name
    /// A non-empty list of component names.
    case names
    /// `true` or `false` (also `yes`/`no`, `on`/`off`).
    case flag
    /// A whole number, with an optional suffix `k`, `M` or `B`, within the range.
    case count(ClosedRange<Int>)
    /// A whole number from 0 to 2^64 − 1.
    case seed
    /// A plain number; greater than `above` and at most `atMost` when given.
    case number(above: Double? = nil, atLeast: Double? = nil, atMost: Double? = nil)
    /// A plain number from 0 to 1.
    case fraction
    /// A fraction written as `99.9%` or `0.999`.
    case percentage
    /// A duration such as `10ms`; greater than 0 when `positive`.
    case duration(positive: Bool)
    /// A size such as `64MB`.
    case size
    /// A distribution of durations or sizes, such as `exponential(10ms)`.
    case distribution(Quantity)
    /// A duration (exactly that long) or a duration distribution.
    case durationOrDistribution
    /// `poisson(RATE)` or a duration distribution of the gaps.
    case arrival
    /// `zipf(N, S)` or `uniform(N)`.
    case keys
    /// One of these words.
    case choice([String])
    /// One of the component kinds (``Schema/kindNames``).
    case kindName
    /// A value with a form of its own: what it is, an example, and a pattern its text matches
    /// (a regular expression for the JSON Schema; nil accepts any scalar).
    case form(String, example: String, pattern: String?)
    /// A mapping with these keys.
    case mapping([FieldDoc])
    /// A list of values of one shape; non-empty when `nonEmpty`.
    case list(ValueShape, nonEmpty: Bool)
    /// A mapping from names (letters, digits, `-`, `_`, starting with a letter) to values.
    case named(ValueShape, noun: String)
    /// A mapping from request types to values.
    case byType(ValueShape)
    /// A component: `kind` chooses its keys (``Schema/kinds``).
    case component
    /// A mapping of overrides `PATH: VALUE` (paths as for `--set`), possibly empty.
    case overrides
    /// Any of these shapes.
    case anyOf([ValueShape])
}

/// One key of the format, as the reference and the JSON Schema see it.
struct FieldDoc: Sendable {
    let key: String
    let required: Bool
    /// What the key means, in one or a few sentences of Markdown.
    let help: String
    let shape: ValueShape
    /// The value when the key is absent, as written in a file or in words ("unlimited"); nil when required or none.
    let defaultValue: String?
    /// A line of YAML using the key.
    let example: String?
}

extension FieldSpec {
    /// The documentation of this key.
    var doc: FieldDoc {
        FieldDoc(key: key, required: required, help: help, shape: shape, defaultValue: defaultValue, example: example)
    }
}

extension Array {
    /// The documentation of a table of keys.
    func docs<D>() -> [FieldDoc] where Element == FieldSpec<D> { map(\.doc) }
}

extension Schema {
    /// Every key of the format with the path that leads to it (`workload[].retry.max`,
    /// `components.*(server).workers`), walking the tables from the top level.
    static var documentedFields: [(path: String, doc: FieldDoc)] {
        var out: [(path: String, doc: FieldDoc)] = []
        func walk(_ shape: ValueShape, _ path: String) {
            switch shape {
            case .mapping(let fields):
                for f in fields {
                    let p = path.isEmpty ? f.key : "\(path).\(f.key)"
                    out.append((p, f))
                    walk(f.shape, p)
                }
            case .list(let s, _): walk(s, path + "[]")
            case .named(let s, _): walk(s, path + ".*")
            case .byType(let s): walk(s, path + ".*")
            case .anyOf(let shapes): for s in shapes { walk(s, path) }
            case .component:
                for kind in kinds { walk(.mapping(kind.fields.docs()), path + "(\(kind.name))") }
            default: break
            }
        }
        walk(.mapping(topLevelFields.docs()), "")
        return out
    }
}
