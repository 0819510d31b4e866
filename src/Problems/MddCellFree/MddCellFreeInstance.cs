namespace WirelessGnn.Problems.MddCellFree;

/// <summary>
/// One MDD cell-free layout as the objective, the baselines and the graphs read it, in noise-normalised units
/// (spec A16): gains are divided by σ², so a power in watts times a normalised gain is an SNR. Arrays are indexed from 0
/// in the spec's order: AP l, MS d, DL subcarrier m, UL subcarrier m̄.
/// </summary>
public sealed record MddCellFreeInstance
{
    /// <summary>DL equivalent gain after ZF over σ: <c>ω_ldm/σ</c>, <c>[L, D, M]</c> (Case 2: <c>|h_ld[m]|/σ</c> for every pair).</summary>
    public required double[,,] Omega { get; init; }
    /// <summary>UL combiner energy after ZF times σ²: <c>υ_ldm̄·σ²</c>, <c>[L, D, M̄]</c>.</summary>
    public required double[,,] Upsilon { get; init; }
    /// <summary>Large-scale fading between APs β_ll' (linear, symmetric, diagonal 0), <c>[L, L]</c>.</summary>
    public required double[,] BetaAp { get; init; }
    /// <summary>Large-scale fading between MSs β_dd' (linear, symmetric, diagonal 0), <c>[D, D]</c>.</summary>
    public required double[,] BetaMs { get; init; }
    /// <summary>Large-scale fading AP–MS β_ld (linear), <c>[L, D]</c> (for features and tests; the SINR reads ω, υ).</summary>
    public required double[,] BetaApMs { get; init; }
    /// <summary>AP power budgets P_l in W, <c>[L]</c>.</summary>
    public required double[] ApBudget { get; init; }
    /// <summary>MS power budgets P_d in W, <c>[D]</c>.</summary>
    public required double[] MsBudget { get; init; }
    /// <summary>ξ_l^SI/σ² per W, <c>[L]</c>.</summary>
    public required double[] ApSelfInterference { get; init; }
    /// <summary>ξ_l^IAI/σ² per W, <c>[L]</c>.</summary>
    public required double[] InterAp { get; init; }
    /// <summary>ξ_d^SI/σ² per W, <c>[D]</c>.</summary>
    public required double[] MsSelfInterference { get; init; }
    /// <summary>ξ_d^IMI/σ² per W, <c>[D]</c>.</summary>
    public required double[] InterMs { get; init; }
    /// <summary>Whether AP l serves MS d (DL power allowed, UL combined at the CPU), <c>[L, D]</c>; Case 1: all true.</summary>
    public required bool[,] Serves { get; init; }
    /// <summary>
    /// DL multi-user leakage over σ²: <c>|h_ld^H f_ld'|²/σ²</c> for d' ≠ d (independent of d' with N = 1), <c>[L, D, M]</c>;
    /// null under ZF with N ≥ D (no MUI, Case 1).
    /// </summary>
    public double[,,]? DlLeakage { get; init; }
    /// <summary>UL multi-user leakage <c>|w̃_d h̃_d'[m̄]|²</c> at the CPU for d' ≠ d (diagonal 0), <c>[D, D, M̄]</c>; null in Case 1.</summary>
    public double[,,]? UlLeakage { get; init; }
    /// <summary>AP positions in metres, <c>[L, 2]</c>.</summary>
    public required double[,] ApPositions { get; init; }
    /// <summary>MS positions in metres, <c>[D, 2]</c>.</summary>
    public required double[,] MsPositions { get; init; }
    /// <summary>Per-MS DL QoS χ_DL and UL QoS χ_UL, nats/s/Hz.</summary>
    public required double DlQos { get; init; }
    public required double UlQos { get; init; }
    /// <summary>The seed this layout was drawn with (−1 when built by hand).</summary>
    public int Seed { get; init; } = -1;

    public int Aps => Omega.GetLength(0);
    public int Mss => Omega.GetLength(1);
    public int DlSubcarriers => Omega.GetLength(2);
    public int UlSubcarriers => Upsilon.GetLength(2);
    public int Subcarriers => DlSubcarriers + UlSubcarriers;

    /// <summary>2-D distance in metres between row <paramref name="i"/> of positions <paramref name="a"/> and row <paramref name="j"/> of <paramref name="b"/> (<c>[N, 2]</c> each).</summary>
    public static double Distance(double[,] a, int i, double[,] b, int j)
    {
        double dx = a[i, 0] - b[j, 0], dy = a[i, 1] - b[j, 1];
        return Math.Sqrt(dx * dx + dy * dy);
    }

    /// <summary>APs serving MS d (𝓛_d), in index order.</summary>
    public int[] ServingAps(int d) => Enumerable.Range(0, Aps).Where(l => Serves[l, d]).ToArray();

    /// <summary>Throws naming the first array with the wrong shape or a non-finite or negative entry.</summary>
    public void Validate()
    {
        int l = Aps, d = Mss, m = DlSubcarriers, mb = UlSubcarriers;
        if (l < 1 || d < 1 || m < 1 || mb < 1) throw new ArgumentException($"omega/upsilon: empty layout (L={l}, D={d}, M={m}, M̄={mb}); expected at least one of each.");
        Check(Upsilon, "upsilon", l, d, mb);
        Check(BetaAp, "betaAp", l, l);
        Check(BetaMs, "betaMs", d, d);
        Check(BetaApMs, "betaApMs", l, d);
        Check(ApBudget, "apBudget", l);
        Check(MsBudget, "msBudget", d);
        Check(ApSelfInterference, "apSelfInterference", l);
        Check(InterAp, "interAp", l);
        Check(MsSelfInterference, "msSelfInterference", d);
        Check(InterMs, "interMs", d);
        Check(Omega, "omega", l, d, m);
        if (Serves.GetLength(0) != l || Serves.GetLength(1) != d) throw new ArgumentException($"serves: shape [{Serves.GetLength(0)}, {Serves.GetLength(1)}]; expected [{l}, {d}].");
        if (DlLeakage is not null) Check(DlLeakage, "dlLeakage", l, d, m);
        if (UlLeakage is not null) Check(UlLeakage, "ulLeakage", d, d, mb);
        if (ApPositions.GetLength(0) != l || ApPositions.GetLength(1) != 2) throw new ArgumentException($"apPositions: expected [{l}, 2].");
        if (MsPositions.GetLength(0) != d || MsPositions.GetLength(1) != 2) throw new ArgumentException($"msPositions: expected [{d}, 2].");
        for (int k = 0; k < d; k++)
            if (ServingAps(k).Length == 0) throw new ArgumentException($"serves: MS {k} has no serving AP; expected at least one.");
    }

    private static void Check(Array a, string name, params int[] shape)
    {
        if (a.Rank != shape.Length || Enumerable.Range(0, a.Rank).Any(i => a.GetLength(i) != shape[i]))
            throw new ArgumentException($"{name}: shape [{string.Join(", ", Enumerable.Range(0, a.Rank).Select(a.GetLength))}]; expected [{string.Join(", ", shape)}].");
        foreach (double v in a)
            if (!double.IsFinite(v) || v < 0) throw new ArgumentException($"{name}: holds {v}; expected finite values ≥ 0.");
    }
}
