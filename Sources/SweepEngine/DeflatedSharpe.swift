#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The Deflated Sharpe Ratio (Bailey & López de Prado, 2014): the probability that the selected
/// strategy's true Sharpe ratio is above zero, after correcting for how many strategies were
/// tried and for the non-normality of its returns. All Sharpe ratios here are per bar (not annualized).
///
/// `SR₀ = √V[SRₙ] · ((1−γ)·Φ⁻¹(1 − 1/N) + γ·Φ⁻¹(1 − 1/(N·e)))`, the Sharpe the best of N
/// unskilled trials would show; `DSR = Φ((SR* − SR₀)·√(T−1) / √(1 − γ₃·SR* + (γ₄−1)/4·SR*²))`.
public enum DeflatedSharpe {
    static let eulerMascheroni = 0.577_215_664_901_532_9

    /// - Parameters:
    ///   - sharpe: the selected strategy's per-bar Sharpe ratio SR*.
    ///   - trialSharpes: per-bar Sharpe ratios of every trial (finite ones are used); N = their count.
    ///   - returns: the selected strategy's per-bar returns (T of them), for skewness and kurtosis.
    /// - Returns: a probability in [0, 1], or NaN when it is undefined (T < 2, zero variance).
    public static func ratio(sharpe: Double, trialSharpes: [Double], returns: [Double]) -> Double {
        let trials = trialSharpes.filter(\.isFinite)
        guard sharpe.isFinite, returns.count > 1 else { return .nan }
        let mean = trials.reduce(0, +) / Double(max(1, trials.count))
        let variance = trials.count > 1 ? trials.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(trials.count - 1) : 0
        let (skewness, kurtosis) = moments(returns)
        return ratio(
            sharpe: sharpe, trialCount: trials.count, trialVariance: variance, observations: returns.count,
            skewness: skewness, kurtosis: kurtosis)
    }

    /// The formula itself, from summary figures (the paper's notation: SR*, N, V[SRₙ], T, γ₃, γ₄).
    public static func ratio(sharpe: Double, trialCount: Int, trialVariance: Double, observations: Int, skewness: Double, kurtosis: Double) -> Double
    {
        let threshold = expectedMaximumSharpe(trialCount: trialCount, trialVariance: trialVariance)
        let variance = 1 - skewness * sharpe + (kurtosis - 1) / 4 * sharpe * sharpe
        guard variance > 0, variance.isFinite, observations > 1 else { return .nan }
        return normalCDF((sharpe - threshold) * Double(observations - 1).squareRoot() / variance.squareRoot())
    }

    /// SR₀: the expected maximum of N per-bar Sharpe ratios with variance V and mean 0 (0 when N < 2).
    static func expectedMaximumSharpe(trialCount: Int, trialVariance: Double) -> Double {
        guard trialCount > 1 else { return 0 }
        let n = Double(trialCount)
        let gamma = eulerMascheroni
        return trialVariance.squareRoot()
            * ((1 - gamma) * inverseNormalCDF(1 - 1 / n) + gamma * inverseNormalCDF(1 - 1 / (n * M_E)))
    }

    /// Population skewness and (non-excess) kurtosis; a normal distribution gives (0, 3).
    static func moments(_ values: [Double]) -> (skewness: Double, kurtosis: Double) {
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        var m2 = 0.0
        var m3 = 0.0
        var m4 = 0.0
        for value in values {
            let d = value - mean
            let d2 = d * d
            m2 += d2
            m3 += d2 * d
            m4 += d2 * d2
        }
        m2 /= n
        m3 /= n
        m4 /= n
        guard m2 > 0 else { return (0, 3) }
        return (m3 / pow(m2, 1.5), m4 / (m2 * m2))
    }

    /// Φ(x), the standard normal distribution function.
    public static func normalCDF(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }

    /// Φ⁻¹(p) for p in (0, 1): Acklam's rational approximation refined by one Halley step
    /// (relative error below 1e-15).
    public static func inverseNormalCDF(_ p: Double) -> Double {
        guard p > 0, p < 1 else { return p <= 0 ? -.infinity : .infinity }
        let a = [
            -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01,
            2.506628277459239e+00,
        ]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [
            -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00,
            2.938163982698783e+00,
        ]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        var x: Double
        if p < low {
            let q = (-2 * log(p)).squareRoot()
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else if p <= 1 - low {
            let q = p - 0.5
            let r = q * q
            x =
                (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        } else {
            let q = (-2 * log(1 - p)).squareRoot()
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        let error = normalCDF(x) - p
        let u = error * (2 * Double.pi).squareRoot() * exp(x * x / 2)
        x -= u / (1 + x * u / 2)
        return x
    }
}
