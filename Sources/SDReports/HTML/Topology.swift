import SDModels
import SDConfig
import SDAnalysis
import SDMetrics

/// The architecture of a scenario as a graph: one node per workload (a client) and per component
/// group, an edge for every hop a request can make (a workload's route, a server's calls, a load
/// balancer's targets, a cache's misses, a router's routes, a queue's consumers). Each component
/// carries its utilization from a run, and the marks a report puts on it.
public struct Topology: Sendable {
    /// A node of the diagram.
    public struct Node: Sendable, Equatable {
        /// Workload or component group name.
        public var name: String
        /// `client` for a workload, else the component's kind.
        public var kind: String
        /// Replicas of the group (1 for a single component or a client).
        public var replicas: Int
        /// Utilization from the run (the group row's, or the instance's); nil without workers or without a run.
        public var utilization: Double?
        /// The run's bottleneck, as the load analysis names it (issue 10's operational laws).
        public var bottleneck = false
        /// A single point of failure (from `sdsim spof`, when known).
        public var spof = false
        /// The machine (type or instance) this component runs on when that machine is the
        /// bottleneck: the component is marked, the machine named.
        public var bottleneckMachine: String?
    }

    /// Nodes: workloads first, then components, in declaration order.
    public var nodes: [Node]
    /// Edges as (from, to) indices into ``nodes``, without duplicates, in order of discovery.
    public var edges: [(from: Int, to: Int)]
    /// Whether utilization comes from a run (a spof audit's diagram has none).
    public var measured: Bool

    /// The topology of `config`, with utilization from `result` when given and SPOFs named in `spofs`.
    public init(_ config: ModelConfig, result: RunResult? = nil, spofs: [String] = []) {
        nodes = config.workloads.map { Node(name: $0.name, kind: "client", replicas: 1) }
        measured = result != nil
        // The load analysis names the bottleneck group (a database's role as `db.primary`).
        let bottleneck = result?.bottleneck?.bottleneck
        for c in config.components {
            var n = Node(name: c.name, kind: c.kind.name, replicas: c.replicas)
            if let r = result, let row = r.components.first(where: { $0.name == c.name && ($0.isGroup || c.replicas == 1) }),
               row.workers > 0, row.utilization.isFinite {
                n.utilization = row.utilization
            }
            if let b = bottleneck {
                n.bottleneck = b == c.name || b.hasPrefix(c.name + ".")
                // A machine bottleneck marks the components placed on it.
                if !n.bottleneck, (0..<max(c.replicas, 1)).contains(where: { c.machineInstance(replica: $0) == b }) {
                    n.bottleneck = true
                    n.bottleneckMachine = b
                }
            }
            n.spof = spofs.contains(c.name)
            nodes.append(n)
        }
        edges = []
        let offset = config.workloads.count
        func index(_ name: String) -> Int? { config.components.firstIndex { $0.name == name }.map { $0 + offset } }
        func add(_ from: Int, _ to: String?) {
            guard let to, let j = index(to), j != from, !edges.contains(where: { $0.from == from && $0.to == j }) else { return }
            edges.append((from, j))
        }
        for (w, workload) in config.workloads.enumerated() {
            for c in workload.mix {
                guard let first = c.route.first else { continue }
                add(w, first)
                for (a, b) in zip(c.route, c.route.dropFirst()) { if let i = index(a) { add(i, b) } }
            }
        }
        for (i, c) in config.components.enumerated() {
            for target in Topology.calls(c.kind) { add(i + offset, target) }
        }
    }

    /// The components a component of this kind sends requests to: every edge of the
    /// configuration's component graph (calls, targets, misses, routes, consumers, dead letters,
    /// a feed service's feed cache).
    static func calls(_ kind: ComponentKind) -> [String] { kind.edges.map(\.target) }

    /// The layer of each node: clients at 0, every other node one past its furthest caller
    /// (edges that would go back, in a cycle, are ignored).
    var layers: [Int] {
        var layer = nodes.map { $0.kind == "client" ? 0 : -1 }
        // Longest path by relaxation, bounded by the node count (cycles cannot loop forever).
        for _ in 0..<nodes.count {
            var changed = false
            for e in edges where layer[e.from] >= 0 && layer[e.from] + 1 > layer[e.to] && layer[e.from] + 1 < nodes.count {
                layer[e.to] = layer[e.from] + 1
                changed = true
            }
            if !changed { break }
        }
        let deepest = layer.max() ?? 0
        return layer.map { $0 < 0 ? deepest + 1 : $0 }   // unreachable components in a last column
    }

