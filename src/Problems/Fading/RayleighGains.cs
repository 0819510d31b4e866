using MathNet.Numerics.Distributions;
using WirelessGnn.Graphs;

namespace WirelessGnn.Problems.Fading;

/// <summary>
/// Normalised Rayleigh power gains <c>|h_n|²/Ω_h</c> with <c>h_n ~ CN(0, Ω_h)</c> i.i.d. over bands and samples, so each
/// gain is Exp(1): the inputs of the FDMA delay and sum-capacity tasks (spec mtl-routing §6.3, §7.3). Seeded.
/// </summary>
public static class RayleighGains
{
    /// <summary><paramref name="count"/> draws of <paramref name="bands"/> gains each: <c>[count][bands]</c>; same seed, same gains.</summary>
    public static double[][] Sample(int bands, int count, int seed)
    {
        Require.InRange(bands, 1, 100_000, "bands");
        Require.InRange(count, 0, 100_000_000, "count");
        var normal = new Normal(0, Math.Sqrt(0.5), new Random(seed));
        var gains = new double[count][];
        for (int s = 0; s < count; s++)
        {
            var row = gains[s] = new double[bands];
            for (int n = 0; n < bands; n++)
            {
                double re = normal.Sample(), im = normal.Sample();
                row[n] = re * re + im * im;
            }
        }
        return gains;
    }
}
