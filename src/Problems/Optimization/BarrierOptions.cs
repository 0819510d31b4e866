using WirelessGnn.Graphs;

namespace WirelessGnn.Problems.Optimization;

/// <summary>Settings of <see cref="BarrierSolver"/>.</summary>
public sealed record BarrierOptions
{
    /// <summary>Stop when the duality-gap bound m/t ≤ max(<see cref="AbsoluteTolerance"/>, RelativeTolerance·|f|); in (0, 1).</summary>
    public double RelativeTolerance { get; init; } = 1e-8;
    /// <summary>Absolute floor of the gap tolerance (for optima near f = 0), &gt; 0.</summary>
    public double AbsoluteTolerance { get; init; } = 1e-10;
    /// <summary>Factor μ by which t grows between centerings, &gt; 1.</summary>
    public double BarrierGrowth { get; init; } = 20;
    /// <summary>First t; null picks it from the start point (least-squares fit of the centrality condition).</summary>
    public double? InitialBarrier { get; init; }
    /// <summary>A centering ends when half the squared Newton decrement λ²/2 is at most this, &gt; 0.</summary>
    public double CenteringTolerance { get; init; } = 1e-9;
    /// <summary>The last centering (at the final t) continues to this λ²/2, at most 5 more steps, ≥ 0.</summary>
    public double FinalCenteringTolerance { get; init; } = 1e-12;
    /// <summary>Most Newton steps in one centering, ≥ 1.</summary>
    public int MaxStepsPerCentering { get; init; } = 100;
    /// <summary>Most Newton steps in all, ≥ 1.</summary>
    public int MaxNewtonSteps { get; init; } = 2000;
    /// <summary>Armijo fraction of the predicted decrease a step must achieve, in (0, 0.5).</summary>
    public double ArmijoFraction { get; init; } = 0.01;
    /// <summary>Step shrink factor of the backtracking line search, in (0, 1).</summary>
    public double Backtrack { get; init; } = 0.5;
    /// <summary>Fraction of the distance to the nearest bound a step may cover, in (0, 1).</summary>
    public double FractionToBoundary { get; init; } = 0.99;
    /// <summary>Take a predictor step along the central path's tangent when t grows (one extra solve, no factorisation).</summary>
    public bool Extrapolate { get; init; } = true;
    /// <summary>How the Newton systems are solved.</summary>
    public NewtonSolveMethod Method { get; init; } = NewtonSolveMethod.Auto;
    /// <summary>Iterative-refinement steps per Newton solve, 0..10.</summary>
    public int Refinements { get; init; } = 2;

    /// <summary>Throws naming the first setting outside its range.</summary>
    public void Validate()
    {
        Require.Valid(RelativeTolerance is > 0 and < 1, "relativeTolerance", RelativeTolerance, "(0, 1)");
        Require.Valid(AbsoluteTolerance > 0 && double.IsFinite(AbsoluteTolerance), "absoluteTolerance", AbsoluteTolerance, "> 0");
        Require.Valid(BarrierGrowth > 1 && double.IsFinite(BarrierGrowth), "barrierGrowth", BarrierGrowth, "> 1");
        Require.Valid(InitialBarrier is null || (InitialBarrier > 0 && double.IsFinite(InitialBarrier.Value)), "initialBarrier", InitialBarrier ?? 0, "> 0 or null");
        Require.Valid(CenteringTolerance > 0, "centeringTolerance", CenteringTolerance, "> 0");
        Require.Valid(FinalCenteringTolerance >= 0, "finalCenteringTolerance", FinalCenteringTolerance, "≥ 0");
        Require.InRange(MaxStepsPerCentering, 1, int.MaxValue, "maxStepsPerCentering");
        Require.InRange(MaxNewtonSteps, 1, int.MaxValue, "maxNewtonSteps");
        Require.Valid(ArmijoFraction is > 0 and < 0.5, "armijoFraction", ArmijoFraction, "(0, 0.5)");
        Require.Valid(Backtrack is > 0 and < 1, "backtrack", Backtrack, "(0, 1)");
        Require.Valid(FractionToBoundary is > 0 and < 1, "fractionToBoundary", FractionToBoundary, "(0, 1)");
        Require.InRange(Refinements, 0, 10, "refinements");
    }
}
