using System.Text.Json.Serialization;
using WirelessGnn.Graphs;

namespace WirelessGnn.Problems.MecCellFree;

/// <summary>A site of an SBS in metres, relative to the MBS at the origin.</summary>
public sealed record SbsSite(double X, double Y);

/// <summary>
/// The MEC-aided cell-free downlink of Zheng, He, Huang, Quek (spec mec-cmtssl.md §2, §7): B multi-antenna SBSs with
/// joint transmission to I multi-antenna users on N shared subcarriers, per-SBS power budgets and per-user minimum rates.
/// Layout (spec §7.2 [R]): B SBSs on a ring around the MBS, equally spaced in angle, plus any <see cref="AddedSbss"/>
/// (DATL's new SBS), users uniform in a disc, at least <see cref="MinDistance"/> from every SBS.
/// </summary>
public sealed record MecCellFreeConfig
{
    /// <summary>SBSs on the ring (B without the added ones), 1..16.</summary>
    public int Sbss { get; init; } = 3;
    /// <summary>Users I, 1..64.</summary>
    public int Users { get; init; } = 10;
    /// <summary>Subcarriers N, 1..64.</summary>
    public int Subcarriers { get; init; } = 4;
    /// <summary>Vertical elements of each SBS's uniform planar array (M_t = rows·columns; the paper's 2V2H), 1..8.</summary>
    public int TxRows { get; init; } = 2;
    /// <summary>Horizontal elements of each SBS's uniform planar array, 1..8.</summary>
    public int TxColumns { get; init; } = 2;
    /// <summary>Receive antennas M_r per user (a λ/2 uniform linear array), 1..8.</summary>
    public int RxAntennas { get; init; } = 2;
    /// <summary>Maximum transmit power of every SBS, dBm (40 dBm = 10 W), -30..60.</summary>
    public double SbsPowerDbm { get; init; } = 40;
    /// <summary>Noise power per user and subcarrier, dBm (the paper's −26 dBm), -200..30.</summary>
    public double NoiseDbm { get; init; } = -26;
    /// <summary>Minimum rate r_i^min of every user, bit/s/Hz, 0..100.</summary>
    public double MinRate { get; init; } = 0.02;
    /// <summary>Centre frequency f_c, GHz (0.5..100).</summary>
    public double CarrierGhz { get; init; } = 2.1;
    /// <summary>Baseband bandwidth, MHz; subcarrier n sits at <c>f_c + (n − (N+1)/2)·bandwidth/N</c>, (0, 1000].</summary>
    public double BandwidthMhz { get; init; } = 20;
    /// <summary>SBS antenna height h_BS, m, (1.5, 100].</summary>
    public double SbsHeight { get; init; } = 25;
    /// <summary>User antenna height h_UT, m, [1, 13) (the UMa formulas below assume h_UT &lt; 13 m).</summary>
    public double UserHeight { get; init; } = 1.5;
    /// <summary>Radius of the disc users are dropped in, m, (0, 5000].</summary>
    public double DiscRadius { get; init; } = 100;
    /// <summary>Radius of the SBS ring, m, [0, discRadius].</summary>
    public double RingRadius { get; init; } = 50;
    /// <summary>Minimum 2-D user–SBS distance, m, [10, discRadius) (38.901 UMa path loss holds from 10 m).</summary>
    public double MinDistance { get; init; } = 10;
    /// <summary>SBSs beyond the ring, e.g. DATL's new SBS; they come after the ring's, in this order.</summary>
    public SbsSite[] AddedSbss { get; init; } = Array.Empty<SbsSite>();
    /// <summary>Seed of the fixed per-SBS array orientations (broadside azimuths), part of the layout.</summary>
    public int OrientationSeed { get; init; } = 7;

