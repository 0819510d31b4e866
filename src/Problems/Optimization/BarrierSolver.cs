namespace WirelessGnn.Problems.Optimization;

/// <summary>
/// Log-barrier interior-point method (Boyd and Vandenberghe, Convex Optimization, §11.3) for the smooth convex programs
/// of <see cref="IBarrierProblem"/>. For a growing barrier parameter t it minimises
/// <code>
/// φ_t(x) = −t f(x) − Σ_i ln g_i(x) − Σ_j ln(x_j − ℓ_j) − Σ_j ln(u_j − x_j)
/// </code>
/// by damped Newton steps (the system from <see cref="StructuredHessian"/>, dense Cholesky or low-rank Woodbury), with a
/// backtracking Armijo line search that first stays within a fraction of the distance to the bounds and then shrinks
/// until every g_i is positive and f is defined: every iterate is strictly feasible. A centering ends when
/// <c>λ²/2 ≤ CenteringTolerance</c> (λ the Newton decrement); then t ← μt until the gap bound m'/t (m' = constraints +
/// finite bounds) is at most <c>max(AbsoluteTolerance, RelativeTolerance·|f|)</c>. Near the centre (λ² ≤ 1/16) a full
/// step is accepted when φ does not rise beyond its rounding level, which late, large-t iterations need. The last
/// centering is polished to <c>FinalCenteringTolerance</c> (one or two quadratically convergent steps), so that the
/// reported KKT residual is small, not just the gap.
/// <para>
/// One instance reuses its work buffers across solves of the same size; it is not thread-safe.
/// </para>
/// </summary>
public sealed class BarrierSolver
{
    private int _n = -1, _m = -1;
    private BarrierDerivatives _derivatives = null!;
    private double[] _x = [], _xTrial = [], _g = [], _gTrial = [], _weights = [], _gradPhi = [], _step = [], _zeros = [], _rhs = [];

    public BarrierSolver(BarrierOptions? options = null)
    {
        Options = options ?? new BarrierOptions();
        Options.Validate();
    }

    public BarrierOptions Options { get; }

    /// <summary>One-off convenience: <c>new BarrierSolver(options).Maximise(problem, start)</c>.</summary>
    public static BarrierResult Solve(IBarrierProblem problem, ReadOnlySpan<double> start, BarrierOptions? options = null) =>
        new BarrierSolver(options).Maximise(problem, start);

    /// <summary>Maximises f over the feasible set from a strictly feasible <paramref name="start"/> <c>[n]</c>.</summary>
    /// <exception cref="ArgumentException">The start has the wrong length, is outside the domain, or is not strictly feasible.</exception>
    public BarrierResult Maximise(IBarrierProblem problem, ReadOnlySpan<double> start)
    {
        ArgumentNullException.ThrowIfNull(problem);
        int n = problem.Dimension, m = problem.ConstraintCount;
        if (n < 1) throw new ArgumentException($"problem: dimension {n}; expected ≥ 1.", nameof(problem));
        if (m < 0) throw new ArgumentException($"problem: {m} constraints; expected ≥ 0.", nameof(problem));
        if (start.Length != n) throw new ArgumentException($"start: {start.Length} values; expected the dimension n = {n}.", nameof(start));
        var lo = problem.LowerBounds;
        var hi = problem.UpperBounds;
        if (lo is not null && lo.Length != n) throw new ArgumentException($"problem.LowerBounds: {lo.Length} values; expected n = {n}.", nameof(problem));
        if (hi is not null && hi.Length != n) throw new ArgumentException($"problem.UpperBounds: {hi.Length} values; expected n = {n}.", nameof(problem));
        Allocate(n, m);
        start.CopyTo(_x);

        int bounded = 0;
        for (int j = 0; j < n; j++)
        {
            if (!double.IsFinite(_x[j])) throw new ArgumentException($"start: element {j} is {_x[j]}; expected a finite number.", nameof(start));
            if (lo is not null && !double.IsNegativeInfinity(lo[j]))
            {
                bounded++;
                if (!(_x[j] > lo[j])) throw new ArgumentException($"start: x[{j}] = {_x[j]} is not strictly above its lower bound {lo[j]}.", nameof(start));
            }
            if (hi is not null && !double.IsPositiveInfinity(hi[j]))
            {
                bounded++;
                if (!(_x[j] < hi[j])) throw new ArgumentException($"start: x[{j}] = {_x[j]} is not strictly below its upper bound {hi[j]}.", nameof(start));
            }
        }
        if (!problem.TryEvaluate(_x, _g, out double f) || !double.IsFinite(f))
            throw new ArgumentException("start: outside the domain of the objective or of a constraint.", nameof(start));
        for (int i = 0; i < m; i++)
            if (!(_g[i] > 0)) throw new ArgumentException($"start: constraint {i} is {_g[i]}; expected strictly feasible (> 0).", nameof(start));

        int mBar = m + bounded;
        var o = Options;
        int steps = 0, centerings = 0;
        bool converged = false;
        double t;
        if (mBar == 0) t = 1;
        else
        {
            double target = 1.001 * mBar / GapTolerance(f);
            t = Math.Min(o.InitialBarrier ?? AutomaticBarrier(problem, lo, hi, f, mBar), target);
        }
        while (true)
        {
            centerings++;
            bool centred = Center(problem, lo, hi, t, o.CenteringTolerance, o.MaxStepsPerCentering, ref f, ref steps);
            if (mBar == 0 || mBar / t <= GapTolerance(f))
            {
                // Polish: Newton converges quadratically here, so one or two more steps make the point centred to
                // rounding level, and the barrier multipliers then satisfy stationarity to about that level too.
                if (centred) Center(problem, lo, hi, t, o.FinalCenteringTolerance, 5, ref f, ref steps);
                converged = centred;
                break;
            }
            if (steps >= o.MaxNewtonSteps) break;
            double next = Math.Min(t * o.BarrierGrowth, Math.Max(1.001 * mBar / GapTolerance(f), 1.001 * t));
            if (centred && o.Extrapolate) Extrapolate(problem, lo, hi, t, next, ref f);
            t = next;
        }

        var kkt = Residual(problem, lo, hi, t);
        var multipliers = new double[m];
        for (int i = 0; i < m; i++) multipliers[i] = 1 / (t * _g[i]);
        return new BarrierResult((double[])_x.Clone(), f, (double[])_g.Clone(), multipliers, mBar == 0 ? 0 : mBar / t, kkt, steps, centerings, converged, t);
    }

