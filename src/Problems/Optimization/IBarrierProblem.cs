namespace WirelessGnn.Problems.Optimization;

/// <summary>
/// A smooth convex program for <see cref="BarrierSolver"/>:
/// <code>
/// maximise f(x)  s.t.  g_i(x) ≥ 0 (i &lt; m),  ℓ_j &lt; x_j &lt; u_j
/// </code>
/// with f and every g_i concave and twice differentiable on an open domain, x ∈ ℝⁿ. Bounds are optional and cost only a
/// diagonal term each; a bound of ±∞ is absent.
/// <para>
/// Curvature is supplied in structured form (<see cref="StructuredHessian"/>): a problem adds <c>−∇²f</c> and <c>−∇²g_i</c>
/// (positive semidefinite, by concavity) as a diagonal plus weighted rank-one terms with a support range, or, where it
/// must, as a dense block. The solver adds the barrier's own rank-one terms <c>∇g_i ∇g_iᵀ / g_i²</c> from the constraint
/// gradients.
/// </para>
/// </summary>
public interface IBarrierProblem
{
    /// <summary>Number of variables n ≥ 1.</summary>
    int Dimension { get; }

    /// <summary>Number of general constraints m ≥ 0.</summary>
    int ConstraintCount { get; }

    /// <summary>Strict lower bounds ℓ <c>[n]</c> (−∞ where none), or null for none at all.</summary>
    double[]? LowerBounds { get; }

    /// <summary>Strict upper bounds u <c>[n]</c> (+∞ where none), or null for none at all.</summary>
    double[]? UpperBounds { get; }

    /// <summary>
    /// Writes <c>g(x)</c> into <paramref name="constraints"/> <c>[m]</c> and returns <c>f(x)</c> in <paramref name="objective"/>.
    /// Returns false when x is outside the domain of f or of some g_i (the line search then backtracks). Called in the
    /// line search: make it cheap and allocation-free.
    /// </summary>
    bool TryEvaluate(ReadOnlySpan<double> x, Span<double> constraints, out double objective);

    /// <summary>
    /// At a point where <see cref="TryEvaluate"/> returned true: writes <c>∇f</c> into
    /// <see cref="BarrierDerivatives.ObjectiveGradient"/>, each <c>∇g_i</c> through <see cref="BarrierDerivatives.ConstraintGradient"/>
    /// (a constraint never written has gradient 0), and adds
    /// <c>objectiveWeight·(−∇²f) + Σ_i constraintWeights[i]·(−∇²g_i)</c> into <see cref="BarrierDerivatives.Hessian"/>.
    /// Both weights are ≥ 0 (the solver passes t and 1/g_i).
    /// </summary>
    void Differentiate(ReadOnlySpan<double> x, double objectiveWeight, ReadOnlySpan<double> constraintWeights, BarrierDerivatives into);
}
