import Foundation
import Hummingbird
import SweepEngine
import ZixlyAPI
import ZixlyCore
import ZixlyDatasets
import ZixlyQueue

/// `/trigger` (editors): the sweep form.
struct TriggerPages: Sendable {
    let queue: JobQueue
    /// The sweep's job type checks the form, as it checks API requests.
    let jobTypes: JobTypeRegistry
    /// The tickers the form offers: the tenant's datasets.
    let datasets: Datasets
    let pages: Pages

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get(use: triggerPage)
        routes.post(use: trigger)
        return routes
    }

    /// The sweep form, filled with a small default grid.
    @Sendable func triggerPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let principal = context.principal else { return Pages.redirect("/login") }
        guard principal.role >= .editor else {
            throw APIError(.forbidden, "triggering a sweep needs the editor role; you have \(principal.role.rawValue)")
        }
        let form = [
            "ticker": "GOOG", "strategy_type": "SMA", "fast_from": "5", "fast_to": "50", "slow_from": "20", "slow_to": "200", "step": "5",
            "min_trades": "50",  // the API's default (DESIGN §3), so the form and a webhook rank alike
        ]
        return try await triggerForm(form, errors: [:], context: context)
    }

    /// Validates like the API (the same messages, next to their fields); "Count combinations"
    /// re-renders with the count, "Start the sweep" queues it and opens the job.
    @Sendable func trigger(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let principal = context.principal else { return Pages.redirect("/login") }
        guard principal.role >= .editor else {
            throw APIError(.forbidden, "triggering a sweep needs the editor role; you have \(principal.role.rawValue)")
        }
        let fields = FormFields(try await request.body.collect(upTo: 64 << 10))
        var form: [String: String] = [:]
        for name in ["ticker", "strategy_type", "fast_from", "fast_to", "slow_from", "slow_to", "step", "min_trades"] {
            form[name] = (fields[name] ?? "").trimmingCharacters(in: .whitespaces)
        }
        var errors: [String: String] = [:]
        guard case .success(let sweep) = jobTypes.requestableType(Self.jobType) else { throw APIError.notFound("the trading-sweep job type") }
        let body = Self.body(form, errors: &errors)
        let accepted: AcceptedJob
        do {
            accepted = try await sweep.accept(body, tenant: principal.tenant)
        } catch let error as ValidationErrors {
            errors.merge(error.fields) { first, _ in first }
            return try await triggerForm(form, errors: errors, context: context, status: .badRequest)
        }
        guard errors.isEmpty else { return try await triggerForm(form, errors: errors, context: context, status: .badRequest) }
        if fields["action"] == "preview" {
            return try await triggerForm(form, errors: [:], context: context, preview: accepted.description)
        }
        let result = try await queue.enqueue(NewJob(tenant: principal.tenant, jobType: Self.jobType, parameters: accepted.parameters))
        return Pages.redirect("/jobs/\(result.job.id.rawValue)?notice=queued")
    }

    /// The job type the form queues.
    static let jobType = "trading-sweep"

    /// The form's text fields as the API's JSON body; a field that is not a whole number is
    /// reported here, in the API's words.
    static func body(_ form: [String: String], errors: inout [String: String]) -> JSONValue {
        func number(_ name: String, field: String) -> JSONValue {
            guard let value = Int(form[name] ?? "") else {
                errors[field] = errors[field] ?? "must be whole numbers"
                return .null
            }
            return .number(Double(value))
        }
        return [
            "ticker": .string(form["ticker"] ?? ""),
            "strategy_type": .string(form["strategy_type"] ?? ""),
            "fast_range": [number("fast_from", field: "fast_range"), number("fast_to", field: "fast_range")],
            "slow_range": [number("slow_from", field: "slow_range"), number("slow_to", field: "slow_range")],
            "step": number("step", field: "step"),
            "min_trades": number("min_trades", field: "min_trades"),
        ]
    }

    func triggerForm(
        _ form: [String: String], errors: [String: String], context: AppRequestContext, status: HTTPResponse.Status = .ok, preview: String? = nil
    ) async throws -> Response {
        let tickers = try await datasets.latest(tenant: context.principal?.tenant ?? NewJob.defaultTenant).map(\.ticker)
        let known: Set = ["ticker", "strategy_type", "fast_range", "slow_range", "step", "min_trades"]
        var shown = errors.filter { known.contains($0.key) }
        let other = errors.filter { !known.contains($0.key) }.map { "\($0.key): \($0.value)" }.sorted()
        if !other.isEmpty { shown["other"] = other.joined(separator: "; ") }
        let values: [String: Any] = [
            "form": form,
            "errors": shown,
            "error": errors.isEmpty ? false : "The sweep was not started: correct the fields marked below.",
            "tickers": tickers.map { ["value": $0, "selected": $0 == form["ticker"]?.uppercased()] },
            "strategies": Strategy.allCases.map {
                ["value": $0.rawValue.uppercased(), "selected": $0.rawValue.uppercased() == form["strategy_type"]?.uppercased()]
            },
            "combinations": preview ?? "",
        ]
        return pages.render("trigger", title: "Trigger a sweep", values, context: context, status: status)
    }
}
