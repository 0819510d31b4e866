using WirelessGnn.Graphs;

namespace WirelessGnn.Tests.Support;

/// <summary>
/// Plain float64 loops for the segment reductions, as an oracle for <see cref="SegmentIndex"/> and for the views.
/// Rows <c>x[e, *]</c> belong to segment <c>index[e]</c> in [0, <c>segments</c>); each column is reduced on its own.
/// An empty segment gives 0 (sum, mean and max alike).
/// </summary>
public static class SegmentReference
{
    public static int[] Counts(IReadOnlyList<long> index, int segments)
    {
        var counts = new int[segments];
        foreach (var s in index) counts[s]++;
        return counts;
    }

    public static double[,] Sum(double[,] x, IReadOnlyList<long> index, int segments)
    {
        int cols = x.GetLength(1);
        var result = new double[segments, cols];
        for (int e = 0; e < index.Count; e++)
            for (int f = 0; f < cols; f++) result[index[e], f] += x[e, f];
        return result;
    }

    public static double[,] Mean(double[,] x, IReadOnlyList<long> index, int segments)
    {
        var result = Sum(x, index, segments);
        var counts = Counts(index, segments);
        for (int s = 0; s < segments; s++)
            for (int f = 0; f < result.GetLength(1); f++)
                result[s, f] = counts[s] == 0 ? 0 : result[s, f] / counts[s];
        return result;
    }

    public static double[,] Max(double[,] x, IReadOnlyList<long> index, int segments)
    {
        int cols = x.GetLength(1);
        var result = new double[segments, cols];
        var seen = new bool[segments];
        for (int e = 0; e < index.Count; e++)
        {
            long s = index[e];
            for (int f = 0; f < cols; f++)
                result[s, f] = seen[s] ? Math.Max(result[s, f], x[e, f]) : x[e, f];
            seen[s] = true;
        }
        return result;
    }

    /// <summary>The row of each segment's maximum per column (the first one on ties); -1 for an empty segment.</summary>
    public static int[,] ArgMax(double[,] x, IReadOnlyList<long> index, int segments)
    {
        int cols = x.GetLength(1);
        var arg = new int[segments, cols];
        for (int s = 0; s < segments; s++)
            for (int f = 0; f < cols; f++) arg[s, f] = -1;
        for (int e = 0; e < index.Count; e++)
            for (int f = 0; f < cols; f++)
            {
                long s = index[e];
                if (arg[s, f] < 0 || x[e, f] > x[arg[s, f], f]) arg[s, f] = e;
            }
        return arg;
    }

    /// <summary>Softmax over the rows of each segment, per column: <c>[E, F] -> [E, F]</c> (stable: the segment max is subtracted).</summary>
    public static double[,] Softmax(double[,] x, IReadOnlyList<long> index, int segments)
    {
        int rows = x.GetLength(0), cols = x.GetLength(1);
        var max = Max(x, index, segments);
        var denominator = new double[segments, cols];
        var result = new double[rows, cols];
        for (int e = 0; e < rows; e++)
            for (int f = 0; f < cols; f++)
            {
                result[e, f] = Math.Exp(x[e, f] - max[index[e], f]);
                denominator[index[e], f] += result[e, f];
            }
        for (int e = 0; e < rows; e++)
            for (int f = 0; f < cols; f++) result[e, f] /= denominator[index[e], f];
        return result;
    }

    /// <summary>One of the reductions above by <see cref="Aggregation"/>.</summary>
    public static double[,] Reduce(double[,] x, IReadOnlyList<long> index, int segments, Aggregation aggregation) => aggregation switch
    {
        Aggregation.Sum => Sum(x, index, segments),
        Aggregation.Mean => Mean(x, index, segments),
        Aggregation.Max => Max(x, index, segments),
        _ => throw new ArgumentOutOfRangeException(nameof(aggregation), aggregation, null),
    };

    /// <summary>Row-major <c>[rows * cols]</c> values as a <c>[rows, cols]</c> array.</summary>
    public static double[,] Matrix(double[] flat, int rows, int cols)
    {
        if (flat.Length != rows * cols) throw new ArgumentException($"{flat.Length} values do not fill [{rows}, {cols}].", nameof(flat));
        var m = new double[rows, cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) m[i, j] = flat[i * cols + j];
        return m;
    }
}
