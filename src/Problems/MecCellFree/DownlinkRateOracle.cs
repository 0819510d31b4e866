using Complex = System.Numerics.Complex;
using MathNet.Numerics.LinearAlgebra;

namespace WirelessGnn.Problems.MecCellFree;

/// <summary>
/// The rate and power of one realisation in plain double precision with complex matrices, written from the paper's
/// formulas and independent of <see cref="DownlinkRate"/>: <c>r_i = Σ_n log2|I + S_{n,i} A_{n,i}^{-1}|</c> with the full
/// matrices of spec §2.3–2.4 (the stacked <c>H_{n,i}</c>, the block-diagonal <c>ṽ_{n,j} = diag(v_{n,j}) ⊗ I</c>). For tests.
/// </summary>
public static class DownlinkRateOracle
{
    /// <param name="beams">w^b_{n,i}, <c>[B, N, I, M_t]</c>, √W.</param>
    /// <param name="assignment">v^b_{n,i}, <c>[B, N, I]</c>.</param>
    /// <returns>r_i, bit/s/Hz, <c>[I]</c>.</returns>
    public static double[] Rates(MecCellFreeInstance instance, Complex[,,,] beams, double[,,] assignment, double noiseW)
    {
        int nb = instance.Sbss, nn = instance.Subcarriers, ni = instance.Users, mt = instance.TxAntennas, mr = instance.RxAntennas;
        var rates = new double[ni];
        for (int n = 0; n < nn; n++)
        {
            // Received stream j at user i: H_{n,i}^H ṽ_{n,j} w_{n,j}, with H_{n,i} the [B·M_t × M_r] stack.
            Vector<Complex> Stream(int i, int j)
            {
                var h = Matrix<Complex>.Build.Dense(nb * mt, mr, (r, k) => instance.Channel[r / mt, n, i, r % mt, k]);
                var vw = Vector<Complex>.Build.Dense(nb * mt, r => assignment[r / mt, n, j] * beams[r / mt, n, j, r % mt]);
                return h.ConjugateTranspose() * vw;
            }
            for (int i = 0; i < ni; i++)
            {
                var own = Stream(i, i);
                var signal = own.OuterProduct(own.Conjugate());
                var a = Matrix<Complex>.Build.DenseIdentity(mr) * noiseW;
                for (int j = 0; j < ni; j++)
                {
                    if (j == i) continue;
                    var u = Stream(i, j);
                    a += u.OuterProduct(u.Conjugate());
                }
                var det = (Matrix<Complex>.Build.DenseIdentity(mr) + signal * a.Inverse()).Determinant();
                rates[i] += Math.Log2(det.Real);
            }
        }
        return rates;
    }

    /// <summary>P_b = Σ_{n,i} ‖v^b_{n,i} w^b_{n,i}‖², W, <c>[B]</c>.</summary>
    public static double[] Powers(Complex[,,,] beams, double[,,] assignment)
    {
        int nb = beams.GetLength(0), nn = beams.GetLength(1), ni = beams.GetLength(2), mt = beams.GetLength(3);
        var p = new double[nb];
        for (int b = 0; b < nb; b++)
            for (int n = 0; n < nn; n++)
                for (int i = 0; i < ni; i++)
                    for (int m = 0; m < mt; m++)
                    {
                        var x = assignment[b, n, i] * beams[b, n, i, m];
                        p[b] += x.Real * x.Real + x.Imaginary * x.Imaginary;
                    }
        return p;
    }
}
