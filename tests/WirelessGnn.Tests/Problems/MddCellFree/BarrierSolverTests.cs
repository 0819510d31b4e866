using MathNet.Numerics.LinearAlgebra;
using NUnit.Framework;
using WirelessGnn.Problems.Optimization;

namespace WirelessGnn.Tests.Problems.MddCellFree;

/// <summary>
/// The log-barrier interior-point solver on convex programs with known solutions (an LP, a ball-constrained linear
/// program, water-filling as a log-sum, projection onto a capped simplex, a dense QP) with the KKT residual and the gap
/// asserted small; the structured Newton system (dense Cholesky and scaled Woodbury) against MathNet; dense and
/// low-rank paths agree on a problem made of rank-one log terms; input checks.
/// </summary>
[TestFixture]
public class BarrierSolverTests
{
    // At the default 1e-8 relative gap, t ≈ 1e9 and an active slack g_i ≈ 1/(t λ_i) carries the absolute rounding of
    // g_i(x): the barrier multipliers 1/(t g_i) are then good to about 1e-7 relative, which bounds the stationarity.
    private const double KktTolerance = 1e-6;

    [Test]
    public void Linear_program_reaches_the_vertex_with_small_kkt_residual()
    {
        // Wyndor Glass (Hillier & Lieberman): max 3x + 5y s.t. x ≤ 4, 2y ≤ 12, 3x + 2y ≤ 18, x, y ≥ 0; optimum (2, 6), value 36.
        var problem = new LinearProgram(new[] { 3.0, 5.0 }, new double[,] { { 1, 0 }, { 0, 2 }, { 3, 2 } }, new[] { 4.0, 12, 18 });
        var result = BarrierSolver.Solve(problem, new[] { 1.0, 1.0 });
        Assert.That(result.Converged);
        Assert.That(result.X[0], Is.EqualTo(2).Within(1e-6));
        Assert.That(result.X[1], Is.EqualTo(6).Within(1e-6));
        Assert.That(result.Objective, Is.EqualTo(36).Within(36 * 2e-8));
        Assert.That(result.DualityGap, Is.LessThanOrEqualTo(36 * 1e-8 * 1.0001));
        Assert.That(result.Kkt.Max, Is.LessThan(KktTolerance), $"KKT {result.Kkt}");
        // Dual of the LP: multipliers (0, 1.5, 1) on the three rows.
        Assert.That(result.Multipliers[0], Is.EqualTo(0).Within(1e-6));
        Assert.That(result.Multipliers[1], Is.EqualTo(1.5).Within(1e-6));
        Assert.That(result.Multipliers[2], Is.EqualTo(1).Within(1e-6));
        Assert.That(result.NewtonSteps, Is.GreaterThan(0));
    }

    [Test]
    public void Linear_objective_over_a_ball_ends_at_the_normalised_direction()
    {
        var rng = new Random(3);
        foreach (var method in new[] { NewtonSolveMethod.Dense, NewtonSolveMethod.LowRank })
        {
            var a = Enumerable.Range(0, 40).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
            double norm = Math.Sqrt(a.Sum(v => v * v));
            var result = BarrierSolver.Solve(new BallProgram(a), new double[40], new BarrierOptions { Method = method });
            Assert.That(result.Converged, $"{method}");
            Assert.That(result.Objective, Is.EqualTo(norm).Within(norm * 2e-8), $"{method}: value ‖a‖");
            for (int j = 0; j < 40; j++) Assert.That(result.X[j], Is.EqualTo(a[j] / norm).Within(1e-4), $"{method}: x[{j}]");
            Assert.That(result.Multipliers[0], Is.EqualTo(norm / 2).Within(1e-5), $"{method}: λ = ‖a‖/2");
            Assert.That(result.Kkt.Max, Is.LessThan(KktTolerance), $"{method}: KKT {result.Kkt}");
        }
    }

