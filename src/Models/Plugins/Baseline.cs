namespace WirelessGnn.Models.Plugins;

/// <summary>
/// A classical method scored against the model: it takes one instance and returns the same kind of decision the
/// model produces (as a flat vector), which the plugin turns into the decision tensor the shared objective scores.
/// </summary>
public sealed record Baseline<TInstance>(string Name, Func<TInstance, Random, double[]> Solve);
