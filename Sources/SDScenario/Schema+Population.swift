import SDEngine
import SDConfig
import Yams

/// What has been read of `population:`.
struct PopulationDraft {
    var node: YAMLNode
    var users: Int?
    var dailyActive = 1.0
    var dailyCycle = 1.0
    var weeklyCycle = 1.0
    var peakHour = 20.0
    var startHour: Double?
    var activities: [ActivityDraft] = []
    var followers = FollowerLaw(exponent: 2.3)
    var celebrities = 0
    var celebrityFollowers: (low: Double, high: Double) = (10e6, 50e6)
}

/// What has been read of one entry of `activities:`.
struct ActivityDraft {
    var node: YAMLNode
    var type: String?
    var typeNode: YAMLNode?
    var perUser: (perDay: Double, text: String)?
    var size: Distribution?
    var keys: KeyDistribution?
    var copies: [Double] = []
    var route: [Reference]?
    var isWrite: Bool?
    var payloads: [PayloadDraft] = []
    var timeout: SimDuration?
    var retry: RetryPolicy?
}

/// The keys of `population:` and of `kind: feed-service`.
extension Schema {
    /// Period words of a per-user rate and their length in days.
    static let perUserPeriods: [(names: [String], days: Double)] = [
        (["hour", "h"], 1.0 / 24), (["day", "d"], 1), (["week", "w"], 7), (["month", "mo"], 30), (["year", "y"], 365),
    ]

    static let populationFields: [FieldSpec<PopulationDraft>] = [
        FieldSpec("users", required: true, example: "users: 10M", help: "Monthly active users; user ids are 1…users.",
                  shape: .count(1...10_000_000_000)) { d, n, v in
            d.users = v.count(n, key: "users", range: 1...10_000_000_000)
        },
        FieldSpec("daily-active", help: "Share of the users active on a day.", shape: .percentage, default: "100%") { d, n, v in if let x = v.percentage(n, key: "daily-active") { d.dailyActive = x } },
        FieldSpec("daily-cycle",
                  help: "Peak-to-mean ratio of the day, 1 to 2: λ(t) = λ̄·(1 + a·cos(2π(h − peak-hour)/24)) with a = daily-cycle − 1.",
                  shape: .number(atLeast: 1, atMost: 2), default: "1 (flat)") { d, n, v in if let x = v.cycle(n, key: "daily-cycle") { d.dailyCycle = x } },
        FieldSpec("weekly-cycle", help: "The same over 7 days (factor multiplied in); day 0 is the busiest day.",
                  shape: .number(atLeast: 1, atMost: 2), default: "1") { d, n, v in if let x = v.cycle(n, key: "weekly-cycle") { d.weeklyCycle = x } },
        FieldSpec("peak-hour", help: "Hour of the daily peak, 0 to 24.", shape: .number(atLeast: 0, atMost: 24), default: "20") { d, n, v in if let x = v.hour(n, key: "peak-hour", upTo: 24) { d.peakHour = x } },
        FieldSpec("start-hour",
                  help: "Hour that simulated time 0 stands for, 0 to 168, so a short run simulates the busiest minutes by default.",
                  shape: .number(atLeast: 0, atMost: 168), default: "`peak-hour`") { d, n, v in d.startHour = v.hour(n, key: "start-hour", upTo: 168) },
        FieldSpec("activities", required: true, example: "activities: [{type: feed-read, per-user: 20/day, route: [app]}]",
                  help: "What users do; each activity becomes a workload named after its `type`.",
                  shape: .list(.mapping(activityFields.docs()), nonEmpty: true)) {
            d, n, v in d.activities = v.readActivities(n)
        },
        FieldSpec("followers",
                  help: "Follower counts: `power-law(α)` or `power-law(α, MAX)`, density p(x) ∝ x^−α for x ≥ 1; α > 1, and above 2 without a maximum.",
                  shape: .form("a follower law", example: "power-law(2.3)", pattern: SchemaPatterns.powerLaw), default: "power-law(2.3)") { d, n, v in if let law = v.followerLaw(n, key: "followers") { d.followers = law } },
        FieldSpec("celebrities", help: "Users 1…N are celebrities; fewer than `users`.", shape: .count(0...100_000), default: "0") { d, n, v in if let x = v.count(n, key: "celebrities", range: 0...100_000) { d.celebrities = x } },
        FieldSpec("celebrity-followers",
                  help: "`[LOW, HIGH]`: a celebrity's follower count is uniform in this range, capped at users − 1.",
                  shape: .list(.count(1...10_000_000_000), nonEmpty: true), default: "[10M, 50M]") { d, n, v in if let r = v.countRange(n, key: "celebrity-followers") { d.celebrityFollowers = r } },
    ]

