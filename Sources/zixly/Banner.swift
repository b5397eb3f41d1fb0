import Foundation
import ZixlyApp

/// What `zixly up` prints at start: where it listens and, on the very first start, the
/// generated secrets (shown once) with a ready-to-paste example.
enum Banner {
    static func print(configuration: AppConfiguration, secrets: SecretsFile?, webhookSecret: String, adminKey: String) {
        let url = "http://\(configuration.host == "0.0.0.0" ? "127.0.0.1" : configuration.host):\(configuration.port)"
        // The commands below reach this server: off the CLI's default address, they say where.
        let target = url == ClientOptions.defaultURL ? "" : " --url \(url)"
        var lines = [
            "", "Zixly \(ZixlyVersion.current) listening on \(url)  (data: \(configuration.dataDirectory.path))",
            "Dashboard: \(url)/  (sign in with an API key, such as the admin key)",
        ]
        if let secrets, secrets.wasCreated {
            lines += [
                "",
                "First start: generated secrets, saved to \(SecretsFile.url(in: configuration.dataDirectory).path) (mode 0600).",
                "They are shown this once:",
                "  webhook signing secret: \(webhookSecret)",
                "  admin API key:          \(adminKey)",
                "",
                "Trigger a trading sweep (signs the webhook with the secret above):",
                "  swift run -c release zixly sweep submit --ticker GOOG --strategy SMA --fast 5...50 --slow 20...200 --step 5\(target)",
                "Follow jobs:",
                "  swift run -c release zixly jobs list\(target)",
                "  curl -H 'Authorization: Bearer \(adminKey)' \(url)/api/pipelines",
            ]
        } else if secrets != nil {
            lines.append("Secrets: \(SecretsFile.url(in: configuration.dataDirectory).path)")
        }
        lines.append("")
        FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}
