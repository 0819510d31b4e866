using TorchSharp;
using WirelessGnn.Graphs;
using WirelessGnn.Layers;
using WirelessGnn.Models.Plugins;
using WirelessGnn.Models.Training;
using WirelessGnn.Tests.Layers;
using static TorchSharp.torch;

namespace WirelessGnn.Tests.Models;

/// <summary>Config of the toy plugin used to test the generic trainer, evaluator and experiment runner.</summary>
public sealed record ToyConfig : IPluginConfig
{
    public int Hidden { get; init; } = 8;
    /// <summary>Normalisation of the head's hidden layer (BatchNorm to test what depends on it).</summary>
    public Normalization HeadNormalization { get; init; } = Normalization.None;
    public int TestInstances { get; init; } = 24;
    public string Note { get; init; } = "toy";
    /// <summary>Most MSs per instance the network takes (<c>Prepare</c> refuses more), 0..64; the instances have 1..4.</summary>
    public int MaxMss { get; init; } = 4;
    public TrainingOptions Training { get; init; } = new()
    {
        Steps = 30, BatchSize = 8, TrainInstances = 64, ValidationInstances = 16, ValidateEvery = 10, LearningRate = 1e-2,
    };

    public void Validate()
    {
        Require.InRange(Hidden, 1, 256, "hidden");
        Require.InRange(TestInstances, 1, 100000, "testInstances");
        Require.InRange(MaxMss, 0, 64, "maxMss");
        Training.Validate();
    }
}

/// <summary>A toy instance: a random cell-free graph and, per MS, the total downlink gain it receives.</summary>
public sealed record ToyInstance(HeteroGraph Graph, float[] Target);

public sealed class ToyBatch : IDisposable
{
    public required GraphBatch Graphs { get; init; }
    public required Tensor Target { get; init; }   // [N_ms total]
    public void Dispose() { Graphs.Dispose(); Target.Dispose(); }
}

/// <summary>Per MS: one message-passing layer from the APs and a linear head.</summary>
public sealed class ToyNetwork : nn.Module<GraphView, Tensor>
{
    private readonly MetaPathMessagePassing layer;
    private readonly Mlp head;

    public ToyNetwork(int hidden, Normalization headNormalization = Normalization.None) : base(nameof(ToyNetwork))
    {
        layer = new MetaPathMessagePassing(LayerHarness.Downlink, 3, 2, new MessagePassingOptions { Hidden = hidden, Aggregation = Aggregation.Sum });
        head = new Mlp(new[] { 2, hidden, 1 }, normalization: headNormalization, activateLast: false);
        RegisterComponents();
    }

    public override Tensor forward(GraphView view)
    {
        var ms = layer.call(view.Features("ap"), view.Features("ms"), view);
        return view.Nodes("ms").Flatten(head.call(ms)).squeeze(-1);
    }
}

/// <summary>
/// A small plugin over the generic machinery: regression of per-MS received gain; the score is the negative mean
/// squared error per instance; the baseline predicts zero.
/// </summary>
public sealed class ToyPlugin : ModelPlugin<ToyConfig, ToyInstance, ToyBatch>
{
    public override PluginInfo Info { get; } = new("toy", "toy regression", "none", "test plugin", "0.0.1");
    public override string PrimaryMetric => "neg_mse";

    public override ToyConfig DefaultConfig(bool quick) => new();

    public override IReadOnlyList<ToyInstance> Sample(ToyConfig config, int count, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var g = LayerHarness.GenerateOne(rng, 4, 4);
            var edges = g.Edges(LayerHarness.Downlink);
            var target = new float[g.NodeCount("ms")];
            for (int e = 0; e < edges.Count; e++) target[edges.Targets[e]] += edges.Features[e];
            return new ToyInstance(g, target);
        }).ToList();
    }

    /// <summary>Instances the baselines have solved, warm-ups included.</summary>
    public int BaselineSolves;

    public override ToyBatch Prepare(IReadOnlyList<ToyInstance> instances, ToyConfig config, Device device) => new()
    {
        Graphs = instances.Max(i => i.Target.Length) <= config.MaxMss
            ? GraphBatch.Collate(instances.Select(i => i.Graph).ToList(), device)
            : throw new ArgumentOutOfRangeException("maxMss", config.MaxMss, $"an instance has more than maxMss = {config.MaxMss} MSs."),
        Target = tensor(instances.SelectMany(i => i.Target).ToArray(), device: device).DetachFromDisposeScope(),
    };

    public override nn.Module CreateNetwork(ToyConfig config) => new ToyNetwork(config.Hidden, config.HeadNormalization);

    public override Tensor Decide(nn.Module network, ToyBatch batch, ToyConfig config) => ((ToyNetwork)network).call(batch.Graphs.Sparse);

    public override Tensor Loss(nn.Module network, ToyBatch batch, ToyConfig config) =>
        nn.functional.mse_loss(Decide(network, batch, config), batch.Target);

    public override Tensor ToDecision(IReadOnlyList<double[]> decisions, ToyBatch batch) =>
        tensor(decisions.SelectMany(d => d).Select(v => (float)v).ToArray(), device: batch.Target.device);

    public override IReadOnlyDictionary<string, double[]> Score(Tensor decision, ToyBatch batch)
    {
        var parts = batch.Graphs.Sparse.Nodes("ms").Split((decision - batch.Target).square().unsqueeze(-1));
        var absolute = batch.Graphs.Sparse.Nodes("ms").Split((decision - batch.Target).abs().unsqueeze(-1));
        return new Dictionary<string, double[]>
        {
            ["neg_mse"] = parts.Select(p => -p.mean().item<float>() * 1.0).ToArray(),
            ["neg_mae"] = absolute.Select(p => -p.mean().item<float>() * 1.0).ToArray(),
        };
    }

    public override IReadOnlyList<Baseline<ToyInstance>> Baselines(ToyConfig config) =>
        new[] { new Baseline<ToyInstance>("zero", (i, _) => { Interlocked.Increment(ref BaselineSolves); return new double[i.Target.Length]; }) };

    public override IReadOnlyList<EvaluationSet<ToyConfig>> EvaluationSets(ToyConfig config) =>
        new[] { new EvaluationSet<ToyConfig>("test", config, config.TestInstances, 999) };
}
