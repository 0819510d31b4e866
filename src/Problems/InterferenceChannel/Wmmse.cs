namespace WirelessGnn.Problems.InterferenceChannel;

/// <summary>What WMMSE returned: power fractions, iterations run, and the sum rate after each iteration.</summary>
public sealed record WmmseResult(double[] Power, int Iterations, bool Converged, IReadOnlyList<double> SumRateTrace)
{
    /// <summary>Sum rate of <see cref="Power"/> in bit/s/Hz.</summary>
    public double SumRate => SumRateTrace[^1];
}

/// <summary>
/// WMMSE power control, the scalar single-antenna case of Shi, Razaviyayn, Luo and He (IEEE TSP 2011), Algorithm 1,
/// in noise-normalised units (σ² = 1, Pmax = 1, channel amplitude h_ij = sqrt(Snr[i,j])). With transmit amplitudes
/// v_i = sqrt(p_i):
/// <code>
/// u_i = h_ii v_i / (1 + Σ_j h_ij² v_j²)           receiver (MMSE)
/// w_i = 1 / (1 − u_i h_ii v_i)                    weight (inverse MSE)
/// v_i = clip(w_i u_i h_ii / Σ_j w_j u_j² h_ji², 0, 1)   transmitter (projected)
/// </code>
/// The sum rate never decreases from one iteration to the next (block coordinate descent on the weighted MSE), and a
/// fixed point is a stationary point of the sum rate. Starts from full power, as in the paper and in Sun et al. 2018.
/// </summary>
public static class Wmmse
{
    /// <param name="snr">Noise-normalised full-power gains <c>[K, K]</c>.</param>
    /// <param name="maxIterations">Iteration cap (100 in Sun et al. 2018).</param>
    /// <param name="tolerance">Stop when the sum rate changes by less than this, relative (and absolute below 1 bit/s/Hz).</param>
    /// <param name="initial">Starting power fractions <c>[K]</c>; full power when null.</param>
    public static WmmseResult Solve(double[,] snr, int maxIterations = 100, double tolerance = 1e-4, IReadOnlyList<double>? initial = null)
    {
        int k = snr.GetLength(0);
        if (k == 0 || snr.GetLength(1) != k) throw new ArgumentException($"snr: shape [{snr.GetLength(0)}, {snr.GetLength(1)}]; expected square [K, K], K >= 1.", nameof(snr));
        if (maxIterations < 1) throw new ArgumentOutOfRangeException(nameof(maxIterations), maxIterations, "maxIterations must be >= 1.");
        if (initial is not null && initial.Count != k) throw new ArgumentException($"initial: {initial.Count} values; expected K = {k}.", nameof(initial));

        var h = new double[k, k];
        for (int i = 0; i < k; i++)
        for (int j = 0; j < k; j++) h[i, j] = Math.Sqrt(snr[i, j]);
        var v = new double[k];
        for (int i = 0; i < k; i++) v[i] = initial is null ? 1.0 : Math.Sqrt(Math.Clamp(initial[i], 0, 1));
        var u = new double[k];
        var w = new double[k];
        var power = new double[k];
        var trace = new List<double>();
        double previous = SumRateOf(snr, v, power);
        bool converged = false;
        int iteration = 0;
        while (iteration < maxIterations)
        {
            iteration++;
            for (int i = 0; i < k; i++)
            {
                double received = 1.0;
                for (int j = 0; j < k; j++) received += snr[i, j] * v[j] * v[j];
                u[i] = h[i, i] * v[i] / received;
                // 1 − u h v = (1 + I) / (1 + I + S) > 0 always; the weight is finite.
                w[i] = 1.0 / (1.0 - u[i] * h[i, i] * v[i]);
            }
            for (int i = 0; i < k; i++)
            {
                double denominator = 0;
                for (int j = 0; j < k; j++) denominator += w[j] * u[j] * u[j] * snr[j, i];
                v[i] = denominator > 0 ? Math.Clamp(w[i] * u[i] * h[i, i] / denominator, 0, 1) : 1.0;
            }
            double current = SumRateOf(snr, v, power);
            trace.Add(current);
            if (Math.Abs(current - previous) <= tolerance * Math.Max(1.0, Math.Abs(current))) { converged = true; break; }
            previous = current;
        }
        return new WmmseResult(power, iteration, converged, trace);
    }

    private static double SumRateOf(double[,] snr, double[] v, double[] power)
    {
        for (int i = 0; i < v.Length; i++) power[i] = v[i] * v[i];
        return SumRateOracle.Total(snr, power);
    }
}
