using MathNet.Numerics.LinearAlgebra;
using Complex = System.Numerics.Complex;

namespace WirelessGnn.Problems.MecCellFree;

/// <summary>
/// A certificate that no allocation of a realisation meets every user's minimum rate (spec §2.4), whatever the
/// subcarrier assignment and beamformers: a necessary condition from the interference-free, sum-power relaxation.
/// <para>
/// For any v and w, the interference only adds a positive semidefinite term to <c>A_{n,i}</c>, so
/// <c>u^H A^{-1} u ≤ ‖u‖²/σ²</c>; <c>u_{n,i,i} = H_{n,i}^H ṽ w</c> with the stacked <c>H_{n,i}</c> <c>[B·M_t × M_r]</c>
/// gives <c>‖u‖² ≤ λ_{n,i}·p_{n,i}</c>, where <c>λ_{n,i}</c> is the largest eigenvalue of
/// <c>Σ_b (H^b_{n,i})^H H^b_{n,i}</c> <c>[M_r × M_r]</c> and <c>p_{n,i} = Σ_b v^b_{n,i}‖w^b_{n,i}‖²</c>; and
/// <c>log2(1 + x) ≤ x/ln 2</c>. Hence <c>r_i ≤ g_i·p_i/(σ² ln 2)</c> with <c>g_i = max_n λ_{n,i}</c> and
/// <c>p_i = Σ_n p_{n,i}</c>, so <c>r_i ≥ r^min</c> needs <c>p_i ≥ r^min σ² ln 2 / g_i</c>. The users' powers add up to
/// the SBSs' <c>Σ_b P_b ≤ B·P_max</c>: when the least powers add up to more, the realisation is infeasible.
/// </para>
/// The relaxation drops interference and the per-SBS split, so a realisation it does not rule out may still be
/// infeasible: the share it rules out bounds the feasible share from above.
/// </summary>
public static class MinRatePowerBound
{
    /// <summary>The least power (W) any allocation must spend on each user for <c>r_i ≥ r^min</c>, <c>[I]</c>.</summary>
    public static double[] LeastPowers(MecCellFreeInstance instance, MecCellFreeConfig config)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(config);
        int nb = instance.Sbss, nn = instance.Subcarriers, ni = instance.Users, mt = instance.TxAntennas, mr = instance.RxAntennas;
        var least = new double[ni];
        for (int i = 0; i < ni; i++)
        {
            double gain = 0;
            for (int n = 0; n < nn; n++)
            {
                // Gram Σ_b H^H H [M_r × M_r], Hermitian.
                var gram = new Complex[mr, mr];
                for (int b = 0; b < nb; b++)
                    for (int m = 0; m < mt; m++)
                        for (int r = 0; r < mr; r++)
                            for (int c = 0; c < mr; c++)
                                gram[r, c] += Complex.Conjugate(instance.Channel[b, n, i, m, r]) * instance.Channel[b, n, i, m, c];
                gain = Math.Max(gain, LargestEigenvalue(gram));
            }
            least[i] = gain > 0 ? config.MinRate * config.NoiseW * Math.Log(2) / gain : double.PositiveInfinity;
        }
        return least;
    }

    /// <summary>Whether the least powers of <see cref="LeastPowers"/> exceed the SBSs' total budget <c>B·P_max</c>.</summary>
    public static bool ProvablyInfeasible(MecCellFreeInstance instance, MecCellFreeConfig config) =>
        LeastPowers(instance, config).Sum() > instance.Sbss * config.SbsPowerW;

    /// <summary>Largest eigenvalue of a Hermitian matrix.</summary>
    private static double LargestEigenvalue(Complex[,] a) =>
        Matrix<Complex>.Build.DenseOfArray(a).Evd(Symmetricity.Hermitian).EigenValues.Max(e => e.Real);
}
