using WirelessGnn.Problems.Optimization;

namespace WirelessGnn.Problems.MddCellFree;

/// <summary>
/// The convex programs QT-SCA solves (spec §4.1), in the amplitudes x = sqrt(p) of <see cref="QtScaRatioForm"/>, with
/// the auxiliary ϖ, ψ eliminated: for a slope <c>c = ϖ^(t)/ψ^(t) &gt; 0</c> the linearised QoS constraint
/// <c>2cϖ − c²ψ ≥ γ</c> is increasing in ϖ and decreasing in ψ, so with (21b) <c>ϖ ≤ a(x)</c> and (21c) <c>ψ ≥ B(x)</c>
/// the best choice is <c>ϖ = a(x)</c>, <c>ψ = B(x)</c>, and the three constraints are together equivalent to the single
/// concave constraint
/// <code>
/// q_k(x) = 2c_k a_k(x) − c_k² B_k(x) − γ_k ≥ 0      (a linear, B a diagonal convex quadratic in x)
/// </code>
/// <list type="bullet">
/// <item><b>QT subproblem (21xy)</b>: <c>max (1/M_sum) Σ_k ln(1 + 2z_k a_k(x) − z_k² B_k(x))</c> s.t. the budgets
/// <c>P − Σ x² ≥ 0</c> (8b)/(8c) and <c>q_k ≥ 0</c> for the QoS terms (QT-SCA passes every term).</item>
/// <item><b>Phase I (21xz)</b>: variables (x, α), <c>max Σ_k α_k</c> s.t. α ≤ 0, the budgets and <c>q_k(x) ≥ α_k</c>.</item>
/// </list>
/// Curvature in the structured form of <see cref="StructuredHessian"/>: each log term, each QoS constraint and each
/// budget has a diagonal Hessian, so −∇² of a log term is diagonal + one rank-one term ∇u∇uᵀ/u², and each constraint
/// adds a diagonal (the solver adds its gradient's rank-one term).
/// </summary>
internal sealed class QtScaSubproblem : IBarrierProblem
{
    private readonly QtScaRatioForm _form;
    private readonly bool _phaseOne;
    private readonly double[] _z, _c;
    private readonly int[] _qos;
    private readonly double[] _gamma;
    private readonly double _weight;
    private readonly double[] _squares, _a, _b;
    private readonly int _n;

    /// <param name="z">QT auxiliaries z_k <c>[K]</c> (ignored in phase I).</param>
    /// <param name="c">Linearisation slopes c_k = ϖ_k/ψ_k &gt; 0 <c>[K]</c>.</param>
    /// <param name="qos">Terms that carry a QoS constraint, increasing.</param>
    /// <param name="thresholds">QoS threshold per term <c>[K]</c>; null: the form's γ (eqs. 19–20).</param>
    public QtScaSubproblem(QtScaRatioForm form, bool phaseOne, double[] z, double[] c, int[] qos, double[]? thresholds = null)
    {
        _form = form;
        _phaseOne = phaseOne;
        _z = z;
        _c = c;
        _qos = qos;
        _gamma = thresholds ?? Enumerable.Range(0, form.Terms).Select(form.Threshold).ToArray();
        _n = form.Variables;
        _weight = 1.0 / form.Instance.Subcarriers;
        _squares = new double[_n];
        _a = new double[form.Terms];
        _b = new double[form.Terms];
        Dimension = _n + (phaseOne ? qos.Length : 0);
        if (phaseOne)
        {
            UpperBounds = new double[Dimension];
            Array.Fill(UpperBounds, double.PositiveInfinity, 0, _n);
        }
    }

    public int Dimension { get; }
    public int ConstraintCount => _form.BudgetCount + _qos.Length;
    public double[]? LowerBounds => null;
    /// <summary>Phase I: α ≤ 0 (as a strict bound of the barrier); none otherwise.</summary>
    public double[]? UpperBounds { get; }

