import DequeModule
import SDEngine
import SDMetrics
import SDConfig

/// `kind: dispatcher`: a task dispatcher and its pool of workers, watched by heartbeats (the task
/// dispatcher of a notification service).
///
/// A request is a task. The dispatcher gives it to a worker it believes alive and idle (in turn),
/// or queues it (FIFO) until one is free; the worker runs it for a draw of `task` and reports the
/// completion, and the request goes on along its route. Worker `i` (`NAME.worker-i`) sends a
/// heartbeat at `φᵢ + n·h` for n = 0, 1, …, its phase φᵢ drawn uniform on [0, h) at the start. At
/// each of those instants the dispatcher counts a heartbeat that fails to arrive (the worker is
/// crashed or paused) as missed; at the `missed`-th (k-th) in a row it declares the worker dead and
/// queues the worker's task again, ahead of new tasks, to run from the start on another worker.
///
/// Detection delay. A crash at time c falls between two heartbeats g ≤ c < g + h; the beats at
/// g + h, …, g + kh are missed, so the worker is declared dead at g + kh, a delay of kh − (c − g).
/// With the crash independent of the phase, c − g is uniform on [0, h), and the delay is uniform on
/// ((k − 1)h, kh], with mean (k − ½)h.
///
/// A paused worker (`pause:` in `failures:`, a GC pause or a frozen VM) sends nothing and does no
/// work; when the pause ends it carries on with its task where it stopped. A pause that spans k
/// heartbeat instants gets the worker declared dead, its task runs again elsewhere, and both copies
/// complete: the second completion is a duplicate. A pause of length D spans ⌊D/h⌋ or ⌈D/h⌉
/// instants, so it is detected for certain when D ≥ kh, never when D ≤ (k − 1)h, and in between
/// with probability (D − (k − 1)h)/h. A worker that beats again (or reports a completion) after
/// being declared dead rejoins the pool; a worker that beats with a new incarnation (it restarted
/// before it was declared dead) lost its task, which is queued again at once.
///
/// The dispatcher itself does not fail (`crash: NAME` crashes every worker) and never cancels a
/// copy of a task that is still running. Heartbeats and task messages take no time.
public final class Dispatcher: Node, WorkerParts {
    /// The configuration.
    public let config: DispatcherConfig
    private let stream: RandomStream
    private let warmupNs: Int64
    private let heartbeatNs: Int64

    /// One worker as it is, and as the dispatcher sees it.
    struct Worker {
        // As it is.
        var crashed = false
        var paused = false
        /// Increases at each crash; its heartbeats carry it.
        var incarnation: UInt32 = 0
        /// The task it runs (−1: idle), how much of it is left when paused, and when the current
        /// stretch of running began.
        var run: Int32 = -1
        var leftNs: Int64 = 0
        var runSince: Int64 = 0
        /// The work its current run of the task takes in all (for the work wasted).
        var workNs: Int64 = 0
        /// Increases whenever a scheduled completion no longer stands (crash, pause).
        var token: UInt32 = 0
        /// When it last stopped (crash or pause), for the detection delay.
        var stoppedAt: Int64 = 0
        // As the dispatcher sees it.
        var believedAlive = true
        var assigned: Int32 = -1
        var missedInARow = 0
        var seenIncarnation: UInt32 = 0
    }

    /// One task (a request held until its first completion).
    struct Task {
        var request: Int32 = -1
        var arrivedAt: Int64 = 0
        var assignments = 0
        var runners = 0
        var done = false
        var queued = false
        var reassigned = false
        var measured = false
        /// Written off after `max-attempts` (also `done`).
        var writtenOff = false
    }

    private var workers: [Worker]
    private var tasks: [Task] = []
    private var freeTasks: [Int32] = []
    private var line = Deque<Int32>()
    private var nextWorker = 0

    // Figures over the window.
    private var arrivals = 0, rejected = 0, firstCompletions = 0
    private var reassignments = 0, reassignedTasks = 0, duplicates = 0, lost = 0
    private var detections = 0, falseSuspicions = 0, restartsNoticed = 0, heartbeats = 0, taskMessages = 0
    private var detectionDelays = Tally()
    private var detectionMinNs: Int64 = .max
    private var waits = Tally(), responses = Tally(), plainLatency = Tally(), reassignedLatency = Tally()
    private var duplicateWorkNs: Int64 = 0, lostWorkNs: Int64 = 0
    private var busy: TimeAverage
    private var queued: TimeAverage

    /// Its own events (numbered from ``NodeEvent/firstPrivate``).
    enum Event: Int32, CaseIterable {
        /// A worker's heartbeat instant (arg: worker index).
        case heartbeat = 2
        /// A worker finishes its task (arg: token << 32 | worker index).
        case taskDone
    }

