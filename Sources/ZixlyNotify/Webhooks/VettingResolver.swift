import Dispatch
import Foundation
import NIOCore
import NIOPosix
import ZixlyCore

#if canImport(Glibc)
    import Glibc
#endif

/// The resolver a webhook delivery's connection dials through: it looks the host up once
/// (getaddrinfo, off the event loop) and fails the lookup when any address it gets breaks the
/// `OutboundAddressPolicy`. The connection can only dial what this returns, so the address that
/// was vetted is the address used, and a DNS answer that changes between a check and a connect
/// (rebinding) has no second lookup to slip into. One resolver serves one connection.
final class VettingResolver: Resolver, Sendable {
    /// The host resolves to an address the policy refuses.
    struct Refused: Error, CustomStringConvertible {
        var host: String
        var address: IPAddress
        var rule: String
        var description: String { "refused: \(host) resolves to \(address), in \(rule); allow it with ZIXLY_WEBHOOK_ALLOWED_CIDRS" }
    }

    struct LookupFailed: Error, CustomStringConvertible {
        var host: String
        var code: Int32
        var description: String { "cannot resolve \(host): \(String(cString: gai_strerror(code)))" }
    }

    private let addresses: EventLoopFuture<[SocketAddress]>

    init(host: String, port: Int, policy: OutboundAddressPolicy, eventLoop: any EventLoop) {
        let vetted = { @Sendable (found: [SocketAddress]) throws -> [SocketAddress] in
            for address in found {
                guard let text = address.ipAddress, let ip = IPAddress(text) else { continue }
                if let rule = policy.refusal(for: ip) { throw Refused(host: host, address: ip, rule: rule) }
            }
            return found
        }
        // A literal address needs no lookup (and nothing blocking); a name is looked up on a
        // Dispatch thread, not on NIO's small shared thread pool, which file I/O may be holding.
        if IPAddress(host) != nil, let literal = try? SocketAddress(ipAddress: host, port: port) {
            addresses = eventLoop.makeCompletedFuture { try vetted([literal]) }
            return
        }
        let promise = eventLoop.makePromise(of: [SocketAddress].self)
        DispatchQueue.global().async {
            promise.completeWith(Result { try vetted(try Self.lookUp(host: host, port: port)) })
        }
        addresses = promise.futureResult
    }

    func initiateAQuery(host: String, port: Int) -> EventLoopFuture<[SocketAddress]> {
        addresses.map { $0.filter { $0.protocol == .inet } }
    }

    func initiateAAAAQuery(host: String, port: Int) -> EventLoopFuture<[SocketAddress]> {
        addresses.map { $0.filter { $0.protocol == .inet6 } }
    }

    func cancelQueries() {}

    /// Every TCP address of `host` (a name or a literal in any spelling the C library reads).
    static func lookUp(host: String, port: Int) throws -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_protocol = Int32(IPPROTO_TCP)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0 else { throw LookupFailed(host: host, code: status) }
        defer { freeaddrinfo(list) }
        var found: [SocketAddress] = []
        var entry = list
        while let info = entry?.pointee {
            if let address = info.ai_addr {
                switch info.ai_family {
                case AF_INET:
                    found.append(address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { SocketAddress($0.pointee, host: host) })
                case AF_INET6:
                    found.append(address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { SocketAddress($0.pointee, host: host) })
                default: break
                }
            }
            entry = info.ai_next
        }
        guard !found.isEmpty else { throw LookupFailed(host: host, code: EAI_NONAME) }
        return found
    }
}
