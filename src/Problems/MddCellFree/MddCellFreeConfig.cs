using System.Text.Json.Serialization;
using WirelessGnn.Graphs;

namespace WirelessGnn.Problems.MddCellFree;

/// <summary>How the M DL and M̄ UL subcarriers sit among the M_sum FFT bins (spec §2.4, A2).</summary>
public enum SubcarrierMapping
{
    /// <summary>DL subcarrier m on bin m−1, UL subcarrier m̄ on bin M + m̄ − 1 (default).</summary>
    Block,
    /// <summary>UL bins spread evenly, <c>k_UL(m̄) = floor((m̄ − ½)·M_sum/M̄)</c>; the other bins are DL in increasing order.</summary>
    Interleaved,
}

/// <summary>Who serves whom (spec §2.1, §8).</summary>
public enum Serving
{
    /// <summary>Case 1: every AP serves every MS with ZF (needs N ≥ D).</summary>
    AllAps,
    /// <summary>Case 2: user-centric clusters, N = 1, each AP serves at most one MS (spec §8).</summary>
    UserCentric,
}

/// <summary>
/// Multicarrier-division-duplex cell-free massive MIMO (Li, Yang, Maunder, Sun, Xiao; spec cf-hgnn.md §2, §9): L APs with
/// N antennas and D single-antenna MSs uniform in a square, one OFDM band whose M DL and M̄ UL subcarriers carry both
/// links at once, ZF at every AP, residual self-interference and cross-link interference, SE in nats/s/Hz. The defaults
/// are the paper's Table I.
/// </summary>
public sealed record MddCellFreeConfig
{
    /// <summary>APs L, 1..512.</summary>
    public int Aps { get; init; } = 24;
    /// <summary>MSs D, 1..256 (Case 1: at most <see cref="Antennas"/>).</summary>
    public int Mss { get; init; } = 6;
    /// <summary>Antennas per AP N, 1..64 (Case 2 uses 1).</summary>
    public int Antennas { get; init; } = 8;
    /// <summary>DL subcarriers M, 1..256.</summary>
    public int DlSubcarriers { get; init; } = 4;
    /// <summary>UL subcarriers M̄, 1..256.</summary>
    public int UlSubcarriers { get; init; } = 2;
    /// <summary>Side S_D of the square area in metres, (0, 10^5].</summary>
    public double AreaSide { get; init; } = 400;
    /// <summary>Taps U of each channel impulse response, 1..M_sum.</summary>
    public int Taps { get; init; } = 4;
    public SubcarrierMapping Mapping { get; init; } = SubcarrierMapping.Block;
    public Serving Serving { get; init; } = Serving.AllAps;
    /// <summary>Case 2: most APs in one MS's cluster (L'_2, spec §8), 1..512.</summary>
    public int ClusterCap { get; init; } = 8;
    /// <summary>AP power budget P_l, dBm (40 dBm = 10 W).</summary>
    public double ApPowerDbm { get; init; } = 40;
    /// <summary>MS power budget P_d, dBm (30 dBm = 1 W).</summary>
    public double MsPowerDbm { get; init; } = 30;
    /// <summary>Noise power σ² per subcarrier, dBm.</summary>
    public double NoiseDbm { get; init; } = -94;
    /// <summary>Residual SI level at an AP ξ_l^SI, dB.</summary>
    public double ApSelfInterferenceDb { get; init; } = -120;
    /// <summary>Residual SI level at an MS ξ_d^SI, dB.</summary>
    public double MsSelfInterferenceDb { get; init; } = -110;
    /// <summary>Residual inter-AP interference level ξ_l^IAI, dB (30 analog + 42 digital).</summary>
    public double InterApDb { get; init; } = -72;
    /// <summary>Residual inter-MS interference level ξ_d^IMI, dB (42 digital).</summary>
    public double InterMsDb { get; init; } = -42;
    /// <summary>Path loss β[dB] = PathLossIntercept − PathLossSlope·log10(d[m]) + shadowing.</summary>
    public double PathLossIntercept { get; init; } = -30.5;
    public double PathLossSlope { get; init; } = 36.7;
    /// <summary>Standard deviation of the log-normal shadowing, dB, 0..20.</summary>
    public double ShadowingDb { get; init; } = 4;
    /// <summary>Distances are clamped to at least this many metres (spec A3).</summary>
    public double MinDistance { get; init; } = 1;
    /// <summary>DL QoS χ_DL per MS, nats/s/Hz summed over the DL subcarriers, ≥ 0.</summary>
    public double DlQos { get; init; } = 0.5;
    /// <summary>UL QoS χ_UL per MS, nats/s/Hz summed over the UL subcarriers, ≥ 0.</summary>
    public double UlQos { get; init; } = 0.1;

