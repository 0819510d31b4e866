namespace WirelessGnn.Problems.InterferenceChannel;

/// <summary>
/// One drop of the interference channel. Gains are normalised to the noise at full power,
/// <c>Snr[i, j] = G[i, j]·Pmax / σ²</c> with <c>G[i, j]</c> the power gain from transmitter j to receiver i, so that
/// with power fractions <c>p ∈ [0, 1]^K</c> the rate of pair i is <c>log2(1 + Snr[i,i]·p_i / (1 + Σ_{j≠i} Snr[i,j]·p_j))</c>.
/// </summary>
/// <param name="Snr">Noise-normalised full-power gains <c>[K, K]</c> (receiver, transmitter).</param>
/// <param name="Transmitters">Transmitter positions <c>[K, 2]</c> in metres.</param>
/// <param name="Receivers">Receiver positions <c>[K, 2]</c> in metres.</param>
public sealed record InterferenceChannelInstance(double[,] Snr, double[,] Transmitters, double[,] Receivers)
{
    /// <summary>Pairs K.</summary>
    public int Pairs => Snr.GetLength(0);

    /// <summary>An instance from given gains (e.g. measured); positions are left at the origin.</summary>
    public static InterferenceChannelInstance FromGains(double[,] snr)
    {
        int k = snr.GetLength(0);
        if (k == 0 || snr.GetLength(1) != k)
            throw new ArgumentException($"snr: shape [{snr.GetLength(0)}, {snr.GetLength(1)}]; expected a non-empty square [K, K].", nameof(snr));
        foreach (var v in snr)
            if (!double.IsFinite(v) || v < 0) throw new ArgumentException($"snr: element {v}; expected finite values >= 0.", nameof(snr));
        return new InterferenceChannelInstance(snr, new double[k, 2], new double[k, 2]);
    }
}
