namespace WirelessGnn.Problems.MddCellFree;

/// <summary>
/// A power allocation: DL powers <c>p_ldm</c> <c>[L, D, M]</c> and UL powers <c>p_dm̄</c> <c>[D, M̄]</c>, in watts. As one flat
/// vector (baselines, caches): the DL block in (l, d, m) row-major order followed by the UL block in (d, m̄) order.
/// </summary>
public sealed record MddPowers(double[,,] Ap, double[,] Ms)
{
    public static MddPowers Zero(int aps, int mss, int dl, int ul) => new(new double[aps, mss, dl], new double[mss, ul]);

    public double[] ToVector()
    {
        var v = new double[Ap.Length + Ms.Length];
        Buffer.BlockCopy(Ap, 0, v, 0, Ap.Length * sizeof(double));
        Buffer.BlockCopy(Ms, 0, v, Ap.Length * sizeof(double), Ms.Length * sizeof(double));
        return v;
    }

    public static MddPowers FromVector(double[] v, int aps, int mss, int dl, int ul)
    {
        if (v.Length != aps * mss * dl + mss * ul)
            throw new ArgumentException($"powers: {v.Length} values; expected L·D·M + D·M̄ = {aps * mss * dl + mss * ul}.", nameof(v));
        var p = Zero(aps, mss, dl, ul);
        Buffer.BlockCopy(v, 0, p.Ap, 0, p.Ap.Length * sizeof(double));
        Buffer.BlockCopy(v, p.Ap.Length * sizeof(double), p.Ms, 0, p.Ms.Length * sizeof(double));
        return p;
    }

    /// <summary>DL power of each AP, <c>Σ_d Σ_m p_ldm</c>.</summary>
    public double[] ApTotals()
    {
        var t = new double[Ap.GetLength(0)];
        for (int l = 0; l < t.Length; l++)
            for (int d = 0; d < Ap.GetLength(1); d++)
                for (int m = 0; m < Ap.GetLength(2); m++) t[l] += Ap[l, d, m];
        return t;
    }

    /// <summary>UL power of each MS, <c>Σ_m̄ p_dm̄</c>.</summary>
    public double[] MsTotals()
    {
        var t = new double[Ms.GetLength(0)];
        for (int d = 0; d < t.Length; d++)
            for (int m = 0; m < Ms.GetLength(1); m++) t[d] += Ms[d, m];
        return t;
    }
}
