using System.Diagnostics;
using WirelessGnn.Problems.Optimization;

namespace WirelessGnn.Problems.MddCellFree;

/// <summary>
/// QT-SCA, the optimisation baseline of the paper (Appendix A, Algorithm 1; spec §4.1): quadratic transform of the
/// sum of log-ratios, successive convex approximation of the per-subcarrier QoS constraints (19)–(20), each convex
/// subproblem solved by <see cref="BarrierSolver"/> in the amplitudes x = sqrt(p) (spec solver notes), in
/// noise-normalised units (A16).
/// <code>
/// phase I (21xz): c = ϖ/ψ = 1; repeat { max Σα s.t. α ≤ 0, q_k(x) ≥ α_k, budgets;  c ← a(x)/B(x) (tight) }
///                 until min α ≥ −1e−9 and every SINR_k &gt; γ_k (or MaxPhaseOneRounds, or a round that reduces the
///                 violation Σ_k min(0, SINR_k − γ_k) by less than PhaseOneStallTolerance relative: "QoS-infeasible",
///                 then per <see cref="QtScaOptions.InfeasibleFallback"/>: return the phase-I point of least
///                 violation (A20), or by default go on from it with the QoS of each missed term dropped: γ_k = 0)
/// repeat          z = sqrt(A)/B = a(x)/B(x);  c = ϖ/ψ at the tight point = a(x)/B(x)
///                 x ← argmax (1/M_sum) Σ ln(1 + 2z a(x) − z² B(x)) s.t. budgets (8b)/(8c), q_k(x) ≥ 0     (21xy)
/// until |ΔΛ| ≤ Tolerance·|Λ| or MaxIterations
/// </code>
/// with <c>q_k(x) = 2c_k a_k(x) − c_k² B_k(x) − γ_k</c>: the SCA constraint (21w) with ϖ, ψ eliminated
/// (<see cref="QtScaSubproblem"/> says why that is exact). Every iterate is feasible for (19)–(20) (for the kept
/// thresholds on a QoS-infeasible layout) because
/// <c>a²/B ≥ 2ca − c²B</c> for every c (the SCA bound), and Λ is non-decreasing up to the sub-solve tolerance:
/// <c>Λ(p⁺) ≥ f_QT(p⁺, z) ≥ f_QT(p, z) = Λ(p)</c>. Powers on pairs an AP does not serve are fixed to 0 (Case 2).
/// </summary>
public static class QtSca
{

