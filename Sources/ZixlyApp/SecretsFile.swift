public import Foundation
public import StandardWebhooks
import ZixlyAPI

#if canImport(Glibc)
    import Glibc
#endif

/// The secrets `zixly up` generates on first start, kept in `<data-dir>/secrets.json`
/// (mode 0600). Values from the environment always win over the file.
public struct SecretsFile: Sendable {
    public var webhookSecrets: [WebhookSecret]
    public var adminAPIKey: String
    /// True when this start created the file (so the caller prints the secrets once).
    public var wasCreated: Bool

    public static func url(in dataDirectory: URL) -> URL { dataDirectory.appendingPathComponent("secrets.json") }

    /// The file's fields, named as the file names them.
    // swift-format-ignore: AlwaysUseLowerCamelCase
    private struct Stored: Codable {
        var webhook_secrets: [String]
        var admin_api_key: String
    }

    /// Loads the file, or creates it with fresh secrets.
    /// - Throws: `ConfigurationError` if the file exists but cannot be read or parsed.
    public static func loadOrCreate(in dataDirectory: URL) throws -> SecretsFile {
        let url = url(in: dataDirectory)
        if let data = FileManager.default.contents(atPath: url.path) {
            guard let stored = try? JSONDecoder().decode(Stored.self, from: data), !stored.webhook_secrets.isEmpty else {
                throw ConfigurationError(url.path, "is not a valid secrets file; fix or delete it")
            }
            let secrets = try AppConfiguration.parseSecrets(stored.webhook_secrets.joined(separator: ","))
            return SecretsFile(webhookSecrets: secrets, adminAPIKey: stored.admin_api_key, wasCreated: false)
        }
        let created = SecretsFile(webhookSecrets: [.generate()], adminAPIKey: APIKeys.generate(), wasCreated: true)
        let stored = Stored(webhook_secrets: created.webhookSecrets.map(\.serialized), admin_api_key: created.adminAPIKey)
        do {
            try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            // O_EXCL: when two processes start on a new data folder at once, one writes, the other reads.
            let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            if descriptor < 0 && errno == EEXIST {
                Thread.sleep(forTimeInterval: 0.2)
                return try loadOrCreate(in: dataDirectory)
            }
            guard descriptor >= 0 else { throw ConfigurationError(url.path, "cannot be written (errno \(errno))") }
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            try handle.write(contentsOf: try encoder.encode(stored))
            try handle.close()
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError(url.path, "cannot be written: \(error)")
        }
        return created
    }
}
