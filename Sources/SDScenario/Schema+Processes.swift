import SDEngine
import SDConfig
import Yams

/// A server's processes, threads and process lock, and its CPU in segments around its calls.
extension Schema {
    /// `processes: 2`: the server runs as this many processes, each with `threads` threads (thread-per-request).
    static let processesField = FieldSpec<ComponentDraft>(
        "processes", help: "Processes the server runs as, each with `threads` threads (a thread per request); a request "
            + "takes a thread in the process with the most threads free.",
        shape: .count(1...10_000), default: "1") { d, n, v in
        if let x = v.count(n, key: "processes", range: 1...10_000) { d.processes = x }
    }
    /// `threads: 8`: threads in each process (or concurrent requests of one event loop).
    static let threadsField = FieldSpec<ComponentDraft>(
        "threads", help: "Threads in each process (for an event loop, the requests it serves at once). Replaces `workers` "
            + "(workers = processes × threads) and implies `mode: thread-per-request`.",
        shape: .count(1...100_000)) { d, n, v in
        if let x = v.count(n, key: "threads", range: 1...100_000) { d.threads = x }
    }
    /// `process-lock: true`: each process has one lock a thread holds while it computes (Python's
    /// interpreter lock, a Node or asyncio event loop), re-acquired after every call returns.
    static let processLockField = FieldSpec<ComponentDraft>(
        "process-lock", help: "Whether each process has one lock that a thread holds while it computes (Python's interpreter "
            + "lock, a Node or asyncio event loop), taken again after every call returns: the threads of a process wait for "
            + "each other's CPU, not for each other's calls.",
        shape: .flag, default: "false") { d, n, v in
        if let b = v.bool(n, key: "process-lock") { d.processLock = b }
    }
    /// `switch-interval: 5ms`: with a process lock, a thread computes at most this long while another waits.
    static let switchIntervalField = FieldSpec<ComponentDraft>(
        "switch-interval", help: "With `process-lock: true`: how long a thread computes before it hands the lock to a "
            + "waiting thread and queues for it again behind the waiters, as CPython does every `sys.getswitchinterval()` "
            + "(5ms). Without it a thread keeps the lock until its piece of CPU is done (an event loop).",
        shape: .duration(positive: true), default: "none") { d, n, v in
        d.switchInterval = v.duration(n, key: "switch-interval", positive: true)
    }
    /// `after-calls: [constant(0.3ms), exponential(0.5ms)]`: CPU after each call returns, one per call; `service` is the CPU before the first.
    static let afterCallsField = FieldSpec<ComponentDraft>(
        "after-calls", help: "CPU after each call returns, one entry per call: with `service` (the CPU before the first call), "
            + "the request's CPU in segments around its calls. Needs a thread per request.",
        shape: .list(.distribution(.duration), nonEmpty: true), default: "none") { d, n, v in
        guard case .sequence(let items) = n else {
            v.error("'after-calls' must be a list of durations or distributions, one per call, such as '[constant(0.5ms), exponential(1ms)]'", at: n)
            return
        }
        var out: [Distribution] = []
        for item in items {
            guard let x = v.distribution(item, key: "after-calls", of: .duration) else { return }
            out.append(x)
        }
        d.afterCalls = out; d.afterCallsNode = n
    }
    /// `call-cost: constant(0.1ms)`: CPU the server spends on each of its calls (its client library), paid when the answer comes back.
    static let callCostField = FieldSpec<ComponentDraft>(
        "call-cost", help: "CPU the server spends on each of its calls (its client library: encode, send, parse the answer), "
            + "paid when the answer comes back. Needs a thread per request.",
        shape: .distribution(.duration), default: "none") { d, n, v in
        d.callCost = v.distribution(n, key: "call-cost", of: .duration)
    }

    static let processFields = [processesField, threadsField, processLockField, switchIntervalField, afterCallsField, callCostField]
}

extension Validator {
    /// The keys of a server that go together: `threads` and `processes` with `workers` and
    /// `mode`, and CPU after calls with calls, a thread per request and no transaction.
    func checkServerProcesses(_ d: ComponentDraft, _ mapping: YAMLNode.Mapping) {
        let place = " in component '\(d.name)'"
        func keyNode(_ key: String) -> YAMLNode? { mapping.first { $0.key.scalar?.string == key }?.key }
        let threaded = keyNode("processes") ?? keyNode("threads") ?? keyNode("process-lock")
        if let t = threaded {
            if let w = keyNode("workers") {
                error("'workers' and 'processes'/'threads' cannot be used together\(place); the workers are processes × threads", at: w)
            }
            if let m = keyNode("mode"), d.mode != .threadPerRequest {
                error("a server with processes and threads runs a thread per request\(place); remove 'mode'", at: m)
            }
            if let a = keyNode("atomic"), d.atomic {
                error("'atomic' transactions are not modelled for a server with processes and threads\(place)", at: a)
            }
            if keyNode("threads") == nil {
                error("missing 'threads'\(place): how many threads each process has (1 for a single-threaded process)", at: t)
            }
            if let threads = d.threads, d.processes * threads > Schema.workers.upperBound {
                error("'processes' × 'threads' is \(d.processes * threads)\(place); at most \(Schema.workers.upperBound) "
                      + "requests are served in parallel, like 'workers'", at: keyNode("threads") ?? t)
            }
        }
        if let s = keyNode("switch-interval"), !d.processLock {
            error("'switch-interval' is the interval of a process lock\(place); add 'process-lock: true' or remove it", at: s)
        }
        let segmented = keyNode("after-calls") ?? keyNode("call-cost")
        if let s = segmented {
            if threaded == nil && d.mode != .threadPerRequest {
                error("CPU after calls needs the thread that made them\(place); add 'mode: thread-per-request' or 'threads'", at: s)
            }
            if d.atomic { error("CPU after calls cannot be combined with 'atomic'\(place)", at: s) }
            if d.calls.isEmpty { error("'\(s.scalar?.string ?? "after-calls")' needs 'calls'\(place)", at: s) }
        }
        if let n = d.afterCallsNode, !d.calls.isEmpty, d.afterCalls.count != d.calls.count {
            error("'after-calls' has \(d.afterCalls.count) entries and 'calls' \(d.calls.count)\(place); give one per call", at: n)
        }
    }
}
