using WirelessGnn.Graphs;

namespace WirelessGnn.Problems.UltraDenseHetNet;

/// <summary>How the relaxed objective forms each SINR (spec §2.3, item 2).</summary>
public enum SinrMode
{
    /// <summary>Interference weighted by <c>(1 − x̂_{i,n})</c> (paper eqs. 9 and 25); exact at one-hot associations.</summary>
    PaperRelaxed,
    /// <summary>The exact SINR of every (UE, BS) pair, independent of x̂: the relaxed rate is an expected rate.</summary>
    ExpectedRate,
}

/// <summary>
/// A heterogeneous ultra-dense network (Zhang, Zhang, Yang; spec hbgnn.md §1, §7): J_m macro and J_n small BSs on one
/// band in a square with buildings, I single-antenna UEs outdoors, large-scale path loss with geometric LoS/NLoS, the
/// global rate with equal bandwidth sharing per BS. BS and building positions come from <see cref="LayoutSeed"/> and
/// stay fixed; UEs are redrawn per scene. Defaults are the paper's setup and the spec's [R] choices.
/// </summary>
public sealed record UltraDenseHetNetConfig
{
    /// <summary>Side of the square area in metres, [50, 10^4].</summary>
    public double AreaSide { get; init; } = 200;
    /// <summary>Macro BSs J_m (the first J_m BS indices), 0..20. Positions from <see cref="MacroPositions"/>, then uniform.</summary>
    public int MacroBss { get; init; } = 5;
    /// <summary>Small BSs J_n, 0..1000 (J_m + J_n ≥ 1).</summary>
    public int SmallBss { get; init; } = 100;
    /// <summary>UEs I, 1..2000.</summary>
    public int Ues { get; init; } = 120;
    /// <summary>Buildings (boxes), 0..200.</summary>
    public int Buildings { get; init; } = 20;
    /// <summary>Side of each building's square footprint, metres, (0, AreaSide).</summary>
    public double BuildingSide { get; init; } = 20;
    /// <summary>Building height, metres, (0, 500].</summary>
    public double BuildingHeight { get; init; } = 30;
    /// <summary>Macro BS transmit power limit, dBm (50 dBm = 100 W).</summary>
    public double MacroPowerDbm { get; init; } = 50;
    /// <summary>Small BS transmit power limit, dBm (20 dBm = 0.1 W).</summary>
    public double SmallPowerDbm { get; init; } = 20;
    /// <summary>Noise power σ², dBm (spec [R]: −95 dBm).</summary>
    public double NoiseDbm { get; init; } = -95;
    /// <summary>UE antenna height, metres, (0, 100].</summary>
    public double UeHeight { get; init; } = 1.5;
    /// <summary>Small BS antenna height, metres (a small BS on a roof sits <see cref="RooftopClearance"/> above it).</summary>
    public double SmallHeight { get; init; } = 10;
    /// <summary>Macro BS antenna height, metres.</summary>
    public double MacroHeight { get; init; } = 35;
    /// <summary>Height of a BS antenna above the roof it stands on, metres (30 + 0.5 = 30.5 m).</summary>
    public double RooftopClearance { get; init; } = 0.5;
    /// <summary>Log-normal shadowing σ_SF in dB, [0, 20]; 0 = none (the paper's setting).</summary>
    public double ShadowingDb { get; init; }
    /// <summary>Seed of the fixed layout (BS and building positions).</summary>
    public int LayoutSeed { get; init; } = 20_240_501;
    /// <summary>The relaxed objective's SINR.</summary>
    public SinrMode SinrMode { get; init; } = SinrMode.PaperRelaxed;
    /// <summary>Whether a BS serving nobody is silent (spec §1.4 option; the paper lets it radiate).</summary>
    public bool SilenceIdleBs { get; init; }

    public int Bss => MacroBss + SmallBss;

    /// <summary>The spec's macro positions (§7), scaled with the area side.</summary>
    public static readonly (double X, double Y)[] MacroPositions = { (0.5, 0.5), (0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75) };

    /// <summary>dBm to watts: <c>10^((dBm − 30)/10)</c>.</summary>
    public static double Watts(double dbm) => Math.Pow(10, (dbm - 30) / 10);

    public double NoiseWatts => Watts(NoiseDbm);

    /// <summary>Throws naming the first field outside its range.</summary>
    public void Validate()
    {
        Require.Valid(AreaSide is >= 50 and <= 1e4, "problem.areaSide", AreaSide, "[50, 10000] m");
        Require.InRange(MacroBss, 0, 20, "problem.macroBss");
        Require.InRange(SmallBss, 0, 1000, "problem.smallBss");
        Require.Valid(Bss >= 1, "problem.macroBss + problem.smallBss", Bss, ">= 1");
        Require.InRange(Ues, 1, 2000, "problem.ues");
        Require.InRange(Buildings, 0, 200, "problem.buildings");
        Require.Valid(BuildingSide > 0 && BuildingSide < AreaSide, "problem.buildingSide", BuildingSide, $"(0, {AreaSide}) m");
        Require.Valid(BuildingHeight is > 0 and <= 500, "problem.buildingHeight", BuildingHeight, "(0, 500] m");
        Require.Valid(MacroPowerDbm is >= -30 and <= 80, "problem.macroPowerDbm", MacroPowerDbm, "[-30, 80] dBm");
        Require.Valid(SmallPowerDbm is >= -30 and <= 80, "problem.smallPowerDbm", SmallPowerDbm, "[-30, 80] dBm");
        Require.Valid(NoiseDbm is >= -200 and <= 0, "problem.noiseDbm", NoiseDbm, "[-200, 0] dBm");
        Require.Valid(UeHeight is > 0 and <= 100, "problem.ueHeight", UeHeight, "(0, 100] m");
        Require.Valid(SmallHeight is > 0 and <= 500, "problem.smallHeight", SmallHeight, "(0, 500] m");
        Require.Valid(MacroHeight is > 0 and <= 500, "problem.macroHeight", MacroHeight, "(0, 500] m");
        Require.Valid(RooftopClearance is >= 0 and <= 100, "problem.rooftopClearance", RooftopClearance, "[0, 100] m");
        Require.Valid(ShadowingDb is >= 0 and <= 20, "problem.shadowingDb", ShadowingDb, "[0, 20] dB");
    }
}
