import SDModels
import SDConfig
import SDAnalysis

/// The human-readable report of a run, for a terminal: a header line, a workload table, a
/// component table and the bottleneck. Plain text (no colours), columns aligned, latencies in
/// ns/us/ms/s with three significant digits, thousands separated by commas whatever the locale.
public enum TextReport {
    /// "Warning: no steady state. …" when the run had none (text and HTML reports).
    public static func stabilityWarning(_ r: RunResult) -> String? {
        guard let v = r.stability, !v.steady else { return nil }
        return "Warning: no steady state. " + v.reasons.map { $0.prefix(1).uppercased() + $0.dropFirst() + "." }
            .joined(separator: " ") + " Means and percentiles depend on the run's length, and the 95% intervals are marked unreliable."
    }

    /// "Note: the load or the system changes …" when a steady run has scripted changes or follows a
    /// cycle during its measured window (text and HTML reports).
    public static func changesNote(_ r: RunResult) -> String? {
        guard let v = r.stability, v.steady, !v.scriptedChanges.isEmpty else { return nil }
        return "Note: the load or the system changes during the measured window. " + v.scriptedChanges.map {
            $0.prefix(1).uppercased() + $0.dropFirst() + "." }.joined(separator: " ") + " Means average over the change, and "
            + "the 95% intervals are marked unreliable; read the percentiles and the time series."
    }

    /// The report of `r`, ending with a newline.
    public static func render(_ r: RunResult) -> String {
        var out = header(r) + "\n"
        if let stopped = r.stoppedEarly { out += "\n" + wrap("PARTIAL REPORT: the run \(stopped).", width: 100) }
        if let warning = stabilityWarning(r) { out += "\n" + wrap(warning, width: 100) }
        if let note = changesNote(r) { out += "\n" + wrap(note, width: 100) }
        if let lesson = r.lesson { out += "\n" + wrap("Lesson: " + lesson, width: 100) }
        if !r.workloads.isEmpty {
            out += "\n" + workloadTable(r.workloads, reliable: r.intervalsReliable)
            for w in r.workloads where w.latency.outOfRange > 0 {
                out += "Note: \(w.name) had \(Format.grouped(w.latency.outOfRange)) latencies beyond the "
                    + "histogram's range; its percentiles do not include them.\n"
            }
        }
        for w in r.workloads {
            var notes: [String] = []
            if w.failed > 0 || w.inFlight > 0 && w.retries > 0
                || Double(w.inFlight) > StabilityCheck.inFlightNote * Double(w.arrived) {
                // The ledger: every request that arrived ends in exactly one state.
                let reasons = w.failedBy.map { "\($0.reason) \(Format.grouped($0.count))" }.joined(separator: ", ")
                notes.append("ledger \(Format.grouped(w.arrived)) arrived = \(Format.grouped(w.completed)) completed + "
                             + "\(Format.grouped(w.failed)) failed\(reasons.isEmpty ? "" : " (\(reasons))") + \(Format.grouped(w.inFlight)) in flight")
            }
            if w.failed > 0 || w.availabilityTheory != nil { notes.append("availability \(Format.availability(w.availability))") }
            if let theory = w.availabilityTheory { notes.append("MTTF/MTTR theory \(Format.availability(theory))") }
            if w.retries > 0 { notes.append("retries \(Format.grouped(w.retries))") }
            if w.lateReplies > 0 { notes.append("late replies \(Format.grouped(w.lateReplies))") }
            if w.arrivedByType.count > 1 {
                notes.append("types: " + w.arrivedByType.map { "\($0.type) \(Format.grouped($0.count))" }.joined(separator: ", "))
            }
            if !w.arrivedByRegion.isEmpty {
                notes.append("regions: " + w.arrivedByRegion.map { "\($0.region) \(Format.grouped($0.count))" }.joined(separator: ", "))
            }
            if !notes.isEmpty { out += "\(w.name): " + notes.joined(separator: "; ") + "\n" }
        }
        if let p = r.population { out += populationLine(p) }
        if let n = r.network { out += networkLine(n) }
        if !r.components.isEmpty {
            out += "\n" + componentTable(r.components)
        }
        for c in r.components where !c.isGroup && (!c.targetShares.isEmpty || !c.extra.isEmpty) {
            var notes: [String] = []
            if !c.targetShares.isEmpty {
                notes.append("shares " + c.targetShares.map { "\($0.name) \(Format.percent($0.share))" }.joined(separator: ", "))
            }
            if let moved = c.keysMovedOnAdd { notes.append("keys moved when a replica is added \(Format.percent(moved))") }
            let byRegion = RegionShardReport.applies(to: c)
            for (name, value) in c.extra where !(byRegion && RegionShardReport.ownsFigure(name)) {
                notes.append("\(name.replacingUnderscores()) \(Format.extra(name, value))")
            }
            out += "\(c.name): " + notes.joined(separator: "; ") + "\n"
            if let warning = RegionShardReport.joinWarning(c) { out += warning }
            if byRegion {
                let regions = r.workloads.first { !$0.arrivedByRegion.isEmpty }?.arrivedByRegion.map(\.region) ?? []
                out += RegionShardReport.render(c, regions: regions)
            }
        }
        for c in r.components where c.isGroup || c.group == nil {
            if let line = hitRatioOverTime(c) { out += line }
        }
        out += autoscaleSection(r.autoscaling)
        out += storageSection(r.storage)
        if !r.machines.isEmpty {
            var t = TextTable(headers: ["Machine", "type", "cores", "speed", "cpu util", "cpu demand", "cost/h", "components"],
                              alignments: [.left, .left, .right, .right, .right, .right, .right, .left])
            for m in r.machines {
                t.rows.append([m.name, m.type, String(m.cores), Format.fixed(m.speed, decimals: 2), Format.percent(m.utilization),
                               Format.fixed(m.demand, decimals: 2),
                               Format.fixed(m.costPerHour, decimals: 2), m.components.joined(separator: ", ")])
            }
            out += "\n" + t.render()
            out += "Cost: \(Format.fixed(r.costPerHour, decimals: 2)) per hour, "
                + "\(Format.fixed(r.costPerHour * r.simulatedSeconds / 3600, decimals: 2)) for the simulated \(Format.seconds(r.simulatedSeconds)) s\n"
        }
        if let b = r.bottleneck { out += "\n" + bottleneckSection(b) }
        if !r.expectations.isEmpty { out += "\n" + expectationsSection(r.expectations) }
        return out
    }

