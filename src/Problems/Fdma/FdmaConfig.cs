using System.Text.Json.Serialization;
using WirelessGnn.Graphs;

namespace WirelessGnn.Problems.Fdma;

/// <summary>
/// FDMA delay minimisation P3 (spec mtl-routing §6.1): N bands of bandwidth W with powers P_n, mean delay
/// <c>(1/N) Σ L_n / (W log2(1 + P_n |h_n|²/(N0 W)))</c>, subject to <c>Σ P_n ≤ P_tot</c>, <c>0 ≤ P_n ≤ P_tot</c>.
/// </summary>
public sealed record FdmaConfig
{
    /// <summary>Total power P_tot, W, (0, 10^6].</summary>
    public double TotalPower { get; init; } = 10;
    /// <summary>Bandwidth W of each band, Hz, (0, 10^12].</summary>
    public double Bandwidth { get; init; } = 1e6;
    /// <summary>Noise spectral density N0, dBm/Hz, -250..0.</summary>
    public double NoiseDbmPerHz { get; init; } = -174;
    /// <summary>Data L_n of every band, bits, (0, 10^15].</summary>
    public double BitsPerBand { get; init; } = 1e6;
    /// <summary>Channel variance Ω_h (spec §6.3 [R]: 1, no path loss), (0, 10^6].</summary>
    public double ChannelVariance { get; init; } = 1;

    /// <summary>Noise power in a band, N0·W, W.</summary>
    [JsonIgnore]
    public double NoisePower => Math.Pow(10, (NoiseDbmPerHz - 30) / 10) * Bandwidth;

    /// <summary>The SNR gain <c>g_n = |h_n|²/(N0 W)</c> (1/W) of a normalised gain <c>|h_n|²/Ω_h</c>.</summary>
    public double SnrGain(double normalisedGain) => normalisedGain * ChannelVariance / NoisePower;

    /// <summary>Throws naming the first field outside its range.</summary>
    public void Validate()
    {
        Require.Valid(TotalPower > 0 && TotalPower <= 1e6, "fdma.totalPower", TotalPower, "(0, 1e6] W");
        Require.Valid(Bandwidth > 0 && Bandwidth <= 1e12, "fdma.bandwidth", Bandwidth, "(0, 1e12] Hz");
        Require.Valid(NoiseDbmPerHz is >= -250 and <= 0, "fdma.noiseDbmPerHz", NoiseDbmPerHz, "-250..0 dBm/Hz");
        Require.Valid(BitsPerBand > 0 && BitsPerBand <= 1e15, "fdma.bitsPerBand", BitsPerBand, "(0, 1e15] bits");
        Require.Valid(ChannelVariance > 0 && ChannelVariance <= 1e6, "fdma.channelVariance", ChannelVariance, "(0, 1e6]");
    }
}
