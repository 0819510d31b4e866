namespace WirelessGnn.Models.Reporting;

/// <summary>
/// The names of the derived metrics an experiment adds to a method's metrics, and the <c>name@set</c> convention for
/// metrics of test sets other than the first: written by the experiment runner, read back by the console table.
/// </summary>
public static class MetricKeys
{
    public const string MedianTime = "time_per_instance_median_s";
    public const string P90Time = "time_per_instance_p90_s";
    public const string InputPreparation = "input_preparation_s_per_instance";
    public const string RatioPrefix = "ratio_to_";
    public const string ShortfallPrefix = "shortfall_to_";

    /// <summary>
    /// The 99th percentile over the instances of the model's shortfall behind <paramref name="baseline"/> in the primary
    /// metric (its units; positive: behind), e.g. CF-HGNN's per-layout SE gap to QT-SCA.
    /// </summary>
    public static string ShortfallP99(string baseline) => $"{ShortfallPrefix}{baseline}_p99";

    /// <summary>The largest per-instance shortfall of the model behind <paramref name="baseline"/> (see <see cref="ShortfallP99"/>).</summary>
    public static string ShortfallMax(string baseline) => $"{ShortfallPrefix}{baseline}_max";

    /// <summary><paramref name="name"/> on test set <paramref name="set"/>; the main set (<c>""</c>) has no suffix.</summary>
    public static string OnSet(string name, string set) => set == "" ? name : $"{name}@{set}";

    /// <summary>The test set of a key, <c>""</c> for the main set.</summary>
    public static string SetOf(string key) => key.Contains('@') ? key[(key.IndexOf('@') + 1)..] : "";

    /// <summary>The metric name of a key without its set suffix.</summary>
    public static string BaseName(string key) => key.Contains('@') ? key[..key.IndexOf('@')] : key;

    /// <summary>Whether a metric is one of the derived ones (timings, preparation, ratios, shortfalls) rather than the problem's own.</summary>
    public static bool IsDerived(string name) => name.StartsWith(RatioPrefix, StringComparison.Ordinal)
        || name.StartsWith(ShortfallPrefix, StringComparison.Ordinal)
        || name is MedianTime or P90Time or InputPreparation;
}
