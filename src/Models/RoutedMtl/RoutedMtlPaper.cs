namespace WirelessGnn.Models.RoutedMtl;

/// <summary>
/// The paper's reported numbers (spec mtl-routing §11), printed beside ours and never used as results, and the spec
/// author's derived oracle values (§7.2, §7.4), marked as such. Indexed by N ∈ {5, 8, 10, 12, 15, 18, 20}.
/// </summary>
public static class RoutedMtlPaper
{
    public static readonly int[] Sizes = { 5, 8, 10, 12, 15, 18, 20 };

    /// <summary>Table II: delay MSE (read as ms², §11.3) per scheme.</summary>
    public static readonly IReadOnlyDictionary<Scheme, double[]> TableII = new Dictionary<Scheme, double[]>
    {
        [Scheme.SingleTask] = new[] { 0.0404, 0.0243, 0.0218, 0.0203, 0.0193, 0.0176, 0.0152 },
        [Scheme.Proposed] = new[] { 0.0425, 0.0351, 0.0353, 0.0287, 0.0247, 0.0203, 0.0171 },
        [Scheme.Naive] = new[] { 0.2405, 0.1865, 0.1380, 0.0965, 0.0689, 0.0510, 0.0428 },
        [Scheme.ZeroPadding] = new[] { 0.2216, 0.1025, 0.0659, 0.0434, 0.0264, 0.0183, 0.0178 },
    };

    /// <summary>Table III: average sum capacity (bit/s/Hz) per scheme.</summary>
    public static readonly IReadOnlyDictionary<Scheme, double[]> TableIII = new Dictionary<Scheme, double[]>
    {
        [Scheme.SingleTask] = new[] { 2.236, 2.797, 3.1053, 3.263, 3.515, 3.754, 3.883 },
        [Scheme.Proposed] = new[] { 2.233, 2.783, 3.047, 3.244, 3.5086, 3.7309, 3.863 },
        [Scheme.Naive] = new[] { 2.075, 2.5064, 2.7618, 2.9531, 3.2135, 3.4437, 3.5729 },
        [Scheme.ZeroPadding] = new[] { 0.9166, 1.4712, 1.8420, 2.2043, 2.76, 3.3107, 3.6823 },
    };

    /// <summary>Spec [D], not the paper: the per-user oracle capacity and its common λ* (log2 units).</summary>
    public static readonly double[] OracleCapacity = { 2.249, 2.860, 3.162, 3.413, 3.721, 3.972, 4.122 };
    public static readonly double[] OracleDual = { 0.223, 0.142, 0.115, 0.096, 0.077, 0.065, 0.058 };

    /// <summary>Spec [D] (§11.3): mean optimal delay (ms) with Ω_h = 1.</summary>
    public static readonly double[] OptimalDelayMs = { 20.87, 21.16, 21.31, 21.43, 21.58, 21.70, 21.77 };

    /// <summary>The value of <paramref name="table"/> for size <paramref name="n"/>, or null where the paper has none.</summary>
    public static double? At(double[] table, int n) => Array.IndexOf(Sizes, n) is var i and >= 0 ? table[i] : null;
}
