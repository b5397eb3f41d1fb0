/// Moving averages exactly as vectorbt 1.2 computes them (see docs/sweep-metrics.md).
/// Every output has the input's length and is NaN before bar `window - 1`.
public enum Indicators {
    /// Simple moving average from a running prefix sum accumulated left to right in `Double`:
    /// `SMA[n-1] = P[n-1]/n`, `SMA[i] = (P[i] - P[i-n]) / n`. (vectorbt's `rolling_mean_nb`.)
    public static func sma(_ values: [Double], window: Int) -> [Double] {
        precondition(window >= 1, "window must be at least 1")
        var output = [Double](repeating: .nan, count: values.count)
        guard values.count >= window else { return output }
        var prefix = [Double](repeating: 0, count: values.count)
        var sum = 0.0
        for index in values.indices {
            sum += values[index]
            prefix[index] = sum
        }
        let n = Double(window)
        output[window - 1] = prefix[window - 1] / n
        for index in window..<values.count {
            output[index] = (prefix[index] - prefix[index - window]) / n
        }
        return output
    }

    /// Exponential moving average with `alpha = 2/(n+1)`, seeded with the first value
    /// (pandas `ewm(span: n, adjust: false)`), output from bar `n-1` on.
    /// Leading NaNs in `values` are skipped: the average is seeded at the first defined value
    /// and output from `window - 1` bars after it (used for the MACD signal line).
    public static func ema(_ values: [Double], window: Int) -> [Double] {
        precondition(window >= 1, "window must be at least 1")
        var output = [Double](repeating: .nan, count: values.count)
        guard let first = values.firstIndex(where: { !$0.isNaN }) else { return output }
        let alpha = 1.0 / (1.0 + (Double(window) - 1.0) / 2.0)
        let weight = 1.0 - alpha
        var average = values[first]
        let firstOutput = first + window - 1
        if firstOutput == first { output[first] = average }
        var index = first + 1
        while index < values.count {
            let value = values[index]
            if average != value {
                average = (weight * average + alpha * value) / (weight + alpha)
            }
            if index >= firstOutput { output[index] = average }
            index += 1
        }
        return output
    }
}
