using CsCheck;
using NUnit.Framework;
using WirelessGnn.Graphs;
using WirelessGnn.Tests.Support;
using static TorchSharp.torch;

namespace WirelessGnn.Tests.Graphs;

/// <summary>
/// The segment kernels (sum, mean, max, softmax over an index) against plain float64 loops: values over random indices
/// (empty segments in the middle and at the end, segment counts beyond the largest index) and random widths, gradients
/// against the analytic gradient of the loop and against central finite differences, and softmax stability at ±1e4.
/// </summary>
[TestFixture]
public class SegmentIndexTests
{
    /// <summary>
    /// E rows of width F in S segments: <c>Index[e]</c> in [0, S), row-major values <c>[E * F]</c>. Only the first
    /// <c>used</c> segments can receive rows, so trailing segments are always empty, and with few rows some in the
    /// middle are too.
    /// </summary>
    public sealed record Problem(long[] Index, int Segments, int Width, double[] Values)
    {
        public int Rows => Index.Length;
        public double[,] X => SegmentReference.Matrix(Values, Rows, Width);
        public Tensor Source(ScalarType dtype) => tensor(Values, new long[] { Rows, Width }, dtype: dtype);
        public Tensor IndexTensor() => tensor(Index);
        public override string ToString() => $"E={Rows}, S={Segments}, F={Width}, index=[{string.Join(",", Index)}]";
    }

    private static Gen<Problem> Problems(int minRows, int maxRows, int maxWidth) =>
        Gen.Select(Gen.Int[minRows, maxRows], Gen.Int[1, 8], Gen.Int[0, 4], Gen.Int[1, maxWidth], Gen.Int, (rows, used, extra, width, seed) =>
        {
            var rng = new Random(seed);
            var index = Enumerable.Range(0, rows).Select(_ => (long)rng.Next(used)).ToArray();
            return new Problem(index, used + extra, width, RandomTensors.UniformArray(rng, (long)rows * width, -2, 2));
        });

    private const int Iterations = 100;

    private static Tensor Run(SegmentIndex index, string kernel, Tensor x) => kernel switch
    {
        "Sum" => index.Sum(x),
        "Mean" => index.Mean(x),
        "Max" => index.Max(x),
        "Softmax" => index.Softmax(x),
        _ => throw new ArgumentOutOfRangeException(nameof(kernel)),
    };

    private static double[,] Reference(Problem p, string kernel) => kernel switch
    {
        "Sum" => SegmentReference.Sum(p.X, p.Index, p.Segments),
        "Mean" => SegmentReference.Mean(p.X, p.Index, p.Segments),
        "Max" => SegmentReference.Max(p.X, p.Index, p.Segments),
        "Softmax" => SegmentReference.Softmax(p.X, p.Index, p.Segments),
        _ => throw new ArgumentOutOfRangeException(nameof(kernel)),
    };


    [TestCase("Sum"), TestCase("Mean"), TestCase("Max"), TestCase("Softmax")]
    public void Kernel_values_equal_a_float64_loop(string kernel)
    {
        Problems(0, 24, 5).Sample(p =>
        {
            using var scope = NewDisposeScope();
            using var index = new SegmentIndex(p.IndexTensor(), p.Segments);
            var expected = Reference(p, kernel);
            TensorAssert.Close(expected, Run(index, kernel, p.Source(float64)), 1e-12, $"{kernel} in float64, {p}");
            TensorAssert.Close(expected, Run(index, kernel, p.Source(float32)), 1e-5, $"{kernel} in float32, {p}");
        }, iter: Iterations, threads: 1);
    }

    [Test]
    public void Counts_and_Gather_follow_the_index()
    {
        Problems(0, 24, 3).Sample(p =>
        {
            using var scope = NewDisposeScope();
            using var index = new SegmentIndex(p.IndexTensor(), p.Segments);
            var counts = SegmentReference.Counts(p.Index, p.Segments);
            Assert.That(index.Counts.data<long>().ToArray(), Is.EqualTo(counts.Select(c => (long)c).ToArray()), $"Counts, {p}");
            Assert.That(index.SegmentCount, Is.EqualTo(p.Segments));

            var perSegment = arange(p.Segments * 2, dtype: float64).reshape(p.Segments, 2);
            var expected = new double[p.Rows, 2];
            for (int e = 0; e < p.Rows; e++) { expected[e, 0] = 2 * p.Index[e]; expected[e, 1] = 2 * p.Index[e] + 1; }
            TensorAssert.Close(expected, index.Gather(perSegment), 0, $"Gather, {p}");
        }, iter: Iterations, threads: 1);
    }

