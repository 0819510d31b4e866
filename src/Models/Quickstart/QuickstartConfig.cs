using WirelessGnn.Graphs;
using WirelessGnn.Models.Plugins;
using WirelessGnn.Models.Training;
using WirelessGnn.Problems.InterferenceChannel;

namespace WirelessGnn.Models.Quickstart;

/// <summary>Settings of the quick-start plugin: the channel, the graph, the network, the test sets and training.</summary>
public sealed record QuickstartConfig : IPluginConfig
{
    /// <summary>The interference channel trained on (and the main test set's).</summary>
    public InterferenceChannelConfig Problem { get; init; } = new();
    /// <summary>Interfering links weaker than this at full power, dB relative to the noise, are left out of the graph.</summary>
    public double EdgeThresholdDb { get; init; } = -10;
    /// <summary>
    /// Tensor layout the network runs on. Both give the same numbers (a tested property of the layers); the interference
    /// graph is nearly complete, where the dense blocks are faster on CPU than gathers and segment reductions.
    /// </summary>
    public GraphLayout Layout { get; init; } = GraphLayout.Dense;
    /// <summary>Embedding and hidden width, 1..1024.</summary>
    public int Hidden { get; init; } = 32;
    /// <summary>Meta-path layers, 1..16.</summary>
    public int Layers { get; init; } = 3;
    /// <summary>Instances of the main test set (K = problem.pairs), 1..10^6.</summary>
    public int TestInstances { get; init; } = 1000;
    /// <summary>Pairs of the generalisation test set (the model is not retrained), 1..1000.</summary>
    public int GeneralisationPairs { get; init; } = 50;
    /// <summary>Instances of the generalisation test set, 1..10^6.</summary>
    public int GeneralisationInstances { get; init; } = 500;
    /// <summary>WMMSE iteration cap (100 in Sun et al. 2018), 1..10^5.</summary>
    public int WmmseIterations { get; init; } = 100;
    /// <summary>WMMSE relative sum-rate tolerance, (0, 1).</summary>
    public double WmmseTolerance { get; init; } = 1e-4;
    /// <summary>
    /// Iterations of the second, long WMMSE baseline (run to this cap, tolerance 1e-9), 0 to leave it out. At high SNR
    /// WMMSE creeps: the standard 100-iteration run stops about 2% below where thousands of iterations end, so the long
    /// run shows how much of the gap to a better stationary point the standard baseline leaves, 0..10^6.
    /// </summary>
    public int WmmseLongIterations { get; init; } = 1000;

    public TrainingOptions Training { get; init; } = new()
    {
        Steps = 2000, BatchSize = 64, TrainInstances = 0, ValidationInstances = 500, ValidateEvery = 100,
        LearningRate = 2e-3, Schedule = LearningRateSchedule.Cosine, ClipGradientNorm = 1.0,
    };

    public void Validate()
    {
        Problem.Validate("problem.");
        Require.Valid(EdgeThresholdDb is >= -100 and <= 100, "edgeThresholdDb", EdgeThresholdDb, "-100..100 dB");
        Require.InRange(Hidden, 1, 1024, "hidden");
        Require.InRange(Layers, 1, 16, "layers");
        Require.InRange(TestInstances, 1, 1_000_000, "testInstances");
        Require.InRange(GeneralisationPairs, 1, 1000, "generalisationPairs");
        Require.InRange(GeneralisationInstances, 1, 1_000_000, "generalisationInstances");
        Require.InRange(WmmseIterations, 1, 100_000, "wmmseIterations");
        Require.InRange(WmmseLongIterations, 0, 1_000_000, "wmmseLongIterations");
        Require.Valid(WmmseTolerance is > 0 and < 1, "wmmseTolerance", WmmseTolerance, "(0, 1)");
        Training.Validate();
    }
}
