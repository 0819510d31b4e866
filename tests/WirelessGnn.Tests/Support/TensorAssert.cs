using System.Globalization;
using NUnit.Framework;
using static TorchSharp.torch;

namespace WirelessGnn.Tests.Support;

/// <summary>
/// Tolerance assertions on tensors. "Close" means element-wise <c>|actual - expected| &lt;= tol * (1 + |expected|)</c>
/// (absolute near zero, relative for large values), with identical shapes; NaN matches only NaN and an infinity only
/// the same infinity. A failure names <c>what</c>, the shapes, the worst element (its index and both values) and how
/// many elements are off.
/// </summary>
public static class TensorAssert
{
    /// <summary>Asserts that <paramref name="actual"/> has the shape of <paramref name="expected"/> and is close to it.</summary>
    public static void Close(Tensor expected, Tensor actual, double tol, string what)
    {
        if (!expected.shape.SequenceEqual(actual.shape))
            Assert.Fail($"{what}: shape {Shape(actual.shape)} differs from the expected {Shape(expected.shape)}.");
        Compare(ToDoubles(expected), ToDoubles(actual), expected.shape, tol, what);
    }

    /// <summary>Asserts that <paramref name="actual"/> has shape <c>[rows, cols]</c> and is close to <paramref name="expected"/>.</summary>
    public static void Close(double[,] expected, Tensor actual, double tol, string what)
    {
        var shape = new long[] { expected.GetLength(0), expected.GetLength(1) };
        if (!shape.SequenceEqual(actual.shape))
            Assert.Fail($"{what}: shape {Shape(actual.shape)} differs from the expected {Shape(shape)}.");
        Compare(expected.Cast<double>().ToArray(), ToDoubles(actual), shape, tol, what);
    }

    /// <summary>Asserts that <paramref name="actual"/> is close to <paramref name="expected"/> element by element (row-major), with as many elements.</summary>
    public static void Close(double[] expected, Tensor actual, double tol, string what)
    {
        if (actual.numel() != expected.Length)
            Assert.Fail($"{what}: {actual.numel()} elements (shape {Shape(actual.shape)}); expected {expected.Length}.");
        Compare(expected, ToDoubles(actual), actual.shape, tol, what);
    }

    /// <summary>Asserts that every element is finite (no NaN, no ±Inf).</summary>
    public static void Finite(Tensor actual, string what)
    {
        var values = ToDoubles(actual);
        int bad = Array.FindIndex(values, v => !double.IsFinite(v));
        if (bad >= 0)
            Assert.Fail($"{what}: element {Index(bad, actual.shape)} of shape {Shape(actual.shape)} is {values[bad]}; " +
                        $"{values.Count(v => !double.IsFinite(v))} non-finite element(s) in all.");
    }

    /// <summary>The largest <c>|actual - expected| / (1 + |expected|)</c>; +Inf when the shapes differ.</summary>
    public static double MaxError(Tensor expected, Tensor actual)
    {
        if (!expected.shape.SequenceEqual(actual.shape)) return double.PositiveInfinity;
        var e = ToDoubles(expected);
        var a = ToDoubles(actual);
        double worst = 0;
        for (int i = 0; i < e.Length; i++) worst = Math.Max(worst, Error(e[i], a[i]));
        return worst;
    }

    /// <summary>The elements of <paramref name="t"/> as float64, row-major, detached and on the CPU.</summary>
    public static double[] ToDoubles(Tensor t)
    {
        if (t.numel() == 0) return Array.Empty<double>();   // TorchSharp's accessor cannot read an empty tensor
        using var d = t.detach().to(float64).cpu().contiguous();
        return d.data<double>().ToArray();
    }

    /// <summary>A 2-D tensor <c>[R, C]</c> as a float64 array.</summary>
    public static double[,] ToMatrix(Tensor t)
    {
        if (t.dim() != 2) throw new ArgumentException($"expected a 2-D tensor, got shape {Shape(t.shape)}.", nameof(t));
        var flat = ToDoubles(t);
        long rows = t.shape[0], cols = t.shape[1];
        var m = new double[rows, cols];
        for (long i = 0; i < rows; i++)
            for (long j = 0; j < cols; j++) m[i, j] = flat[i * cols + j];
        return m;
    }

    public static string Shape(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";

    private static double Error(double e, double a) =>
        e.Equals(a) ? 0 : double.IsFinite(e) && double.IsFinite(a) ? Math.Abs(a - e) / (1 + Math.Abs(e)) : double.PositiveInfinity;

    private static void Compare(double[] expected, double[] actual, long[] shape, double tol, string what)
    {
        int worst = -1, off = 0;
        double worstError = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double err = Error(expected[i], actual[i]);
            if (err > tol) off++;
            if (err > worstError) { worstError = err; worst = i; }
        }
        if (off > 0)
            Assert.Fail(string.Create(CultureInfo.InvariantCulture,
                $"{what}: {off} of {expected.Length} element(s) differ beyond tol {tol:G3} (shape {Shape(shape)}); worst at {Index(worst, shape)}: " +
                $"expected {expected[worst]:G9}, got {actual[worst]:G9} (error {worstError:G3})."));
    }

    private static string Index(int flat, long[] shape)
    {
        var index = new long[shape.Length];
        long rest = flat;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            if (shape[d] == 0) return "[]";
            index[d] = rest % shape[d];
            rest /= shape[d];
        }
        return Shape(index);
    }
}
