using TorchSharp;
using WirelessGnn.Graphs;
using WirelessGnn.Models.Plugins;
using WirelessGnn.Problems.InterferenceChannel;
using static TorchSharp.torch;

namespace WirelessGnn.Models.Quickstart;

/// <summary>A batch of interference-channel instances: their graphs and the padded gains the objective reads.</summary>
public sealed class QuickstartBatch : IDisposable
{
    public required GraphBatch Graphs { get; init; }
    /// <summary>Noise-normalised full-power gains <c>[B, K_max, K_max]</c>, zero-padded.</summary>
    public required Tensor Snr { get; init; }
    /// <summary>1 on real pairs, 0 on padding <c>[B, K_max]</c>.</summary>
    public required Tensor Mask { get; init; }

    public void Dispose()
    {
        Graphs.Dispose();
        Snr.Dispose();
        Mask.Dispose();
    }
}

/// <summary>
/// The quick-start plugin: K-user interference-channel power control with a heterogeneous GNN trained without
/// labels (loss: minus the mean per-pair rate), against WMMSE, full power and random power, all scored by
/// <see cref="SumRate"/>. Tested at the training K and, without retraining, at a larger K.
/// </summary>
public sealed class QuickstartPlugin : ModelPlugin<QuickstartConfig, InterferenceChannelInstance, QuickstartBatch>
{
    public override PluginInfo Info { get; } = new("quickstart", "K-user interference-channel power control (sum rate)",
        "Shi et al., IEEE TSP 2011 (WMMSE); Shen et al., IEEE JSAC 2021 (GNNs for radio resource management)",
        "Heterogeneous tx/rx meta-path GNN, unsupervised, vs WMMSE / full / random power", "1.0.0");

    public override string PrimaryMetric => "sum_rate_bps_hz";

    public override QuickstartConfig DefaultConfig(bool quick) => quick
        ? new QuickstartConfig
        {
            Hidden = 32, Layers = 2, TestInstances = 200, GeneralisationInstances = 100,
            Training = new QuickstartConfig().Training with { Steps = 300, BatchSize = 32, ValidationInstances = 200, ValidateEvery = 50, LearningRate = 3e-3 },
        }
        : new QuickstartConfig();

    public override IReadOnlyList<InterferenceChannelInstance> Sample(QuickstartConfig config, int count, int seed) =>
        new InterferenceChannelSampler(config.Problem).Sample(count, seed);

    public override QuickstartBatch Prepare(IReadOnlyList<InterferenceChannelInstance> instances, QuickstartConfig config, Device device)
    {
        var (snr, mask) = SumRate.ToTensors(instances, device);
        return new QuickstartBatch
        {
            Graphs = GraphBatch.Collate(instances.Select(i => InterferenceGraph.Build(i, config.EdgeThresholdDb)).ToList(), device),
            Snr = snr.DetachFromDisposeScope(),
            Mask = mask.DetachFromDisposeScope(),
        };
    }

    public override nn.Module CreateNetwork(QuickstartConfig config) => new QuickstartNetwork(config.Hidden, config.Layers);

    public override Tensor Decide(nn.Module network, QuickstartBatch batch, QuickstartConfig config) =>
        ((QuickstartNetwork)network).call(batch.Graphs.View(config.Layout)) * batch.Mask;

    /// <summary>Minus the mean per-pair rate (the sum rate divided by K keeps the loss scale independent of K).</summary>
    public override Tensor Loss(nn.Module network, QuickstartBatch batch, QuickstartConfig config)
    {
        var power = Decide(network, batch, config);
        return -(SumRate.Total(batch.Snr, power) / batch.Mask.sum(-1)).mean();
    }

    public override Tensor ToDecision(IReadOnlyList<double[]> decisions, QuickstartBatch batch)
    {
        long b = batch.Mask.shape[0], k = batch.Mask.shape[1];
        if (decisions.Count != b) throw new ArgumentException($"decisions: {decisions.Count} instances; expected {b}.", nameof(decisions));
        var padded = new float[b * k];
        for (int n = 0; n < b; n++)
        {
            if (decisions[n].Length > k) throw new ArgumentException($"decisions[{n}]: {decisions[n].Length} powers; expected at most {k}.", nameof(decisions));
            for (int i = 0; i < decisions[n].Length; i++) padded[n * k + i] = (float)decisions[n][i];
        }
        return tensor(padded, new[] { b, k }, device: batch.Mask.device);
    }

    public override IReadOnlyDictionary<string, double[]> Score(Tensor decision, QuickstartBatch batch)
    {
        using var scope = NewDisposeScope();
        var pairs = batch.Mask.sum(-1);
        return new Dictionary<string, double[]>
        {
            [PrimaryMetric] = ToArray(SumRate.Total(batch.Snr, decision)),
            ["violation_rate"] = ToArray(SumRate.Violations(decision, batch.Mask)),
            ["mean_power_fraction"] = ToArray((decision * batch.Mask).sum(-1) / pairs),
        };
    }

    public override IReadOnlyList<Baseline<InterferenceChannelInstance>> Baselines(QuickstartConfig config)
    {
        var baselines = new List<Baseline<InterferenceChannelInstance>>
        {
            new("wmmse", (i, _) => Wmmse.Solve(i.Snr, config.WmmseIterations, config.WmmseTolerance).Power),
        };
        if (config.WmmseLongIterations > 0)
            baselines.Add(new($"wmmse_{config.WmmseLongIterations}it", (i, _) => Wmmse.Solve(i.Snr, config.WmmseLongIterations, 1e-9).Power));
        baselines.Add(new("full_power", (i, _) => SimplePowerControl.FullPower(i.Pairs)));
        baselines.Add(new("random_power", (i, rng) => SimplePowerControl.RandomPower(i.Pairs, rng)));
        return baselines;
    }

    public override IReadOnlyList<EvaluationSet<QuickstartConfig>> EvaluationSets(QuickstartConfig config) => new[]
    {
        new EvaluationSet<QuickstartConfig>($"K={config.Problem.Pairs}", config, config.TestInstances, 1_000_001),
        new EvaluationSet<QuickstartConfig>($"K={config.GeneralisationPairs}",
            config with { Problem = config.Problem with { Pairs = config.GeneralisationPairs } }, config.GeneralisationInstances, 1_000_002),
    };

    public override string? SchemaDescription(QuickstartConfig config) => InterferenceGraph.Describe();
}
