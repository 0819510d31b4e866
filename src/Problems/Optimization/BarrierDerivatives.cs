namespace WirelessGnn.Problems.Optimization;

/// <summary>
/// Where an <see cref="IBarrierProblem"/> writes its derivatives at one point: the objective gradient <c>[n]</c>, the
/// constraint gradients (each a rank-one term of <see cref="Hessian"/> on a support range, so that the solver can weight
/// it by <c>1/g_i²</c> without copying), and the curvature. Reused from one Newton step to the next.
/// </summary>
public sealed class BarrierDerivatives
{
    private readonly double[] _objectiveGradient;
    private readonly int[] _constraintRow;

    public BarrierDerivatives(int dimension, int constraints)
    {
        if (constraints < 0) throw new ArgumentOutOfRangeException(nameof(constraints), constraints, "constraints must be ≥ 0.");
        Hessian = new StructuredHessian(dimension);
        _objectiveGradient = new double[dimension];
        _constraintRow = new int[constraints];
        Clear();
    }

    public int Dimension => Hessian.Dimension;
    public int ConstraintCount => _constraintRow.Length;

    /// <summary>∇f <c>[n]</c>, zeroed before each <see cref="IBarrierProblem.Differentiate"/>.</summary>
    public Span<double> ObjectiveGradient => _objectiveGradient;

    /// <summary>The curvature to add into (diagonal, rank-one terms, dense part).</summary>
    public StructuredHessian Hessian { get; }

    /// <summary>Returns the zeroed slice <c>[start, end)</c> of ∇g_i to fill; entries outside it are 0. Once per constraint per point.</summary>
    public Span<double> ConstraintGradient(int i, int start, int end)
    {
        if ((uint)i >= (uint)_constraintRow.Length) throw new ArgumentOutOfRangeException(nameof(i), i, $"constraint index must be in 0..{_constraintRow.Length - 1}.");
        if (_constraintRow[i] >= 0) throw new InvalidOperationException($"constraint {i}: gradient written twice at one point.");
        var slice = Hessian.AddRankOne(0, start, end);
        _constraintRow[i] = Hessian.RankOneCount - 1;
        return slice;
    }

    /// <summary>The gradient of constraint i on its support (empty when it was never written), which starts at <paramref name="start"/>.</summary>
    public ReadOnlySpan<double> GetConstraintGradient(int i, out int start)
    {
        int row = _constraintRow[i];
        if (row < 0) { start = 0; return ReadOnlySpan<double>.Empty; }
        return Hessian.RankOne(row, out start);
    }

    /// <summary>Sets the barrier weight <c>1/g_i²</c> of constraint i's rank-one term (no-op for a zero gradient).</summary>
    internal void SetConstraintWeight(int i, double weight)
    {
        int row = _constraintRow[i];
        if (row >= 0) Hessian.SetWeight(row, weight);
    }

    /// <summary>Zeroes everything for the next point.</summary>
    public void Clear()
    {
        Hessian.Clear();
        Array.Clear(_objectiveGradient);
        Array.Fill(_constraintRow, -1);
    }
}