    /// A dispatcher with `config.workers` workers.
    public init(name: String, group: String, model: Model, config: DispatcherConfig) {
        self.config = config
        stream = model.stream(for: name)
        warmupNs = model.warmupEnd.ns
        heartbeatNs = config.heartbeat.ns
        workers = Array(repeating: Worker(), count: config.workers)
        busy = TimeAverage(start: model.warmupEnd)
        queued = TimeAverage(start: model.warmupEnd)
        super.init(name: name, group: group, model: model)
    }

    /// Each worker's first heartbeat, at its phase.
    public override func start() {
        for w in workers.indices {
            let phase = min(Int64(stream.uniform() * Double(heartbeatNs)), heartbeatNs - 1)
            sim.schedule(at: SimTime(ns: phase), to: id, kind: Event.heartbeat.rawValue, arg: Int64(w))
        }
    }

    private var measuring: Bool { sim.now.ns >= warmupNs }

    // MARK: Tasks

    public override func receive(_ request: Int32) {
        let now = sim.now.ns
        let measured = now >= warmupNs
        if measured { arrivals += 1 }
        if let limit = config.queueLimit, line.count >= limit, availableWorker() == nil {
            if measured { rejected += 1 }
            return model.reject(request, at: self)
        }
        let t = newTask(Task(request: request, arrivedAt: now, measured: measured))
        enqueue(t, front: false)
        dispatch()
    }

    private func newTask(_ task: Task) -> Int32 {
        if let t = freeTasks.popLast() { tasks[Int(t)] = task; return t }
        tasks.append(task)
        return Int32(tasks.count - 1)
    }

    /// Frees the task's slot once it is done, out of the line and run by no worker.
    private func recycle(_ t: Int32) {
        let task = tasks[Int(t)]
        if task.done && !task.queued && task.runners == 0 { freeTasks.append(t) }
    }

    private func enqueue(_ t: Int32, front: Bool) {
        tasks[Int(t)].queued = true
        if front { line.prepend(t) } else { line.append(t) }
        queued.set(Double(line.count), at: sim.now)
    }

    /// A worker the dispatcher believes alive and idle, in turn from the one after the last chosen.
    private func availableWorker() -> Int? {
        let n = workers.count
        for i in 0..<n {
            let w = (nextWorker + i) % n
            if workers[w].believedAlive && workers[w].assigned < 0 { return w }
        }
        return nil
    }

    /// Gives queued tasks to available workers.
    private func dispatch() {
        while let t = line.first {
            if tasks[Int(t)].done {
                // Completed by a worker thought dead while it waited to run again.
                line.removeFirst(); tasks[Int(t)].queued = false; recycle(t)
                continue
            }
            guard let w = availableWorker() else { break }
            line.removeFirst()
            tasks[Int(t)].queued = false
            nextWorker = (w + 1) % workers.count
            assign(t, to: w)
        }
        queued.set(Double(line.count), at: sim.now)
    }

    private func assign(_ t: Int32, to w: Int) {
        let now = sim.now.ns
        if tasks[Int(t)].assignments == 0 && tasks[Int(t)].measured { waits.add(Double(now - tasks[Int(t)].arrivedAt) / 1e9) }
        tasks[Int(t)].assignments += 1
        workers[w].assigned = t
        if measuring { taskMessages += 1 }
        // The message reaches the worker as it really is: a crashed one never runs it.
        guard !workers[w].crashed else { return }
        precondition(workers[w].run < 0, "a worker the dispatcher thought idle is running a task")
        var work = config.task.sampleDuration(stream)
        if slowFactor != 1 { work = work.scaled(by: slowFactor) }
        workers[w].run = t
        workers[w].leftNs = work.ns
        workers[w].workNs = work.ns
        tasks[Int(t)].runners += 1
        if !workers[w].paused { resume(w) }
    }

    /// The worker runs (again) the rest of its task.
    private func resume(_ w: Int) {
        workers[w].runSince = sim.now.ns
        workers[w].token &+= 1
        setBusy(+1)
        sim.schedule(after: SimDuration(ns: workers[w].leftNs), to: id, kind: Event.taskDone.rawValue,
                     arg: Int64(workers[w].token) << 32 | Int64(w))
    }

    /// The worker stops running its task (a crash or a pause): returns whether it was running.
    @discardableResult private func halt(_ w: Int) -> Bool {
        guard workers[w].run >= 0, !workers[w].paused, !workers[w].crashed else { return false }
        workers[w].leftNs -= sim.now.ns - workers[w].runSince
        workers[w].token &+= 1
        setBusy(-1)
        return true
    }

    private var busyCount = 0
    private func setBusy(_ delta: Int) {
        busyCount += delta
        busy.set(Double(busyCount), at: sim.now)
    }

