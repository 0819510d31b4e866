namespace WirelessGnn.Problems.MddCellFree;

/// <summary>
/// Equal power (spec §4.4, a sanity baseline not in the paper): each AP spreads its budget evenly over the pairs (d, m)
/// it serves, <c>p_ldm = P_l/(|𝒟_l|·M)</c> (Case 1: <c>P_l/(D·M)</c>; an idle AP transmits nothing), and each MS over its
/// UL subcarriers, <c>p_dm̄ = P_d/M̄</c>.
/// </summary>
public static class EqualPower
{
    public static MddPowers Allocate(MddCellFreeInstance x)
    {
        ArgumentNullException.ThrowIfNull(x);
        int nl = x.Aps, nd = x.Mss, m = x.DlSubcarriers, mb = x.UlSubcarriers;
        var p = MddPowers.Zero(nl, nd, m, mb);
        for (int l = 0; l < nl; l++)
        {
            int served = 0;
            for (int d = 0; d < nd; d++) if (x.Serves[l, d]) served++;
            if (served == 0) continue;
            double share = x.ApBudget[l] / (served * m);
            for (int d = 0; d < nd; d++)
                if (x.Serves[l, d])
                    for (int k = 0; k < m; k++) p.Ap[l, d, k] = share;
        }
        for (int d = 0; d < nd; d++)
            for (int k = 0; k < mb; k++) p.Ms[d, k] = x.MsBudget[d] / mb;
        return p;
    }
}
