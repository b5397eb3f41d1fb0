/// The database cannot be reached or is too busy to answer now; trying again later may work.
/// The API answers 503 with `Retry-After` for it, never 500.
public struct StoreUnavailable: Error, CustomStringConvertible {
    public var reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { "database unavailable: \(reason)" }
}
