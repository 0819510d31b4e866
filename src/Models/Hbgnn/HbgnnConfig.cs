using WirelessGnn.Graphs;
using WirelessGnn.Models.Plugins;
using WirelessGnn.Models.Training;
using WirelessGnn.Problems.UltraDenseHetNet;

namespace WirelessGnn.Models.Hbgnn;

/// <summary>The association head (spec §4.5): the paper's K outputs per UE, or a scorer of each candidate edge.</summary>
public enum UaHead { Slot, EdgeScorer }

/// <summary>Where GRL's supervised labels come from (spec §5.4).</summary>
public enum LabelSource { Juapcmwser, Msuapc, Uamwser, Maramp, None }

/// <summary>
/// Settings of the HBGNN plugin (spec hbgnn.md §3-§5, §8): the problem, the graph (edge rule, candidate cap K, BS
/// feature width M), the network, the GRL loss weights and labels, SRL, the dynamic temperature, the test sets and
/// training. Defaults are the paper's setup (5 macro + 100 small BSs, 120 UEs) and the spec's [R] choices.
/// </summary>
public sealed record HbgnnConfig : IPluginConfig
{
    public UltraDenseHetNetConfig Problem { get; init; } = new();

    /// <summary>Edge rule: max-power SNR at least this many dB above the noise (spec §3.2: 0 dB).</summary>
    public double EdgeThresholdDb { get; init; }
    /// <summary>Candidate BSs kept per UE, the K strongest qualifying ones (spec [R]: 16), 1..256.</summary>
    public int Candidates { get; init; } = 16;
    /// <summary>Top-M UE values in a BS's feature (spec [R]: 32), 1..1024.</summary>
    public int BsFeatureSlots { get; init; } = 32;
    /// <summary>Hidden and output width of each 1st/2nd-order kernel (spec [R]: 128 → 64).</summary>
    public int KernelHidden { get; init; } = 128;
    public int KernelOutput { get; init; } = 64;
    /// <summary>Association head (spec §4.5; <see cref="UaHead.Slot"/> is the paper's).</summary>
    public UaHead UaHead { get; init; } = UaHead.Slot;
    /// <summary>
    /// Gain g on the power head's logit, <c>p_j = sigmoid(g·(w·h_j + b))·p_max,j</c>, 0.01..1000. The paper's head is the
    /// sigmoid alone (g = 1); the function class is the same, only its scale differs. Default 30, a deviation: h_j is
    /// L2-normalised, so with g = 1 the logit is bounded by ‖w‖ (about 1.4 at Glorot init), and switching a BS off
    /// (p/p_max ≈ 1e-5 for a macro, logit −11) takes hundreds of Adam steps of ‖w‖ growth. GRL at g = 1 learnt only a
    /// common low power for every BS. Measured at the default scene (EdgeScorer, unsupervised, 32 × 2e-3): validation rate
    /// 28.6 / 39.0 at steps 200 / 500 with g = 1, 46.1 / 56.7 with g = 30 (README, HBGNN section); g = 100 saturates and stalls.
    /// </summary>
    public double PowerLogitGain { get; init; } = 30;
    /// <summary>HBGNN layers K_L (paper: 2, a 4-hop receptive field), 1..8.</summary>
    public int Layers { get; init; } = 2;

    /// <summary>GRL weights of the supervised and the rate term, and SRL's entropy weight (paper: 10, 1, 0.01).</summary>
    public double SupervisedWeight { get; init; } = 10;
    public double RateWeight { get; init; } = 1;
    public double EntropyWeight { get; init; } = 0.01;
    /// <summary>Add the entropy term in GRL too (spec [R]: off).</summary>
    public bool GrlEntropy { get; init; }
    public LabelSource Labels { get; init; } = LabelSource.Juapcmwser;
    /// <summary>
    /// Take the supervised cross-entropy at the output's temperature T (spec §5.1 [R]) instead of at T = 1 (default, a
    /// deviation). At the output temperature the cross-entropy scales as 1/T; the rate term drives T to its floor 0.01, and
    /// with w_s = 10 the loss grew to about 3000 while GRL stayed at MARAMP's rate (quick scene, 200 steps).
    /// </summary>
    public bool SupervisedAtOutputTemperature { get; init; }

