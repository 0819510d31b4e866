using WirelessGnn.Problems.MddCellFree;

namespace WirelessGnn.Tests.Support;

/// <summary>
/// True relabelling of an MDD cell-free layout: new AP (or MS) i is old AP (or MS) <c>order[i]</c>, and every array
/// indexed by APs (or MSs) moves with it — gains, β, budgets, ξ, the serving mask, leakage and positions.
/// </summary>
public static class Relabel
{
    public static MddCellFreeInstance Aps(MddCellFreeInstance x, int[] order) => x with
    {
        Omega = Permute3(x.Omega, order, 0),
        Upsilon = Permute3(x.Upsilon, order, 0),
        DlLeakage = x.DlLeakage is null ? null : Permute3(x.DlLeakage, order, 0),
        BetaAp = PermuteBoth(x.BetaAp, order),
        BetaApMs = Permute2(x.BetaApMs, order, 0),
        Serves = Permute2(x.Serves, order, 0),
        ApBudget = order.Select(i => x.ApBudget[i]).ToArray(),
        ApSelfInterference = order.Select(i => x.ApSelfInterference[i]).ToArray(),
        InterAp = order.Select(i => x.InterAp[i]).ToArray(),
        ApPositions = Permute2(x.ApPositions, order, 0),
    };

    public static MddCellFreeInstance Mss(MddCellFreeInstance x, int[] order)
    {
        double[,,]? ul = null;
        if (x.UlLeakage is { } u)
        {
            ul = new double[u.GetLength(0), u.GetLength(1), u.GetLength(2)];
            for (int i = 0; i < order.Length; i++)
                for (int j = 0; j < order.Length; j++)
                    for (int k = 0; k < u.GetLength(2); k++) ul[i, j, k] = u[order[i], order[j], k];
        }
        return x with
        {
            Omega = Permute3(x.Omega, order, 1),
            Upsilon = Permute3(x.Upsilon, order, 1),
            DlLeakage = x.DlLeakage is null ? null : Permute3(x.DlLeakage, order, 1),
            UlLeakage = ul,
            BetaMs = PermuteBoth(x.BetaMs, order),
            BetaApMs = Permute2(x.BetaApMs, order, 1),
            Serves = Permute2(x.Serves, order, 1),
            MsBudget = order.Select(i => x.MsBudget[i]).ToArray(),
            MsSelfInterference = order.Select(i => x.MsSelfInterference[i]).ToArray(),
            InterMs = order.Select(i => x.InterMs[i]).ToArray(),
            MsPositions = Permute2(x.MsPositions, order, 0),
        };
    }

    private static T[,,] Permute3<T>(T[,,] a, int[] order, int axis)
    {
        var r = new T[a.GetLength(0), a.GetLength(1), a.GetLength(2)];
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++)
                for (int k = 0; k < a.GetLength(2); k++)
                    r[i, j, k] = axis == 0 ? a[order[i], j, k] : a[i, order[j], k];
        return r;
    }

    private static T[,] Permute2<T>(T[,] a, int[] order, int axis)
    {
        var r = new T[a.GetLength(0), a.GetLength(1)];
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++) r[i, j] = axis == 0 ? a[order[i], j] : a[i, order[j]];
        return r;
    }

    private static double[,] PermuteBoth(double[,] a, int[] order)
    {
        var r = new double[order.Length, order.Length];
        for (int i = 0; i < order.Length; i++)
            for (int j = 0; j < order.Length; j++) r[i, j] = a[order[i], order[j]];
        return r;
    }
}
