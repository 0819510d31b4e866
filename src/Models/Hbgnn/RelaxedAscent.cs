using TorchSharp;
using WirelessGnn.Problems.UltraDenseHetNet;
using static TorchSharp.torch;

namespace WirelessGnn.Models.Hbgnn;

/// <summary>
/// A reference optimiser, not in the paper: the training objective itself maximised per scene with no network. Free slot
/// scores <c>[1, I, K]</c> (start 0: uniform over each UE's candidates) and power logits <c>[1, J]</c> (start 0: half of
/// p_max,j), <c>p = sigmoid(logit)·p_max</c>, take a <see cref="SceneAscent"/> on <c>R̂</c> with the dynamic temperature.
/// It tells how far per-scene optimisation of the relaxed rate gets on our scenes, the ceiling SRL aims at: it matches
/// JUAPCMWSER, so a learned model far above JUAPCMWSER would beat both (README, HBGNN section).
/// </summary>
public static class RelaxedAscent
{
    public const string Name = "ascent";

    public static HetNetDecision Solve(HbgnnPlugin plugin, HetNetScene scene, HbgnnConfig config)
    {
        using var scope = NewDisposeScope();
        using var batch = plugin.Prepare(new[] { scene }, config, CPU);
        var scores = new TorchSharp.Modules.Parameter(zeros(batch.CandidateBs.shape));
        var logits = new TorchSharp.Modules.Parameter(zeros(1, batch.Bss));
        double temperature = config.InitialTemperature;
        var settings = new AscentSettings(config.AscentLearningRate, config.AscentMaxIterations, config.SrlWindow, config.AscentTolerance);
        var ascent = config with { EntropyWeight = 0 };
        var result = SceneAscent.Run(batch, new[] { scores, logits }, () => (scores, logits.sigmoid() * batch.MaxPower),
            () => temperature, t => temperature = t, settings, ascent);
        var decision = HetNetDecision.FromVector(result.Decision, scene.Ues, scene.Bss);
        // float32 sigmoid·p_max may round a hair above p_max.
        return decision with { Power = decision.Power.Select((p, j) => Math.Min(p, scene.MaxPower[j])).ToArray() };
    }
}