    /// A fill colour for a utilization: green (idle) through yellow to red (saturated); grey without one.
    public static func colour(_ u: Double?) -> String {
        guard let u, u.isFinite else { return "#e8e8e8" }
        let t = min(max(u, 0), 1)
        let hue = Int((120 * (1 - t)).rounded())
        return "hsl(\(hue), 70%, \(t > 0.85 ? 62 : 72)%)"
    }

    /// The third line of a node: its utilization, `workload` for a client, `no workers` for a
    /// component without any; empty when there is no run.
    func label(_ node: Node) -> String {
        if node.kind == "client" { return "workload" }
        guard measured else { return "" }
        return node.utilization.map { Format.percent($0) } ?? "no workers"
    }

    // MARK: SVG

    /// The diagram as inline SVG: nodes in columns by layer, edges as arrows, each component filled
    /// by its utilization, the bottleneck with a thick border, SPOFs with a red dashed border.
    /// `id` names the arrow marker, unique when a page holds several diagrams.
    public func svg(id: String = "arrow") -> String {
        let layer = layers
        let columns = (layer.max() ?? 0) + 1
        var rows = [Int](repeating: 0, count: columns)
        var position: [(x: Double, y: Double)] = []
        let boxW = 150.0, boxH = 54.0, gapX = 60.0, gapY = 22.0, margin = 16.0
        for (i, _) in nodes.enumerated() {
            let c = layer[i]
            position.append((margin + Double(c) * (boxW + gapX), margin + Double(rows[c]) * (boxH + gapY)))
            rows[c] += 1
        }
        let w = margin * 2 + Double(columns) * boxW + Double(max(columns - 1, 0)) * gapX
        let h = margin * 2 + Double(rows.max() ?? 1) * (boxH + gapY) - gapY + 34
        let n = SVGChart.number
        var svg = "<svg class=\"topology\" data-nodes=\"\(nodes.count)\" viewBox=\"0 0 \(n(w)) \(n(h))\" role=\"img\" "
            + "aria-label=\"topology\" xmlns=\"http://www.w3.org/2000/svg\">\n<title>Topology</title>\n"
        svg += "<defs><marker id=\"\(id)\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0 0 L10 5 L0 10 z\" fill=\"#555\"/></marker></defs>\n"
        for e in edges {
            let a = position[e.from], b = position[e.to]
            let forward = b.x > a.x
            let x1 = forward ? a.x + boxW : a.x + boxW / 2, y1 = forward ? a.y + boxH / 2 : a.y + boxH
            let x2 = forward ? b.x : b.x + boxW / 2, y2 = forward ? b.y + boxH / 2 : b.y
            svg += "<path class=\"edge\" d=\"M\(n(x1)) \(n(y1)) C\(n((x1 + x2) / 2)) \(n(y1)) \(n((x1 + x2) / 2)) \(n(y2)) \(n(x2)) \(n(y2))\" marker-end=\"url(#\(id))\"/>\n"
        }
        for (i, node) in nodes.enumerated() {
            let p = position[i]
            var classes = ["node", node.kind == "client" ? "client" : "component"]
            if node.bottleneck { classes.append("bottleneck") }
            if node.spof { classes.append("spof") }
            let util = label(node)
            let kind = node.kind + (node.replicas > 1 ? " ×\(node.replicas)" : "")
            var tip = "\(node.name) (\(kind)): \(util)"
            if node.bottleneck { tip += node.bottleneckMachine.map { "; runs on the bottleneck, machine \($0)" } ?? "; bottleneck" }
            if node.spof { tip += "; single point of failure" }
            svg += "<g class=\"\(classes.joined(separator: " "))\" data-name=\"\(HTML.escape(node.name))\"><title>\(HTML.escape(tip))</title>"
            if node.replicas > 1 {
                svg += "<rect x=\"\(n(p.x + 5))\" y=\"\(n(p.y - 5))\" width=\"\(n(boxW))\" height=\"\(n(boxH))\" rx=\"6\" fill=\"\(Topology.colour(node.utilization))\" class=\"stack\"/>"
            }
            svg += "<rect x=\"\(n(p.x))\" y=\"\(n(p.y))\" width=\"\(n(boxW))\" height=\"\(n(boxH))\" rx=\"6\" fill=\"\(node.kind == "client" ? "#ffffff" : Topology.colour(node.utilization))\"/>"
            svg += "<text x=\"\(n(p.x + boxW / 2))\" y=\"\(n(p.y + 18))\" text-anchor=\"middle\" class=\"name\">\(HTML.escape(HTML.short(node.name, 20)))</text>"
            svg += "<text x=\"\(n(p.x + boxW / 2))\" y=\"\(n(p.y + 33))\" text-anchor=\"middle\">\(HTML.escape(kind))</text>"
            svg += "<text x=\"\(n(p.x + boxW / 2))\" y=\"\(n(p.y + 47))\" text-anchor=\"middle\">\(HTML.escape(util))</text>"
            if node.bottleneck || node.spof {
                svg += "<text x=\"\(n(p.x + boxW / 2))\" y=\"\(n(p.y + boxH + 13))\" text-anchor=\"middle\" class=\"badge\">\(HTML.escape(badge(node)))</text>"
            }
            svg += "</g>\n"
        }
        return svg + "</svg>\n"
    }

