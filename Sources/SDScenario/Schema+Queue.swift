import SDEngine
import SDConfig
import Yams

/// What `dead-letter:` says: `true`/`false`, or the name of the queue that receives them.
enum DeadLetterDraft {
    case flag(Bool)
    case queue(Reference)
}

/// The keys of `kind: queue` and `kind: polled-table`.
extension Schema {
    // MARK: Queue keys

    /// The enqueue API's time; optional for a queue (default: no time at all).
    static let enqueueService = FieldSpec<ComponentDraft>(
        "service", help: "Time for the enqueue API to accept one message.", shape: .distribution(.duration), default: "no time") { d, n, v in
        d.service = v.distribution(n, key: "service", of: .duration)
    }
    static let consumers = FieldSpec<ComponentDraft>(
        "consumers", help: "Consumer workers (0: nobody consumes, as for a dead-letter queue).", shape: .count(0...1_000_000),
        default: "1") { d, n, v in
        if let x = v.count(n, key: "consumers", range: 0...1_000_000) { d.consumers = x }
    }
    /// Processing time; a queue checks it is there when it has consumers.
    static let process = FieldSpec<ComponentDraft>(
        "process", help: "Processing time of one message, before its calls; required when `consumers` > 0.",
        shape: .distribution(.duration)) { d, n, v in
        d.process = v.distribution(n, key: "process", of: .duration)
    }
    static let requiredProcess = FieldSpec<ComponentDraft>(
        "process", required: true, example: "process: exponential(50ms)", help: "Processing time of one row, before its calls.",
        shape: .distribution(.duration)) {
        d, n, v in d.process = v.distribution(n, key: "process", of: .duration)
    }
    static let visibilityTimeout = FieldSpec<ComponentDraft>(
        "visibility-timeout", help: "How long a received message stays invisible; unacknowledged, it is then delivered again.",
        shape: .duration(positive: true), default: "30s") { d, n, v in
        if let t = v.duration(n, key: "visibility-timeout", positive: true) { d.visibilityTimeout = t }
    }
    static let maxReceives = FieldSpec<ComponentDraft>(
        "max-receives", help: "A message received this many times that comes back is dead-lettered; needs `dead-letter`.",
        shape: .count(1...1_000), default: "no limit") { d, n, v in
        d.maxReceives = v.count(n, key: "max-receives", range: 1...1_000)
    }
    static let deadLetter = FieldSpec<ComponentDraft>(
        "dead-letter", help: "Where dead-lettered messages go: `true` only counts them, a queue's name moves them there. Needs `max-receives`.",
        shape: .anyOf([.flag, .name])) { d, n, v in
        d.deadLetterNode = n
        guard let text = v.scalarText(n, key: "dead-letter", expected: "true, false or the name of a queue") else { return }
        switch text {
        case "true", "yes", "on": d.deadLetter = .flag(true)
        case "false", "no", "off": d.deadLetter = .flag(false)
        default: d.deadLetter = .queue(Reference(name: text, node: n))
        }
    }
    static let failureRate = FieldSpec<ComponentDraft>(
        "failure-rate", help: "Probability that a processing attempt fails without acknowledging.", shape: .fraction, default: "0") { d, n, v in
        if let x = v.fraction(n, key: "failure-rate") { d.failureRate = x }
    }
    static let sampleEvery = FieldSpec<ComponentDraft>(
        "sample-every", help: "Interval of the depth series (`series.depth` in JSON), from the end of the warm-up.",
        shape: .duration(positive: true), default: "1s") { d, n, v in
        if let t = v.duration(n, key: "sample-every", positive: true) { d.sampleEvery = t }
    }

