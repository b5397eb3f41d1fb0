import Testing
import ZixlyCore

@Suite("Outbound address policy")
struct OutboundAddressPolicyTests {
    static let policy = OutboundAddressPolicy()

    @Test(
        "every blocked IPv4 range is refused at its edges; public neighbours pass",
        arguments: [
            ("0.0.0.0", true), ("0.255.255.255", true), ("1.0.0.0", false), ("10.0.0.1", true), ("11.0.0.0", false),
            ("100.63.255.255", false), ("100.64.0.1", true), ("100.127.255.255", true), ("100.128.0.0", false),
            ("127.0.0.1", true), ("127.255.255.254", true), ("169.254.169.254", true), ("169.255.0.0", false),
            ("172.15.255.255", false), ("172.16.0.1", true), ("172.31.255.255", true), ("172.32.0.0", false),
            ("192.0.0.8", true), ("192.0.2.1", true), ("192.0.3.0", false), ("192.168.0.1", true), ("192.169.0.0", false),
            ("198.18.0.1", true), ("198.19.255.255", true), ("198.20.0.0", false), ("198.51.100.7", true), ("203.0.113.9", true),
            ("224.0.0.1", true), ("239.255.255.255", true), ("240.0.0.1", true), ("255.255.255.255", true), ("8.8.8.8", false),
        ])
    func ipv4(address: String, blocked: Bool) throws {
        #expect((Self.policy.refusal(for: try #require(IPAddress(address))) != nil) == blocked, "\(address)")
    }

    @Test(
        "IPv6: loopback, unspecified, unique-local, link-local, multicast, documentation refused; IPv4 inside IPv6 judged as IPv4",
        arguments: [
            ("::", true), ("::1", true), ("fc00::1", true), ("fdff::1", true), ("fe80::1", true), ("febf::1", true), ("ff02::1", true),
            ("2001:db8::1", true), ("2606:4700::1111", false),
            ("::ffff:127.0.0.1", true), ("::ffff:8.8.8.8", false), ("::127.0.0.1", true), ("64:ff9b::10.0.0.1", true),
            ("64:ff9b::8.8.8.8", false), ("2002:a9fe:a9fe::", true), ("2002:0808:0808::", false),
            ("2001:0:4136:e378:8000:63bf:80ff:fffe", true),  // Teredo: client 127.0.0.1 (obfuscated)
        ])
    func ipv6(address: String, blocked: Bool) throws {
        #expect((Self.policy.refusal(for: try #require(IPAddress(address))) != nil) == blocked, "\(address)")
    }

    @Test(
        "hosts in URLs: localhost names and every numeric spelling of a blocked address are refused without DNS",
        arguments: [
            ("localhost", true), ("LOCALHOST.", true), ("api.localhost", true), ("2130706433", true), ("0177.0.0.1", true),
            ("0x7f.1", true), ("127.1", true), ("0", true), ("[::1]", true), ("[::ffff:169.254.169.254]", true), ("[fe80::1%25eth0]", true),
            ("example.com", false), ("8.8.8.8", false), ("134744072", false), ("1.2.3.4.5", true), ("1a.de", false), ("123.example", false),
        ])
    func hosts(host: String, blocked: Bool) {
        #expect((Self.policy.refusal(forHost: host) != nil) == blocked, "\(host): \(Self.policy.refusal(forHost: host) ?? "allowed")")
    }

    @Test("an operator's allowed ranges win over the rules, for those ranges only")
    func allowList() throws {
        let policy = OutboundAddressPolicy(allowed: [try #require(CIDR("10.1.0.0/16")), try #require(CIDR("fd00::/8"))])
        #expect(policy.refusal(for: try #require(IPAddress("10.1.2.3"))) == nil)
        #expect(policy.refusal(for: try #require(IPAddress("10.2.0.1"))) != nil)
        #expect(policy.refusal(for: try #require(IPAddress("fd12::1"))) == nil)
        #expect(policy.refusal(forHost: "127.0.0.1")?.contains("loopback") == true, "the refusal names the rule")
        #expect(CIDR("10.0.0.0/33") == nil && CIDR("nonsense") == nil && CIDR("::/129") == nil)
    }
}