    [Test]
    public void Log_sum_is_water_filling()
    {
        var rng = new Random(5);
        for (int trial = 0; trial < 5; trial++)
        {
            int n = 3 + trial * 7;
            var alpha = Enumerable.Range(0, n).Select(_ => 0.05 + rng.NextDouble()).ToArray();
            double budget = 0.5 + rng.NextDouble();
            var expected = WaterFill(alpha, budget);
            var start = Enumerable.Repeat(budget / (2 * n), n).ToArray();
            var result = BarrierSolver.Solve(new WaterFilling(alpha, budget), start);
            Assert.That(result.Converged, $"n = {n}");
            double optimum = alpha.Select((a, i) => Math.Log(a + expected[i])).Sum();
            Assert.That(optimum - result.Objective, Is.InRange(-1e-12, 1e-8 * Math.Max(1, Math.Abs(optimum))), $"n = {n}: value");
            for (int i = 0; i < n; i++) Assert.That(result.X[i], Is.EqualTo(expected[i]).Within(1e-5), $"n = {n}: x[{i}]");
            Assert.That(result.Kkt.Max, Is.LessThan(KktTolerance), $"n = {n}: KKT {result.Kkt}");
        }
    }

    [Test]
    public void Projection_onto_a_capped_simplex_matches_the_sort_formula()
    {
        var rng = new Random(11);
        for (int trial = 0; trial < 5; trial++)
        {
            int n = 5 + 5 * trial;
            var c = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 2 - 0.5).ToArray();
            // max −½‖x − c‖² s.t. Σx ≤ 1, x ≥ 0: x = max(0, c − τ) with τ ≥ 0 the smallest that makes Σx ≤ 1.
            var expected = ProjectCappedSimplex(c, 1);
            var start = Enumerable.Repeat(0.5 / n, n).ToArray();
            var result = BarrierSolver.Solve(new Projection(c, 1), start);
            Assert.That(result.Converged);
            for (int i = 0; i < n; i++) Assert.That(result.X[i], Is.EqualTo(expected[i]).Within(1e-5), $"n = {n}: x[{i}]");
            Assert.That(result.Kkt.Max, Is.LessThan(KktTolerance), $"n = {n}: KKT {result.Kkt}");
        }
    }

    [Test]
    public void Dense_quadratic_program_with_an_inactive_constraint_returns_the_unconstrained_maximiser()
    {
        var rng = new Random(13);
        int n = 12;
        var r = Matrix<double>.Build.Dense(n, n, (_, _) => rng.NextDouble() - 0.5);
        var q = r * r.Transpose() + Matrix<double>.Build.DenseIdentity(n);
        var c = Vector<double>.Build.Dense(n, _ => rng.NextDouble() * 0.1);
        var result = BarrierSolver.Solve(new DenseQuadratic(q, c), new double[n]);
        Assert.That(result.Converged);
        for (int i = 0; i < n; i++) Assert.That(result.X[i], Is.EqualTo(c[i]).Within(1e-6));
        Assert.That(result.Kkt.Max, Is.LessThan(KktTolerance), $"KKT {result.Kkt}");
    }

    [Test]
    public void Dense_and_low_rank_newton_systems_give_the_same_solution()
    {
        var rng = new Random(17);
        int n = 30, k = 8;
        var b = Enumerable.Range(0, k).Select(_ => 0.5 + rng.NextDouble()).ToArray();
        var c = new double[k, n];
        for (int i = 0; i < k; i++) for (int j = 0; j < n; j++) c[i, j] = rng.NextDouble() < 0.5 ? 0 : rng.NextDouble();
        var problem = new LogOfLinear(b, c);
        var dense = BarrierSolver.Solve(problem, new double[n].Select(_ => 0.01).ToArray(), new BarrierOptions { Method = NewtonSolveMethod.Dense });
        var lowRank = BarrierSolver.Solve(problem, new double[n].Select(_ => 0.01).ToArray(), new BarrierOptions { Method = NewtonSolveMethod.LowRank });
        Assert.That(dense.Converged && lowRank.Converged);
        Assert.That(lowRank.Objective, Is.EqualTo(dense.Objective).Within(1e-8 * Math.Abs(dense.Objective)));
        Assert.That(dense.Kkt.Max, Is.LessThan(KktTolerance), $"dense KKT {dense.Kkt}");
        Assert.That(lowRank.Kkt.Max, Is.LessThan(KktTolerance), $"low-rank KKT {lowRank.Kkt}");
    }

    [Test]
    public void Structured_hessian_solves_and_multiplies_like_the_assembled_matrix()
    {
        var rng = new Random(19);
        int n = 25;
        foreach (bool withDense in new[] { false, true })
            foreach (var method in new[] { NewtonSolveMethod.Dense, NewtonSolveMethod.LowRank, NewtonSolveMethod.Auto })
            {
                var h = new StructuredHessian(n);
                var full = Matrix<double>.Build.Dense(n, n);
                for (int j = 0; j < n; j++) { h.Diagonal[j] = 0.1 + rng.NextDouble(); full[j, j] = h.Diagonal[j]; }
                for (int k = 0; k < 7; k++)
                {
                    int st = rng.Next(n), en = st + 1 + rng.Next(n - st);
                    double w = rng.NextDouble() * 100;
                    var v = h.AddRankOne(w, st, en);
                    for (int i = 0; i < v.Length; i++) v[i] = rng.NextDouble() - 0.5;
                    for (int i = 0; i < v.Length; i++) for (int j = 0; j < v.Length; j++) full[st + i, st + j] += w * v[i] * v[j];
                }
                // A duplicated direction (a log term and its QoS constraint share one) must not break the low-rank path.
                var again = h.RankOne(0, out int s0).ToArray();
                again.CopyTo(h.AddRankOne(1e6, s0, s0 + again.Length));
                for (int i = 0; i < again.Length; i++) for (int j = 0; j < again.Length; j++) full[s0 + i, s0 + j] += 1e6 * again[i] * again[j];
                if (withDense)
                {
                    var e = h.Dense;
                    var r = Matrix<double>.Build.Dense(n, 3, (_, _) => rng.NextDouble() - 0.5);
                    var ee = r * r.Transpose();
                    for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) e[i * n + j] = ee[i, j];
                    full += ee;
                }
                var b = Enumerable.Range(0, n).Select(_ => rng.NextDouble() - 0.5).ToArray();
                var used = h.Factor(method);
                Assert.That(used, Is.EqualTo(withDense || method == NewtonSolveMethod.Dense ? NewtonSolveMethod.Dense : method == NewtonSolveMethod.LowRank ? NewtonSolveMethod.LowRank : used));
                var y = new double[n];
                h.Solve(b, y);
                var expected = full.Solve(Vector<double>.Build.DenseOfArray(b));
                for (int i = 0; i < n; i++) Assert.That(y[i], Is.EqualTo(expected[i]).Within(1e-9 * (1 + Math.Abs(expected[i]))), $"{method}, dense part {withDense}: y[{i}]");
                var product = new double[n];
                h.Multiply(b, product);
                var expectedProduct = full * Vector<double>.Build.DenseOfArray(b);
                for (int i = 0; i < n; i++) Assert.That(product[i], Is.EqualTo(expectedProduct[i]).Within(1e-9 * (1 + Math.Abs(expectedProduct[i]))));
            }
    }

    [Test]
    public void Rejects_a_start_that_is_not_strictly_feasible_and_bad_options()
    {
        var problem = new LinearProgram(new[] { 3.0, 5.0 }, new double[,] { { 1, 0 }, { 0, 2 }, { 3, 2 } }, new[] { 4.0, 12, 18 });
        var error = Assert.Throws<ArgumentException>(() => BarrierSolver.Solve(problem, new[] { 4.0, 1.0 }));
        Assert.That(error!.Message, Does.Contain("constraint 0"));
        error = Assert.Throws<ArgumentException>(() => BarrierSolver.Solve(problem, new[] { 0.0, 1.0 }));
        Assert.That(error!.Message, Does.Contain("lower bound"));
        error = Assert.Throws<ArgumentException>(() => BarrierSolver.Solve(problem, new[] { 1.0 }));
        Assert.That(error!.Message, Does.Contain("expected the dimension n = 2"));
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => new BarrierSolver(new BarrierOptions { BarrierGrowth = 1 }));
        Assert.That(range!.Message, Does.Contain("barrierGrowth"));
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static double[] WaterFill(double[] alpha, double budget)
    {
        // x_i = max(0, ν − α_i), Σ x = budget: bisection on ν.
        double lo = alpha.Min(), hi = alpha.Max() + budget;
        for (int it = 0; it < 200; it++)
        {
            double nu = (lo + hi) / 2;
            if (alpha.Sum(a => Math.Max(0, nu - a)) > budget) hi = nu; else lo = nu;
        }
        return alpha.Select(a => Math.Max(0, (lo + hi) / 2 - a)).ToArray();
    }

    private static double[] ProjectCappedSimplex(double[] c, double cap)
    {
        if (c.Sum(v => Math.Max(0, v)) <= cap) return c.Select(v => Math.Max(0, v)).ToArray();
        double lo = 0, hi = c.Max();
        for (int it = 0; it < 200; it++)
        {
            double tau = (lo + hi) / 2;
            if (c.Sum(v => Math.Max(0, v - tau)) > cap) lo = tau; else hi = tau;
        }
        return c.Select(v => Math.Max(0, v - (lo + hi) / 2)).ToArray();
    }

    /// <summary>max cᵀx s.t. Ax ≤ b, x ≥ 0.</summary>
    private sealed class LinearProgram(double[] c, double[,] a, double[] b) : IBarrierProblem
    {
        public int Dimension => c.Length;
        public int ConstraintCount => b.Length;
        public double[]? LowerBounds { get; } = new double[c.Length];
        public double[]? UpperBounds => null;

        public bool TryEvaluate(ReadOnlySpan<double> x, Span<double> g, out double f)
        {
            f = 0;
            for (int j = 0; j < c.Length; j++) f += c[j] * x[j];
            for (int i = 0; i < b.Length; i++)
            {
                g[i] = b[i];
                for (int j = 0; j < c.Length; j++) g[i] -= a[i, j] * x[j];
            }
            return true;
        }

        public void Differentiate(ReadOnlySpan<double> x, double objectiveWeight, ReadOnlySpan<double> constraintWeights, BarrierDerivatives into)
        {
            c.CopyTo(into.ObjectiveGradient);
            for (int i = 0; i < b.Length; i++)
            {
                var row = into.ConstraintGradient(i, 0, c.Length);
                for (int j = 0; j < c.Length; j++) row[j] = -a[i, j];
            }
        }
    }

    /// <summary>max aᵀx s.t. 1 − ‖x‖² ≥ 0.</summary>
    private sealed class BallProgram(double[] a) : IBarrierProblem
    {
        public int Dimension => a.Length;
        public int ConstraintCount => 1;
        public double[]? LowerBounds => null;
        public double[]? UpperBounds => null;

        public bool TryEvaluate(ReadOnlySpan<double> x, Span<double> g, out double f)
        {
            f = 0;
            g[0] = 1;
            for (int j = 0; j < a.Length; j++) { f += a[j] * x[j]; g[0] -= x[j] * x[j]; }
            return true;
        }

        public void Differentiate(ReadOnlySpan<double> x, double objectiveWeight, ReadOnlySpan<double> constraintWeights, BarrierDerivatives into)
        {
            a.CopyTo(into.ObjectiveGradient);
            var row = into.ConstraintGradient(0, 0, a.Length);
            for (int j = 0; j < a.Length; j++) { row[j] = -2 * x[j]; into.Hessian.Diagonal[j] += 2 * constraintWeights[0]; }
        }
    }

    /// <summary>max Σ ln(α_i + x_i) s.t. P − Σx ≥ 0, x ≥ 0.</summary>
    private sealed class WaterFilling(double[] alpha, double budget) : IBarrierProblem
    {
        public int Dimension => alpha.Length;
        public int ConstraintCount => 1;
        public double[]? LowerBounds { get; } = new double[alpha.Length];
        public double[]? UpperBounds => null;

        public bool TryEvaluate(ReadOnlySpan<double> x, Span<double> g, out double f)
        {
            f = 0;
            g[0] = budget;
            for (int i = 0; i < alpha.Length; i++)
            {
                if (!(alpha[i] + x[i] > 0)) return false;
                f += Math.Log(alpha[i] + x[i]);
                g[0] -= x[i];
            }
            return true;
        }

        public void Differentiate(ReadOnlySpan<double> x, double objectiveWeight, ReadOnlySpan<double> constraintWeights, BarrierDerivatives into)
        {
            var row = into.ConstraintGradient(0, 0, alpha.Length);
            for (int i = 0; i < alpha.Length; i++)
            {
                double s = 1 / (alpha[i] + x[i]);
                into.ObjectiveGradient[i] = s;
                into.Hessian.Diagonal[i] += objectiveWeight * s * s;
                row[i] = -1;
            }
        }
    }

    /// <summary>max −½‖x − c‖² s.t. cap − Σx ≥ 0, x ≥ 0.</summary>
    private sealed class Projection(double[] c, double cap) : IBarrierProblem
    {
        public int Dimension => c.Length;
        public int ConstraintCount => 1;
        public double[]? LowerBounds { get; } = new double[c.Length];
        public double[]? UpperBounds => null;

        public bool TryEvaluate(ReadOnlySpan<double> x, Span<double> g, out double f)
        {
            f = 0;
            g[0] = cap;
            for (int i = 0; i < c.Length; i++) { f -= 0.5 * (x[i] - c[i]) * (x[i] - c[i]); g[0] -= x[i]; }
            return true;
        }

        public void Differentiate(ReadOnlySpan<double> x, double objectiveWeight, ReadOnlySpan<double> constraintWeights, BarrierDerivatives into)
        {
            var row = into.ConstraintGradient(0, 0, c.Length);
            for (int i = 0; i < c.Length; i++)
            {
                into.ObjectiveGradient[i] = c[i] - x[i];
                into.Hessian.Diagonal[i] += objectiveWeight;
                row[i] = -1;
            }
        }
    }

    /// <summary>max −½(x − c)ᵀQ(x − c) s.t. 100 − Σx ≥ 0 (inactive): Hessian through the dense part.</summary>
    private sealed class DenseQuadratic(Matrix<double> q, Vector<double> c) : IBarrierProblem
    {
        public int Dimension => c.Count;
        public int ConstraintCount => 1;
        public double[]? LowerBounds => null;
        public double[]? UpperBounds => null;

        public bool TryEvaluate(ReadOnlySpan<double> x, Span<double> g, out double f)
        {
            var d = Vector<double>.Build.DenseOfArray(x.ToArray()) - c;
            f = -0.5 * d * (q * d);
            g[0] = 100 - x.ToArray().Sum();
            return true;
        }

        public void Differentiate(ReadOnlySpan<double> x, double objectiveWeight, ReadOnlySpan<double> constraintWeights, BarrierDerivatives into)
        {
            int n = c.Count;
            var d = Vector<double>.Build.DenseOfArray(x.ToArray()) - c;
            var grad = -(q * d);
            var dense = into.Hessian.Dense;
            var row = into.ConstraintGradient(0, 0, n);
            for (int i = 0; i < n; i++)
            {
                into.ObjectiveGradient[i] = grad[i];
                row[i] = -1;
                for (int j = 0; j < n; j++) dense[i * n + j] += objectiveWeight * q[i, j];
            }
        }
    }

    /// <summary>max Σ_k ln(b_k + c_kᵀx) s.t. 1 − ‖x‖² ≥ 0, x ≥ 0: a Hessian of rank-one terms plus a diagonal.</summary>
    private sealed class LogOfLinear(double[] b, double[,] c) : IBarrierProblem
    {
        private readonly int _n = c.GetLength(1);
        public int Dimension => _n;
        public int ConstraintCount => 1;
        public double[]? LowerBounds => new double[_n];
        public double[]? UpperBounds => null;

        public bool TryEvaluate(ReadOnlySpan<double> x, Span<double> g, out double f)
        {
            f = 0;
            g[0] = 1;
            for (int j = 0; j < _n; j++) g[0] -= x[j] * x[j];
            for (int k = 0; k < b.Length; k++)
            {
                double u = b[k];
                for (int j = 0; j < _n; j++) u += c[k, j] * x[j];
                if (!(u > 0)) return false;
                f += Math.Log(u);
            }
            return true;
        }

        public void Differentiate(ReadOnlySpan<double> x, double objectiveWeight, ReadOnlySpan<double> constraintWeights, BarrierDerivatives into)
        {
            for (int k = 0; k < b.Length; k++)
            {
                double u = b[k];
                for (int j = 0; j < _n; j++) u += c[k, j] * x[j];
                var v = into.Hessian.AddRankOne(objectiveWeight / (u * u), 0, _n);
                for (int j = 0; j < _n; j++) { v[j] = c[k, j]; into.ObjectiveGradient[j] += c[k, j] / u; }
            }
            var row = into.ConstraintGradient(0, 0, _n);
            for (int j = 0; j < _n; j++) { row[j] = -2 * x[j]; into.Hessian.Diagonal[j] += 2 * constraintWeights[0]; }
        }
    }
}