    /// <summary>Dynamic temperature: start value and clip range (spec [R]: 1, [0.01, 10]).</summary>
    public double InitialTemperature { get; init; } = 1;
    public double MinTemperature { get; init; } = 0.01;
    public double MaxTemperature { get; init; } = 10;

    /// <summary>SRL (spec §5.3): Adam learning rate, iteration cap, convergence window l and relative bound e.</summary>
    public double SrlLearningRate { get; init; } = 1e-4;
    public int SrlMaxIterations { get; init; } = 5000;
    public int SrlWindow { get; init; } = 100;
    public double SrlTolerance { get; init; } = 1e-3;

    /// <summary>
    /// The reference optimiser <see cref="RelaxedAscent"/> (baseline "ascent", not in the paper): Adam rate, iteration cap
    /// and relative convergence bound, checked every <see cref="SrlWindow"/> iterations.
    /// </summary>
    public double AscentLearningRate { get; init; } = 0.05;
    public int AscentMaxIterations { get; init; } = 2000;
    public double AscentTolerance { get; init; } = 1e-4;

    /// <summary>The optimisation baselines scored beside the model (names of <see cref="HbgnnPlugin.BaselineNames"/>, or
    /// <see cref="RelaxedAscent.Name"/>).</summary>
    public string[] Baselines { get; init; } = HbgnnPlugin.BaselineNames.ToArray();
    /// <summary>Test scenes of the main set (paper: 200 Monte-Carlo runs), 1..10^6.</summary>
    public int TestInstances { get; init; } = 200;
    /// <summary>Folder of the label and baseline solution caches ("" for none).</summary>
    public string CacheDirectory { get; init; } = "runs/cache";

    public HbgnnReproductionOptions Reproduction { get; init; } = new();

    /// <summary>
    /// Spec §5.2: batch 64, 20 000 steps, Adam at 1e-4, 10 000 labelled training scenes, 500 validation scenes.
    /// Deviation: the generic trainer's constant rate instead of the paper's window-plateau decay (τ = 0.99 per 100 steps
    /// without improvement), which the trainer does not have; best-validation weights are restored at the end.
    /// </summary>
    public TrainingOptions Training { get; init; } = new()
    {
        Steps = 20_000, BatchSize = 64, TrainInstances = 10_000, ValidationInstances = 500, ValidateEvery = 100,
        LearningRate = 1e-4, Schedule = LearningRateSchedule.Constant, ClipGradientNorm = 10,
    };