    /// `Expectations` and one line per expectation: PASS or FAIL, the expectation, the measured
    /// value (or why there is none); then a summary line.
    static func expectationsSection(_ outcomes: [ExpectationOutcome]) -> String {
        var t = TextTable(headers: ["Expectation", "", "measured"], alignments: [.left, .left, .right])
        for o in outcomes {
            t.rows.append([o.expectation.text, o.passed ? "PASS" : "FAIL", o.value.map { measured($0, as: o.expectation) } ?? "-"])
        }
        var out = t.render()
        for o in outcomes where o.problem != nil { out += "FAIL \(o.expectation.text): \(o.problem!)\n" }
        let failed = outcomes.filter { !$0.passed }.count
        out += failed == 0 ? "All \(outcomes.count) expectations hold.\n"
            : "\(failed) of \(outcomes.count) expectation\(outcomes.count == 1 ? "" : "s") failed.\n"
        return out
    }

    /// A measured value shown the way the expectation's bound was written.
    static func measured(_ x: Double, as e: Expectation) -> String {
        switch e.unit {
        case .duration: return Format.duration(x)
        case .percent: return Format.fixed(x * 100, decimals: 3) + "%"
        case .size: return Format.bytes(x)
        case .number, .count: return Format.significant(x)
        }
    }

