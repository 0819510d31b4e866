using MathNet.Numerics.LinearAlgebra;
using Complex = System.Numerics.Complex;

namespace WirelessGnn.Problems.MecCellFree;

/// <summary>How a classical baseline picks the users of each (SBS, subcarrier).</summary>
public enum UserSelection
{
    /// <summary>RSA: a uniformly random subset (spec §6.2).</summary>
    Random,
    /// <summary>GSA: the users with the largest channel quality <c>q = tr(Hᴴ H) = ‖H^b_{n,i}‖_F²</c> (spec §6.3).</summary>
    Greedy,
}

/// <summary>
/// The classical baselines RSA+ZFBF and GSA+ZFBF (spec §6.2–6.3 [R] details): per (b, n), pick U_max users, reduce each
/// user's <c>M_r × M_t</c> downlink channel <c>G = (H^b_{n,i})ᴴ = UΣVᴴ</c> to its dominant eigenmode
/// <c>h̃ = σ₁ V[:,0]ᴴ</c>, zero-force within the (b, n) group, <c>F = Ĥᴴ(ĤĤᴴ)^{-1}</c> with unit columns, and split
/// P_max equally over the SBS's scheduled streams, so <c>P_b = P_max</c> exactly. SBSs do not cooperate on the ZF;
/// the result is scored by the one rate model with all inter-SBS interference.
/// </summary>
public static class ZeroForcingAllocation
{
    /// <summary>The allocation as the flat decision row of <see cref="Allocation.Flatten"/>: Re w, Im w, v.</summary>
    public static double[] Solve(MecCellFreeInstance instance, double powerMaxW, int maxUsers, UserSelection selection, Random rng)
    {
        ArgumentNullException.ThrowIfNull(instance);
        int nb = instance.Sbss, nn = instance.Subcarriers, ni = instance.Users, mt = instance.TxAntennas;
        Graphs.Require.InRange(maxUsers, 1, mt, "maxUsers");
        var beams = new Complex[nb, nn, ni, mt];
        var assignment = new double[nb, nn, ni];
        for (int b = 0; b < nb; b++)
        {
            var groups = new int[nn][];
            for (int n = 0; n < nn; n++)
                groups[n] = selection == UserSelection.Random ? RandomUsers(ni, maxUsers, rng) : StrongestUsers(instance, b, n, maxUsers);
            double streamPower = powerMaxW / groups.Sum(g => g.Length);
            for (int n = 0; n < nn; n++)
            {
                var rows = groups[n].Select(i => EffectiveChannel(instance, b, n, i)).ToArray();
                var f = ZeroForcingBeams(rows);
                for (int k = 0; k < groups[n].Length; k++)
                {
                    int i = groups[n][k];
                    assignment[b, n, i] = 1;
                    for (int m = 0; m < mt; m++) beams[b, n, i, m] = Math.Sqrt(streamPower) * f[k][m];
                }
            }
        }
        return Flatten(beams, assignment);
    }

    /// <summary><c>min(U_max, I)</c> distinct users, uniformly at random, in increasing order.</summary>
    public static int[] RandomUsers(int users, int maxUsers, Random rng)
    {
        var all = Enumerable.Range(0, users).ToArray();
        rng.Shuffle(all);
        return all.Take(Math.Min(maxUsers, users)).Order().ToArray();
    }

    /// <summary>The <c>min(U_max, I)</c> users with the largest <c>‖H^b_{n,i}‖_F²</c> (ties: lower index), in increasing order.</summary>
    public static int[] StrongestUsers(MecCellFreeInstance instance, int b, int n, int maxUsers) =>
        Enumerable.Range(0, instance.Users).OrderByDescending(i => ChannelQuality(instance, b, n, i)).ThenBy(i => i)
            .Take(Math.Min(maxUsers, instance.Users)).Order().ToArray();

    /// <summary>Channel quality <c>q = tr((H^b_{n,i})ᴴ H^b_{n,i}) = ‖H^b_{n,i}‖_F²</c>.</summary>
    public static double ChannelQuality(MecCellFreeInstance instance, int b, int n, int i)
    {
        double q = 0;
        for (int m = 0; m < instance.TxAntennas; m++)
            for (int k = 0; k < instance.RxAntennas; k++)
            {
                var h = instance.Channel[b, n, i, m, k];
                q += h.Real * h.Real + h.Imaginary * h.Imaginary;
            }
        return q;
    }

    /// <summary>The dominant-eigenmode row <c>h̃ = σ₁ V[:,0]ᴴ</c> of <c>G = (H^b_{n,i})ᴴ = UΣVᴴ</c>, length M_t.</summary>
    public static Complex[] EffectiveChannel(MecCellFreeInstance instance, int b, int n, int i)
    {
        var g = Matrix<Complex>.Build.Dense(instance.RxAntennas, instance.TxAntennas, (k, m) => Complex.Conjugate(instance.Channel[b, n, i, m, k]));
        var svd = g.Svd(computeVectors: true);
        return svd.VT.Row(0).Multiply(svd.S[0]).ToArray();
    }

    /// <summary>Zero-forcing beams of the rows <c>h̃_k</c>: the columns of <c>Ĥᴴ(ĤĤᴴ)^{-1}</c>, each of unit norm; <c>h̃_j f_k = 0</c> for j ≠ k.</summary>
    public static Complex[][] ZeroForcingBeams(Complex[][] rows)
    {
        int count = rows.Length, mt = rows[0].Length;
        var h = Matrix<Complex>.Build.Dense(count, mt, (k, m) => rows[k][m]);
        var f = h.ConjugateTranspose() * (h * h.ConjugateTranspose()).Inverse();
        return Enumerable.Range(0, count).Select(k =>
        {
            var column = f.Column(k);
            return column.Divide(column.L2Norm()).ToArray();
        }).ToArray();
    }

    /// <summary>Beams <c>[B, N, I, M_t]</c> and assignment <c>[B, N, I]</c> as one flat decision row (Re w, Im w, v).</summary>
    public static double[] Flatten(Complex[,,,] beams, double[,,] assignment)
    {
        int count = beams.Length;
        var row = new double[2 * count + assignment.Length];
        int k = 0;
        foreach (var w in beams) row[k++] = w.Real;
        foreach (var w in beams) row[k++] = w.Imaginary;
        foreach (var v in assignment) row[k++] = v;
        return row;
    }
}
