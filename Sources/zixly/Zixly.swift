import ArgumentParser
import ZixlyApp

@main
struct Zixly: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zixly",
        abstract: "Webhook-triggered data pipelines: signed webhook → durable queue → worker → results.",
        version: "zixly \(ZixlyVersion.current) (commit \(ZixlyVersion.commit))",
        subcommands: [
            Up.self, API.self, Worker.self, Migrate.self, Health.self, SweepCommand.self, JobsCommand.self, DataCommand.self, LoadCommand.self,
        ])
}
