namespace WirelessGnn.Problems.MecCellFree;

/// <summary>
/// The 3GPP TR 38.901 Urban Macro (UMa) large-scale formulas the channel substitute uses (spec §7.2). The formulas and
/// constants are taken from the spec's [K] items (the spec author's reading of 38.901 V16/V17), cited to the clause and
/// table they implement; they were not re-checked against the standard's text here. Distances in m, f_c in GHz,
/// losses in dB.
/// </summary>
public static class UrbanMacro
{
    /// <summary>Speed of light, m/s.</summary>
    public const double SpeedOfLight = 3e8;
    /// <summary>Effective environment height h_E for h_UT &lt; 13 m (38.901 Table 7.4.1-1 note 1) [K].</summary>
    public const double EnvironmentHeight = 1.0;
    /// <summary>Shadow-fading standard deviations, dB (38.901 Table 7.4.1-1, UMa) [K].</summary>
    public const double LosShadowingDb = 4, NlosShadowingDb = 6;
    /// <summary>Rician K-factor of LOS links, dB: mean and standard deviation (38.901 Table 7.5-6, UMa) [K].</summary>
    public const double LosKFactorMeanDb = 9, LosKFactorStdDb = 3.5;

    /// <summary>
    /// LOS probability (38.901 Table 7.4.2-1, UMa) [K]: 1 up to 18 m, then
    /// <c>[18/d + e^{−d/63}(1 − 18/d)]·[1 + C'(h_UT)·5/4·(d/100)³·e^{−d/150}]</c>, with <c>C' = 0</c> for h_UT ≤ 13 m.
    /// </summary>
    public static double LosProbability(double distance2D, double userHeight)
    {
        if (distance2D <= 18) return 1;
        double c = userHeight <= 13 ? 0 : Math.Pow((userHeight - 13) / 10, 1.5);
        double near = 18 / distance2D + Math.Exp(-distance2D / 63) * (1 - 18 / distance2D);
        return near * (1 + c * 1.25 * Math.Pow(distance2D / 100, 3) * Math.Exp(-distance2D / 150));
    }

    /// <summary>Breakpoint distance <c>d'_BP = 4 h'_BS h'_UT f_c/c</c>, m, with <c>h' = h − h_E</c> (38.901 Table 7.4.1-1 note 1) [K].</summary>
    public static double BreakpointDistance(double sbsHeight, double userHeight, double carrierGhz) =>
        4 * (sbsHeight - EnvironmentHeight) * (userHeight - EnvironmentHeight) * carrierGhz * 1e9 / SpeedOfLight;

    /// <summary>
    /// LOS path loss (38.901 Table 7.4.1-1, UMa, PL_1 below and PL_2 above the breakpoint) [K]:
    /// <c>28 + 22 log10 d_3D + 20 log10 f_c</c>, then <c>28 + 40 log10 d_3D + 20 log10 f_c − 9 log10(d'_BP² + (h_BS − h_UT)²)</c>.
    /// </summary>
    public static double LosPathLossDb(double distance2D, double sbsHeight, double userHeight, double carrierGhz)
    {
        double d3 = Distance3D(distance2D, sbsHeight, userHeight);
        double bp = BreakpointDistance(sbsHeight, userHeight, carrierGhz);
        double dh = sbsHeight - userHeight;
        return distance2D <= bp
            ? 28.0 + 22 * Math.Log10(d3) + 20 * Math.Log10(carrierGhz)
            : 28.0 + 40 * Math.Log10(d3) + 20 * Math.Log10(carrierGhz) - 9 * Math.Log10(bp * bp + dh * dh);
    }

    /// <summary>
    /// NLOS path loss (38.901 Table 7.4.1-1, UMa) [K]: <c>max(PL_LOS, 13.54 + 39.08 log10 d_3D + 20 log10 f_c − 0.6(h_UT − 1.5))</c>.
    /// </summary>
    public static double NlosPathLossDb(double distance2D, double sbsHeight, double userHeight, double carrierGhz)
    {
        double d3 = Distance3D(distance2D, sbsHeight, userHeight);
        double nlos = 13.54 + 39.08 * Math.Log10(d3) + 20 * Math.Log10(carrierGhz) - 0.6 * (userHeight - 1.5);
        return Math.Max(LosPathLossDb(distance2D, sbsHeight, userHeight, carrierGhz), nlos);
    }

    public static double Distance3D(double distance2D, double sbsHeight, double userHeight)
    {
        double dh = sbsHeight - userHeight;
        return Math.Sqrt(distance2D * distance2D + dh * dh);
    }
}
