namespace WirelessGnn.Problems.InterferenceChannel;

/// <summary>
/// The sum rate in plain double-precision loops, written independently of <see cref="SumRate"/>: the oracle of the
/// tests, and the objective the C# baselines optimise against.
/// </summary>
public static class SumRateOracle
{
    /// <summary>Rates <c>[K]</c> in bit/s/Hz for power fractions <paramref name="power"/> <c>[K]</c>.</summary>
    public static double[] Rates(double[,] snr, IReadOnlyList<double> power)
    {
        int k = snr.GetLength(0);
        if (power.Count != k) throw new ArgumentException($"power: {power.Count} values; expected K = {k}.", nameof(power));
        var rates = new double[k];
        for (int i = 0; i < k; i++)
        {
            double interference = 1.0;
            for (int j = 0; j < k; j++)
                if (j != i) interference += snr[i, j] * power[j];
            rates[i] = Math.Log(1 + snr[i, i] * power[i] / interference, 2);
        }
        return rates;
    }

    /// <summary>Sum rate in bit/s/Hz.</summary>
    public static double Total(double[,] snr, IReadOnlyList<double> power) => Rates(snr, power).Sum();
}
