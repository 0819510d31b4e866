using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace WirelessGnn.Problems.Optimization;

/// <summary>
/// The few dense kernels the interior-point solver needs, on spans (SIMD through <see cref="Vector{T}"/>): dot product,
/// axpy, and an in-place Cholesky factorisation with triangular solves of a row-major symmetric matrix.
/// </summary>
public static class DenseKernels
{
    /// <summary><c>Σ_i a_i b_i</c> over equal-length spans.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int n = a.Length, i = 0;
        double s = 0;
        if (Vector.IsHardwareAccelerated && n >= 2 * Vector<double>.Count)
        {
            var va = MemoryMarshal.Cast<double, Vector<double>>(a);
            var vb = MemoryMarshal.Cast<double, Vector<double>>(b[..n]);
            var acc0 = Vector<double>.Zero;
            var acc1 = Vector<double>.Zero;
            int k = 0;
            for (; k + 1 < va.Length; k += 2)
            {
                acc0 = Vector.FusedMultiplyAdd(va[k], vb[k], acc0);
                acc1 = Vector.FusedMultiplyAdd(va[k + 1], vb[k + 1], acc1);
            }
            if (k < va.Length) acc0 = Vector.FusedMultiplyAdd(va[k], vb[k], acc0);
            s = Vector.Sum(acc0 + acc1);
            i = va.Length * Vector<double>.Count;
        }
        for (; i < n; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary><c>y ← y + α x</c> over equal-length spans.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Axpy(double alpha, ReadOnlySpan<double> x, Span<double> y)
    {
        int n = x.Length, i = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count)
        {
            var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
            var vy = MemoryMarshal.Cast<double, Vector<double>>(y[..n]);
            var va = new Vector<double>(alpha);
            for (int k = 0; k < vx.Length; k++) vy[k] = Vector.FusedMultiplyAdd(va, vx[k], vy[k]);
            i = vx.Length * Vector<double>.Count;
        }
        for (; i < n; i++) y[i] += alpha * x[i];
    }

    /// <summary>
    /// In-place Cholesky factorisation <c>A = L Lᵀ</c> of a symmetric positive definite matrix stored row-major in
    /// <paramref name="a"/> (<c>[n·n]</c>; only the lower triangle is read, and it is overwritten by L). Row-oriented
    /// (Cholesky–Crout), so that every inner product runs over two contiguous row prefixes; n³/6 multiply-adds.
    /// </summary>
    /// <returns>False when a pivot is not positive (the matrix is not numerically positive definite); A is then partly overwritten.</returns>
    public static bool CholeskyInPlace(Span<double> a, int n)
    {
        if (a.Length < n * n) throw new ArgumentException($"a: {a.Length} values; expected at least n·n = {n * n}.", nameof(a));
        for (int i = 0; i < n; i++)
        {
            var rowI = a.Slice(i * n, n);
            for (int j = 0; j < i; j++)
            {
                var rowJ = a.Slice(j * n, j);
                rowI[j] = (rowI[j] - Dot(rowI[..j], rowJ)) / a[j * n + j];
            }
            double pivot = rowI[i] - Dot(rowI[..i], rowI[..i]);
            if (!(pivot > 0) || !double.IsFinite(pivot)) return false;
            rowI[i] = Math.Sqrt(pivot);
        }
        return true;
    }

    /// <summary>Solves <c>L Lᵀ y = b</c> in place (<paramref name="y"/> holds b on entry) with the factor of <see cref="CholeskyInPlace"/>.</summary>
    public static void CholeskySolveInPlace(ReadOnlySpan<double> factor, int n, Span<double> y)
    {
        for (int i = 0; i < n; i++)
            y[i] = (y[i] - Dot(factor.Slice(i * n, i), y[..i])) / factor[i * n + i];
        for (int i = n - 1; i >= 0; i--)
        {
            y[i] /= factor[i * n + i];
            if (i > 0) Axpy(-y[i], factor.Slice(i * n, i), y[..i]);
        }
    }
}
