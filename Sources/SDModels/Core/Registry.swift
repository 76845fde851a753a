import SDConfig

/// Where each kind of component becomes running nodes. One line per kind; the node classes live
/// in files of their own.
extension ComponentKind {
    /// A new node of this kind named `name` in group `group`.
    func makeNode(name: String, group: String, model: Model) -> Node {
        switch self {
        case .server(let c): return Server(name: name, group: group, model: model, config: c)
        case .cache(let c):
            if let keyed = c.keyed { return KeyedCache(name: name, group: group, model: model, config: c, keyed: keyed) }
            return Cache(name: name, group: group, model: model, config: c)
        case .loadBalancer(let c): return LoadBalancer(name: name, group: group, model: model, config: c)
        case .gateway(let c): return Router(name: name, group: group, model: model, config: c, mediatesReplies: false)
        case .bus(let c): return Router(name: name, group: group, model: model, config: c, mediatesReplies: true)
        case .database(let c): return Database(name: name, group: group, model: model, config: c)
        case .queue(let c): return MessageQueue(name: name, group: group, model: model, config: c)
        case .polledTable(let c): return PolledTable(name: name, group: group, model: model, config: c)
        case .objectStore(let c): return ObjectStore(name: name, group: group, model: model, config: c)
        case .feedService(let c): return FeedService(name: name, group: group, model: model, config: c)
        case .cdn(let c): return CDN(name: name, group: group, model: model, config: c)
        case .kvStore(let c): return KVStore(name: name, group: group, model: model, config: c)
        case .dispatcher(let c): return Dispatcher(name: name, group: group, model: model, config: c)
        }
    }
}