    public void Validate()
    {
        Problem.Validate();
        Require.Valid(EdgeThresholdDb is >= -100 and <= 200, "edgeThresholdDb", EdgeThresholdDb, "[-100, 200] dB");
        Require.InRange(Candidates, 1, 256, "candidates");
        Require.InRange(BsFeatureSlots, 1, 1024, "bsFeatureSlots");
        Require.InRange(KernelHidden, 1, 4096, "kernelHidden");
        Require.InRange(KernelOutput, 1, 4096, "kernelOutput");
        Require.InRange(Layers, 1, 8, "layers");
        Require.Valid(PowerLogitGain is >= 0.01 and <= 1000, "powerLogitGain", PowerLogitGain, "[0.01, 1000]");
        Require.Valid(SupervisedWeight >= 0 && double.IsFinite(SupervisedWeight), "supervisedWeight", SupervisedWeight, ">= 0");
        Require.Valid(RateWeight >= 0 && double.IsFinite(RateWeight), "rateWeight", RateWeight, ">= 0");
        Require.Valid(EntropyWeight >= 0 && double.IsFinite(EntropyWeight), "entropyWeight", EntropyWeight, ">= 0");
        Require.Valid(MinTemperature > 0 && MinTemperature <= MaxTemperature, "minTemperature", MinTemperature, $"(0, maxTemperature = {MaxTemperature}]");
        Require.Valid(MaxTemperature <= 1e3, "maxTemperature", MaxTemperature, "<= 1000");
        Require.Valid(InitialTemperature >= MinTemperature && InitialTemperature <= MaxTemperature, "initialTemperature", InitialTemperature, $"[{MinTemperature}, {MaxTemperature}]");
        Require.Valid(SrlLearningRate is > 0 and <= 1, "srlLearningRate", SrlLearningRate, "(0, 1]");
        Require.InRange(SrlMaxIterations, 0, 1_000_000, "srlMaxIterations");
        Require.InRange(SrlWindow, 1, 100_000, "srlWindow");
        Require.Valid(SrlTolerance is >= 0 and < 1, "srlTolerance", SrlTolerance, "[0, 1)");
        Require.Valid(AscentLearningRate is > 0 and <= 10, "ascentLearningRate", AscentLearningRate, "(0, 10]");
        Require.InRange(AscentMaxIterations, 0, 1_000_000, "ascentMaxIterations");
        Require.Valid(AscentTolerance is >= 0 and < 1, "ascentTolerance", AscentTolerance, "[0, 1)");
        Require.InRange(TestInstances, 1, 1_000_000, "testInstances");
        foreach (var b in Baselines)
            Require.Valid(HbgnnPlugin.BaselineNames.Contains(b) || b == RelaxedAscent.Name, "baselines[]", b, string.Join(", ", HbgnnPlugin.BaselineNames.Append(RelaxedAscent.Name)));
        Reproduction.Validate();
        Training.Validate();
    }
}

/// <summary>What <c>wgnn reproduce hbgnn</c> runs beyond the main test set.</summary>
public sealed record HbgnnReproductionOptions
{
    /// <summary>Test scenes SRL fine-tunes on (each from the GRL weights), the first ones of the main set, 0..10^6.</summary>
    public int SrlScenes { get; init; } = 200;
    /// <summary>Sweep: "none", "ues" (Fig. 11) or "bss" (Fig. 12); the command line's <c>--sweep</c> is <c>--set reproduction.sweep=...</c>.</summary>
    public string Sweep { get; init; } = "none";
    /// <summary>UE counts of the Fig. 11 sweep (100 small BSs), each 1..2000.</summary>
    public int[] SweepUes { get; init; } = { 40, 60, 80, 100, 120, 140 };
    /// <summary>Small-BS counts of the Fig. 12 sweep (120 UEs), each 0..1000.</summary>
    public int[] SweepSmallBss { get; init; } = { 60, 80, 100, 120, 140 };
    /// <summary>Scenes per sweep point, 1..10^5.</summary>
    public int SweepScenes { get; init; } = 50;
    /// <summary>Scenes per sweep point that SRL fine-tunes on, 0..10^5.</summary>
    public int SweepSrlScenes { get; init; } = 10;
    /// <summary>Build the FCNN and CNN baselines to count their parameters (Table II; the FCNN has about 6.4e7).</summary>
    public bool CountNeuralBaselines { get; init; } = true;

    public void Validate()
    {
        Require.InRange(SrlScenes, 0, 1_000_000, "reproduction.srlScenes");
        Require.Valid(Sweep is "none" or "ues" or "bss", "reproduction.sweep", Sweep, "none, ues or bss");
        foreach (var u in SweepUes) Require.InRange(u, 1, 2000, "reproduction.sweepUes[]");
        foreach (var b in SweepSmallBss) Require.InRange(b, 0, 1000, "reproduction.sweepSmallBss[]");
        Require.InRange(SweepScenes, 1, 100_000, "reproduction.sweepScenes");
        Require.InRange(SweepSrlScenes, 0, 100_000, "reproduction.sweepSrlScenes");
    }
}