    private func taskDone(_ w: Int) {
        let now = sim.now.ns
        let t = workers[w].run
        precondition(t >= 0)
        workers[w].run = -1
        setBusy(-1)
        tasks[Int(t)].runners -= 1
        heard(from: w)
        if workers[w].assigned == t { workers[w].assigned = -1 }
        if measuring { taskMessages += 1 }
        if tasks[Int(t)].writtenOff {
            // Finished after it was written off: nobody waits for it any more.
        } else if tasks[Int(t)].done {
            if tasks[Int(t)].measured { duplicates += 1; duplicateWorkNs += workers[w].workNs }
        } else {
            tasks[Int(t)].done = true
            let task = tasks[Int(t)]
            if task.measured {
                firstCompletions += 1
                let latency = Double(now - task.arrivedAt) / 1e9
                responses.add(latency)
                if task.reassigned { reassignedLatency.add(latency) } else { plainLatency.add(latency) }
            }
            model.finish(task.request, at: self)
        }
        recycle(t)
        dispatch()
    }

    // MARK: Heartbeats and detection

    /// A message from worker `w` arrived: it is alive; a worker declared dead rejoins with the
    /// task it is still running.
    private func heard(from w: Int) {
        workers[w].missedInARow = 0
        if !workers[w].believedAlive {
            workers[w].believedAlive = true
            workers[w].assigned = workers[w].run
        }
    }

    private func heartbeatInstant(_ w: Int) {
        sim.schedule(after: SimDuration(ns: heartbeatNs), to: id, kind: Event.heartbeat.rawValue, arg: Int64(w))
        if workers[w].crashed || workers[w].paused {
            workers[w].missedInARow += 1
            if workers[w].believedAlive && workers[w].missedInARow >= config.missed { declareDead(w) }
            return
        }
        if measuring { heartbeats += 1 }
        if workers[w].seenIncarnation != workers[w].incarnation {
            // It restarted before it was declared dead: the task it had before is gone (the
            // heartbeat names the task it runs now, perhaps one given to it since the restart).
            workers[w].seenIncarnation = workers[w].incarnation
            if workers[w].believedAlive {
                if measuring { restartsNoticed += 1 }
                if workers[w].assigned != workers[w].run {
                    requeue(workers[w].assigned)
                    workers[w].assigned = workers[w].run
                }
            }
        }
        heard(from: w)
        dispatch()
    }

    /// The dispatcher finds out that worker `w` stopped (a false suspicion: it is only paused).
    private func recordDetection(_ w: Int, falseSuspicion: Bool) {
        guard measuring else { return }
        let delay = sim.now.ns - workers[w].stoppedAt
        detections += 1
        if falseSuspicion { falseSuspicions += 1 }
        detectionDelays.add(Double(delay) / 1e9)
        detectionMinNs = min(detectionMinNs, delay)
    }

    private func declareDead(_ w: Int) {
        recordDetection(w, falseSuspicion: !workers[w].crashed)
        workers[w].believedAlive = false
        let t = workers[w].assigned
        workers[w].assigned = -1
        requeue(t)
        dispatch()
    }

    /// Queues task `t` (if any and not done) to run again, or writes it off after `max-attempts`.
    private func requeue(_ t: Int32) {
        guard t >= 0, !tasks[Int(t)].done, !tasks[Int(t)].queued else { return }
        let measured = tasks[Int(t)].measured
        if let limit = config.maxAttempts, tasks[Int(t)].assignments >= limit {
            tasks[Int(t)].done = true
            tasks[Int(t)].writtenOff = true
            if measured { lost += 1 }
            model.reject(tasks[Int(t)].request, at: self, reason: .lostInCrash)
            return recycle(t)
        }
        if measured {
            reassignments += 1
            if !tasks[Int(t)].reassigned { reassignedTasks += 1 }
        }
        tasks[Int(t)].reassigned = true
        enqueue(t, front: true)
    }

    public override func handlePrivate(kind: Int32, arg: Int64) {
        let w = Int(Int32(truncatingIfNeeded: arg))
        switch kind {
        case Event.heartbeat.rawValue: heartbeatInstant(w)
        case Event.taskDone.rawValue:
            if UInt32(truncatingIfNeeded: arg >> 32) == workers[w].token && !workers[w].crashed && !workers[w].paused { taskDone(w) }
        default: preconditionFailure("unknown event \(kind)")
        }
    }

    // MARK: Failures of workers

    public override var crashesInParts: Bool { true }

    /// The worker a part name (`worker-3`) means, if any.
    private func worker(_ part: String) -> Int? {
        guard part.hasPrefix("worker-"), let i = Int(part.dropFirst("worker-".count)), i >= 1, i <= workers.count else { return nil }
        return i - 1
    }

    public override func hasPart(_ part: String) -> Bool { worker(part) != nil }