    /// <summary>Amplitudes and denominators at x (first n entries).</summary>
    private void Pieces(ReadOnlySpan<double> x)
    {
        for (int v = 0; v < _n; v++) _squares[v] = x[v] * x[v];
        _form.Amplitudes(x[.._n], _a);
        _form.Denominators(_squares, _b);
    }

    public bool TryEvaluate(ReadOnlySpan<double> x, Span<double> g, out double f)
    {
        Pieces(x);
        f = 0;
        if (_phaseOne)
            for (int i = 0; i < _qos.Length; i++) f += x[_n + i];
        else
            for (int k = 0; k < _form.Terms; k++)
            {
                double z = _z[k];
                if (z == 0) continue;
                double u = 1 + 2 * z * _a[k] - z * z * _b[k];
                if (!(u > 0)) return false;
                f += _weight * Math.Log(u);
            }
        int groups = _form.BudgetCount;
        for (int gi = 0; gi < groups; gi++)
        {
            var (members, cap, _, _) = _form.Budget(gi);
            double used = 0;
            foreach (int v in members) used += _squares[v];
            g[gi] = cap - used;
        }
        for (int i = 0; i < _qos.Length; i++)
        {
            int k = _qos[i];
            double c = _c[k];
            g[groups + i] = 2 * c * _a[k] - c * c * _b[k] - _gamma[k] - (_phaseOne ? x[_n + i] : 0);
        }
        return true;
    }

    public void Differentiate(ReadOnlySpan<double> x, double objectiveWeight, ReadOnlySpan<double> constraintWeights, BarrierDerivatives into)
    {
        Pieces(x);
        var grad = into.ObjectiveGradient;
        var hessian = into.Hessian;
        var diag = hessian.Diagonal;
        if (_phaseOne)
            for (int i = 0; i < _qos.Length; i++) grad[_n + i] = 1;
        else
            for (int k = 0; k < _form.Terms; k++)
            {
                double z = _z[k];
                if (z == 0) continue;
                double u = 1 + 2 * z * _a[k] - z * z * _b[k];
                var (st, en) = _form.Support(k);
                var amp = _form.Amplitude(k);
                var jk = _form.Interference(k);
                // ∇u = 2z A − 2z² J∘x;  −∇² ln u = 2z² diag(J)/u + ∇u∇uᵀ/u².
                var v = hessian.AddRankOne(objectiveWeight * _weight / (u * u), st, en);
                double gw = _weight / u, dw = objectiveWeight * _weight * 2 * z * z / u;
                for (int j = st; j < en; j++)
                {
                    double gj = 2 * z * amp[j] - 2 * z * z * jk[j] * x[j];
                    v[j - st] = gj;
                    grad[j] += gw * gj;
                    diag[j] += dw * jk[j];
                }
            }
        int groups = _form.BudgetCount;
        for (int gi = 0; gi < groups; gi++)
        {
            var (members, _, st, en) = _form.Budget(gi);
            var row = into.ConstraintGradient(gi, st, en);
            double w = 2 * constraintWeights[gi];
            foreach (int v in members)
            {
                row[v - st] = -2 * x[v];
                diag[v] += w;
            }
        }
        for (int i = 0; i < _qos.Length; i++)
        {
            int k = _qos[i];
            double c = _c[k];
            var (st, en) = _form.Support(k);
            var amp = _form.Amplitude(k);
            var jk = _form.Interference(k);
            int end = _phaseOne ? _n + i + 1 : en;
            var row = into.ConstraintGradient(groups + i, st, end);
            double dw = constraintWeights[groups + i] * 2 * c * c;
            for (int j = st; j < en; j++)
            {
                row[j - st] = 2 * c * amp[j] - 2 * c * c * jk[j] * x[j];
                diag[j] += dw * jk[j];
            }
            if (_phaseOne) row[_n + i - st] = -1;
        }
    }
}