    [JsonIgnore] public int Subcarriers => DlSubcarriers + UlSubcarriers;
    [JsonIgnore] public double NoiseW => DbmToW(NoiseDbm);
    [JsonIgnore] public double ApPowerW => DbmToW(ApPowerDbm);
    [JsonIgnore] public double MsPowerW => DbmToW(MsPowerDbm);

    public static double DbmToW(double dbm) => Math.Pow(10, (dbm - 30) / 10);
    public static double DbToLinear(double db) => Math.Pow(10, db / 10);

    /// <summary>Throws naming the first field outside its range.</summary>
    /// <param name="prefix">Path of this config in a larger one (<c>"problem."</c>), for the messages.</param>
    public void Validate(string prefix = "")
    {
        Require.InRange(Aps, 1, 512, prefix + "aps");
        Require.InRange(Mss, 1, 256, prefix + "mss");
        Require.InRange(Antennas, 1, 64, prefix + "antennas");
        Require.InRange(DlSubcarriers, 1, 256, prefix + "dlSubcarriers");
        Require.InRange(UlSubcarriers, 1, 256, prefix + "ulSubcarriers");
        Require.InRange(Taps, 1, Subcarriers, prefix + "taps");
        Require.InRange(ClusterCap, 1, 512, prefix + "clusterCap");
        Require.Valid(AreaSide is > 0 and <= 1e5, prefix + "areaSide", AreaSide, "(0, 1e5] m");
        Require.Valid(MinDistance is > 0 and <= 1000, prefix + "minDistance", MinDistance, "(0, 1000] m");
        Require.Valid(ShadowingDb is >= 0 and <= 20, prefix + "shadowingDb", ShadowingDb, "0..20 dB");
        Require.Valid(PathLossSlope is > 0 and <= 100, prefix + "pathLossSlope", PathLossSlope, "(0, 100]");
        foreach (var (name, value) in new[] { ("apPowerDbm", ApPowerDbm), ("msPowerDbm", MsPowerDbm), ("noiseDbm", NoiseDbm) })
            Require.Valid(value is >= -200 and <= 80, prefix + name, value, "-200..80 dBm");
        foreach (var (name, value) in new[] { ("apSelfInterferenceDb", ApSelfInterferenceDb), ("msSelfInterferenceDb", MsSelfInterferenceDb),
                     ("interApDb", InterApDb), ("interMsDb", InterMsDb) })
            Require.Valid(value is >= -300 and <= 0, prefix + name, value, "-300..0 dB");
        Require.Valid(DlQos is >= 0 and < 1000, prefix + "dlQos", DlQos, "[0, 1000) nats/s/Hz");
        Require.Valid(UlQos is >= 0 and < 1000, prefix + "ulQos", UlQos, "[0, 1000) nats/s/Hz");
        if (Serving == Serving.AllAps && Mss > Antennas)
            throw new ArgumentOutOfRangeException(prefix + "mss", Mss,
                $"{prefix}mss = {Mss} exceeds antennas = {Antennas}: ZF at every AP (serving = AllAps, Case 1) needs N ≥ D; use serving = UserCentric for more MSs.");
        if (Serving == Serving.UserCentric && Antennas != 1)
            throw new ArgumentOutOfRangeException(prefix + "antennas", Antennas, $"{prefix}antennas = {Antennas}: serving = UserCentric (Case 2) is implemented for N = 1 only (spec §8).");
        if (Serving == Serving.UserCentric && Aps < Mss)
            throw new ArgumentOutOfRangeException(prefix + "aps", Aps, $"{prefix}aps = {Aps} < mss = {Mss}: user-centric clustering gives every MS its own master AP and needs L ≥ D.");
    }
}