    [TestCase("Sum"), TestCase("Mean"), TestCase("Max"), TestCase("Softmax")]
    public void Kernels_reduce_trailing_dimensions_column_by_column(string kernel)
    {
        var rng = new Random(5);
        for (int trial = 0; trial < 10; trial++)
        {
            using var scope = NewDisposeScope();
            int rows = rng.Next(1, 15), segments = rng.Next(1, 6) + 2;
            var idx = Enumerable.Range(0, rows).Select(_ => (long)rng.Next(segments - 2)).ToArray();
            var p = new Problem(idx, segments, 6, RandomTensors.UniformArray(rng, rows * 6, -2, 2));
            using var index = new SegmentIndex(p.IndexTensor(), p.Segments);
            var result = Run(index, kernel, p.Source(float64).reshape(rows, 2, 3));
            long outRows = kernel == "Softmax" ? rows : segments;
            Assert.That(result.shape, Is.EqualTo(new[] { outRows, 2L, 3L }), $"{kernel} keeps the trailing dimensions");
            TensorAssert.Close(Reference(p, kernel), result.reshape(outRows, 6), 1e-12, $"{kernel} on [E, 2, 3], {p}");
        }
    }

    [Test]
    public void An_empty_index_gives_zeros_for_every_segment()
    {
        using var scope = NewDisposeScope();
        using var index = new SegmentIndex(zeros(0, dtype: int64), 3);
        var x = zeros(0, 2, dtype: float32);
        foreach (var kernel in new[] { "Sum", "Mean", "Max" })
            TensorAssert.Close(new double[3, 2], Run(index, kernel, x), 0, $"{kernel} of no rows");
        Assert.That(index.Softmax(x).shape, Is.EqualTo(new long[] { 0, 2 }), "Softmax of no rows");
        Assert.That(index.Counts.data<long>().ToArray(), Is.EqualTo(new long[] { 0, 0, 0 }));
    }

    /// <summary>Loss = Σ W ⊙ kernel(x); its gradient in closed form from the float64 loop.</summary>
    private static double[,] AnalyticGradient(Problem p, string kernel, double[,] w)
    {
        var x = p.X;
        var g = new double[p.Rows, p.Width];
        var counts = SegmentReference.Counts(p.Index, p.Segments);
        var arg = SegmentReference.ArgMax(x, p.Index, p.Segments);
        var y = SegmentReference.Softmax(x, p.Index, p.Segments);
        var weighted = new double[p.Segments, p.Width];   // Σ_{e' in segment} y[e'] w[e'] for softmax
        if (kernel == "Softmax")
            for (int e = 0; e < p.Rows; e++)
                for (int f = 0; f < p.Width; f++) weighted[p.Index[e], f] += y[e, f] * w[e, f];
        for (int e = 0; e < p.Rows; e++)
            for (int f = 0; f < p.Width; f++)
            {
                long s = p.Index[e];
                g[e, f] = kernel switch
                {
                    "Sum" => w[s, f],
                    "Mean" => w[s, f] / counts[s],
                    "Max" => arg[s, f] == e ? w[s, f] : 0,
                    _ => y[e, f] * (w[e, f] - weighted[s, f]),
                };
            }
        return g;
    }

    private static double[,] Weights(Problem p, string kernel, Random rng)
    {
        int rows = kernel == "Softmax" ? p.Rows : p.Segments;
        return SegmentReference.Matrix(RandomTensors.UniformArray(rng, rows * p.Width, -1, 1), rows, p.Width);
    }

    private static Tensor Loss(SegmentIndex index, string kernel, Tensor x, double[,] w) =>
        (Run(index, kernel, x) * tensor(w, dtype: float64)).sum();

    [TestCase("Sum"), TestCase("Mean"), TestCase("Max"), TestCase("Softmax")]
    public void Gradients_equal_the_analytic_gradient_of_the_float64_loop(string kernel)
    {
        Problems(1, 24, 4).Sample(p =>
        {
            using var scope = NewDisposeScope();
            using var index = new SegmentIndex(p.IndexTensor(), p.Segments);
            var w = Weights(p, kernel, new Random(p.Rows * 31 + p.Width));
            var x = p.Source(float64).requires_grad_(true);
            Loss(index, kernel, x, w).backward();
            Assert.That(x.grad, Is.Not.Null, $"{kernel}: no gradient reached the source");
            TensorAssert.Close(AnalyticGradient(p, kernel, w), x.grad!, 1e-12, $"d/dx Σ W·{kernel}(x), {p}");
        }, iter: Iterations, threads: 1);
    }

