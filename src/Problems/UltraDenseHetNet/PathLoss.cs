namespace WirelessGnn.Problems.UltraDenseHetNet;

/// <summary>
/// The large-scale path loss of paper eq. (12) read as the 3GPP pico-cell model (spec §1.3 [K][R]):
/// <c>PL_dB = 10·D + 10·θ·log10(w_km)</c> with <c>D^L = 10.38, θ^L = 2.09</c> (LoS) and <c>D^NL = 14.54, θ^NL = 3.75</c>
/// (NLoS); the distance is clamped to at least 1 m.
/// </summary>
public static class PathLoss
{
    public const double LosD = 10.38, LosTheta = 2.09, NlosD = 14.54, NlosTheta = 3.75;
    public const double MinimumDistanceMetres = 1;

    /// <summary>Path loss in dB at <paramref name="metres"/> (3-D distance).</summary>
    public static double Db(double metres, bool lineOfSight)
    {
        if (!(metres >= 0)) throw new ArgumentOutOfRangeException(nameof(metres), metres, "distance must be >= 0 m.");
        double km = Math.Max(metres, MinimumDistanceMetres) / 1000;
        return lineOfSight ? 10 * LosD + 10 * LosTheta * Math.Log10(km) : 10 * NlosD + 10 * NlosTheta * Math.Log10(km);
    }

    /// <summary>The linear channel gain <c>10^(−PL_dB/10)</c>.</summary>
    public static double Gain(double metres, bool lineOfSight) => Math.Pow(10, -Db(metres, lineOfSight) / 10);
}
