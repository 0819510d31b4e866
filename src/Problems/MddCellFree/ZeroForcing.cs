using System.Numerics;

namespace WirelessGnn.Problems.MddCellFree;

/// <summary>
/// Zero forcing at one AP on one subcarrier (spec §2.8), from the channels <c>h_d ∈ ℂ^N</c> of the D MSs it serves, via
/// the D×D Gram matrix <c>G_dd' = h_d^H h_d'</c> (the same matrix is <c>H H^H</c> of the DL <c>H = [h_1 … h_D]^H</c> and
/// <c>H^H H</c> of the UL <c>H = [h_1 … h_D]</c>) and its Cholesky factor:
/// <list type="bullet">
/// <item>DL precoder <c>F^ZF = H^H G^{-1}</c>, columns <c>f_d^ZF = Σ_k h_k (G^{-1})_kd</c>, used normalised; DL gain
/// <c>ω_d = h_d^H f_d = 1/‖f_d^ZF‖ = 1/√[G^{-1}]_dd</c>;</item>
/// <item>UL combiner <c>W^ZF = H G^{-1}</c> (the same vectors), used unnormalised, <c>w_d^H h_d' = δ_dd'</c>; combiner
/// energy <c>υ_d = ‖w_d‖² = [G^{-1}]_dd</c>.</item>
/// </list>
/// Needs N ≥ D and linearly independent channels; inputs are <c>[D][N]</c> jagged arrays, row d = <c>h_d</c>.
/// </summary>
public static class ZeroForcing
{
    /// <summary>DL equivalent gains <c>ω_d = 1/√[G^{-1}]_dd</c>, <c>[D]</c>.</summary>
    public static double[] DlGains(Complex[][] channels)
    {
        var diag = InverseGramDiagonal(channels);
        for (int d = 0; d < diag.Length; d++) diag[d] = 1 / Math.Sqrt(diag[d]);
        return diag;
    }

    /// <summary>UL combiner energies <c>υ_d = [G^{-1}]_dd</c>, <c>[D]</c>.</summary>
    public static double[] UlCombinerEnergies(Complex[][] channels) => InverseGramDiagonal(channels);

    /// <summary>The Gram matrix <c>G_dd' = h_d^H h_d'</c>, <c>[D, D]</c> Hermitian.</summary>
    public static Complex[,] Gram(Complex[][] channels)
    {
        var (h, nd, n) = Flatten(channels);
        var g = new Complex[nd, nd];
        for (int a = 0; a < nd; a++)
            for (int b = 0; b < nd; b++) g[a, b] = Inner(h, a, b, n);
        return g;
    }

    /// <summary><c>G^{-1}</c>, <c>[D, D]</c> Hermitian.</summary>
    public static Complex[,] InverseGram(Complex[][] channels)
    {
        var (h, nd, n) = Flatten(channels);
        var x = CholeskyInverse(h, nd, n);
        var inv = new Complex[nd, nd];
        // G^{-1} = X^H X with X = L^{-1} lower triangular.
        for (int a = 0; a < nd; a++)
            for (int b = 0; b < nd; b++)
            {
                Complex s = 0;
                for (int k = Math.Max(a, b); k < nd; k++) s += Complex.Conjugate(x[k * nd + a]) * x[k * nd + b];
                inv[a, b] = s;
            }
        return inv;
    }

    /// <summary>Unit-norm DL precoders <c>f_d = f_d^ZF/‖f_d^ZF‖</c>, <c>[D][N]</c>.</summary>
    public static Complex[][] Precoders(Complex[][] channels)
    {
        var f = Combiners(channels);
        foreach (var v in f)
        {
            double norm = Math.Sqrt(v.Sum(c => c.Real * c.Real + c.Imaginary * c.Imaginary));
            for (int i = 0; i < v.Length; i++) v[i] /= norm;
        }
        return f;
    }

    /// <summary>Unnormalised UL combiners <c>w_d = Σ_k h_k (G^{-1})_kd</c> (also the unnormalised DL precoders), <c>[D][N]</c>.</summary>
    public static Complex[][] Combiners(Complex[][] channels)
    {
        var inv = InverseGram(channels);
        int nd = channels.Length, n = channels[0].Length;
        var w = new Complex[nd][];
        for (int d = 0; d < nd; d++)
        {
            w[d] = new Complex[n];
            for (int k = 0; k < nd; k++)
                for (int i = 0; i < n; i++) w[d][i] += channels[k][i] * inv[k, d];
        }
        return w;
    }

    /// <summary><c>[G^{-1}]_dd</c> for every d, <c>[D]</c>.</summary>
    public static double[] InverseGramDiagonal(Complex[][] channels)
    {
        var (h, nd, n) = Flatten(channels);
        var diag = new double[nd];
        InverseGramDiagonal(h, nd, n, new Complex[nd * nd], diag);
        return diag;
    }

