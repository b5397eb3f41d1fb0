import ArgumentParser
import Foundation
import NIOHTTP1
import ZixlyCore

struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs", abstract: "List, show, cancel and retry jobs through the REST API.",
        subcommands: [List.self, Show.self, Cancel.self, Retry.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List jobs, newest first.")
        @OptionGroup var client: ClientOptions
        @Option(help: "queued, running, completed, failed or cancelled.") var status: String?
        @Option(name: .customLong("job-type"), help: "Only jobs of this type, e.g. trading-sweep.") var jobType: String?
        @Option(help: "At most this many jobs (1–100).") var limit = 20
        @Option(help: "Skip this many of the newest jobs (to page on).") var offset = 0
        @Flag(help: "Also list each ticker's job of a many-ticker sweep (its parent's `jobs show` names them).") var children = false
        @Flag(help: "Print the JSON answer.") var json = false

        func run() async throws {
            try await reportingErrors {
                var query = ["limit=\(limit)", "offset=\(offset)"]
                if !children { query.append("top_level=true") }
                if let status { query.append("status=\(status.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? status)") }
                if let jobType { query.append("job_type=\(jobType.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? jobType)") }
                let api = APIClient(baseURL: client.baseURL, apiKey: try client.resolvedAPIKey())
                let answer = try await api.expectSuccess(.GET, "/api/pipelines?" + query.joined(separator: "&"))
                if json { return print(answer.jsonText()) }
                var table = TextTable(header: ["id", "what", "status", "progress", "result", "created", "duration s"])
                if case .array(let jobs)? = answer["jobs"] {
                    for job in jobs {
                        table.rows.append([
                            job["id"]?.stringValue ?? "", job["synopsis"]?["what"]?.stringValue ?? job["job_type"]?.stringValue ?? "",
                            job["status"]?.stringValue ?? "", "\(job["progress"]?.intValue ?? 0)%", JobsCommand.result(job),
                            job["created_at"]?.stringValue ?? "", formatted(job["duration_seconds"]?.doubleValue),
                        ])
                    }
                }
                print(table.render())
                print(
                    "\(answer["total_jobs"]?.intValue ?? 0) jobs in all"
                        + (answer["has_more"] == .bool(true) ? "; more with --offset \(offset + limit)" : ""))
            }
        }
    }

    /// What a job found, or the first line of why it failed (cut to 60 characters).
    static func result(_ job: JSONValue) -> String {
        if let outcome = job["synopsis"]?["outcome"]?.stringValue { return outcome }
        guard let error = job["error_message"]?.stringValue, let line = error.split(separator: "\n").first else { return "" }
        return line.count > 60 ? String(line.prefix(59)) + "…" : String(line)
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a job with its best results.")
        @OptionGroup var client: ClientOptions
        @Argument var id: String
        @Flag(help: "Print the JSON answer.") var json = false

        func run() async throws {
            try await reportingErrors {
                let api = APIClient(baseURL: client.baseURL, apiKey: try client.resolvedAPIKey())
                let job = try await api.expectSuccess(.GET, "/api/pipelines/\(id)")
                if json { return print(job.jsonText()) }
                for key in [
                    "id", "job_type", "status", "attempts", "progress", "created_at", "started_at", "completed_at", "duration_seconds",
                    "error_message",
                ] {
                    guard let value = job[key], value != .null else { continue }
                    let text = key == "duration_seconds" ? formatted(value.doubleValue, decimals: 3) : (value.stringValue ?? value.jsonText())
                    print("\(key): \(text)")
                    if key == "job_type", let what = job["synopsis"]?["what"]?.stringValue { print("what: \(what)") }
                }
                if let outcome = job["synopsis"]?["outcome"]?.stringValue { print("result: \(outcome)") }
                print("parameters: \(job["parameters"]?.jsonText() ?? "{}")")
                if case .array(let rows)? = job["results"], !rows.isEmpty { print(resultsTable(rows)) }
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a queued or running job.")
        @OptionGroup var client: ClientOptions
        @Argument var id: String

        func run() async throws { try await jobAction(.DELETE, "/api/pipelines/\(id)", id: id, client: client) }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Queue a failed or cancelled job again.")
        @OptionGroup var client: ClientOptions
        @Argument var id: String

        func run() async throws { try await jobAction(.POST, "/api/pipelines/\(id)/retry", id: id, client: client) }
    }
}

/// Sends a job action and prints the server's message.
private func jobAction(_ method: HTTPMethod, _ path: String, id: String, client: ClientOptions) async throws {
    try await reportingErrors {
        let api = APIClient(baseURL: client.baseURL, apiKey: try client.resolvedAPIKey())
        let answer = try await api.expectSuccess(method, path)
        print("\(id): \(answer["message"]?.stringValue ?? "done")")
    }
}