    /// `text` broken into lines of at most `width` characters at spaces (longer words stay whole).
    static func wrap(_ text: String, width: Int) -> String {
        var out = "", line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if !line.isEmpty && line.count + 1 + word.count > width { out += line + "\n"; line = "" }
            line += (line.isEmpty ? "" : " ") + word
        }
        return out + line + "\n"
    }

    /// The population's line: users and the read-to-write ratio, measured and promised.
    static func populationLine(_ p: PopulationSummary) -> String {
        var line = "Population: \(Format.grouped(Int(p.users))) users, \(Format.grouped(Int(p.dailyActiveUsers.rounded()))) daily active; "
            + "reads \(Format.grouped(p.reads)), writes \(Format.grouped(p.writes))"
        if let ratio = p.readToWrite {
            line += "; read-to-write ratio \(Format.fixed(ratio, decimals: 1)):1"
            if let theory = p.readToWriteTheory { line += " (rates promise \(Format.fixed(theory, decimals: 1)):1)" }
        }
        return line + "\n"
    }

    /// A keyed cache's hit ratio in ten equal parts of the run (from its `lookups` and `hits`
    /// series, recorded when the scenario scales groups), or nil without them.
    static func hitRatioOverTime(_ c: ComponentResult) -> String? {
        guard let lookups = c.series.first(where: { $0.name == "lookups" }), let hits = c.series.first(where: { $0.name == "hits" }),
              lookups.values.count == hits.values.count, lookups.values.count >= 10 else { return nil }
        let per = lookups.values.count / 10
        var parts: [String] = []
        for b in 0..<10 {
            let range = (b * per)..<(b == 9 ? lookups.values.count : (b + 1) * per)
            let n = range.reduce(0) { $0 + lookups.values[$1] }, h = range.reduce(0) { $0 + hits.values[$1] }
            parts.append(n > 0 ? Format.percent(h / n) : "-")
        }
        return "\(c.name): hit ratio by tenth of the run (every \(Format.seconds(lookups.interval * Double(per))) s): "
            + parts.joined(separator: " ") + "\n"
    }

    /// `Storage`: for each component that stored something, its bytes at start and end, growth
    /// and projections, with `sdsim estimate`'s figure beside them.
    static func storageSection(_ rows: [StorageGrowth]) -> String {
        let shown = rows.filter { $0.endBytes > 0 || $0.windowBytes > 0 }
        guard !shown.isEmpty else { return "" }
        var t = TextTable(headers: ["Storage", "kind", "at start", "at end", "growth/s", "per month", "per year", "copies",
                                    "per year, all copies", "estimate/month"],
                          alignments: [.left, .left] + Array(repeating: .right, count: 8))
        for g in shown {
            t.rows.append([g.component, g.kind, Format.bytes(g.startBytes), Format.bytes(g.endBytes), Format.bytes(g.growthRate),
                           Format.bytes(g.perMonth), Format.bytes(g.perYear), String(g.copies), Format.bytes(g.perYearAllCopies),
                           g.estimatePerMonth.map(Format.bytes) ?? "-"])
        }
        var out = "\n" + t.render()
        let factor = shown[0].cycleFactor
        if abs(factor - 1) > 1e-9 {
            out += "Projections divide the measured growth by \(Format.fixed(factor, decimals: 3)), the window's arrivals over "
                + "those of the mean rate (the run covers part of the daily cycle).\n"
        }
        return out
    }

    /// The network's line: bytes in from clients and out to them (egress), and what egress costs.
    static func networkLine(_ n: NetworkSummary) -> String {
        var line = "Network: ingress \(Format.bytes(n.ingressBytes)) (\(Format.bytes(n.ingressRate))/s), "
            + "egress \(Format.bytes(n.egressBytes)) (\(Format.bytes(n.egressRate))/s)"
        if n.edgeBytes > 0 { line += "; CDN edges delivered \(Format.bytes(n.edgeBytes)) (not egress)" }
        if let cost = n.egressCost, let month = n.egressCostPerMonth {
            line += "; egress cost \(Format.fixed(cost, decimals: 2)) for the window, \(Format.fixed(month, decimals: 0)) a month at this rate"
        }
        return line + "\n"
    }

    static func header(_ r: RunResult) -> String {
        var parts = ["sdsim — \(r.scenario)", "seed \(r.seed)"]
        var simulated = "simulated \(Format.seconds(r.simulatedSeconds)) s"
        if r.warmupSeconds > 0 { simulated += " (warm-up \(Format.seconds(r.warmupSeconds)) s)" }
        parts.append(simulated)
        parts.append("\(Format.grouped(r.events)) events")
        if r.replications > 1 { parts.append("\(Format.grouped(r.replications)) replications") }
        return parts.joined(separator: "   ")
    }

    static func workloadTable(_ workloads: [WorkloadResult], reliable: Bool = true) -> String {
        var t = TextTable(
            headers: ["Workload", "arrived", "completed", "failed", "mean", "95% CI",
                      "p50", "p90", "p99", "p99.9", "max"],
            alignments: [.left] + Array(repeating: .right, count: 10))
        for w in workloads {
            let l = w.latency
            let d = Format.duration
            let counts = [w.name, Format.grouped(w.arrived), Format.grouped(w.completed), Format.grouped(w.failed)]
            guard l.count > 0 else {
                // A mean of nothing is not zero: say so instead of printing figures.
                t.rows.append(counts + ["none completed", "-", "-", "-", "-", "-", "-"])
                continue
            }
            t.rows.append(counts + [
                d(l.mean), reliable ? "[\(d(l.meanCI95.low)), \(d(l.meanCI95.high))]" : "unreliable",
                d(l.p50), d(l.p90), d(l.p99), d(l.p999), d(l.max),
            ])
        }
        return t.render()
    }

    static func componentTable(_ components: [ComponentResult]) -> String {
        let showRejected = components.contains { $0.rejected > 0 }
        var headers = ["Component", "kind", "util", "thruput/s", "queue", "wait", "response"]
        var alignments: [TextTable.Alignment] = [.left, .left, .right, .right, .right, .right, .right]
        if showRejected { headers.append("rejected"); alignments.append(.right) }
        headers.append("hit"); alignments.append(.right)
        var t = TextTable(headers: headers, alignments: alignments)
        for c in components {
            var kind = c.kind
            if c.isGroup {
                let n = components.filter { !$0.isGroup && $0.group == c.name }.count
                kind = n > 0 ? "(\(n) replicas)" : "(group)"
            }
            let queued = c.workers > 0
            var row = [
                c.name, kind,
                queued ? Format.percent(c.utilization) : "-",
                Format.fixed(c.throughput, decimals: 1),
                queued ? Format.fixed(c.queueLengthMean, decimals: 2) : "-",
                queued ? Format.duration(c.waitMean) : "-",
                queued ? Format.duration(c.responseMean) : "-",
            ]
            if showRejected { row.append(Format.grouped(c.rejected)) }
            row.append(c.hitRatio.map(Format.percent) ?? "")
            t.rows.append(row)
        }
        return t.render()
    }

    /// The operational laws: each component's and machine's demand, the checks, the bottleneck,
    /// the throughput ceiling and what to change.
    static func bottleneckSection(_ b: BottleneckReport) -> String {
        var t = TextTable(headers: ["Load", "kind", "servers", "visits", "service", "demand", "offered", "util",
                                    "U=XS/c", "Lq=λWq", "X=V·X0"],
                          alignments: [.left, .left] + Array(repeating: .right, count: 9))
        func law(_ c: LawCheck?) -> String {
            guard let c else { return "-" }
            return c.holds ? "ok" : "off " + Format.percent(abs(c.deviation).isFinite ? c.deviation : 9.99)
        }
        for row in b.rows {
            t.rows.append([
                row.name, row.kind, String(row.servers),
                row.visits.map { Format.fixed($0, decimals: 3) } ?? "-",
                row.serviceTime.map(Format.duration) ?? "-",
                row.demand.isFinite ? Format.duration(row.demand) + (row.demandMeasured ? "*" : "") : "-",
                row.offeredLoad.isFinite ? Format.percent(row.offeredLoad) : "-",
                row.utilization.map(Format.percent) ?? "-",
                law(row.utilizationLaw), law(row.littlesLaw), law(row.forcedFlowLaw),
            ])
        }
        var out = t.render()
        if b.rows.contains(where: \.demandMeasured) {
            out += "* measured: utilization ÷ system throughput (the configuration does not explain it)\n"
        }
        let ceiling = b.ceiling.isFinite ? Format.fixed(b.ceiling, decimals: 1) + " requests/s" : "none"
        let now = Format.fixed(b.throughput, decimals: 1)
        let headroom = b.headroom.isFinite ? ", headroom " + Format.percent(b.headroom) : ""
        if let name = b.bottleneck {
            out += "Bottleneck: \(name) (demand \(Format.duration(b.maxDemand)) per request); throughput ceiling "
                + "1/D_max = \(ceiling), now \(now)\(headroom)\n"
        } else {
            out += "Bottleneck: none at this load\(b.busiest.map { " (busiest: \($0))" } ?? ""); throughput ceiling "
                + "1/D_max = \(ceiling), now \(now)\(headroom)\n"
        }
        return out + wrap(b.advice, width: 100)
    }
}

extension String {
    /// `stale_reads` → `stale reads`.
    func replacingUnderscores() -> String { String(map { $0 == "_" ? " " : $0 }) }
}
