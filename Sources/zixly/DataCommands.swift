import ArgumentParser
import Foundation
import NIOHTTP1
import ZixlyCore

struct DataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data", abstract: "Upload and list market data (datasets) through the REST API.",
        subcommands: [Import.self, List.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Upload a CSV (Date,Open,High,Low,Close,Volume; .gz accepted) as the next version of a ticker's dataset.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The CSV file, or a gzip of it (.gz).") var file: String
        @Option(help: "The ticker it is the data of (3 to 20 letters, digits and . - _ ^ =).") var ticker: String
        @Flag(help: "Print the JSON answer.") var json = false

        func run() async throws {
            try await reportingErrors {
                let api = APIClient(baseURL: client.baseURL, apiKey: try client.resolvedAPIKey())
                let url = URL(fileURLWithPath: file)
                let type = url.pathExtension.lowercased() == "gz" ? "application/gzip" : "text/csv"
                let path = "/api/datasets/" + (ticker.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ticker)
                let dataset = try await api.upload(path, file: url, contentType: type)
                if json { return print(dataset.jsonText()) }
                let ticker = dataset["ticker"]?.stringValue ?? ticker
                let version = dataset["version"]?.intValue ?? 0
                let bars = dataset["bars"]?.intValue ?? 0
                print("\(ticker) version \(version): \(bars) bars, \(dataset["first"]?.stringValue ?? "") … \(dataset["last"]?.stringValue ?? "")")
                let perYear = formatted(dataset["bars_per_year"]?.doubleValue, decimals: 0)
                print(
                    "frequency \(dataset["frequency"]?.stringValue ?? "?") (\(perYear) bars a year), sha256 \(dataset["sha256"]?.stringValue ?? "")")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the datasets sweeps can run on, with each ticker's newest version.")
        @OptionGroup var client: ClientOptions
        @Flag(help: "Print the JSON answer.") var json = false

        func run() async throws {
            try await reportingErrors {
                let api = APIClient(baseURL: client.baseURL, apiKey: try client.resolvedAPIKey())
                let answer = try await api.expectSuccess(.GET, "/api/datasets")
                if json { return print(answer.jsonText()) }
                var table = TextTable(header: ["ticker", "version", "source", "bars", "first", "last", "frequency", "sha256"])
                if case .array(let datasets)? = answer["datasets"] {
                    for dataset in datasets {
                        table.rows.append([
                            dataset["ticker"]?.stringValue ?? "", String(dataset["version"]?.intValue ?? 0), dataset["source"]?.stringValue ?? "",
                            String(dataset["bars"]?.intValue ?? 0), dataset["first"]?.stringValue ?? "", dataset["last"]?.stringValue ?? "",
                            dataset["frequency"]?.stringValue ?? "", String((dataset["sha256"]?.stringValue ?? "").prefix(12)),
                        ])
                    }
                }
                print(table.render())
            }
        }
    }
}