    static let activityFields: [FieldSpec<ActivityDraft>] = [
        FieldSpec("type", required: true, example: "type: upload",
                  help: "The activity's request type, unique; also the name of its workload.", shape: .text) { d, n, v in d.type = v.name(n, key: "type"); d.typeNode = n },
        FieldSpec("per-user", required: true, example: "per-user: 2/month",
                  help: "How often a daily-active user does it: `N/hour`, `/day`, `/week`, `/month` (30 days) or `/year` (365 days).",
                  shape: .form("a rate per user", example: "20/day", pattern: SchemaPatterns.perUser)) { d, n, v in d.perUser = v.perUserRate(n, key: "per-user") },
        FieldSpec("size", help: "Payload size of each request.", shape: .distribution(.size), default: "no payload") { d, n, v in
            d.size = v.distribution(n, key: "size", of: .size)
        },
        copiesField(ActivityDraft.self) { d, c in d.copies = c },
        FieldSpec("keys", help: "Which key each request reads or writes, as a workload's `keys`: the acting user's id by default, or "
                      + "another key space, such as the photos a photo view opens (`zipf(100M, 0.9)`: a few photos are viewed by many).",
                  shape: .keys, default: "uniform(users): the acting user's id") { d, n, v in d.keys = v.keys(n, key: "keys") },
        FieldSpec("route", required: true, example: "route: [lb, app]", help: "The components a request visits, in order.",
                  shape: .names) { d, n, v in d.route = v.references(n, key: "route") },
        FieldSpec("write", help: "Whether the requests change data.", shape: .flag, default: "from the type, as for `mix`") { d, n, v in
            d.isWrite = v.bool(n, key: "write")
        },
        payloadField(ActivityDraft.self) { d, p in d.payloads = p },
        FieldSpec("timeout", help: "How long a user's client waits for the response to one attempt, as a workload's `timeout`.",
                  shape: .duration(positive: true), default: "wait forever") { d, n, v in
            d.timeout = v.duration(n, key: "timeout", positive: true)
        },
        FieldSpec("retry", help: "What a user's client does after a failed attempt, as a workload's `retry` (mobile apps retry uploads "
                      + "with backoff, which rides out a database failover).",
                  shape: .mapping(Schema.retryFields.docs()), default: "no retries") { d, n, v in d.retry = v.readRetry(n) },
    ]

    // MARK: Feed service

    static let strategy = FieldSpec<ComponentDraft>(
        "strategy",
        help: "Push every post to every follower's feed; pull every followed account at read time; or push authors with at most "
            + "`celebrity-threshold` followers and pull the others.",
        shape: .choice(FeedStrategy.allCases.map(\.rawValue)), default: "fan-out-on-write") { d, n, v in
        let options = FeedStrategy.allCases.map { (name: $0.rawValue, value: $0) }
        if let s = v.choice(n, key: "strategy", noun: "strategy", plural: "strategies", options: options, place: " in component '\(d.name)'") {
            d.feed.strategy = s
        }
    }
    static let celebrityThreshold = FieldSpec<ComponentDraft>(
        "celebrity-threshold", help: "`strategy: hybrid` only: authors with more followers are pulled, not pushed.",
        shape: .count(1...10_000_000_000), default: "100k") { d, n, v in
        if let x = v.count(n, key: "celebrity-threshold", range: 1...10_000_000_000) { d.feed.celebrityThreshold = Double(x) }
    }
    static let perFollower = FieldSpec<ComponentDraft>(
        "per-follower", help: "Work per follower's feed written (batched writes amortised); at most 1s.", shape: .duration(positive: false),
        default: "50us") { d, n, v in
        if let t = v.duration(n, key: "per-follower", positive: false, atMost: "1s") { d.feed.perFollower = t.seconds }
    }
    static let perFollowee = FieldSpec<ComponentDraft>(
        "per-followee", help: "Work per followed account read at read time; at most 1s.", shape: .duration(positive: false), default: "200us") { d, n, v in
        if let t = v.duration(n, key: "per-followee", positive: false, atMost: "1s") { d.feed.perFollowee = t.seconds }
    }
    static let following = FieldSpec<ComponentDraft>(
        "following", help: "Accounts a reader follows, for `fan-out-on-read`.", shape: .count(0...10_000_000),
        default: "the mean follower count") { d, n, v in
        if let x = v.count(n, key: "following", range: 0...10_000_000) { d.feed.following = .constant(Double(x)) }
    }
    static let feedService = FieldSpec<ComponentDraft>(
        "service", help: "Base time of every request.", shape: .distribution(.duration), default: "constant(0s)") { d, n, v in
        d.service = v.distribution(n, key: "service", of: .duration)
    }