    /// <summary>All SBSs B (ring and added).</summary>
    [JsonIgnore] public int TotalSbss => Sbss + AddedSbss.Length;
    /// <summary>Transmit antennas M_t of every SBS.</summary>
    [JsonIgnore] public int TxAntennas => TxRows * TxColumns;
    [JsonIgnore] public double SbsPowerW => DbmToW(SbsPowerDbm);
    [JsonIgnore] public double NoiseW => DbmToW(NoiseDbm);
    /// <summary>Tasks of the multi-task view (spec §3.3): one sum-rate task, I rate tasks, B power tasks.</summary>
    [JsonIgnore] public int Tasks => Users + TotalSbss + 1;

    public static double DbmToW(double dbm) => Math.Pow(10, (dbm - 30) / 10);

    /// <summary>SBS coordinates <c>[B, 2]</c> in m: ring sites at angles <c>2πb/B_ring</c>, then the added sites.</summary>
    public double[,] SbsPositions()
    {
        var p = new double[TotalSbss, 2];
        for (int b = 0; b < Sbss; b++)
        {
            double angle = 2 * Math.PI * b / Sbss;
            p[b, 0] = RingRadius * Math.Cos(angle);
            p[b, 1] = RingRadius * Math.Sin(angle);
        }
        for (int a = 0; a < AddedSbss.Length; a++)
        {
            p[Sbss + a, 0] = AddedSbss[a].X;
            p[Sbss + a, 1] = AddedSbss[a].Y;
        }
        return p;
    }

    /// <summary>Throws naming the first field outside its range.</summary>
    /// <param name="prefix">Path of this config in a larger one (<c>"problem."</c>), for the messages.</param>
    public void Validate(string prefix = "")
    {
        Require.InRange(Sbss, 1, 16, prefix + "sbss");
        Require.InRange(Users, 1, 64, prefix + "users");
        Require.InRange(Subcarriers, 1, 64, prefix + "subcarriers");
        Require.InRange(TxRows, 1, 8, prefix + "txRows");
        Require.InRange(TxColumns, 1, 8, prefix + "txColumns");
        Require.InRange(RxAntennas, 1, 8, prefix + "rxAntennas");
        Require.Valid(SbsPowerDbm is >= -30 and <= 60, prefix + "sbsPowerDbm", SbsPowerDbm, "-30..60 dBm");
        Require.Valid(NoiseDbm is >= -200 and <= 30, prefix + "noiseDbm", NoiseDbm, "-200..30 dBm");
        Require.Valid(MinRate is >= 0 and <= 100, prefix + "minRate", MinRate, "0..100 bit/s/Hz");
        Require.Valid(CarrierGhz is >= 0.5 and <= 100, prefix + "carrierGhz", CarrierGhz, "0.5..100 GHz");
        Require.Valid(BandwidthMhz is > 0 and <= 1000, prefix + "bandwidthMhz", BandwidthMhz, "(0, 1000] MHz");
        Require.Valid(SbsHeight is > 1.5 and <= 100, prefix + "sbsHeight", SbsHeight, "(1.5, 100] m");
        Require.Valid(UserHeight is >= 1 and < 13, prefix + "userHeight", UserHeight, "[1, 13) m");
        Require.Valid(DiscRadius is > 0 and <= 5000, prefix + "discRadius", DiscRadius, "(0, 5000] m");
        Require.Valid(RingRadius >= 0 && RingRadius <= DiscRadius, prefix + "ringRadius", RingRadius, $"[0, discRadius = {DiscRadius}] m");
        Require.Valid(MinDistance >= 10 && MinDistance < DiscRadius, prefix + "minDistance", MinDistance, $"[10, discRadius = {DiscRadius}) m");
        Require.InRange(TotalSbss, 1, 16, prefix + "sbss + addedSbss.length");
        for (int a = 0; a < AddedSbss.Length; a++)
        {
            var s = AddedSbss[a];
            Require.Valid(s is not null && double.IsFinite(s.X) && double.IsFinite(s.Y) && Math.Sqrt(s.X * s.X + s.Y * s.Y) <= DiscRadius,
                $"{prefix}addedSbss[{a}]", s?.ToString() ?? "null", $"finite coordinates within the disc of radius {DiscRadius} m");
        }
    }
}
