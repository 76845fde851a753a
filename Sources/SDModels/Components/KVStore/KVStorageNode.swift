import SDEngine
import SDMetrics
import SDConfig

/// One storage node of a ``KVStore``: a queueing station (a ``WorkerPool`` of `node-workers` and
/// an unlimited FIFO line) that serves replica operations, each for `replica-service`. It is not
/// a ``Node`` of its own: the store moves replica operations to it without network hops and
/// drives it with its own events, as a ``Database`` drives its ``DatabaseStation``s.
final class KVStorageNode {
    /// Report name (`kv.node-3`).
    let name: String
    /// Its service time draws.
    let stream: RandomStream
    /// The workers and the line of replica operations (job ids of the store).
    var pool: WorkerPool

    init(name: String, workers: Int, model: Model) {
        self.name = name
        stream = model.stream(for: name)
        pool = WorkerPool(workers: workers, warmupEnd: model.warmupEnd)
    }

    /// This node's report row.
    func result(group: String, window: SimDuration, end: SimTime) -> ComponentResult {
        pool.row(name: name, kind: "storage-node", group: group, window: window, end: end)
    }
}
