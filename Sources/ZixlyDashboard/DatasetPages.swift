import Foundation
import HTTPTypes
import Hummingbird
import ZixlyAPI
import ZixlyCore
import ZixlyDatasets

/// `/datasets`: the tenant's market data, each ticker's versions, and (editors) the upload form,
/// whose file is streamed into the import as it arrives.
struct DatasetPages: Sendable {
    let datasets: Datasets
    let pages: Pages
    /// Shared with the API: one process streams this many uploads at once.
    let imports: ImportSlots

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get(use: list)
        routes.post(use: upload)
        routes.get(":ticker", use: versions)
        return routes
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard context.principal != nil else { return Pages.redirect("/login") }
        return try await listPage(context: context)
    }

    /// The upload form: 303 to the ticker's versions once stored; the list again, 400, with the
    /// field's problem otherwise (nothing stored).
    @Sendable func upload(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let principal = context.principal else { return Pages.redirect("/login") }
        guard principal.role >= .editor else {
            throw APIError(.forbidden, "uploading a dataset needs the editor role; you have \(principal.role.rawValue)")
        }
        guard let form = MultipartFileForm(request.body, contentType: request.headers[.contentType] ?? "") else {
            throw APIError(.unsupportedMediaType, "the upload form sends multipart/form-data")
        }
        var fields: [String: String] = [:]
        var errors: [String: String] = [:]
        do {
            try await form.readFieldsBeforeFile()
            fields = form.fields
            let ticker = (fields["ticker"] ?? "").trimmingCharacters(in: .whitespaces)
            if let problem = MarketDataDirectory.tickerProblem(ticker) {
                errors["ticker"] = problem
            } else {
                guard imports.take() else {
                    throw APIError.tooManyRequests("\(imports.limit) dataset imports are already running here; try again shortly", retryAfter: 5)
                }
                defer { imports.give() }
                let dataset = try await datasets.importCSV(form.file, ticker: ticker, tenant: principal.tenant)
                return Pages.redirect("/datasets/\(dataset.ticker)?notice=uploaded-\(dataset.version)")
            }
        } catch let error as MultipartFormError {
            errors["file"] = error.description
        } catch let error as DatasetImportError {
            errors["file"] = error.description
        }
        return try await listPage(context: context, form: fields, errors: errors, status: .badRequest)
    }

    @Sendable func versions(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let principal = context.principal else { return Pages.redirect("/login") }
        let ticker = (context.parameters.get("ticker") ?? "").removingPercentEncoding ?? ""
        guard MarketDataDirectory.tickerProblem(ticker) == nil else { throw APIError.notFound("dataset") }
        let versions = try await datasets.versions(of: ticker, tenant: principal.tenant)
        guard !versions.isEmpty else { throw APIError.notFound("dataset \(ticker.uppercased())") }
        let notice = request.uri.queryParameters.get("notice").flatMap { text -> String? in
            guard text.hasPrefix("uploaded-"), let version = Int(text.dropFirst("uploaded-".count)) else { return nil }
            return "Version \(version) stored."
        }
        return pages.render(
            "dataset", title: "Dataset \(ticker.uppercased())",
            ["ticker": ticker.uppercased(), "versions": versions.map(Self.values), "notice": notice ?? false], context: context)
    }

    private func listPage(
        context: AppRequestContext, form: [String: String] = [:], errors: [String: String] = [:], status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let tenant = context.principal?.tenant ?? NewJob.defaultTenant
        let values: [String: Any] = [
            "datasets": try await datasets.latest(tenant: tenant).map(Self.values),
            "form": form,
            "errors": errors,
            "error": errors.isEmpty ? false : "The dataset was not stored: correct the fields marked below.",
        ]
        return pages.render("datasets", title: "Datasets", values, context: context, status: status)
    }

    static func values(_ dataset: DatasetVersion) -> [String: Any] {
        [
            "ticker": dataset.ticker, "version": dataset.version, "source": dataset.source, "directory": dataset.version == 0,
            "bars": dataset.bars, "first": dataset.first, "last": dataset.last, "frequency": dataset.frequency,
            "barsPerYear": dataset.barsPerYear.rounded() == dataset.barsPerYear
                ? "\(Int(dataset.barsPerYear))" : String(format: "%.1f", dataset.barsPerYear),
            "sha256": dataset.sha256, "shortSHA": String(dataset.sha256.prefix(12)),
            "created": dataset.createdAt.map { ISO8601DateFormatter().string(from: $0) } ?? "—",
            "size": ByteCountFormatter.string(fromByteCount: Int64(dataset.bytes), countStyle: .file),
        ]
    }
}
