import SDModels
import SDConfig
import SDMetrics
import SDAnalysis

/// The records `spof`, `compare`, `sweep` and `size` store: each analysis's runs and tables, in
/// the layout docs/reference/results-database.md documents table by table.
extension AnalysisRecord {
    typealias Values = [(name: String, value: Double?, text: String?)]

    private static func flag(_ b: Bool) -> Double { b ? 1 : 0 }
    private static func number(_ x: Double?) -> Double? { x.flatMap { $0.isNaN ? nil : $0 } }

    /// The figures of a set of runs with their intervals: one row per run and figure, `subject`
    /// the workload, tier or machine type (empty for the whole system), `prefix` first in each
    /// row (which system, which point).
    static func figureRows(section: String = "figures", figures: [Figure], estimates: (Int, Int) -> MeanEstimate?, runs: Int,
                           prefix: (Int) -> Values, extra: (Int, Int) -> Values = { _, _ in [] }) -> [AnalysisRow] {
        var rows: [AnalysisRow] = []
        for r in 0..<runs {
            for (f, figure) in figures.enumerated() {
                guard let e = estimates(f, r) else { continue }
                let values: Values = prefix(r) + [
                    ("kind", nil, figure.kind.rawValue), ("metric", nil, figure.metric),
                    ("unit", nil, figure.unit.rawValue), ("mean", number(e.mean), nil), ("ci_low", number(e.low), nil),
                    ("ci_high", number(e.high), nil), ("replications", Double(e.count), nil),
                ] + extra(f, r)
                rows.append(AnalysisRow(section: section, index: rows.count, subject: figure.subject, run: r, values: values))
            }
        }
        return rows
    }

    /// SLO verdicts: one row per run, term and workload.
    static func verdictRows(_ verdicts: [[(term: Int, workload: String, verdict: SLOVerdict)]], slo: SLOTarget,
                            prefix: (Int) -> Values) -> [AnalysisRow] {
        var rows: [AnalysisRow] = []
        for (r, list) in verdicts.enumerated() {
            for v in list {
                rows.append(AnalysisRow(section: "slo", index: rows.count, subject: v.workload, run: r, values: prefix(r) + [
                    ("term", nil, slo.terms[v.term].text), ("verdict", nil, v.verdict.rawValue),
                    ("holds", flag(v.verdict == .holds), nil),
                ]))
            }
        }
        return rows
    }

    /// `sdsim spof`: tables `audit` (one row: the SLO, the outage window, whether the baseline
    /// meets the SLO, the single points of failure) and `outcomes` (one row per thing taken
    /// down and workload, the baseline first). The audit's runs are not stored (each measures
    /// only its outage window).
    public static func spof(_ a: SpofAuditResult, scenarioFile: String, configText: String?, seed: UInt64?) -> AnalysisRecord {
        var rows = [AnalysisRow(section: "audit", index: 0, subject: a.scenario, values: [
            ("slo_availability", a.slo.availability, nil), ("slo_p99", a.slo.p99, nil), ("slo_given", flag(a.sloGiven), nil),
            ("failures_removed", Double(a.failuresRemoved), nil), ("window_start", a.window.start, nil),
            ("window_end", a.window.end, nil), ("baseline_meets_slo", flag(a.baseline.meetsSLO), nil),
            ("stopped", flag(a.stopped), nil), ("spofs", nil, a.singlePointsOfFailure.joined(separator: ",")),
        ])]
        func add(_ target: String, _ kind: String, _ crashed: String, _ w: SpofWorkloadOutcome, spof: Bool, reason: String?, fix: String?) {
            rows.append(SpofRows.outcome(index: rows.count - 1, target: target, targetKind: kind, crashed: crashed, workload: w.workload,
                                         arrived: Double(w.arrived), completed: Double(w.completed), failed: Double(w.failed),
                                         availability: w.availability, p99: number(w.p99), meetsSLO: flag(w.meetsSLO),
                                         spof: flag(spof), reason: reason, fix: fix))
        }
        for w in a.baseline.workloads { add("baseline", "baseline", "", w, spof: false, reason: nil, fix: nil) }
        for r in a.rows {
            for w in r.workloads { add(r.target, r.targetKind, r.crashed, w, spof: !r.meetsSLO, reason: r.reason, fix: r.fix) }
        }
        return AnalysisRecord(kind: "spof", scenario: a.scenario, scenarioFile: scenarioFile, configText: configText, seed: seed,
                              replications: 1, runs: [], rows: rows)
    }