    private double GapTolerance(double f) => Math.Max(Options.AbsoluteTolerance, Options.RelativeTolerance * Math.Abs(f));

    private void Allocate(int n, int m)
    {
        if (n == _n && m == _m) return;
        _n = n; _m = m;
        _derivatives = new BarrierDerivatives(n, m);
        _x = new double[n]; _xTrial = new double[n]; _gradPhi = new double[n]; _step = new double[n]; _rhs = new double[n];
        _g = new double[m]; _gTrial = new double[m]; _weights = new double[m]; _zeros = new double[m];
    }

    /// <summary>
    /// First t from the start point: the t that best satisfies the centrality condition <c>t ∇f + ∇b = 0</c> (b the log
    /// barrier) in the norm of the barrier's Hessian, <c>t = −∇fᵀH⁻¹∇b / ∇fᵀH⁻¹∇f</c>; clamped to at least
    /// <c>10⁻³ m'/max(1, |f|)</c>, and <c>m'/max(1, |f|)</c> when the fit is not positive.
    /// </summary>
    private double AutomaticBarrier(IBarrierProblem problem, double[]? lo, double[]? hi, double f, int mBar)
    {
        double fallback = mBar / Math.Max(1, Math.Abs(f));
        BarrierGradient(problem, lo, hi, 0.0);
        // _gradPhi now holds −∇b (t = 0); the objective gradient is in the derivatives.
        var grad = _derivatives.ObjectiveGradient;
        if (!TryFactor()) return fallback;
        for (int j = 0; j < _n; j++) _rhs[j] = grad[j];
        _derivatives.Hessian.Solve(_rhs, _step, Options.Refinements);
        double aa = 0, ab = 0;
        for (int j = 0; j < _n; j++) { aa += grad[j] * _step[j]; ab -= _gradPhi[j] * _step[j]; }
        double t = -ab / aa;
        if (!(aa > 0) || !double.IsFinite(t) || t <= 0) return fallback;
        return Math.Max(t, 1e-3 * fallback);
    }

    private bool TryFactor()
    {
        try { _derivatives.Hessian.Factor(Options.Method); return true; }
        catch (InvalidOperationException) { return false; }
    }

