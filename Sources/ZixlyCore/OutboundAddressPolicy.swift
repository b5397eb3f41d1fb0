import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Which network addresses outbound webhooks may reach: never this machine, private networks,
/// link-local (cloud metadata), CGNAT, documentation, benchmark, multicast or reserved ranges
/// (the list Svix's delivery client blocks), in IPv4 or IPv6, nor IPv4 hidden in IPv6 (mapped,
/// compatible, NAT64, 6to4, Teredo), unless an operator allows a CIDR (`ZIXLY_WEBHOOK_ALLOWED_CIDRS`).
/// Judged at registration (literal addresses and `localhost`) and again on every address a
/// delivery's host resolves to, in the resolver the connection dials through.
public struct OutboundAddressPolicy: Sendable, Equatable {
    /// Ranges an operator allows despite the rules (compose and tests: their local receivers).
    public var allowed: [CIDR]

    public init(allowed: [CIDR] = []) {
        self.allowed = allowed
    }

    /// Why `address` may not be reached (the rule it breaks), or nil if it may.
    public func refusal(for address: IPAddress) -> String? {
        if allowed.contains(where: { $0.contains(address) }) { return nil }
        switch address {
        case .v4(let bytes):
            return Self.v4Blocked.first { $0.cidr.contains(.v4(bytes)) }.map { "\($0.cidr) (\($0.name))" }
        case .v6(let bytes):
            for embedded in Self.embeddedIPv4(in: bytes) {
                if let rule = refusal(for: .v4(embedded.address)) { return "\(rule), embedded in \(embedded.scheme)" }
            }
            return Self.v6Blocked.first { $0.cidr.contains(.v6(bytes)) }.map { "\($0.cidr) (\($0.name))" }
        }
    }

    /// Why the host of an endpoint URL may not be used, judged without DNS: literal addresses in
    /// any spelling (dotted, decimal, octal, hex, short, bracketed IPv6) and `localhost` names.
    public func refusal(forHost host: String) -> String? {
        let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        if host == "localhost" || host.hasSuffix(".localhost") { return "localhost (this machine)" }
        if host.hasPrefix("[") || host.contains(":") {
            guard let address = IPAddress(ipv6: host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))) else {
                return "an IPv6 literal that does not parse"
            }
            return refusal(for: address)
        }
        // Anything a C resolver would read as an IPv4 number (127.1, 2130706433, 0177.0.0.1, 0x7f.1).
        let numeric = host.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            label.hasPrefix("0x") ? label.dropFirst(2).allSatisfy(\.isHexDigit) : (!label.isEmpty && label.allSatisfy(\.isNumber))
        }
        guard numeric else { return nil }
        guard let address = IPAddress(inetATON: host) else { return "a numeric host that is not an IPv4 address" }
        return refusal(for: address)
    }

    struct Rule: Sendable {
        var cidr: CIDR
        var name: String
    }

    static let v4Blocked: [Rule] = [
        ("0.0.0.0/8", "this network"), ("10.0.0.0/8", "private"), ("100.64.0.0/10", "carrier-grade NAT"), ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link-local, cloud metadata"), ("172.16.0.0/12", "private"), ("192.0.0.0/24", "IETF protocol assignments"),
        ("192.0.2.0/24", "documentation"), ("192.168.0.0/16", "private"), ("198.18.0.0/15", "benchmarking"),
        ("198.51.100.0/24", "documentation"), ("203.0.113.0/24", "documentation"), ("224.0.0.0/4", "multicast"),
        ("240.0.0.0/4", "reserved, broadcast"),
    ].map { Rule(cidr: CIDR($0.0)!, name: $0.1) }

    static let v6Blocked: [Rule] = [
        ("::/128", "unspecified"), ("::1/128", "loopback"), ("fc00::/7", "unique local"), ("fe80::/10", "link-local"),
        ("fec0::/10", "site-local"), ("ff00::/8", "multicast"), ("2001:db8::/32", "documentation"), ("100::/64", "discard"),
    ].map { Rule(cidr: CIDR($0.0)!, name: $0.1) }

    /// The IPv4 addresses an IPv6 one carries, if it is of a form that carries any: these are
    /// judged as IPv4 (an embedded public address is allowed, an embedded private one is not).
    static func embeddedIPv4(in bytes: [UInt8]) -> [(address: [UInt8], scheme: String)] {
        let last4 = Array(bytes[12..<16])
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff { return [(last4, "IPv4-mapped IPv6")] }
        if bytes[0..<12].allSatisfy({ $0 == 0 }), last4 != [0, 0, 0, 0], last4 != [0, 0, 0, 1] { return [(last4, "IPv4-compatible IPv6")] }
        if Array(bytes[0..<12]) == [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0] { return [(last4, "NAT64")] }
        if Array(bytes[0..<6]) == [0, 0x64, 0xff, 0x9b, 0, 1] { return [(last4, "local NAT64")] }
        if bytes[0] == 0x20, bytes[1] == 0x02 { return [(Array(bytes[2..<6]), "6to4")] }
        if Array(bytes[0..<4]) == [0x20, 0x01, 0, 0] {
            return [(last4.map { $0 ^ 0xff }, "Teredo (client)"), (Array(bytes[4..<8]), "Teredo (server)")]
        }
        return []
    }
}

