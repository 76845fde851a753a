import SDEngine
import SDConfig
import Yams

/// `start:` and `stop:` of a workload: the part of the run in which it sends (a burst, a load step).
extension Schema {
    static let workloadStart = FieldSpec<WorkloadDraft>(
        "start", help: "When the workload begins to send, from the start of the run (warm-up included). With `stop`, a burst; "
            + "a second workload on the same route that starts later is a load step.",
        shape: .duration(positive: false), default: "0s") { d, n, v in d.start = v.duration(n, key: "start", positive: false); d.startNode = n }
    static let workloadStop = FieldSpec<WorkloadDraft>(
        "stop", help: "When the workload stops sending (requests in flight finish); after `start`.",
        shape: .duration(positive: true), default: "the end of the run") { d, n, v in
        d.stop = v.duration(n, key: "stop", positive: true); d.stopNode = n
    }
}

extension Validator {
    /// Each workload's `start` comes before its `stop` and before the end of the run.
    func checkWorkloadWindows(_ draft: ScenarioDraft) {
        for w in draft.workloads {
            if let start = w.start, let n = w.startNode, let duration = draft.duration, start >= duration {
                error("'start' (\(Validator.text(n))) must be before 'duration' (\(draft.durationNode.map(Validator.text) ?? "")), "
                      + "or the workload sends nothing", at: n)
            }
            if let start = w.start, let stop = w.stop, stop <= start, let n = w.stopNode {
                error("'stop' (\(Validator.text(n))) must be after 'start' (\(w.startNode.map(Validator.text) ?? ""))", at: n)
            }
        }
    }
}
