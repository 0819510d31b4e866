namespace WirelessGnn.Problems.InterferenceChannel;

/// <summary>The trivial baselines: every transmitter at full power, or at a uniform random fraction of it.</summary>
public static class SimplePowerControl
{
    /// <summary>Power fractions all 1 <c>[K]</c>.</summary>
    public static double[] FullPower(int pairs) => Enumerable.Repeat(1.0, pairs).ToArray();

    /// <summary>Power fractions uniform in [0, 1] <c>[K]</c>.</summary>
    public static double[] RandomPower(int pairs, Random rng) => Enumerable.Range(0, pairs).Select(_ => rng.NextDouble()).ToArray();
}
