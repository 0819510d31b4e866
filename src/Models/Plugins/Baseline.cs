namespace WirelessGnn.Models.Plugins;

/// <summary>
/// A classical method scored against the model: it takes one instance and returns the same kind of decision the
/// model produces (as a flat vector), which the plugin turns into the decision tensor the shared objective scores.
/// </summary>
public sealed record Baseline<TInstance>(string Name, Func<TInstance, Random, double[]> Solve)
{
    /// <summary>
    /// Optional store of earlier solutions (slow optimisers): a hit returns the decision and the wall seconds its solve
    /// took when it ran, which the evaluator reports as the time; a miss returns null and the evaluator solves and
    /// calls <see cref="Remember"/>. A long evaluation interrupted midway so resumes where it stopped.
    /// </summary>
    public Func<TInstance, (double[] Decision, double Seconds)?>? Recall { get; init; }
    public Action<TInstance, double[], double>? Remember { get; init; }
}
