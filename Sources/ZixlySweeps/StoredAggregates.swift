import Synchronization
public import ZixlyCore

/// The rankings of sweeps of many tickers, read from their artifacts and kept decoded: a ranking
/// never changes once written, and a large one (125,000 combinations, some 20 MB of JSON) would
/// otherwise be read and parsed again for every page anyone asks for. Keeps the `capacity` most
/// recently read; concurrent first reads of one share a single load.
public struct StoredAggregates: Sendable {
    let artifacts: any ArtifactStore
    private let decoded: RecentLoads<String, StoredAggregate?>

    public init(artifacts: any ArtifactStore, capacity: Int = 4) {
        self.artifacts = artifacts
        decoded = RecentLoads(capacity: capacity)
    }

    /// The ranking stored at `key`, or nil when there is none.
    /// - Throws: the artifact store's error, or the parser's for a corrupt artifact.
    public func aggregate(at key: String) async throws -> StoredAggregate? {
        let artifacts = self.artifacts
        return try await decoded.value(for: key) {
            try await artifacts.get(key).map { try StoredAggregate(json: try JSONValue(jsonBytes: $0)) }
        }
    }
}

/// One stored ranking, decoded, with its pages sorted on demand (each order computed once).
public final class StoredAggregate: Sendable {
    public let strategy: String
    /// Best first by median Sharpe, as the parent wrote them.
    public let rows: [UniverseAggregate.Row]
    /// Each ticker's outcome, as stored.
    public let tickers: [JSONValue]
    private let orders: OrderCache

    init(json: JSONValue) throws(CorruptAggregate) {
        guard case .array(let rows)? = json["rows"], case .array(let tickers)? = json["tickers"] else { throw CorruptAggregate() }
        strategy = json["strategy"]?.stringValue ?? ""
        self.tickers = tickers
        self.rows = try rows.map { row throws(CorruptAggregate) in
            guard let fast = row["fast_period"]?.intValue, let slow = row["slow_period"]?.intValue else { throw CorruptAggregate() }
            return UniverseAggregate.Row(
                fastPeriod: fast, slowPeriod: slow, medianSharpe: row["median_sharpe"]?.doubleValue ?? .nan,
                tickersWithSharpe: row["tickers_with_sharpe"]?.intValue ?? 0,
                shareBeatingBuyAndHold: row["share_beating_buy_and_hold"]?.doubleValue ?? .nan,
                worstDrawdownPct: row["worst_drawdown_pct"]?.doubleValue ?? .nan)
        }
        orders = OrderCache()
    }

    /// Rows `offset ..< offset + limit` sorted by `key`; values that are not numbers last in either
    /// order, ties by fast, then slow period.
    public func page(sortBy key: UniverseAggregate.SortKey, descending: Bool, offset: Int, limit: Int) -> [UniverseAggregate.Row] {
        let order = orders.order(key, descending) { () -> [Int32] in
            rows.indices.sorted { UniverseAggregate.precedes(rows[$0], rows[$1], by: key, descending: descending) }.map { Int32($0) }
        }
        guard offset < order.count else { return [] }
        return order[offset..<min(order.count, offset + limit)].map { rows[Int($0)] }
    }
}

/// Sorted row orders by (key, direction), computed at most once each.
private final class OrderCache: Sendable {
    private let orders = Mutex<[String: [Int32]]>([:])

    func order(_ key: UniverseAggregate.SortKey, _ descending: Bool, _ compute: () -> [Int32]) -> [Int32] {
        let name = "\(key.rawValue) \(descending)"
        if let known = orders.withLock({ $0[name] }) { return known }
        let computed = compute()
        orders.withLock { $0[name] = computed }
        return computed
    }
}

/// An aggregate artifact that is not the shape the parent writes.
public struct CorruptAggregate: Error, CustomStringConvertible {
    public var description: String { "the aggregate artifact is not a ranking of rows and tickers" }
}