    static let feedCache = FieldSpec<ComponentDraft>(
        "feed-cache", help: "A keyed cache holding users' feeds, keyed by reader (the cache in front of feed reads). A post "
            + "touches the cached feeds of the author's followers: when the post is pushed (fan-out on write) they are updated "
            + "in place and stay valid; when it is left to be pulled they are invalidated, so their next read misses. "
            + "A replicated cache group may be named directly: each replica holds its share of the feeds (as behind a "
            + "`consistent-hash` load balancer) and a post touches the followers' feeds on every replica.",
        shape: .name, default: "none") { d, n, v in d.feedCache = v.reference(n, key: "feed-cache") }

    /// `kind: feed-service`.
    static let feedServiceKind = ComponentKindSpec(
        name: "feed-service", article: "a feed service", isLoadBalancer: false,
        fields: [kind, workersField, feedService, queueLimitField, strategy, celebrityThreshold, perFollower, perFollowee,
                 following, feedCache, replicasField],
        edges: { d in d.feedCache.map { [(key: "feed-cache", ref: $0)] } ?? [] },
        build: { d in
            var c = d.feed
            c.feedCache = d.feedCache?.name
            c.workers = d.workers
            c.service = d.service ?? .constant(0)
            c.queueLimit = d.queueLimit
            return .feedService(c)
        },
        check: { d, mapping, v in
            if d.feed.strategy != .hybrid, let node = mapping.first(where: { $0.key.scalar?.string == "celebrity-threshold" })?.key {
                v.error("'celebrity-threshold' has no effect with strategy '\(d.feed.strategy.rawValue)' in component '\(d.name)'; "
                        + "it applies to 'strategy: hybrid'", at: node)
            }
        },
        edgeTargetKinds: [(key: "feed-cache", kinds: ["cache"])],
        replicatedEdgeKeys: ["feed-cache"],
        help: """
        Builds news feeds from the population's follower graph (a scenario with a feed service needs `population:`). \
        A write (a post, keyed by its author) costs `service` plus `per-follower` × the author's followers when the \
        author is pushed; a read (keyed by the reader) costs `service` plus `per-followee` × the accounts it pulls.
        """)
}

extension Validator {
    /// Reads `population:`.
    func readPopulation(_ node: YAMLNode) -> PopulationDraft? {
        guard case .mapping(let mapping) = node else {
            error("'population' must be a mapping with keys such as 'users' and 'activities', found \(Validator.describe(node))", at: node)
            return nil
        }
        var draft = PopulationDraft(node: node)
        let allowed = Schema.populationFields.map(\.key)
        readFields(mapping, into: &draft, fields: Schema.populationFields, place: " in 'population'", anchor: node) { key in
            Validator.unknownKeyMessage(key, place: " in 'population'", allowed: allowed, listLabel: "keys")
        }
        if draft.celebrities > 0, let users = draft.users, draft.celebrities >= users,
           let c = Validator.value(of: "celebrities", in: mapping) {
            error("'celebrities' (\(draft.celebrities)) must be fewer than 'users' (\(users))", at: c)
        }
        return draft
    }