    /// <summary>
    /// Allocation-free core used by the sampler: <paramref name="h"/> holds the D channels row-major (<c>h[d·N + i]</c>),
    /// <paramref name="scratch"/> at least D² values, <paramref name="diag"/> receives <c>[G^{-1}]_dd</c>.
    /// </summary>
    internal static void InverseGramDiagonal(ReadOnlySpan<Complex> h, int nd, int n, Span<Complex> scratch, Span<double> diag)
    {
        CheckSizes(nd, n);
        var c = scratch[..(nd * nd)];
        Cholesky(h, nd, n, c);
        InvertLower(c, nd);
        for (int d = 0; d < nd; d++)
        {
            double s = 0;
            for (int k = d; k < nd; k++)
            {
                var v = c[k * nd + d];
                s += v.Real * v.Real + v.Imaginary * v.Imaginary;
            }
            diag[d] = s;
        }
    }

    private static Complex[] CholeskyInverse(Complex[] h, int nd, int n)
    {
        CheckSizes(nd, n);
        var c = new Complex[nd * nd];
        Cholesky(h, nd, n, c);
        InvertLower(c, nd);
        return c;
    }

    /// <summary>Lower Cholesky factor of the Gram matrix into <paramref name="c"/> (row-major; upper part zero).</summary>
    private static void Cholesky(ReadOnlySpan<Complex> h, int nd, int n, Span<Complex> c)
    {
        c.Clear();
        for (int j = 0; j < nd; j++)
        {
            double gjj = Inner(h, j, j, n).Real;
            double pivot = gjj;
            for (int k = 0; k < j; k++)
            {
                var v = c[j * nd + k];
                pivot -= v.Real * v.Real + v.Imaginary * v.Imaginary;
            }
            // A relative floor: a pivot lost to rounding means linearly dependent channels, where ZF is undefined.
            if (!(pivot > 1e-13 * gjj))
                throw new ArgumentException($"channels: the Gram matrix of the {nd} MS channels is singular at MS {j} (pivot {pivot:G3} of {gjj:G3}); ZF needs linearly independent channels.", "channels");
            double ljj = Math.Sqrt(pivot);
            c[j * nd + j] = ljj;
            for (int i = j + 1; i < nd; i++)
            {
                Complex s = Inner(h, i, j, n);
                for (int k = 0; k < j; k++) s -= c[i * nd + k] * Complex.Conjugate(c[j * nd + k]);
                c[i * nd + j] = s / ljj;
            }
        }
    }

    /// <summary>In-place inverse X = L^{-1} of a lower-triangular matrix (row-major).</summary>
    private static void InvertLower(Span<Complex> c, int nd)
    {
        // Columns left to right, rows top to bottom: X_jj = 1/L_jj, X_ij = −(Σ_{k=j}^{i−1} L_ik X_kj)/L_ii. Every L entry
        // read (row i, columns j..i, and the diagonal) is still L when read; every X_kj read was written earlier.
        for (int j = 0; j < nd; j++)
        {
            c[j * nd + j] = 1 / c[j * nd + j].Real;
            for (int i = j + 1; i < nd; i++)
            {
                Complex s = 0;
                for (int k = j; k < i; k++) s += c[i * nd + k] * c[k * nd + j];
                c[i * nd + j] = -s / c[i * nd + i].Real;
            }
        }
    }

    /// <summary><c>h_a^H h_b</c> for rows a, b of a row-major D×N array.</summary>
    private static Complex Inner(ReadOnlySpan<Complex> h, int a, int b, int n)
    {
        double re = 0, im = 0;
        for (int i = 0; i < n; i++)
        {
            var x = h[a * n + i];
            var y = h[b * n + i];
            re += x.Real * y.Real + x.Imaginary * y.Imaginary;
            im += x.Real * y.Imaginary - x.Imaginary * y.Real;
        }
        return new Complex(re, im);
    }

    private static (Complex[] H, int D, int N) Flatten(Complex[][] channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        if (channels.Length == 0) throw new ArgumentException("channels: no MS; expected D ≥ 1 rows.", nameof(channels));
        int n = channels[0].Length;
        var h = new Complex[channels.Length * n];
        for (int d = 0; d < channels.Length; d++)
        {
            if (channels[d].Length != n) throw new ArgumentException($"channels: row {d} has {channels[d].Length} antennas; expected N = {n} like row 0.", nameof(channels));
            channels[d].CopyTo(h, d * n);
        }
        return (h, channels.Length, n);
    }

    private static void CheckSizes(int nd, int n)
    {
        if (n < 1) throw new ArgumentException($"channels: N = {n} antennas; expected N ≥ 1.", "channels");
        if (nd > n)
            throw new ArgumentException($"channels: D = {nd} MSs exceed N = {n} antennas; ZF needs N ≥ D (Case 1; use user-centric clustering otherwise).", "channels");
    }
}