    var workerParts: [String] { workers.indices.map { "worker-\($0 + 1)" } }

    /// The workers a part name means: one, or all of them (nil: a crash of the whole dispatcher).
    private func targets(_ part: String?) -> [Int] { part.flatMap(worker).map { [$0] } ?? Array(workers.indices) }

    public override func crashPart(_ part: String?) {
        for w in targets(part) where !workers[w].crashed {
            if workers[w].run >= 0 {
                let t = workers[w].run
                halt(w)
                if tasks[Int(t)].measured { lostWorkNs += workers[w].workNs - workers[w].leftNs }
                tasks[Int(t)].runners -= 1
                workers[w].run = -1
                recycle(t)
            }
            // A paused worker stopped when its pause began.
            if !workers[w].paused { workers[w].stoppedAt = sim.now.ns }
            workers[w].crashed = true
            workers[w].paused = false
            workers[w].incarnation &+= 1
        }
    }

    public override func restartPart(_ part: String?) {
        for w in targets(part) { workers[w].crashed = false }
    }

    /// A pause starts (or ends) for a worker, or for every worker.
    public func pausePart(_ part: String?, starting: Bool) {
        for w in targets(part) where !workers[w].crashed && workers[w].paused != starting {
            if starting {
                halt(w)
                workers[w].paused = true
                workers[w].stoppedAt = sim.now.ns
            } else {
                workers[w].paused = false
                if workers[w].run >= 0 { resume(w) }
            }
        }
    }

    // MARK: Results

    /// Its figures over the window. The row's workers are the pool; utilization is the mean
    /// fraction of workers running a task (duplicates included); wait is the time to the first
    /// assignment; response the time to the first completion. `extra`, in this order: `tasks`,
    /// `reassigned` (reassignments), `reassigned_tasks` (tasks reassigned at least once),
    /// `duplicates` (completions after the first), `lost` (written off after `max-attempts`),
    /// `detections` (workers declared dead), `false_suspicions` (of them, workers only paused),
    /// `restarts_noticed` (workers that came back before they were declared dead: the heartbeat of
    /// the new incarnation gets the task they lost reassigned at once), `detection_delay_mean`,
    /// `detection_delay_min`, `detection_delay_max` (from the crash or pause to the declaration),
    /// `heartbeats_per_second`, `task_messages_per_second` (assignments and completions),
    /// `heartbeat_share` (of the messages the dispatcher receives and sends), `latency_plain_mean`,
    /// `latency_reassigned_mean`, `latency_reassign_extra` (their difference),
    /// `duplicate_work_seconds` and `lost_work_seconds` (worker time spent on duplicate runs, and
    /// on runs a crash cut short). A mean of nothing is NaN.
    public override func result(window: SimDuration, end: SimTime) -> ComponentResult? {
        let seconds = max(window.seconds, 1e-300)
        func mean(_ t: Tally) -> Double { t.count > 0 ? t.mean : .nan }
        var r = ComponentResult(
            name: name, kind: "dispatcher", group: name == group ? nil : group, isGroup: false, workers: workers.count,
            utilization: busy.average(until: end) / Double(workers.count), throughput: Double(firstCompletions) / seconds,
            queueLengthMean: queued.average(until: end), waitMean: waits.mean, responseMean: responses.mean, hitRatio: nil,
            arrived: arrivals, completed: firstCompletions, rejected: rejected)
        let messages = heartbeats + taskMessages
        r.extra = [
            ("tasks", Double(arrivals)), ("reassigned", Double(reassignments)),
            ("reassigned_tasks", Double(reassignedTasks)), ("duplicates", Double(duplicates)), ("lost", Double(lost)),
            ("detections", Double(detections)), ("false_suspicions", Double(falseSuspicions)),
            ("restarts_noticed", Double(restartsNoticed)),
            ("detection_delay_mean", mean(detectionDelays)),
            ("detection_delay_min", detections > 0 ? Double(detectionMinNs) / 1e9 : .nan),
            ("detection_delay_max", detections > 0 ? detectionDelays.max : .nan),
            ("heartbeats_per_second", Double(heartbeats) / seconds), ("task_messages_per_second", Double(taskMessages) / seconds),
            ("heartbeat_share", messages > 0 ? Double(heartbeats) / Double(messages) : .nan),
            ("latency_plain_mean", mean(plainLatency)), ("latency_reassigned_mean", mean(reassignedLatency)),
            ("latency_reassign_extra", plainLatency.count > 0 && reassignedLatency.count > 0 ? reassignedLatency.mean - plainLatency.mean : .nan),
            ("duplicate_work_seconds", Double(duplicateWorkNs) / 1e9), ("lost_work_seconds", Double(lostWorkNs) / 1e9),
        ]
        return r
    }
}

