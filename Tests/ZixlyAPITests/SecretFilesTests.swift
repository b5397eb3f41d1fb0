import Foundation
import StandardWebhooks
import Testing
import ZixlyApp
import ZixlyTesting

/// Every secret can come from `NAME_FILE` (Kubernetes and Docker secrets), each one tested.
@Suite("Secrets from _FILE")
struct SecretFilesTests {
    static let webhookSecret = WebhookSecret.generate().serialized

    /// Each variable read with `secret(_:)`, a value for it, and how to find it in the configuration.
    static let secrets: [(name: String, value: String, read: @Sendable (AppConfiguration) -> String?)] = [
        (
            "ZIXLY_DATABASE_URL", "postgres://zixly:s3cret@db.internal:5432/zixly",
            {
                if case .postgres(let url)? = $0.database { url } else { nil }
            }
        ),
        ("ZIXLY_WEBHOOK_SECRETS", webhookSecret, { $0.webhookSecrets?.map(\.serialized).joined(separator: ",") }),
        ("ZIXLY_ADMIN_API_KEY", "zk_admin_from_a_file_0123456789", { $0.adminAPIKey }),
        (
            "ZIXLY_SMTP_URL", "smtp://mailer:pa55@smtp.internal:2525",
            { $0.email.map { "smtp://\($0.username ?? ""):\($0.password ?? "")@\($0.host):\($0.port)" } }
        ),
        ("ZIXLY_TRADING_API_KEY", "trading-key-from-a-file", { $0.tradingAPI?.apiKey }),
        ("AWS_ACCESS_KEY_ID", "AKIAFROMAFILE", { if case .s3(_, _, _, _, .keys(let id, _, _))? = $0.artifacts { id } else { nil } }),
        ("AWS_SECRET_ACCESS_KEY", "secret/from+a/file", { if case .s3(_, _, _, _, .keys(_, let key, _))? = $0.artifacts { key } else { nil } }),
        (
            "AWS_SESSION_TOKEN", "session-token-from-a-file",
            { if case .s3(_, _, _, _, .keys(_, _, let token))? = $0.artifacts { token } else { nil } }
        ),
    ]

    /// What the other variables need for `name` to be read at all.
    static func companions(for name: String) -> [String: String] {
        switch name {
        case "ZIXLY_SMTP_URL": ["ZIXLY_NOTIFY_EMAIL": "ops@example.com"]
        case "ZIXLY_TRADING_API_KEY": ["ZIXLY_TRADING_API_URL": "https://trading.example.com"]
        case "AWS_ACCESS_KEY_ID": ["ZIXLY_ARTIFACTS_URL": "s3://zixly-results", "AWS_SECRET_ACCESS_KEY": "x"]
        case "AWS_SECRET_ACCESS_KEY": ["ZIXLY_ARTIFACTS_URL": "s3://zixly-results", "AWS_ACCESS_KEY_ID": "AKIA"]
        case "AWS_SESSION_TOKEN": ["ZIXLY_ARTIFACTS_URL": "s3://zixly-results", "AWS_ACCESS_KEY_ID": "AKIA", "AWS_SECRET_ACCESS_KEY": "x"]
        default: [:]
        }
    }

    @Test("each secret is read from the file NAME_FILE names, its trailing newline trimmed", arguments: secrets.map(\.name))
    func fromFile(name: String) throws {
        let entry = try #require(Self.secrets.first { $0.name == name })
        let directory = try TemporaryDirectory.make()
        let file = directory.appendingPathComponent(name.lowercased())
        try (entry.value + "\n").write(to: file, atomically: true, encoding: .utf8)
        let configuration = try AppConfiguration.fromEnvironment(Self.companions(for: name).merging([name + "_FILE": file.path]) { $1 })
        #expect(entry.read(configuration) == entry.value, "\(name)")
    }

    @Test("a missing or empty file stops start-up naming NAME_FILE; NAME itself wins over NAME_FILE", arguments: secrets.map(\.name))
    func badFiles(name: String) throws {
        let entry = try #require(Self.secrets.first { $0.name == name })
        let directory = try TemporaryDirectory.make()
        let empty = directory.appendingPathComponent("empty")
        try "\n".write(to: empty, atomically: true, encoding: .utf8)
        for path in [directory.appendingPathComponent("missing").path, empty.path] {
            #expect {
                _ = try AppConfiguration.fromEnvironment(Self.companions(for: name).merging([name + "_FILE": path]) { $1 })
            } throws: { error in
                (error as? ConfigurationError)?.variable == name + "_FILE"
            }
        }
        let direct = try AppConfiguration.fromEnvironment(
            Self.companions(for: name).merging([name: entry.value, name + "_FILE": empty.path]) { $1 })
        #expect(entry.read(direct) == entry.value)
    }
}
