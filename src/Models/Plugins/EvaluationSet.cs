namespace WirelessGnn.Models.Plugins;

/// <summary>
/// A named set of seeded test instances, e.g. the training size and a larger one for generalisation.
/// Metrics of every set but the first are reported with the suffix <c>@Name</c>.
/// </summary>
/// <param name="Name">Short name, e.g. <c>K=50</c>.</param>
/// <param name="Config">The config to sample its instances with.</param>
/// <param name="Instances">How many instances.</param>
/// <param name="Seed">Seed of the sampler (distinct from training and validation seeds).</param>
public sealed record EvaluationSet<TConfig>(string Name, TConfig Config, int Instances, int Seed);
