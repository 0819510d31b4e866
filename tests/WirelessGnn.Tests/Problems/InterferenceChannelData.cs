using WirelessGnn.Problems.InterferenceChannel;
using static TorchSharp.torch;

namespace WirelessGnn.Tests.Problems;

/// <summary>
/// Test data for the interference-channel tests: seeded instances, random power vectors (with exact 0s and 1s), the
/// float64 tensors of an instance, and finite-difference gradients of <see cref="SumRateOracle.Total"/>.
/// </summary>
internal static class InterferenceChannelData
{
    /// <summary><paramref name="count"/> instances of <paramref name="pairs"/> pairs of the default config (Rayleigh fading).</summary>
    public static IReadOnlyList<InterferenceChannelInstance> Instances(int pairs, int count, int seed) =>
        new InterferenceChannelSampler(new InterferenceChannelConfig { Pairs = pairs }).Sample(count, seed);

    /// <summary>Power fractions in [0, 1]: about 10% exactly 0, 10% exactly 1, the rest uniform.</summary>
    public static double[] Powers(Random rng, int pairs) =>
        Enumerable.Range(0, pairs).Select(_ => rng.NextDouble() switch
        {
            < 0.1 => 0.0,
            < 0.2 => 1.0,
            _ => rng.NextDouble(),
        }).ToArray();

    /// <summary>The gains of one instance as a <c>[1, K, K]</c> tensor of <paramref name="dtype"/>.</summary>
    public static Tensor SnrTensor(double[,] snr, ScalarType dtype)
    {
        int k = snr.GetLength(0);
        return tensor(snr.Cast<double>().ToArray(), new long[] { 1, k, k }, dtype: dtype);
    }

    /// <summary>Power vectors <c>[B, K]</c>, row n zero-padded past its length.</summary>
    public static Tensor PowerTensor(IReadOnlyList<double[]> powers, int width, ScalarType dtype, double padding = 0)
    {
        var flat = new double[powers.Count * width];
        for (int n = 0; n < powers.Count; n++)
            for (int i = 0; i < width; i++) flat[n * width + i] = i < powers[n].Length ? powers[n][i] : padding;
        return tensor(flat, new long[] { powers.Count, width }, dtype: dtype);
    }

    /// <summary>
    /// <c>∂ SumRateOracle.Total / ∂ p_i</c> by finite differences with step <paramref name="h"/>: central inside
    /// [h, 1 − h], one-sided (inward) within h of a bound, so the oracle is never evaluated at a negative power.
    /// </summary>
    public static double[] OracleGradient(double[,] snr, double[] power, double h)
    {
        var g = new double[power.Length];
        var p = (double[])power.Clone();
        for (int i = 0; i < p.Length; i++)
        {
            double x = power[i];
            double lo = x - h >= 0 ? x - h : x;
            double hi = x + h <= 1 ? x + h : x;
            p[i] = hi;
            double fHi = SumRateOracle.Total(snr, p);
            p[i] = lo;
            double fLo = SumRateOracle.Total(snr, p);
            p[i] = x;
            g[i] = (fHi - fLo) / (hi - lo);
        }
        return g;
    }

    /// <summary>The pair distance <c>|rx_i − tx_j|</c> in metres.</summary>
    public static double Distance(InterferenceChannelInstance instance, int rx, int tx) =>
        Math.Sqrt(Math.Pow(instance.Receivers[rx, 0] - instance.Transmitters[tx, 0], 2) +
                  Math.Pow(instance.Receivers[rx, 1] - instance.Transmitters[tx, 1], 2));
}
