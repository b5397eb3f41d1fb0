public import SweepEngine
public import ZixlyCore

extension WindowPerformance {
    /// `{total_return_pct, annualized_return, sharpe_ratio, max_drawdown_pct}`.
    public var json: JSONValue {
        [
            "total_return_pct": .number(totalReturnPct), "annualized_return": .number(annualizedReturn),
            "sharpe_ratio": .number(sharpeRatio), "max_drawdown_pct": .number(maxDrawdownPct),
        ]
    }
}

extension WalkForwardOutcome {
    /// The figures the job's summary shows.
    public func summaryJSON(plan: WalkForwardPlan) -> JSONValue {
        [
            "train_bars": .number(Double(plan.trainBars)), "test_bars": .number(Double(plan.testBars)), "anchored": .bool(plan.anchored),
            "folds": .number(Double(folds.count)),
            "efficiency": .number(efficiency),
            "out_of_sample": stitched.json,
            "buy_and_hold_return_pct": .number(((buyAndHoldCurve.last ?? 100) / 100 - 1) * 100),
            "most_chosen": mostChosen.map { ["fast": .number(Double($0.fast)), "slow": .number(Double($0.slow))] } ?? .null,
            "most_chosen_share": .number(mostChosenShare),
            "distinct_choices": .number(Double(distinctChoices)),
        ]
    }

    /// Everything: per fold its windows (by date), its choice with the in-sample figures and its
    /// out-of-sample figures, and the stitched curve against buy-and-hold.
    public func json(series: PriceSeries, plan: WalkForwardPlan) -> JSONValue {
        func window(_ range: Range<Int>) -> JSONValue {
            [
                "first": .string(series.dates[range.lowerBound]), "last": .string(series.dates[range.upperBound - 1]),
                "bars": .number(Double(range.count)),
            ]
        }
        return summaryJSON(plan: plan).merging([
            "folds": .array(
                folds.enumerated().map { index, fold in
                    [
                        "fold": .number(Double(index + 1)), "train": window(fold.train), "test": window(fold.test),
                        "fast": fold.chosen.map { .number(Double($0.fastPeriod)) } ?? .null,
                        "slow": fold.chosen.map { .number(Double($0.slowPeriod)) } ?? .null,
                        "in_sample": fold.chosen.map { row -> JSONValue in
                            [
                                "total_return_pct": .number(row.totalReturnPct), "annualized_return": .number(row.annualizedReturn),
                                "sharpe_ratio": .number(row.sharpeRatio), "max_drawdown_pct": .number(row.maxDrawdownPct),
                            ]
                        } ?? .null,
                        "out_of_sample": fold.outOfSample.json,
                    ]
                }),
            "curve": [
                "dates": .array(series.dates[outOfSample].map(JSONValue.string)),
                "strategy": .array(outOfSampleCurve.map(JSONValue.number)),
                "buy_and_hold": .array(buyAndHoldCurve.map(JSONValue.number)),
            ],
        ])
    }
}