    /// `kind: queue`.
    static let queueKind = ComponentKindSpec(
        name: "queue", article: "a queue", isLoadBalancer: false,
        fields: [kind, workersField, enqueueService, queueLimitField, consumers, process, calls, visibilityTimeout,
                 maxReceives, deadLetter, failureRate, sampleEvery, replicasField],
        edges: { d in
            var out = d.calls.map { (key: "calls", ref: $0) }
            if case .queue(let ref)? = d.deadLetter { out.append((key: "dead-letter", ref: ref)) }
            return out
        },
        build: { d in
            guard d.consumers == 0 || d.process != nil else { return nil }
            var dlq: String?
            if case .queue(let ref)? = d.deadLetter { dlq = ref.name }
            return .queue(QueueConfig(workers: d.workers, service: d.service ?? .constant(0), queueLimit: d.queueLimit,
                                      consumers: d.consumers, process: d.process ?? .constant(0), calls: d.calls.map(\.name),
                                      visibilityTimeout: d.visibilityTimeout, maxReceives: d.maxReceives,
                                      deadLetterQueue: dlq, failureRate: d.failureRate, sampleEvery: d.sampleEvery))
        },
        check: { d, mapping, v in
            let place = " in component '\(d.name)'"
            if d.consumers > 0 && Validator.value(of: "process", in: mapping) == nil {
                let how = Validator.value(of: "consumers", in: mapping) == nil ? "it has 1 consumer by default" : "its consumers need it"
                v.error("missing required key 'process'\(place) (\(how)); add e.g. 'process: exponential(50ms)', or 'consumers: 0' for a queue nobody reads",
                        at: d.keyNode)
            }
            let limited = Validator.value(of: "max-receives", in: mapping) != nil
            if let node = d.deadLetterNode, case .flag(let on)? = d.deadLetter {
                if on && !limited {
                    v.error("'dead-letter' needs 'max-receives'\(place): a message is dead-lettered after that many receives; add e.g. 'max-receives: 5'",
                            at: node)
                }
                if !on && limited {
                    v.error("'dead-letter: false' cannot be used with 'max-receives'\(place): messages that reach the limit must go somewhere; write 'dead-letter: true' to count them or name a queue to move them to",
                            at: node)
                }
            }
            if let node = d.deadLetterNode, case .queue? = d.deadLetter, !limited {
                v.error("'dead-letter' needs 'max-receives'\(place): a message is dead-lettered after that many receives; add e.g. 'max-receives: 5'",
                        at: node)
            }
        },
        edgeTargetKinds: [(key: "dead-letter", kinds: ["queue"])],
        help: """
        An SQS-like message queue. A producer's request is stored as a message by the enqueue API (`workers`, \
        `service`, `queue-limit`) and goes on along its route at once. Consumers long-poll: an idle consumer receives \
        the oldest visible message the moment there is one, keeps it invisible for `visibility-timeout`, processes it \
        (`process`, then its `calls`) and acknowledges it. A failed attempt is not acknowledged, so the message is \
        delivered again after the timeout.
        """)

    // MARK: Polled-table keys

    static let pollers = FieldSpec<ComponentDraft>(
        "pollers", help: "Polling workers.", shape: .count(1...1_000_000), default: "1") { d, n, v in
        if let x = v.count(n, key: "pollers", range: 1...1_000_000) { d.pollers = x }
    }
    static let pollInterval = FieldSpec<ComponentDraft>(
        "poll-interval", required: true, example: "poll-interval: 1s", help: "Each poller polls once per interval.",
        shape: .duration(positive: true)) { d, n, v in
        d.pollInterval = v.duration(n, key: "poll-interval", positive: true)
    }
    static let pollService = FieldSpec<ComponentDraft>(
        "poll-service", required: true, example: "poll-service: exponential(10ms)",
        help: "Time of one poll query, whether or not it finds rows.", shape: .distribution(.duration)) {
        d, n, v in d.pollService = v.distribution(n, key: "poll-service", of: .duration)
    }
    static let batch = FieldSpec<ComponentDraft>(
        "batch", help: "Most rows one poll takes; after a full batch the poller polls again at once.", shape: .count(1...1_000_000),
        default: "10") { d, n, v in
        if let x = v.count(n, key: "batch", range: 1...1_000_000) { d.batch = x }
    }

    /// `kind: polled-table`.
    static let polledTableKind = ComponentKindSpec(
        name: "polled-table", article: "a polled table", isLoadBalancer: false,
        fields: [kind, workersField, service, pollers, pollInterval, pollService, batch, requiredProcess, calls, replicasField],
        edges: { d in d.calls.map { (key: "calls", ref: $0) } },
        build: { d in
            guard let service = d.service, let interval = d.pollInterval, let pollService = d.pollService,
                  let process = d.process else { return nil }
            return .polledTable(PolledTableConfig(workers: d.workers, service: service, pollers: d.pollers,
                                                  pollInterval: interval, pollService: pollService, batch: d.batch,
                                                  process: process, calls: d.calls.map(\.name)))
        },
        help: """
        A database table used as a queue. Producers insert rows (`workers`, `service`). Each poller polls every \
        `poll-interval` on a fixed grid, costing `poll-service`, takes up to `batch` of the oldest rows and processes \
        them one by one (`process`, then `calls`). A polled table has no `queue-limit`.
        """)
}
