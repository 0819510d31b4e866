using System.Text.Json.Serialization;
using WirelessGnn.Graphs;

namespace WirelessGnn.Problems.InterferenceChannel;

/// <summary>
/// The K-user interference channel of the GNN-for-RRM literature (Shi et al. 2011; Sun et al. 2018; Shen et al. 2019):
/// K transmitter-receiver pairs dropped in a square, each receiver at a random distance from its own transmitter,
/// distance path loss and Rayleigh fading on every link, one power per transmitter in [0, Pmax], sum rate objective.
/// </summary>
public sealed record InterferenceChannelConfig
{
    /// <summary>Transmitter-receiver pairs K, 1..1000.</summary>
    public int Pairs { get; init; } = 20;
    /// <summary>Side of the square area in metres, (0, 10^5].</summary>
    public double AreaSide { get; init; } = 500;
    /// <summary>Smallest distance between a transmitter and its own receiver in metres, (0, MaxPairDistance].</summary>
    public double MinPairDistance { get; init; } = 2;
    /// <summary>Largest distance between a transmitter and its own receiver in metres.</summary>
    public double MaxPairDistance { get; init; } = 65;
    /// <summary>Maximum transmit power per transmitter, dBm, -50..60.</summary>
    public double MaxPowerDbm { get; init; } = 10;
    /// <summary>Noise power at each receiver, dBm (thermal −174 dBm/Hz over 10 MHz ≈ −104 dBm), -200..0.</summary>
    public double NoiseDbm { get; init; } = -104;
    /// <summary>Path loss at 1 km, dB: PL(d) = PathLossAt1Km + PathLossExponent·10·log10(d / 1 km) (3GPP TR 36.814 style).</summary>
    public double PathLossAt1Km { get; init; } = 128.1;
    /// <summary>Path-loss exponent, 1..8 (3.76 in the 3GPP model).</summary>
    public double PathLossExponent { get; init; } = 3.76;
    /// <summary>Rayleigh small-scale fading on every link (|h|² ~ Exp(1)); false leaves path loss only.</summary>
    public bool RayleighFading { get; init; } = true;

    /// <summary>Maximum power in watts.</summary>
    [JsonIgnore]
    public double MaxPowerW => Math.Pow(10, (MaxPowerDbm - 30) / 10);
    /// <summary>Noise power in watts.</summary>
    [JsonIgnore]
    public double NoiseW => Math.Pow(10, (NoiseDbm - 30) / 10);

    /// <summary>Throws naming the first field outside its range.</summary>
    /// <param name="prefix">Path of this config in a larger one (<c>"problem."</c>), for the messages.</param>
    public void Validate(string prefix = "")
    {
        static void Check(bool ok, string field, object value, string range) => Require.Valid(ok, field, value, range);
        Check(Pairs is >= 1 and <= 1000, prefix + "pairs", Pairs, "1..1000");
        Check(AreaSide > 0 && AreaSide <= 1e5, prefix + "areaSide", AreaSide, "(0, 100000] m");
        Check(MinPairDistance > 0 && double.IsFinite(MinPairDistance), prefix + "minPairDistance", MinPairDistance, "> 0 m");
        Check(MaxPairDistance >= MinPairDistance && MaxPairDistance <= 1e5, prefix + "maxPairDistance", MaxPairDistance, $"{MinPairDistance}..100000 m (>= minPairDistance)");
        Check(MaxPowerDbm is >= -50 and <= 60, prefix + "maxPowerDbm", MaxPowerDbm, "-50..60 dBm");
        Check(NoiseDbm is >= -200 and <= 0, prefix + "noiseDbm", NoiseDbm, "-200..0 dBm");
        Check(PathLossAt1Km is >= 0 and <= 300, prefix + "pathLossAt1Km", PathLossAt1Km, "0..300 dB");
        Check(PathLossExponent is >= 1 and <= 8, prefix + "pathLossExponent", PathLossExponent, "1..8");
    }
}
