import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import StandardWebhooks
import ZixlyCore

/// `zixly load webhooks`: signed trading-sweep webhooks at a server, as fast as it takes them,
/// from `--concurrency` connections; prints the rate and latency percentiles as one JSON line.
/// For load-testing a deployment and for `bench/queue`.
struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load-test a server.",
        subcommands: [Webhooks.self])

    struct Webhooks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send signed webhooks (each a new job) and report accepted/s and latency percentiles as JSON.")

        /// The server and the secret, found as every client command finds them (flags, the
        /// environment, then `.zixly/secrets.json`).
        @OptionGroup var server: ClientOptions
        @Option(help: "How many webhooks.")
        var count = 10_000
        @Option(help: "Requests in flight at once.")
        var concurrency = 8
        @Option(help: "Ticker of the (tiny) sweep each webhook asks for.")
        var ticker = "GOOG"

        func run() async throws {
            let text: String
            do { text = try server.resolvedSecret() } catch let error as CLIError { throw ValidationError("\(error)") }
            guard let signingSecret = try? WebhookSecret(text) else { throw ValidationError("the webhook signing secret must be a whsec_ secret") }
            guard count > 0, concurrency > 0 else { throw ValidationError("--count and --concurrency must be positive") }
            let webhook = Webhook(secrets: [signingSecret])
            let body = #"{"ticker":"\#(ticker)","fast_range":[5,20],"slow_range":[30,60],"step":5,"min_trades":10}"#
            var configuration = HTTPClient.Configuration()
            configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = concurrency
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            let run = UUID().uuidString.prefix(8)
            let target = server.baseURL + "/webhook/trading-sweep"

            @Sendable func send(_ index: Int) async -> (status: Int, seconds: Double) {
                var request = HTTPClientRequest(url: target)
                request.method = .POST
                request.headers.add(name: "content-type", value: "application/json")
                for (name, value) in webhook.sign(id: "msg_load_\(run)_\(index)", timestamp: Date(), body: Data(body.utf8)) {
                    request.headers.add(name: name, value: value)
                }
                request.body = .bytes(ByteBuffer(string: body))
                let started = ContinuousClock.now
                do {
                    let response = try await client.execute(request, timeout: .seconds(30))
                    _ = try await response.body.collect(upTo: 1 << 20)
                    return (Int(response.status.code), (ContinuousClock.now - started).inSeconds)
                } catch {
                    return (0, (ContinuousClock.now - started).inSeconds)
                }
            }

            let started = ContinuousClock.now
            let results = await withTaskGroup(of: (status: Int, seconds: Double).self) { group in
                var results: [(status: Int, seconds: Double)] = []
                results.reserveCapacity(count)
                for index in 0..<count {
                    if index >= concurrency, let done = await group.next() { results.append(done) }
                    group.addTask { await send(index) }
                }
                for await done in group { results.append(done) }
                return results
            }
            let elapsed = (ContinuousClock.now - started).inSeconds
            try? await client.shutdown()

            let latencies = results.map(\.seconds).sorted()
            func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] * 1000 }
            let statuses = Dictionary(grouping: results, by: \.status).mapValues(\.count)
            let accepted = statuses[202, default: 0]
            let report: JSONValue = [
                "requests": .number(Double(count)), "concurrency": .number(Double(concurrency)),
                "accepted": .number(Double(accepted)), "seconds": .number(elapsed),
                "accepted_per_second": .number(Double(accepted) / elapsed),
                "p50_ms": .number(percentile(0.50)), "p90_ms": .number(percentile(0.90)), "p99_ms": .number(percentile(0.99)),
                "max_ms": .number(latencies.last.map { $0 * 1000 } ?? 0),
                "statuses": .object(Dictionary(uniqueKeysWithValues: statuses.map { ("\($0.key)", .number(Double($0.value))) })),
            ]
            print(report.jsonText())
        }
    }
}
