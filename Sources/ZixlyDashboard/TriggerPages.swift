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
        return try await triggerForm(SweepForm(SweepForm.defaults), errors: [:], context: context)
    }

    /// Validates like the API (the same messages, next to their fields); "Count combinations"
    /// re-renders with the count, "Start the sweep" queues it and opens the job.
    @Sendable func trigger(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let principal = context.principal else { return Pages.redirect("/login") }
        guard principal.role >= .editor else {
            throw APIError(.forbidden, "triggering a sweep needs the editor role; you have \(principal.role.rawValue)")
        }
        let fields = FormFields(try await request.body.collect(upTo: 64 << 10))
        let form = SweepForm(Dictionary(uniqueKeysWithValues: SweepForm.names.map { ($0, fields[$0] ?? "") }))
        var errors = form.problems()
        guard case .success(let sweep) = jobTypes.requestableType(Self.jobType) else { throw APIError.notFound("the trading-sweep job type") }
        let accepted: AcceptedJob
        do {
            accepted = try await sweep.accept(form.body, tenant: principal.tenant)
        } catch let error as ValidationErrors {
            // The form's own words first; the job type's for what only it checks.
            for (field, message) in error.fields {
                let name = SweepForm.formField(forAPIField: field)
                errors[name] = errors[name] ?? message
            }
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

    func triggerForm(
        _ form: SweepForm, errors: [String: String], context: AppRequestContext, status: HTTPResponse.Status = .ok, preview: String? = nil
    ) async throws -> Response {
        let datasets = try await datasets.latest(tenant: context.principal?.tenant ?? NewJob.defaultTenant)
        var shown = errors.filter { SweepForm.names.contains($0.key) }
        let other = errors.filter { !SweepForm.names.contains($0.key) }.map { "\($0.key): \($0.value)" }.sorted()
        if !other.isEmpty { shown["other"] = other.joined(separator: "; ") }
        let values: [String: Any] = [
            "form": form.fields,
            "errors": shown,
            "error": errors.isEmpty ? false : "The sweep was not started: correct the fields marked below.",
            "tickers": datasets.map { dataset in
                [
                    "value": dataset.ticker, "selected": dataset.ticker == form.fields["ticker"]?.uppercased(),
                    "label": "\(dataset.ticker): \(dataset.bars) \(dataset.frequency) bars, \(dataset.first) to \(dataset.last)",
                ] as [String: Any]
            },
            "strategies": Strategy.allCases.map {
                ["value": $0.rawValue.uppercased(), "selected": $0.rawValue.uppercased() == form.fields["strategy_type"]?.uppercased()]
            },
            "combinations": preview ?? form.combinations ?? "",
        ]
        return pages.render("trigger", title: "Trigger a sweep", values, context: context, status: status)
    }
}
