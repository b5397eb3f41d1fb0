import ArgumentParser
import Foundation
import StandardWebhooks
import ZixlyApp
import ZixlyCore

/// Where the CLI finds a server and its credentials: flags, then `ZIXLY_URL` / `ZIXLY_API_KEY` /
/// `ZIXLY_WEBHOOK_SECRET`, then the local data folder's `secrets.json` (what `zixly up` made).
struct ClientOptions: ParsableArguments {
    @Option(help: "Server URL (ZIXLY_URL). Default http://127.0.0.1:8080.")
    var url: String?
    @Option(name: .customLong("api-key"), help: "API key (ZIXLY_API_KEY). Default: the admin key in the data folder.")
    var apiKey: String?
    @Option(help: "Webhook signing secret (ZIXLY_WEBHOOK_SECRET). Default: the first secret in the data folder.")
    var secret: String?
    @Option(name: .customLong("data-dir"), help: "Data folder to read secrets.json from. Default ./.zixly.")
    var dataDirectory: String?

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// Where `zixly up` listens by default.
    static let defaultURL = "http://127.0.0.1:8080"

    /// `--url`, `ZIXLY_URL` or the default; `host:port` alone means `http://host:port`.
    var baseURL: String {
        var text = url ?? environment["ZIXLY_URL"] ?? Self.defaultURL
        if !text.contains("://") { text = "http://" + text }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    private func localSecrets() -> SecretsFile? {
        let folder = URL(fileURLWithPath: dataDirectory ?? environment["ZIXLY_DATA_DIR"] ?? ".zixly")
        guard FileManager.default.fileExists(atPath: SecretsFile.url(in: folder).path) else { return nil }
        return try? SecretsFile.loadOrCreate(in: folder)
    }

    func resolvedAPIKey() throws -> String {
        if let key = apiKey ?? environment["ZIXLY_API_KEY"] ?? environment["ZIXLY_ADMIN_API_KEY"] ?? localSecrets()?.adminAPIKey {
            return key
        }
        throw CLIError("no API key: pass --api-key, set ZIXLY_API_KEY, or run from the folder holding .zixly/secrets.json")
    }

    func resolvedSecret() throws -> String {
        if let secret = secret ?? environment["ZIXLY_WEBHOOK_SECRET"] {
            return secret
        }
        if let secrets = environment["ZIXLY_WEBHOOK_SECRETS"]?.split(separator: ",").first {
            return String(secrets)
        }
        if let local = localSecrets()?.webhookSecrets.first { return local.serialized }
        throw CLIError("no webhook secret: pass --secret, set ZIXLY_WEBHOOK_SECRET, or run from the folder holding .zixly/secrets.json")
    }
}

/// Runs a client command body, turning `CLIError` into one line and exit status 1.
func reportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as CLIError {
        printError("zixly: \(error)")
        throw ExitCode(1)
    }
}

/// `5...50`, `5..50` or `5-50`. Any two whole numbers parse, so that `check(_:)` can say what is
/// wrong with a backwards range (the parser could only call it invalid).
struct WindowRange: ExpressibleByArgument {
    let first: Int
    let last: Int
    var range: ClosedRange<Int> { min(first, last)...max(first, last) }

    init?(argument: String) {
        for separator in ["...", "..", "-"] {
            let parts = argument.components(separatedBy: separator)
            if parts.count == 2, let first = Int(parts[0]), let last = Int(parts[1]) {
                (self.first, self.last) = (first, last)
                return
            }
        }
        return nil
    }

    /// Throws naming `option` when the range runs backwards or starts below 1.
    func check(_ option: String) throws {
        guard first <= last else {
            throw ValidationError("\(option) \(first)...\(last) runs backwards: give the smaller window first (\(last)...\(first))")
        }
        guard first >= 1 else { throw ValidationError("\(option) \(first)...\(last): windows start at 1") }
        guard last <= Self.longestWindow else {
            throw ValidationError("\(option) \(first)...\(last): windows go up to \(NumberText.grouped(Self.longestWindow)) bars")
        }
    }

    /// A moving average longer than this (about a year of minute bars) averages nothing a sweep
    /// could trade on; the bound keeps a mistyped range from building an endless grid.
    static let longestWindow = 100_000

    static var defaultCompletionKind: CompletionKind { .default }
}