    /// <summary>
    /// Differentiates at <see cref="_x"/> and assembles the Newton system of φ_t: <see cref="_gradPhi"/> = ∇φ_t, and the
    /// Hessian in <see cref="_derivatives"/> (t·(−∇²f) + Σ(−∇²g_i)/g_i + Σ ∇g_i∇g_iᵀ/g_i² + bound terms).
    /// </summary>
    private void BarrierGradient(IBarrierProblem problem, double[]? lo, double[]? hi, double t)
    {
        int n = _n, m = _m;
        for (int i = 0; i < m; i++) _weights[i] = 1 / _g[i];
        _derivatives.Clear();
        problem.Differentiate(_x, t, _weights, _derivatives);
        var grad = _derivatives.ObjectiveGradient;
        for (int j = 0; j < n; j++) _gradPhi[j] = -t * grad[j];
        for (int i = 0; i < m; i++)
        {
            var row = _derivatives.GetConstraintGradient(i, out int st);
            if (row.IsEmpty) continue;
            DenseKernels.Axpy(-_weights[i], row, _gradPhi.AsSpan(st, row.Length));
            _derivatives.SetConstraintWeight(i, _weights[i] * _weights[i]);
        }
        var diag = _derivatives.Hessian.Diagonal;
        if (lo is not null)
            for (int j = 0; j < n; j++)
                if (!double.IsNegativeInfinity(lo[j]))
                {
                    double s = 1 / (_x[j] - lo[j]);
                    _gradPhi[j] -= s;
                    diag[j] += s * s;
                }
        if (hi is not null)
            for (int j = 0; j < n; j++)
                if (!double.IsPositiveInfinity(hi[j]))
                {
                    double s = 1 / (hi[j] - _x[j]);
                    _gradPhi[j] += s;
                    diag[j] += s * s;
                }
    }

    private double Phi(double t, double f, ReadOnlySpan<double> g, ReadOnlySpan<double> x, double[]? lo, double[]? hi, out double scale)
    {
        double phi = -t * f;
        scale = Math.Abs(phi) + 1;
        for (int i = 0; i < g.Length; i++) { double v = Math.Log(g[i]); phi -= v; scale += Math.Abs(v); }
        if (lo is not null)
            for (int j = 0; j < x.Length; j++)
                if (!double.IsNegativeInfinity(lo[j])) { double v = Math.Log(x[j] - lo[j]); phi -= v; scale += Math.Abs(v); }
        if (hi is not null)
            for (int j = 0; j < x.Length; j++)
                if (!double.IsPositiveInfinity(hi[j])) { double v = Math.Log(hi[j] - x[j]); phi -= v; scale += Math.Abs(v); }
        return phi;
    }

    /// <summary>Newton's method on φ_t from the current point; true when it ended on the decrement tolerance (or could not improve on a near-centred point).</summary>
    private bool Center(IBarrierProblem problem, double[]? lo, double[]? hi, double t, double tolerance, int maxSteps, ref double f, ref int steps)
    {
        var o = Options;
        int n = _n;
        double phi = Phi(t, f, _g, _x, lo, hi, out double phiScale);
        for (int k = 0; k < maxSteps; k++)
        {
            if (steps >= o.MaxNewtonSteps) return false;
            BarrierGradient(problem, lo, hi, t);
            if (!TryFactor()) return false;
            for (int j = 0; j < n; j++) _rhs[j] = -_gradPhi[j];
            _derivatives.Hessian.Solve(_rhs, _step, o.Refinements);
            steps++;
            double decrement = 0;
            for (int j = 0; j < n; j++) decrement -= _gradPhi[j] * _step[j];
            if (!double.IsFinite(decrement)) return false;
            if (decrement / 2 <= tolerance) return true;
            if (decrement < 0) return false;

            double s = 1;
            for (int j = 0; j < n; j++)
            {
                double d = _step[j];
                if (d < 0 && lo is not null && !double.IsNegativeInfinity(lo[j])) s = Math.Min(s, o.FractionToBoundary * (_x[j] - lo[j]) / -d);
                if (d > 0 && hi is not null && !double.IsPositiveInfinity(hi[j])) s = Math.Min(s, o.FractionToBoundary * (hi[j] - _x[j]) / d);
            }
            double rounding = 16 * double.Epsilon + 4e-15 * phiScale;
            bool accepted = false;
            double fTrial = 0, phiTrial = 0, trialScale = 0;
            while (s > 1e-14)
            {
                for (int j = 0; j < n; j++) _xTrial[j] = _x[j] + s * _step[j];
                if (problem.TryEvaluate(_xTrial, _gTrial, out fTrial) && double.IsFinite(fTrial) && AllPositive(_gTrial))
                {
                    phiTrial = Phi(t, fTrial, _gTrial, _xTrial, lo, hi, out trialScale);
                    if (phiTrial <= phi - o.ArmijoFraction * s * decrement || (decrement <= 1.0 / 16 && phiTrial <= phi + rounding))
                    {
                        accepted = true;
                        break;
                    }
                }
                s *= o.Backtrack;
            }
            if (!accepted) return decrement <= 1.0 / 16;
            (_x, _xTrial) = (_xTrial, _x);
            (_g, _gTrial) = (_gTrial, _g);
            f = fTrial; phi = phiTrial; phiScale = trialScale;
        }
        return false;
    }

