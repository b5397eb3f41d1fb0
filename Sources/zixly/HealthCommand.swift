import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// `zixly health`: exit 0 when a local `zixly` answers `/health` with 200, for container
/// health checks in images without curl. Tries `--url`, else `ZIXLY_PORT`, else the API's 8080
/// and the worker's 8081, so one image's check fits both roles.
struct Health: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health", abstract: "Check that a local zixly answers /health (exit 0) or not (exit 1).")

    @Option(help: "The URL to check. Default: http://127.0.0.1:$ZIXLY_PORT/health, else ports 8080 and 8081.")
    var url: String?

    @Option(help: "Seconds to wait for each answer.")
    var timeout: Int = 3

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let candidates =
            url.map { [$0] }
            ?? environment["ZIXLY_PORT"].map { ["http://127.0.0.1:\($0)/health"] }
            ?? ["http://127.0.0.1:8080/health", "http://127.0.0.1:8081/health"]
        var problems: [String] = []
        for candidate in candidates {
            do {
                let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: candidate), timeout: .seconds(Int64(timeout)))
                if response.status == .ok {
                    print("healthy: \(candidate)")
                    return
                }
                problems.append("\(candidate) answered \(response.status.code)")
            } catch {
                problems.append("\(candidate): \(error)")
            }
        }
        throw CLIError("unhealthy: " + problems.joined(separator: "; "))
    }
}