    /// Reads `activities:`, a non-empty list with unique types.
    func readActivities(_ node: YAMLNode) -> [ActivityDraft] {
        guard case .sequence(let seq) = node, !seq.isEmpty else {
            error("'activities' must be a non-empty list of activities, each with 'type', 'per-user' and 'route', found \(Validator.describe(node))", at: node)
            return []
        }
        var out: [ActivityDraft] = []
        for (index, item) in seq.enumerated() {
            guard case .mapping(let mapping) = item else {
                error("each activity must be a mapping with 'type', 'per-user' and 'route', found \(Validator.describe(item))", at: item)
                continue
            }
            var draft = ActivityDraft(node: item)
            let place = Validator.value(of: "type", in: mapping)?.scalar.map { " in activity '\($0.string)'" } ?? " in activity \(index + 1)"
            let allowed = Schema.activityFields.map(\.key)
            readFields(mapping, into: &draft, fields: Schema.activityFields, place: place, anchor: item) { key in
                Validator.unknownKeyMessage(key, place: place, allowed: allowed, listLabel: "keys")
            }
            if let t = draft.type, let first = out.first(where: { $0.type == t }), let n = draft.typeNode {
                error("activity type '\(t)' appears twice in 'activities'; it is already used at line \(first.typeNode?.mark?.line ?? 1)", at: n)
            }
            out.append(draft)
        }
        return out
    }

    /// A peak-to-mean ratio of a sinusoidal cycle, from 1 (flat) to 2 (the trough reaches zero).
    func cycle(_ node: YAMLNode, key: String) -> Double? {
        guard let text = scalarText(node, key: key, expected: "a peak-to-mean ratio such as 1.7") else { return nil }
        guard case .success(let x) = Units.parseNumber(text) else {
            error("'\(key)' must be a peak-to-mean ratio such as 1.7, found '\(text)'", at: node)
            return nil
        }
        guard x >= 1 && x <= 2 else {
            error("'\(key)' must be between 1 (a flat day) and 2 (a sinusoid whose trough is zero) (found \(text)); "
                  + "a sinusoid around its mean cannot peak higher than twice the mean", at: node)
            return nil
        }
        return x
    }

    /// An hour such as `20` or `7.5`, from 0 to `upTo`.
    func hour(_ node: YAMLNode, key: String, upTo: Double) -> Double? {
        guard let text = scalarText(node, key: key, expected: "an hour such as 20") else { return nil }
        guard case .success(let x) = Units.parseNumber(text), x >= 0, x < upTo else {
            error("'\(key)' must be an hour from 0 to below \(Int(upTo)), found '\(text)'", at: node)
            return nil
        }
        return x
    }

    /// A rate per user such as `20/day` or `2/month`, returned per day with the text as written.
    func perUserRate(_ node: YAMLNode, key: String) -> (perDay: Double, text: String)? {
        let units = Schema.perUserPeriods.map { "/" + $0.names[0] }
        guard let text = scalarText(node, key: key, expected: "a rate per user such as '20/day' or '2/month'") else { return nil }
        let t = text.trimmingSpaces()
        guard let slash = t.firstIndex(of: "/") else {
            error("'\(key)' must be a rate per user such as '20/day' or '2/month', found '\(text)' (periods: \(units.joined(separator: ", ")))", at: node)
            return nil
        }
        let numberText = String(t[..<slash]).trimmingSpaces()
        let period = String(t[t.index(after: slash)...]).trimmingSpaces()
        guard case .success(let x) = Units.parseNumber(numberText), x > 0 else {
            error("'\(key)' must start with a number greater than 0, found '\(text)'", at: node)
            return nil
        }
        guard let days = Schema.perUserPeriods.first(where: { $0.names.contains(period) })?.days else {
            let hint = Suggestions.closest(to: period, among: Schema.perUserPeriods.map { $0.names[0] }).map { "; did you mean '/\($0)'?" } ?? ""
            error("unknown period '/\(period)' in '\(key)'\(hint) (periods: \(units.joined(separator: ", ")))", at: node)
            return nil
        }
        return (x / days, t)
    }

    /// A list of sizes such as `[200KB, 20KB]`.
    func sizes(_ node: YAMLNode, key: String) -> [Double]? {
        guard case .sequence(let seq) = node else {
            error("'\(key)' must be a list of sizes such as '[200KB, 20KB]', found \(Validator.describe(node))", at: node)
            return nil
        }
        var out: [Double] = []
        for item in seq { guard let s = size(item, key: key) else { return nil }; out.append(s) }
        return out
    }

