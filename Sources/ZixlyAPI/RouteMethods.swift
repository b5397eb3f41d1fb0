import Synchronization

/// Which methods each route template answers, so that a known path asked with another method
/// gets 405 and `Allow` instead of 404. Filled once, when every route is registered.
public final class RouteMethods: Sendable {
    private let templates = Mutex<[(segments: [Substring], methods: Set<String>)]>([])

    public init() {}

    /// Records the router's routes: `(path template, method)` pairs, such as `("/api/pipelines/{id}", "GET")`.
    public func record(_ routes: [(path: String, method: String)]) {
        var byPath: [String: Set<String>] = [:]
        for route in routes { byPath[route.path, default: []].insert(route.method) }
        templates.withLock { $0 = byPath.map { (Self.segments($0.key), $0.value) } }
    }

    /// The methods the routes at `path` answer (sorted, HEAD added beside GET), or [] if none
    /// does. As in the router, literal segments win: `/api/pipelines/events` is not `/api/pipelines/{id}`.
    public func allowed(at path: String) -> [String] {
        let parts = Self.segments(path)
        let methods = templates.withLock { templates in
            let matching = templates.filter { Self.matches($0.segments, parts) }
            let mostLiteral = matching.map { Self.literalCount($0.segments) }.max()
            return matching.filter { Self.literalCount($0.segments) == mostLiteral }.reduce(into: Set<String>()) { $0.formUnion($1.methods) }
        }
        return (methods.contains("GET") ? methods.union(["HEAD"]) : methods).sorted()
    }

    static func segments(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: true)
    }

    static func isWildcard(_ segment: Substring) -> Bool {
        segment.hasPrefix("{") || segment.hasPrefix(":") || segment.hasPrefix("*")
    }

    static func literalCount(_ template: [Substring]) -> Int {
        template.filter { !isWildcard($0) }.count
    }

    /// A `{name}`, `:name` or `*` segment matches any one segment; `**` matches the rest.
    static func matches(_ template: [Substring], _ path: [Substring]) -> Bool {
        for (index, segment) in template.enumerated() {
            if segment == "**" { return true }
            guard index < path.count else { return false }
            if !Self.isWildcard(segment) && segment != path[index] { return false }
        }
        return template.count == path.count
    }
}