    /// `sdsim compare`: one run per system (its replications combined, setting `system=NAME`);
    /// tables `figures` (one row per system and figure: its mean and 95% interval, and for the
    /// other systems the paired difference from the baseline with its interval and whether it is
    /// significant) and `expectations` (each 'expect:' line comparing systems).
    public static func compare(_ c: Comparison, files: [String], texts: [String?]) -> AnalysisRecord {
        let runs = c.systems.indices.map { s in
            AnalysisRun(result: Experiment.combined(c.results[s], seed: c.seed), scenarioFile: files.count == 1 ? files[0] : files[s],
                        configText: files.count == 1 ? texts[0] : texts[s], settings: [(path: "system", value: c.systems[s], number: nil)])
        }
        var rows = figureRows(figures: c.figures, estimates: { c.estimates[$0][$1] }, runs: c.systems.count,
                              prefix: { s in [("system", nil, c.systems[s]), ("baseline", flag(s == c.baseline), nil)] },
                              extra: { f, s in
            guard s != c.baseline else { return [] }
            let d = c.differences[f][s]
            return [("difference", number(d?.mean), nil), ("difference_low", number(d?.low), nil),
                    ("difference_high", number(d?.high), nil), ("significant", d.map { flag($0.excludesZero) }, nil)]
        })
        for (i, e) in c.expectations.enumerated() {
            rows.append(AnalysisRow(section: "expectations", index: i, subject: e.expectation.text, values: [
                ("left", e.left, nil), ("right", e.right, nil), ("passed", flag(e.passed), nil), ("problem", nil, e.problem),
            ]))
        }
        return AnalysisRecord(kind: "compare", scenario: c.results.first?.first?.result.scenario ?? "", scenarioFile: files[0],
                              configText: texts.first ?? nil, seed: c.seed, replications: c.replications, runs: runs, rows: rows)
    }

    /// `sdsim sweep`: one run per point (its replications combined, its swept values as
    /// settings); tables `points` (one row per point: its settings, the swept number of a
    /// one-path sweep, whether it meets the SLO, Kleinrock's power of a load sweep), `figures`
    /// (one row per point and figure), `slo` (one row per point, term and workload), `knee` and
    /// `slo_limit` (one row each, when the sweep has them).
    public static func sweep(_ s: SweepResult, scenario: String, file: String, text: String?) -> AnalysisRecord {
        let settings: [[ResultsStore.Setting]] = s.points.map { point in
            zip(s.axes, point).map { (path: $0.path, value: $0.values[$1], number: $0.coordinates[$1]) }
        }
        func label(_ p: Int) -> String { settings[p].map { "\($0.path)=\($0.value)" }.joined(separator: " ") }
        let runs = s.points.indices.map { p in
            AnalysisRun(result: s.combined[p], scenarioFile: file, configText: text, settings: settings[p])
        }
        var rows: [AnalysisRow] = s.points.indices.map { p in
            var v: Values = [("point", Double(p), nil)]
            if s.axes.count == 1 { v.append(("x", s.axes[0].coordinates[s.points[p][0]], nil)) }
            if let meets = s.meetsSLO(p) { v.append(("meets_slo", flag(meets), nil)) }
            if let k = s.knee { v.append(("power", number(k.power[p]), nil)) }
            return AnalysisRow(section: "points", index: p, subject: label(p), run: p, values: v)
        }
        rows += figureRows(figures: s.figures, estimates: { s.estimates[$1][$0] }, runs: s.points.count,
                           prefix: { [("point", Double($0), nil)] })
        if let slo = s.slo { rows += verdictRows(s.verdicts, slo: slo, prefix: { [("point", Double($0), nil)] }) }
        if let k = s.knee {
            rows.append(AnalysisRow(section: "knee", index: 0, subject: s.axes[0].path, run: k.point, values: [
                ("value", k.value, nil), ("point", Double(k.point), nil), ("at_edge", flag(k.atEdge), nil),
            ]))
        }
        if let l = s.sloLimit {
            rows.append(AnalysisRow(section: "slo_limit", index: 0, subject: s.axes[0].path, values: [
                ("estimate", l.estimate, nil), ("low", l.low, nil), ("high", l.high, nil),
                ("meets_everywhere", flag(l.meetsEverywhere), nil), ("meets_nowhere", flag(l.meetsNowhere), nil),
            ]))
        }
        return AnalysisRecord(kind: "sweep", scenario: scenario, scenarioFile: file, configText: text, seed: s.seed,
                              replications: s.replications, runs: runs, rows: rows)
    }