    /// The marks under a node: `BOTTLENECK` (`BOTTLENECK: machine M` when it is the machine the
    /// component runs on), `SPOF`.
    func badge(_ node: Node) -> String {
        [node.bottleneck ? "BOTTLENECK" + (node.bottleneckMachine.map { ": machine " + HTML.short($0, 16) } ?? "") : nil,
         node.spof ? "SPOF" : nil].compactMap { $0 }.joined(separator: " · ")
    }

    // MARK: Graphviz

    /// The first line of every DOT file sdsim writes, by which it recognises a file it may replace.
    public static let dotMark = "topology written by sdsim"

    /// A DOT string literal: quotes and backslashes escaped, line breaks as `\n`.
    static func dotString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": continue
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }

    /// The topology as a Graphviz DOT document (left to right; the same colours and marks as the SVG).
    public func dot(name: String) -> String {
        Topology.dotHeader(name) + dotStatements(prefix: "n", indent: "  ") + "}\n"
    }

    /// Several systems' topologies in one DOT document, one cluster per system (`cluster_0`,
    /// `cluster_1`, … in the order given, labelled with the system's name); system i's nodes are
    /// `s<i>n<j>`, so no two systems share a node.
    public static func dot(name: String, systems: [(name: String, topology: Topology)]) -> String {
        var out = dotHeader(name)
        for (i, system) in systems.enumerated() {
            out += "  subgraph cluster_\(i) {\n    label=\(dotString(system.name));\n    style=\"rounded\";\n    color=\"#999999\";\n"
            out += system.topology.dotStatements(prefix: "s\(i)n", indent: "    ") + "  }\n"
        }
        return out + "}\n"
    }

    static func dotHeader(_ name: String) -> String {
        "// \(Topology.dotMark)\ndigraph \(Topology.dotString(name)) {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=11];\n  edge [color=\"#555555\"];\n"
    }

    /// The nodes and edges, each node named `prefix` and its index.
    func dotStatements(prefix: String, indent: String) -> String {
        var out = ""
        for (i, node) in nodes.enumerated() {
            let util = label(node)
            var label = "\(node.name)\n\(node.kind)\(node.replicas > 1 ? " ×\(node.replicas)" : "")" + (util.isEmpty ? "" : "\n\(util)")
            if node.bottleneck || node.spof { label += "\n" + badge(node) }
            var attributes = ["label=\(Topology.dotString(label))", "tooltip=\(Topology.dotString(node.name))"]
            if node.kind == "client" {
                attributes.append("shape=ellipse"); attributes.append("fillcolor=\"#ffffff\"")
            } else {
                attributes.append("fillcolor=\(Topology.dotString(Topology.dotColour(node.utilization)))")
            }
            if node.bottleneck { attributes.append("penwidth=3") }
            if node.spof { attributes.append("color=\"#c00000\""); attributes.append("style=\"rounded,filled,dashed\""); attributes.append("penwidth=2.5") }
            out += "\(indent)\(prefix)\(i) [\(attributes.joined(separator: ", "))];\n"
        }
        for e in edges { out += "\(indent)\(prefix)\(e.from) -> \(prefix)\(e.to);\n" }
        return out
    }

    /// Graphviz takes HSV as three fractions: the same scale as ``colour(_:)``.
    static func dotColour(_ u: Double?) -> String {
        guard let u, u.isFinite else { return "#e8e8e8" }
        let t = min(max(u, 0), 1)
        return "\(SVGChart.number(120 * (1 - t) / 360)) 0.45 0.95"
    }
}