    /// <summary>
    /// Predictor step along the central path: differentiating <c>t∇f(x(t)) + ∇b(x(t)) = 0</c> gives
    /// <c>x'(t) = H⁻¹∇f</c> with H the Hessian of φ_t, which the last centering has just factored at this very point
    /// (it ended on the decrement test, before stepping). The step <c>t (1 − t/t⁺) x'</c> is shortened until feasible and
    /// φ_{t⁺} decreases; it is skipped if no such step is found. It costs one solve and no factorisation.
    /// </summary>
    private void Extrapolate(IBarrierProblem problem, double[]? lo, double[]? hi, double t, double next, ref double f)
    {
        var o = Options;
        int n = _n;
        var grad = _derivatives.ObjectiveGradient;
        // Near the solution the path is about linear in 1/t (x(t) ≈ x* + c/t), so extrapolate in τ = 1/t:
        // dx/dτ = −t² x'(t), Δτ = 1/t⁺ − 1/t, Δx = t (1 − t/t⁺) x'(t).
        for (int j = 0; j < n; j++) _rhs[j] = t * (1 - t / next) * grad[j];
        _derivatives.Hessian.Solve(_rhs, _step, o.Refinements);
        double s = 1;
        for (int j = 0; j < n; j++)
        {
            double d = _step[j];
            if (d < 0 && lo is not null && !double.IsNegativeInfinity(lo[j])) s = Math.Min(s, o.FractionToBoundary * (_x[j] - lo[j]) / -d);
            if (d > 0 && hi is not null && !double.IsPositiveInfinity(hi[j])) s = Math.Min(s, o.FractionToBoundary * (hi[j] - _x[j]) / d);
        }
        double phi = Phi(next, f, _g, _x, lo, hi, out _);
        for (int tries = 0; tries < 30; tries++, s *= o.Backtrack)
        {
            for (int j = 0; j < n; j++) _xTrial[j] = _x[j] + s * _step[j];
            if (!problem.TryEvaluate(_xTrial, _gTrial, out double fTrial) || !double.IsFinite(fTrial) || !AllPositive(_gTrial)) continue;
            if (Phi(next, fTrial, _gTrial, _xTrial, lo, hi, out _) >= phi) continue;
            (_x, _xTrial) = (_xTrial, _x);
            (_g, _gTrial) = (_gTrial, _g);
            f = fTrial;
            return;
        }
    }

    private static bool AllPositive(ReadOnlySpan<double> g)
    {
        foreach (double v in g) if (!(v > 0)) return false;
        return true;
    }

    private KktResidual Residual(IBarrierProblem problem, double[]? lo, double[]? hi, double t)
    {
        int n = _n, m = _m;
        _derivatives.Clear();
        problem.Differentiate(_x, 0, _zeros, _derivatives);
        var grad = _derivatives.ObjectiveGradient;
        double gradNorm = 0;
        for (int j = 0; j < n; j++) { _rhs[j] = grad[j]; gradNorm = Math.Max(gradNorm, Math.Abs(grad[j])); }
        double complementarity = 0, infeasibility = 0;
        for (int i = 0; i < m; i++)
        {
            double lambda = 1 / (t * _g[i]);
            complementarity = Math.Max(complementarity, lambda * _g[i]);
            infeasibility = Math.Max(infeasibility, -_g[i]);
            var row = _derivatives.GetConstraintGradient(i, out int st);
            if (!row.IsEmpty) DenseKernels.Axpy(lambda, row, _rhs.AsSpan(st, row.Length));
        }
        if (lo is not null)
            for (int j = 0; j < n; j++)
                if (!double.IsNegativeInfinity(lo[j])) { double gap = _x[j] - lo[j]; _rhs[j] += 1 / (t * gap); complementarity = Math.Max(complementarity, 1 / t); infeasibility = Math.Max(infeasibility, -gap); }
        if (hi is not null)
            for (int j = 0; j < n; j++)
                if (!double.IsPositiveInfinity(hi[j])) { double gap = hi[j] - _x[j]; _rhs[j] -= 1 / (t * gap); complementarity = Math.Max(complementarity, 1 / t); infeasibility = Math.Max(infeasibility, -gap); }
        double stationarity = 0;
        for (int j = 0; j < n; j++) stationarity = Math.Max(stationarity, Math.Abs(_rhs[j]));
        return new KktResidual(stationarity / Math.Max(1, gradNorm), complementarity, Math.Max(0, infeasibility));
    }
}