/// An IPv4 or IPv6 address as bytes (network order).
public enum IPAddress: Sendable, Hashable, CustomStringConvertible {
    case v4([UInt8])
    case v6([UInt8])

    /// Dotted IPv4 or IPv6 text (strict: no shorthand IPv4 spellings).
    public init?(_ text: String) {
        if let v4 = IPAddress(strictIPv4: text) { self = v4 } else if let v6 = IPAddress(ipv6: text) { self = v6 } else { return nil }
    }

    init?(strictIPv4 text: String) {
        var address = in_addr()
        guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
        self = .v4(withUnsafeBytes(of: address) { Array($0) })
    }

    /// IPv6 text, with any `%zone` dropped.
    public init?(ipv6 text: String) {
        var address = in6_addr()
        let bare = String(text.prefix { $0 != "%" })
        guard inet_pton(AF_INET6, bare, &address) == 1 else { return nil }
        self = .v6(withUnsafeBytes(of: address) { Array($0) })
    }

    /// IPv4 as the C library reads it anywhere a host is expected: decimal, octal, hex, short forms.
    init?(inetATON text: String) {
        var address = in_addr()
        guard inet_aton(text, &address) != 0 else { return nil }
        self = .v4(withUnsafeBytes(of: address) { Array($0) })
    }

    var bytes: [UInt8] {
        switch self {
        case .v4(let bytes), .v6(let bytes): bytes
        }
    }

    public var description: String {
        switch self {
        case .v4(let bytes): return bytes.map(String.init).joined(separator: ".")
        case .v6(let bytes):
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            var address = in6_addr()
            withUnsafeMutableBytes(of: &address) { $0.copyBytes(from: bytes) }
            inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count))
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}

/// An address range, `10.0.0.0/8` or `fc00::/7`.
public struct CIDR: Sendable, Hashable, CustomStringConvertible {
    public let base: IPAddress
    public let prefixLength: Int

    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", maxSplits: 1)
        guard let address = IPAddress(String(parts[0])) else { return nil }
        let bits = address.bytes.count * 8
        let length = parts.count == 2 ? Int(parts[1]) : bits
        guard let length, (0...bits).contains(length) else { return nil }
        (base, prefixLength) = (address, length)
    }

    public func contains(_ address: IPAddress) -> Bool {
        let (mine, theirs) = (base.bytes, address.bytes)
        guard mine.count == theirs.count else { return false }
        var remaining = prefixLength
        for index in mine.indices where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xff << (8 - bits))
            if mine[index] & mask != theirs[index] & mask { return false }
            remaining -= bits
        }
        return true
    }

    public var description: String { "\(base)/\(prefixLength)" }
}
