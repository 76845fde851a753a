import SDEngine
import SDConfig
import Yams

/// What has been read of the keys only a dispatcher has.
struct DispatcherDraft {
    var task: Distribution?
    var heartbeat: SimDuration?
    var missed = 3
    var maxAttempts: Int?
}

/// The keys of `kind: dispatcher`.
extension Schema {
    /// The most workers a dispatcher's pool may have (each is a failure target of its own).
    static let dispatcherWorkers = 1...10_000

    static let dispatcherFields: [FieldSpec<ComponentDraft>] = [
        kind,
        FieldSpec("workers", help: "Workers in the pool, `NAME.worker-1` … `NAME.worker-N` in `failures:`; each runs one task at a time.",
                  shape: .count(dispatcherWorkers), default: "1") { d, n, v in
            if let x = v.count(n, key: "workers", range: dispatcherWorkers) { d.workers = x }
        },
        FieldSpec("task", required: true, example: "task: exponential(2s)", help: "Time a worker takes to run one task.",
                  shape: .distribution(.duration)) { d, n, v in d.dispatcher.task = v.distribution(n, key: "task", of: .duration) },
        FieldSpec("heartbeat", required: true, example: "heartbeat: 10s",
                  help: "Time between two heartbeats of one worker (each a message to the dispatcher; the phase of each worker is drawn at random).",
                  shape: .duration(positive: true)) { d, n, v in d.dispatcher.heartbeat = v.duration(n, key: "heartbeat", positive: true) },
        FieldSpec("missed", help: "Heartbeats in a row that must fail to arrive before a worker is declared dead and its task given to another; "
                      + "a crash is found after a delay uniform between (missed − 1) and missed heartbeat intervals.",
                  shape: .count(1...1000), default: "3") { d, n, v in
            if let x = v.count(n, key: "missed", range: 1...1000) { d.dispatcher.missed = x }
        },
        FieldSpec("max-attempts", help: "Assignments a task may have; a task whose last worker is declared dead after that many is written off "
                      + "(`lost`, reason `lost-in-crash`).",
                  shape: .count(1...1000), default: "unlimited") { d, n, v in d.dispatcher.maxAttempts = v.count(n, key: "max-attempts", range: 1...1000) },
        FieldSpec("queue-limit", help: "Tasks that may wait for a free worker; a task that finds it full is rejected.",
                  shape: .count(queueLimit), default: "unlimited") { d, n, v in d.queueLimit = v.count(n, key: "queue-limit", range: queueLimit) },
    ]

    /// `kind: dispatcher`.
    static let dispatcherKind = ComponentKindSpec(
        name: "dispatcher", article: "a dispatcher", isLoadBalancer: false, fields: dispatcherFields,
        edges: { _ in [] },
        build: { d in
            guard let task = d.dispatcher.task, let heartbeat = d.dispatcher.heartbeat else { return nil }
            return .dispatcher(DispatcherConfig(workers: d.workers, task: task, heartbeat: heartbeat, missed: d.dispatcher.missed,
                                                maxAttempts: d.dispatcher.maxAttempts, queueLimit: d.queueLimit))
        },
        help: """
        A task dispatcher and its pool of workers, watched by heartbeats (a notification service's dispatcher). Each \
        request is a task: the dispatcher gives it to a worker it believes alive and idle, or queues it. Each worker sends a \
        heartbeat every `heartbeat`; after `missed` in a row fail to arrive, the dispatcher declares the worker dead and \
        queues its task again, ahead of new ones. Crash workers with `crash: NAME.worker-N`; `pause: NAME.worker-N` stops \
        one without killing it, so that a task reassigned during the pause is completed twice (`duplicates`). The report \
        gives reassignments, duplicates, lost tasks, the detection delay, heartbeats per second and the extra latency \
        of reassigned tasks.
        """)
}
