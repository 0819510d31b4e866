namespace WirelessGnn.Problems.Optimization;

/// <summary>How <see cref="StructuredHessian"/> solves a Newton system.</summary>
public enum NewtonSolveMethod
{
    /// <summary>The cheaper of the two by an operation count (low-rank when the rank-one terms are few and there is no dense part).</summary>
    Auto,
    /// <summary>Assemble the n×n matrix and factor it by Cholesky: about Σ_k nnz_k²/2 + n³/6 multiply-adds.</summary>
    Dense,
    /// <summary>Scaled Woodbury identity: one r×r Cholesky of <c>I + Ũ Ũᵀ</c>, about n r²/2 + r³/6 multiply-adds.</summary>
    LowRank,
}