    /// `sdsim size`: one run per value tried (its replications combined, the value as a
    /// setting), in the order tried; tables `candidates` (one row per value tried: the value,
    /// whether it meets the SLO), `figures`, `slo` (one row per value, term and workload) and
    /// `answer` (one row: the smallest value meeting the SLO, NULL when none in the range).
    public static func size(_ r: SizingResult, scenario: String, file: String, text: String?) -> AnalysisRecord {
        let runs = r.evaluations.map { e in
            AnalysisRun(result: e.combined, scenarioFile: file, configText: text,
                        settings: [(path: r.path, value: String(e.value), number: Double(e.value))])
        }
        var rows: [AnalysisRow] = r.evaluations.enumerated().map { i, e in
            AnalysisRow(section: "candidates", index: i, subject: "\(r.path)=\(e.value)", run: i, values: [
                ("value", Double(e.value), nil), ("meets_slo", flag(e.meets), nil),
            ])
        }
        let prefix: (Int) -> Values = { [("value", Double(r.evaluations[$0].value), nil)] }
        rows += figureRows(figures: r.evaluations.first?.figures ?? [], estimates: { f, e in
            let evaluation = r.evaluations[e]
            let figure = r.evaluations[0].figures[f]
            return evaluation.figures.firstIndex(of: figure).flatMap { evaluation.estimates[$0] }
        }, runs: r.evaluations.count, prefix: prefix)
        rows += verdictRows(r.evaluations.map(\.verdicts), slo: r.slo, prefix: prefix)
        rows.append(AnalysisRow(section: "answer", index: 0, subject: r.path, run: r.evaluations.firstIndex { $0.value == r.answer },
                                values: [("answer", r.answer.map(Double.init), nil), ("lower", Double(r.lower), nil),
                                         ("upper", Double(r.upper), nil), ("slo", nil, r.slo.terms.map(\.text).joined(separator: ","))]))
        return AnalysisRecord(kind: "size", scenario: scenario, scenarioFile: file, configText: text, seed: r.seed,
                              replications: r.replications, runs: runs, rows: rows)
    }
}

/// The rows of `sdsim spof`'s `outcomes` table, one shape for new audits and for those migrated
/// from schema version 3's `spof_outcomes`.
enum SpofRows {
    static func outcome(index: Int, target: String, targetKind: String, crashed: String, workload: String, arrived: Double?,
                        completed: Double?, failed: Double?, availability: Double?, p99: Double?, meetsSLO: Double?,
                        spof: Double?, reason: String?, fix: String?) -> AnalysisRow {
        AnalysisRow(section: "outcomes", index: index, subject: target, values: [
            ("target_kind", nil, targetKind), ("crashed", nil, crashed), ("workload", nil, workload), ("arrived", arrived, nil),
            ("completed", completed, nil), ("failed", failed, nil), ("availability", availability, nil), ("p99", p99, nil),
            ("meets_slo", meetsSLO, nil), ("spof", spof, nil), ("reason", nil, reason), ("fix", nil, fix),
        ])
    }
}
