namespace WirelessGnn.Problems.InterferenceChannel;

/// <summary>
/// Seeded drops: transmitters uniform in the square, each receiver at a uniform distance in
/// [MinPairDistance, MaxPairDistance] and a uniform direction from its transmitter; path loss on every link (distance
/// floored at 1 m) and, optionally, Rayleigh fading. Same config and seed, same instances.
/// </summary>
public sealed class InterferenceChannelSampler
{
    private readonly InterferenceChannelConfig _config;

    public InterferenceChannelSampler(InterferenceChannelConfig config)
    {
        config.Validate();
        _config = config;
    }

    /// <summary><paramref name="count"/> instances drawn from one generator seeded with <paramref name="seed"/>.</summary>
    public IReadOnlyList<InterferenceChannelInstance> Sample(int count, int seed)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be >= 0.");
        var rng = new Random(seed);
        var list = new List<InterferenceChannelInstance>(count);
        for (int n = 0; n < count; n++) list.Add(Sample(rng));
        return list;
    }

    /// <summary>One instance from <paramref name="rng"/>.</summary>
    public InterferenceChannelInstance Sample(Random rng)
    {
        var c = _config;
        int k = c.Pairs;
        var tx = new double[k, 2];
        var rx = new double[k, 2];
        for (int i = 0; i < k; i++)
        {
            tx[i, 0] = rng.NextDouble() * c.AreaSide;
            tx[i, 1] = rng.NextDouble() * c.AreaSide;
            double d = c.MinPairDistance + rng.NextDouble() * (c.MaxPairDistance - c.MinPairDistance);
            double angle = 2 * Math.PI * rng.NextDouble();
            rx[i, 0] = tx[i, 0] + d * Math.Cos(angle);
            rx[i, 1] = tx[i, 1] + d * Math.Sin(angle);
        }
        double scale = c.MaxPowerW / c.NoiseW;
        var snr = new double[k, k];
        for (int i = 0; i < k; i++)
        for (int j = 0; j < k; j++)
        {
            double distance = Math.Max(1.0, Math.Sqrt(Square(rx[i, 0] - tx[j, 0]) + Square(rx[i, 1] - tx[j, 1])));
            double pathLossDb = c.PathLossAt1Km + c.PathLossExponent * 10 * Math.Log10(distance / 1000);
            double fading = c.RayleighFading ? -Math.Log(1 - rng.NextDouble()) : 1.0;
            snr[i, j] = scale * Math.Pow(10, -pathLossDb / 10) * fading;
        }
        return new InterferenceChannelInstance(snr, tx, rx);
    }

    private static double Square(double x) => x * x;
}
