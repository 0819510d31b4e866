namespace WirelessGnn.Problems.MddCellFree;

/// <summary>User-centric clusters of Case 2 (spec §8): which MS each AP serves and which APs serve each MS.</summary>
/// <param name="MasterAp">Master AP of each MS (step 1), <c>[D]</c>.</param>
/// <param name="ServedMs">The MS each AP serves, −1 for an idle AP, <c>[L]</c>.</param>
public sealed record UserCentricClusters(int[] MasterAp, int[] ServedMs)
{
    public int Aps => ServedMs.Length;
    public int Mss => MasterAp.Length;

    /// <summary>APs serving MS d (𝓛_d), in index order.</summary>
    public int[] ApsOf(int d) => Enumerable.Range(0, Aps).Where(l => ServedMs[l] == d).ToArray();

    /// <summary><c>Serves[l, d] = l ∈ 𝓛_d</c>, <c>[L, D]</c>.</summary>
    public bool[,] ServesMask()
    {
        var s = new bool[Aps, Mss];
        for (int l = 0; l < Aps; l++)
            if (ServedMs[l] >= 0) s[l, ServedMs[l]] = true;
        return s;
    }
}

/// <summary>
/// The two-step user-centric clustering of spec §8 with the conflict and cap rules of A22, for single-antenna APs that
/// each serve at most one MS. The gain of a pair is its best DL gain <c>max_m ω_ldm</c>.
/// <list type="number">
/// <item>Master APs: repeatedly take, among the MSs without a master, the one whose best gain over the still-unassigned
/// APs is largest, and give it that AP (a greedy matching; it needs L ≥ D).</item>
/// <item>Idle APs, in index order, join the MS with their best gain whose cluster holds fewer than
/// <c>cap</c> APs, else the next best; an AP for which every cluster is full stays idle (zero power).</item>
/// </list>
/// Ties go to the lower index.
/// </summary>
public static class UserCentricClustering
{
    /// <summary>Clusters from the DL gains <paramref name="omega"/> <c>[L, D, M]</c> (any positive scale, e.g. ω/σ).</summary>
    public static UserCentricClusters Cluster(double[,,] omega, int cap)
    {
        ArgumentNullException.ThrowIfNull(omega);
        int nl = omega.GetLength(0), nd = omega.GetLength(1), m = omega.GetLength(2);
        if (nd < 1 || m < 1) throw new ArgumentException($"omega: shape [{nl}, {nd}, {m}]; expected at least one MS and one subcarrier.", nameof(omega));
        if (nl < nd) throw new ArgumentOutOfRangeException(nameof(omega), nl, $"omega: L = {nl} APs < D = {nd} MSs; every MS needs its own master AP (L ≥ D).");
        if (cap < 1) throw new ArgumentOutOfRangeException(nameof(cap), cap, $"cap = {cap} is out of range; expected ≥ 1.");
        var best = new double[nl, nd];
        for (int l = 0; l < nl; l++)
            for (int d = 0; d < nd; d++)
            {
                double b = double.NegativeInfinity;
                for (int k = 0; k < m; k++) b = Math.Max(b, omega[l, d, k]);
                best[l, d] = b;
            }

        var master = Enumerable.Repeat(-1, nd).ToArray();
        var served = Enumerable.Repeat(-1, nl).ToArray();
        var size = new int[nd];
        for (int step = 0; step < nd; step++)
        {
            int bd = -1, bl = -1;
            for (int d = 0; d < nd; d++)
            {
                if (master[d] >= 0) continue;
                for (int l = 0; l < nl; l++)
                    if (served[l] < 0 && (bd < 0 || best[l, d] > best[bl, bd])) (bd, bl) = (d, l);
            }
            master[bd] = bl;
            served[bl] = bd;
            size[bd] = 1;
        }

        for (int l = 0; l < nl; l++)
        {
            if (served[l] >= 0) continue;
            int pick = -1;
            for (int d = 0; d < nd; d++)
                if (size[d] < cap && (pick < 0 || best[l, d] > best[l, pick])) pick = d;
            if (pick < 0) continue;
            served[l] = pick;
            size[pick]++;
        }
        return new UserCentricClusters(master, served);
    }
}
