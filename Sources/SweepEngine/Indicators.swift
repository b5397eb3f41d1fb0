/// Moving averages exactly as vectorbt 1.2 computes them (see docs/sweep-metrics.md).
/// Every output has the input's length and is NaN before bar `window - 1`.
public enum Indicators {
    /// Simple moving average from a running prefix sum accumulated left to right in `Double`:
    /// `SMA[n-1] = P[n-1]/n`, `SMA[i] = (P[i] - P[i-n]) / n`. (vectorbt's `rolling_mean_nb`.)
    public static func sma(_ values: [Double], window: Int) -> [Double] {
        precondition(window >= 1, "window must be at least 1")
        var output = [Double](repeating: .nan, count: values.count)
        guard values.count >= window else { return output }
        let prefix = prefixSums(values)
        let n = Double(window)
        output[window - 1] = prefix[window - 1] / n
        for index in window..<values.count {
            output[index] = (prefix[index] - prefix[index - window]) / n
        }
        return output
    }

    /// `P[i] = P[i−1] + values[i]`, accumulated left to right (the SMA's exact arithmetic).
    public static func prefixSums(_ values: [Double]) -> [Double] {
        var sum = 0.0
        return values.map { value in
            sum += value
            return sum
        }
    }

    /// Exponential moving average with `alpha = 2/(n+1)`, seeded with the first value
    /// (pandas `ewm(span: n, adjust: false)`), output from bar `n-1` on.
    /// Leading NaNs in `values` are skipped: the average is seeded at the first defined value
    /// and output from `window - 1` bars after it (used for the MACD signal line).
    public static func ema(_ values: [Double], window: Int) -> [Double] {
        var output = [Double](repeating: .nan, count: values.count)
        output.withUnsafeMutableBufferPointer { output in
            values.withUnsafeBufferPointer { ema($0, window: window, into: output) }
        }
        return output
    }

    /// `ema(_:window:)` writing into a buffer of the input's length.
    static func ema(_ values: [Double], window: Int, into output: UnsafeMutableBufferPointer<Double>) {
        values.withUnsafeBufferPointer { ema($0, window: window, into: output) }
    }

    static func ema(_ values: UnsafeBufferPointer<Double>, window: Int, into output: UnsafeMutableBufferPointer<Double>) {
        precondition(window >= 1, "window must be at least 1")
        let alpha = 1.0 / (1.0 + (Double(window) - 1.0) / 2.0)
        let weight = 1.0 - alpha
        var average = Double.nan
        var defined = 0
        for index in 0..<values.count {
            let value = values[index]
            if value.isNaN && defined == 0 {
                output[index] = .nan
                continue
            }
            if defined == 0 {
                average = value
            } else if average != value {
                average = (weight * average + alpha * value) / (weight + alpha)
            }
            defined += 1
            output[index] = defined >= window ? average : .nan
        }
    }

    /// MACD = EMA(fast) − EMA(slow) and its signal line, the 9-bar EMA of MACD seeded at MACD's
    /// first defined bar.
    static func macd(
        fast: UnsafeBufferPointer<Double>, slow: UnsafeBufferPointer<Double>,
        macd: UnsafeMutableBufferPointer<Double>, signal: UnsafeMutableBufferPointer<Double>
    ) {
        for bar in 0..<fast.count { macd[bar] = fast[bar] - slow[bar] }
        ema(UnsafeBufferPointer(macd), window: Strategy.macdSignalWindow, into: signal)
    }
}