    /// <summary>Runs phase I and Algorithm 1 on one layout.</summary>
    public static QtScaResult Solve(MddCellFreeInstance instance, QtScaOptions? options = null)
    {
        var clock = Stopwatch.StartNew();
        options ??= new QtScaOptions();
        options.Validate();
        var form = new QtScaRatioForm(instance);
        var solver = new BarrierSolver(options.Solver);
        int n = form.Variables, terms = form.Terms;
        // Every term carries its QoS constraint, also with γ_k = 0 (χ = 0), as in the paper's (21w): there it only keeps
        // the surrogate SINR non-negative, but it keeps every amplitude positive in phase I (where x = 0 would be a
        // fixed point of the QT update z = a/B = 0).
        var qos = Enumerable.Range(0, terms).ToArray();
        var a = new double[terms];
        var b = new double[terms];
        var squares = new double[n];
        int newton = 0, unconverged = 0;
        KktResidual kkt = default;

        // Phase I (21xz) from (ϖ, ψ) = (1, 1), half of every budget spread evenly.
        var x = new double[n];
        for (int g = 0; g < form.BudgetCount; g++)
        {
            var (members, cap, _, _) = form.Budget(g);
            foreach (int v in members) x[v] = Math.Sqrt(cap / (2.0 * members.Length));
        }
        var slope = Enumerable.Repeat(1.0, terms).ToArray();
        double[] best = (double[])x.Clone();
        double bestViolation = double.NegativeInfinity, slack = 0;
        bool feasible = false;
        int rounds = 0;
        while (rounds < options.MaxPhaseOneRounds)
        {
            rounds++;
            var phaseOne = new QtScaSubproblem(form, phaseOne: true, z: slope, c: slope, qos);
            var start = new double[phaseOne.Dimension];
            x.CopyTo(start, 0);
            Pieces(form, x, squares, a, b);
            for (int i = 0; i < qos.Length; i++)
            {
                int k = qos[i];
                double q = 2 * slope[k] * a[k] - slope[k] * slope[k] * b[k] - form.Threshold(k);
                start[n + i] = Math.Min(q, 0) - 1;
            }
            var result = solver.Maximise(phaseOne, start);
            if (!result.Converged) unconverged++;
            newton += result.NewtonSteps;
            kkt = result.Kkt;
            Array.Copy(result.X, x, n);
            slack = qos.Length == 0 ? 0 : result.X.Skip(n).Min();

            // Violation of (19)–(20) at x = the phase-I objective under the tight linearisation point.
            Pieces(form, x, squares, a, b);
            double violation = 0;
            bool met = true;
            foreach (int k in qos)
            {
                double sinr = a[k] * a[k] / b[k], gamma = form.Threshold(k);
                violation += Math.Min(0, sinr - gamma);
                met &= sinr >= gamma * (1 + options.PhaseOneMargin) && sinr > gamma;
            }
            double gained = violation - bestViolation;
            if (violation > bestViolation) { bestViolation = violation; best = (double[])x.Clone(); }
            // The spec's test (min α ≥ −1e−9: the linearised constraints hold) and strict feasibility for (19)–(20),
            // which the QT subproblems need to start from this point.
            if (met && slack >= -options.PhaseOneSlackTolerance) { feasible = true; break; }
            // A stalled sequence of rounds (a local minimum of the violation) will not reach 0: stop early.
            if (rounds > 1 && violation < 0 && gained <= options.PhaseOneStallTolerance * -violation) break;
            for (int k = 0; k < terms; k++) slope[k] = a[k] / b[k];
        }

        var trace = new List<double>();
        if (!feasible && options.InfeasibleFallback == QtScaInfeasibleFallback.PhaseOnePoint)
        {
            var fallback = form.ToPowers(best);
            trace.Add(SpectralEfficiencyOracle.SpectralEfficiency(instance, fallback));
            return new QtScaResult(fallback, trace, 0, rounds, false, false, slack, newton, unconverged, kkt, clock.Elapsed.TotalSeconds);
        }
        var thresholds = Enumerable.Range(0, terms).Select(form.Threshold).ToArray();
        if (!feasible)
        {
            // Best effort: go on from the least-violating phase-I point without the QoS of the terms it misses (γ_k = 0
            // keeps their surrogate SINR non-negative), so that this point is strictly feasible for the QT subproblems.
            x = best;
            Pieces(form, x, squares, a, b);
            foreach (int k in qos)
            {
                double sinr = a[k] * a[k] / b[k];
                if (!(sinr >= thresholds[k] * (1 + options.PhaseOneMargin) && sinr > thresholds[k])) thresholds[k] = 0;
            }
        }

        trace.Add(SpectralEfficiencyOracle.SpectralEfficiency(instance, form.ToPowers(x)));
        bool converged = false;
        int iterations = 0;
        var z = new double[terms];
        while (iterations < options.MaxIterations)
        {
            // z = sqrt(A)/B, and the tight linearisation point c = ϖ/ψ = a/B: the same numbers.
            Pieces(form, x, squares, a, b);
            for (int k = 0; k < terms; k++) z[k] = a[k] / b[k];
            var problem = new QtScaSubproblem(form, phaseOne: false, z, z, qos, thresholds);
            // x is strictly feasible here in exact arithmetic (SINR_k ≥ the last linearised value > γ_k); should rounding
            // say otherwise, keep x rather than start the barrier method from the boundary.
            if (!StrictlyFeasible(problem, x)) break;
            var result = solver.Maximise(problem, x);
            if (!result.Converged) unconverged++;
            iterations++;
            newton += result.NewtonSteps;
            kkt = result.Kkt;
            x = result.X;
            double se = SpectralEfficiencyOracle.SpectralEfficiency(instance, form.ToPowers(x));
            double previous = trace[^1];
            trace.Add(se);
            if (Math.Abs(se - previous) <= options.Tolerance * Math.Abs(previous)) { converged = true; break; }
        }
        return new QtScaResult(form.ToPowers(x), trace, iterations, rounds, feasible, converged, slack, newton, unconverged, kkt, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// The quadratic-transform objective (spec §4.1, step 1) in nats/s/Hz:
    /// <c>f_QT(p, z) = (1/M_sum) Σ ln(1 + 2z sqrt(A(p)) − z² B(p))</c> over every DL (d, m) and UL (d, m̄) term, with A and
    /// B the oracle's numerators and denominators. −∞ when some log argument is ≤ 0 (outside the domain).
    /// </summary>
    /// <param name="zDl">z_dm <c>[D, M]</c>.</param>
    /// <param name="zUl">z_dm̄ <c>[D, M̄]</c>.</param>
    public static double QuadraticTransform(MddCellFreeInstance instance, MddPowers powers, double[,] zDl, double[,] zUl)
    {
        int nd = instance.Mss, m = instance.DlSubcarriers, mb = instance.UlSubcarriers;
        if (zDl.GetLength(0) != nd || zDl.GetLength(1) != m) throw new ArgumentException($"zDl: shape [{zDl.GetLength(0)}, {zDl.GetLength(1)}]; expected [D, M] = [{nd}, {m}].", nameof(zDl));
        if (zUl.GetLength(0) != nd || zUl.GetLength(1) != mb) throw new ArgumentException($"zUl: shape [{zUl.GetLength(0)}, {zUl.GetLength(1)}]; expected [D, M̄] = [{nd}, {mb}].", nameof(zUl));
        var dlDen = SpectralEfficiencyOracle.DlDenominator(instance, powers);
        var ulDen = SpectralEfficiencyOracle.UlDenominator(instance, powers);
        double total = 0;
        for (int d = 0; d < nd; d++)
        {
            for (int k = 0; k < m; k++)
                total += LogArgument(zDl[d, k], SpectralEfficiencyOracle.DlAmplitude(instance, powers, d, k), dlDen[d, k]);
            double gain = SpectralEfficiencyOracle.UlSignalGain(instance, d);
            for (int k = 0; k < mb; k++)
                total += LogArgument(zUl[d, k], Math.Sqrt(gain * powers.Ms[d, k]), ulDen[d, k]);
        }
        return total / instance.Subcarriers;

        static double LogArgument(double z, double rootA, double b)
        {
            double u = 1 + 2 * z * rootA - z * z * b;
            return u > 0 ? Math.Log(u) : double.NegativeInfinity;
        }
    }

    /// <summary>The maximising QT auxiliaries <c>z* = sqrt(A(p))/B(p)</c>, <c>[D, M]</c> and <c>[D, M̄]</c>; at z*, f_QT = Λ_SE.</summary>
    public static (double[,] Dl, double[,] Ul) OptimalAuxiliaries(MddCellFreeInstance instance, MddPowers powers)
    {
        int nd = instance.Mss, m = instance.DlSubcarriers, mb = instance.UlSubcarriers;
        var dlDen = SpectralEfficiencyOracle.DlDenominator(instance, powers);
        var ulDen = SpectralEfficiencyOracle.UlDenominator(instance, powers);
        var dl = new double[nd, m];
        var ul = new double[nd, mb];
        for (int d = 0; d < nd; d++)
        {
            for (int k = 0; k < m; k++) dl[d, k] = SpectralEfficiencyOracle.DlAmplitude(instance, powers, d, k) / dlDen[d, k];
            double gain = SpectralEfficiencyOracle.UlSignalGain(instance, d);
            for (int k = 0; k < mb; k++) ul[d, k] = Math.Sqrt(gain * powers.Ms[d, k]) / ulDen[d, k];
        }
        return (dl, ul);
    }

    /// <summary>
    /// The SCA under-estimator of <c>f_ca(ϖ, ψ) = ϖ²/ψ</c> at <c>(ϖ^(t), ψ^(t))</c> (spec §4.1, step 4):
    /// <c>(2ϖ^(t)/ψ^(t)) ϖ − (ϖ^(t)/ψ^(t))² ψ</c>, ≤ ϖ²/ψ on ψ &gt; 0 with equality at the point.
    /// </summary>
    public static double ScaLowerBound(double varpi, double psi, double varpiAt, double psiAt)
    {
        double c = varpiAt / psiAt;
        return 2 * c * varpi - c * c * psi;
    }

    /// <summary>
    /// The paper's per-iteration complexity estimate (spec §4.1; SeDuMi-style):
    /// <c>(LDM + 2DM + 3DM̄)² (L + D + 3D·M_sum)^2.5 + (L + D + 3D·M_sum)^3.5</c>.
    /// </summary>
    public static double ComplexityPerIteration(int aps, int mss, int dlSubcarriers, int ulSubcarriers)
    {
        double l = aps, d = mss, m = dlSubcarriers, mb = ulSubcarriers;
        double variables = l * d * m + 2 * d * m + 3 * d * mb;
        double constraints = l + d + 3 * d * (m + mb);
        return variables * variables * Math.Pow(constraints, 2.5) + Math.Pow(constraints, 3.5);
    }

    /// <summary>Table IV's QT-SCA column (spec §4.2): <paramref name="iterations"/> (6) × the per-iteration estimate.</summary>
    public static double Complexity(int aps, int mss, int dlSubcarriers, int ulSubcarriers, int iterations = 6) =>
        iterations * ComplexityPerIteration(aps, mss, dlSubcarriers, ulSubcarriers);

    private static bool StrictlyFeasible(IBarrierProblem problem, double[] x)
    {
        var g = new double[problem.ConstraintCount];
        if (!problem.TryEvaluate(x, g, out double f) || !double.IsFinite(f)) return false;
        foreach (double v in g) if (!(v > 0)) return false;
        return true;
    }

    private static void Pieces(QtScaRatioForm form, double[] x, double[] squares, double[] a, double[] b)
    {
        for (int v = 0; v < x.Length; v++) squares[v] = x[v] * x[v];
        form.Amplitudes(x, a);
        form.Denominators(squares, b);
    }
}
