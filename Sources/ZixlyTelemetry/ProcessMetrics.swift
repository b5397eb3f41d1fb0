import Foundation
import ZixlyCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The figures Prometheus' client libraries call process metrics, read from /proc at scrape time
/// (Linux; elsewhere only what getrlimit tells). Memory limit: the cgroup's, else the machine's.
struct ProcessMetrics: Equatable {
    var residentBytes: Double?
    var virtualBytes: Double?
    var cpuSeconds: Double?
    var startTimeSeconds: Double?
    var openFileDescriptors: Double?
    var maxFileDescriptors: Double?
    var memoryLimitBytes: Double?

    static func read() -> ProcessMetrics {
        var metrics = ProcessMetrics()
        if let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8) {
            metrics.apply(
                stat: stat, bootTime: bootTime(), ticksPerSecond: Double(sysconf(Int32(_SC_CLK_TCK))), pageSize: Double(sysconf(Int32(_SC_PAGESIZE))))
        }
        if let descriptors = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            metrics.openFileDescriptors = Double(descriptors.count)
        }
        var limit = rlimit()
        #if os(Linux)
            let resource = Int32(RLIMIT_NOFILE.rawValue)
        #else
            let resource = RLIMIT_NOFILE
        #endif
        if getrlimit(resource, &limit) == 0 { metrics.maxFileDescriptors = Double(limit.rlim_cur) }
        metrics.memoryLimitBytes = memoryLimit()
        return metrics
    }

    /// Fields of /proc/self/stat after the command name (which may hold spaces and parentheses).
    mutating func apply(stat: String, bootTime: Double?, ticksPerSecond: Double, pageSize: Double) {
        guard let close = stat.lastIndex(of: ")") else { return }
        let fields = stat[stat.index(after: close)...].split(separator: " ").map { Double($0) }
        // fields[0] is field 3 (state) of proc(5): utime 14, stime 15, starttime 22, vsize 23, rss 24.
        func field(_ number: Int) -> Double? { fields.indices.contains(number - 3) ? fields[number - 3] : nil }
        if let user = field(14), let system = field(15) { cpuSeconds = (user + system) / ticksPerSecond }
        if let start = field(22), let bootTime { startTimeSeconds = bootTime + start / ticksPerSecond }
        virtualBytes = field(23)
        residentBytes = field(24).map { $0 * pageSize }
    }

    static func bootTime() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        return stat.split(separator: "\n").first { $0.hasPrefix("btime ") }.flatMap { Double($0.dropFirst(6)) }
    }

    /// cgroup v2 `memory.max`, then v1's limit; "max" or an absurd v1 value means none: MemTotal.
    static func memoryLimit() -> Double? {
        for path in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            if let text = try? String(contentsOfFile: path, encoding: .utf8),
                let bytes = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes < 1e18
            {
                return bytes
            }
        }
        guard let meminfo = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
            let line = meminfo.split(separator: "\n").first(where: { $0.hasPrefix("MemTotal:") }),
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
        else { return nil }
        return kilobytes * 1024
    }

    func exposition() -> String {
        let entries: [(String, String, String, Double?)] = [
            (MetricNames.cpuSeconds, "counter", "User and system CPU time spent, in seconds.", cpuSeconds),
            (MetricNames.residentMemory, "gauge", "Resident memory size in bytes.", residentBytes),
            (MetricNames.virtualMemory, "gauge", "Virtual memory size in bytes.", virtualBytes),
            (MetricNames.memoryLimit, "gauge", "Memory the process may use: its cgroup's limit, else the machine's memory.", memoryLimitBytes),
            (MetricNames.openFileDescriptors, "gauge", "Open file descriptors.", openFileDescriptors),
            (MetricNames.maxFileDescriptors, "gauge", "Maximum open file descriptors.", maxFileDescriptors),
            (MetricNames.startTime, "gauge", "Start time of the process since the Unix epoch, in seconds.", startTimeSeconds),
        ]
        return entries.compactMap { name, type, help, value in
            value.map { "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n\(name) \(Self.format($0))\n" }
        }.joined()
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
