using WirelessGnn.Problems.UltraDenseHetNet;

namespace WirelessGnn.Tests.Problems.UltraDenseHetNet;

/// <summary>Small seeded HUDN scenes for fast tests (2 macros, 20 small BSs, 30 UEs, 6 buildings in 200 m).</summary>
public static class HetNetScenes
{
    public static readonly UltraDenseHetNetConfig Small = new() { MacroBss = 2, SmallBss = 20, Ues = 30, Buildings = 6 };

    public static IReadOnlyList<HetNetScene> Sample(int count, int seed, UltraDenseHetNetConfig? config = null) =>
        new HetNetSampler(config ?? Small).Sample(count, seed);

    /// <summary>A random feasible decision: uniform association, powers uniform in the box.</summary>
    public static HetNetDecision RandomDecision(HetNetScene scene, Random rng) =>
        new(Enumerable.Range(0, scene.Ues).Select(_ => rng.Next(scene.Bss)).ToArray(),
            scene.MaxPower.Select(p => p * rng.NextDouble()).ToArray());
}