    /// `power-law(ALPHA)` or `power-law(ALPHA, MAX)`: α > 1 the density exponent; a finite mean needs α > 2 or a max.
    func followerLaw(_ node: YAMLNode, key: String) -> FollowerLaw? {
        guard let text = scalarText(node, key: key, expected: "a follower law such as 'power-law(2.3)'") else { return nil }
        let t = text.trimmingSpaces()
        let usage = "'\(key)' must be 'power-law(ALPHA)' or 'power-law(ALPHA, MAX)', where ALPHA > 1 is the exponent of the density, found '\(text)'"
        guard t.hasPrefix("power-law("), t.hasSuffix(")") else { error(usage, at: node); return nil }
        let inner = t.dropFirst("power-law(".count).dropLast()
        let parts = inner.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingSpaces() }
        guard (1...2).contains(parts.count), case .success(let alpha) = Units.parseNumber(parts[0]) else {
            error(usage, at: node); return nil
        }
        var maximum: Double?
        if parts.count == 2 {
            guard case .success(let m) = Units.parseCount(parts[1]), m >= 2 else {
                error("the maximum in '\(key)' must be a count of at least 2 such as '1M', found '\(parts[1])'", at: node)
                return nil
            }
            maximum = Double(m)
        }
        guard alpha > 1 else {
            error("the exponent in '\(key)' must be greater than 1 (found \(parts[0])); the density x^(-ALPHA) must be summable", at: node)
            return nil
        }
        guard alpha > 2 || maximum != nil else {
            error("with exponent \(parts[0]) the mean follower count is infinite; use an exponent above 2 or give a maximum, e.g. 'power-law(\(parts[0]), 1M)'",
                  at: node)
            return nil
        }
        return FollowerLaw(exponent: alpha, max: maximum)
    }

    /// `[LOW, HIGH]`, two counts with LOW ≤ HIGH.
    func countRange(_ node: YAMLNode, key: String) -> (low: Double, high: Double)? {
        guard case .sequence(let seq) = node, seq.count == 2 else {
            error("'\(key)' must be a list of two counts such as '[10M, 50M]', found \(Validator.describe(node))", at: node)
            return nil
        }
        guard let lo = count(seq[0], key: key, range: 1...10_000_000_000),
              let hi = count(seq[1], key: key, range: 1...10_000_000_000) else { return nil }
        guard lo <= hi else {
            error("'\(key)' must list the smaller count first", at: node)
            return nil
        }
        return (Double(lo), Double(hi))
    }

    /// The workloads the population's activities become (one each, named after the type), for
    /// the graph checks and the configuration. Activities whose route or rate is missing are skipped
    /// (already reported).
    func activityWorkloads(_ p: PopulationDraft) -> [WorkloadDraft] {
        p.activities.compactMap { a in
            guard let type = a.type, let route = a.route else { return nil }
            var w = WorkloadDraft(node: a.node)
            w.name = type
            w.nameNode = a.typeNode
            w.route = route
            w.type = type
            w.size = a.size
            w.isWrite = a.isWrite
            w.payloads = a.payloads
            w.copies = a.copies
            w.timeout = a.timeout
            w.retry = a.retry
            if let users = p.users, let rate = a.perUser {
                w.keys = a.keys ?? .uniform(n: UInt64(users))
                w.arrival = .cyclic(CyclicRate(mean: Double(users) * p.dailyActive * rate.perDay / 86_400,
                                               dailyCycle: p.dailyCycle, weeklyCycle: p.weeklyCycle,
                                               peakHour: p.peakHour, startHour: p.startHour ?? p.peakHour))
            }
            return w
        }
    }

    /// The population's configuration, once every value is known.
    static func assemblePopulation(_ p: PopulationDraft) -> PopulationConfig? {
        guard let users = p.users else { return nil }
        var activities: [ActivityConfig] = []
        for a in p.activities {
            guard let type = a.type, let rate = a.perUser, let route = a.route else { return nil }
            var activity = ActivityConfig(type: type, perUserPerDay: rate.perDay, perUserText: rate.text, size: a.size,
                                          copies: a.copies, route: route.map(\.name), isWrite: a.isWrite,
                                          payloads: a.payloads.map(\.config))
            activity.timeout = a.timeout
            activity.retry = a.retry
            activity.keys = a.keys
            activities.append(activity)
        }
        return PopulationConfig(users: UInt64(users), dailyActive: p.dailyActive, dailyCycle: p.dailyCycle,
                                weeklyCycle: p.weeklyCycle, peakHour: p.peakHour, startHour: p.startHour,
                                activities: activities, followers: p.followers, celebrities: p.celebrities,
                                celebrityFollowers: p.celebrityFollowers)
    }
}