    [TestCase("Sum"), TestCase("Mean"), TestCase("Max"), TestCase("Softmax")]
    public void Gradients_equal_central_finite_differences(string kernel)
    {
        const double h = 1e-6;
        Problems(1, 12, 3).Sample(p =>
        {
            using var scope = NewDisposeScope();
            using var index = new SegmentIndex(p.IndexTensor(), p.Segments);
            var w = Weights(p, kernel, new Random(p.Rows * 17 + p.Width));
            var x = p.Source(float64).requires_grad_(true);
            Loss(index, kernel, x, w).backward();

            var numeric = new double[p.Rows * p.Width];
            using (no_grad())
                for (int i = 0; i < numeric.Length; i++)
                {
                    var plus = (double[])p.Values.Clone();
                    var minus = (double[])p.Values.Clone();
                    plus[i] += h;
                    minus[i] -= h;
                    var shape = new long[] { p.Rows, p.Width };
                    double up = Loss(index, kernel, tensor(plus, shape, dtype: float64), w).item<double>();
                    double down = Loss(index, kernel, tensor(minus, shape, dtype: float64), w).item<double>();
                    numeric[i] = (up - down) / (2 * h);
                }
            TensorAssert.Close(numeric, x.grad!, 1e-6, $"{kernel}: autograd vs central differences, {p}");
        }, iter: 40, threads: 1);
    }

    [Test]
    public void Softmax_is_stable_for_inputs_spanning_plus_minus_1e4()
    {
        Problems(1, 24, 3).Sample(p =>
        {
            using var scope = NewDisposeScope();
            using var index = new SegmentIndex(p.IndexTensor(), p.Segments);
            var huge = p with { Values = p.Values.Select(v => v * 5e3).ToArray() };   // [-1e4, 1e4]
            var counts = SegmentReference.Counts(p.Index, p.Segments);
            var expected = SegmentReference.Softmax(huge.X, huge.Index, huge.Segments);
            foreach (var dtype in new[] { float32, float64 })
            {
                var x = huge.Source(dtype).requires_grad_(true);
                var y = index.Softmax(x);
                TensorAssert.Finite(y, $"softmax in {dtype}, {p}");
                var sums = TensorAssert.ToMatrix(index.Sum(y));
                for (int s = 0; s < p.Segments; s++)
                    for (int f = 0; f < p.Width; f++)
                        Assert.That(sums[s, f], Is.EqualTo(counts[s] > 0 ? 1.0 : 0.0).Within(1e-5),
                            $"softmax in {dtype}: segment {s}, column {f} sums to {sums[s, f]}, {p}");
                // float32 rounds inputs of size 1e4 to ~1e-3, which moves exp() by as much: compare float64 tightly.
                if (dtype == float64) TensorAssert.Close(expected, y, 1e-12, $"softmax at ±1e4 in float64, {p}");
                (y * tensor(RandomTensors.UniformArray(new Random(p.Rows), p.Rows * p.Width), new long[] { p.Rows, p.Width }, dtype: dtype)).sum().backward();
                TensorAssert.Finite(x.grad!, $"softmax gradient in {dtype}, {p}");
            }
        }, iter: Iterations, threads: 1);
    }

    [Test]
    public void Softmax_of_extreme_hand_worked_values()
    {
        using var scope = NewDisposeScope();
        using var index = new SegmentIndex(tensor(new long[] { 0, 0, 1, 1, 1, 3 }), 4);
        var x = tensor(new float[] { 1e4f, -1e4f, 1e4f, 1e4f, 1e4f, -1e4f }, new long[] { 6, 1 });
        var y = index.Softmax(x);
        TensorAssert.Close(new[] { 1.0, 0.0, 1 / 3.0, 1 / 3.0, 1 / 3.0, 1.0 }, y, 1e-6, "softmax of ±1e4");
    }

    [Test]
    public void Max_sends_the_gradient_to_the_arg_max_only_hand_worked()
    {
        using var scope = NewDisposeScope();
        using var index = new SegmentIndex(tensor(new long[] { 1, 1, 1, 0, 3 }), 4);
        var x = tensor(new double[] { 0.5, 2.0, -1.0, -3.0, 7.0 }, new long[] { 5, 1 }, dtype: float64).requires_grad_(true);
        var max = index.Max(x);
        TensorAssert.Close(new[] { -3.0, 2.0, 0.0, 7.0 }, max, 0, "segment max (segment 2 is empty)");
        (max * tensor(new double[] { 10, 20, 30, 40 }, new long[] { 4, 1 }, dtype: float64)).sum().backward();
        TensorAssert.Close(new[] { 0.0, 20.0, 0.0, 10.0, 40.0 }, x.grad!, 0, "gradient of the segment max");
    }
}
