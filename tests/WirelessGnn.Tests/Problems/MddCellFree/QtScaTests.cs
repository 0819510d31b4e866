using NUnit.Framework;
using WirelessGnn.Problems.MddCellFree;
using WirelessGnn.Problems.Optimization;
using static WirelessGnn.Tests.Problems.MddCellFree.QtScaTestInstances;

namespace WirelessGnn.Tests.Problems.MddCellFree;

/// <summary>
/// QT-SCA (spec §4.1, §12 items 15–18): the ratio form agrees with the oracle; the QT identity and bound; the SCA
/// under-estimator; the output meets (8b)–(8e) and (19)–(20), Λ never decreases over the iterations and ends above the
/// phase-I point, in Case 1 and Case 2; near-global on tiny instances against a brute-force grid; QoS-infeasible layouts
/// are flagged and fall back to the best phase-I point; the complexity formula reproduces Table IV.
/// </summary>
[TestFixture]
public class QtScaTests
{
    [Test]
    public void Ratio_form_reproduces_the_oracle_sinrs_in_both_cases()
    {
        var rng = new Random(1);
        foreach (var instance in new[] { CaseOne(6, 3, 4, 4, 2, seed: 1), CaseTwo(8, 4, 3, 2, seed: 2) })
        {
            var form = new QtScaRatioForm(instance);
            int served = 0;
            for (int l = 0; l < instance.Aps; l++) for (int d = 0; d < instance.Mss; d++) served += instance.Serves[l, d] ? 1 : 0;
            Assert.That(form.Variables, Is.EqualTo(served * instance.DlSubcarriers + instance.Mss * instance.UlSubcarriers));
            Assert.That(form.Terms, Is.EqualTo(instance.Mss * instance.Subcarriers));
            for (int trial = 0; trial < 5; trial++)
            {
                var x = Enumerable.Range(0, form.Variables).Select(_ => Math.Sqrt(rng.NextDouble() * (rng.NextDouble() < 0.5 ? 1 : 0.01))).ToArray();
                var powers = form.ToPowers(x);
                Assert.That(form.FromPowers(powers), Is.EqualTo(x).Within(1e-15), "x → p → x");
                var sinr = form.Sinrs(x);
                var oracle = SpectralEfficiencyOracle.Evaluate(instance, powers);
                int nd = instance.Mss, m = instance.DlSubcarriers, mb = instance.UlSubcarriers;
                for (int d = 0; d < nd; d++)
                {
                    for (int k = 0; k < m; k++) Assert.That(sinr[d * m + k], Is.EqualTo(oracle.DlSinr[d, k]).Within(1e-12 * oracle.DlSinr[d, k] + 1e-300), $"DL ({d}, {k})");
                    for (int k = 0; k < mb; k++) Assert.That(sinr[nd * m + d * mb + k], Is.EqualTo(oracle.UlSinr[d, k]).Within(1e-12 * oracle.UlSinr[d, k] + 1e-300), $"UL ({d}, {k})");
                }
            }
            Assert.That(form.Threshold(0), Is.EqualTo(Math.Exp(0.5 / instance.DlSubcarriers) - 1).Within(1e-15));
            Assert.That(form.Threshold(form.Terms - 1), Is.EqualTo(Math.Exp(0.1 / instance.UlSubcarriers) - 1).Within(1e-15));
        }
    }

    [Test]
    public void Quadratic_transform_equals_the_objective_at_the_optimal_auxiliaries_and_bounds_it_elsewhere()
    {
        var rng = new Random(2);
        foreach (var instance in new[] { CaseOne(6, 3, 4, 4, 2, seed: 3), CaseTwo(8, 4, 3, 2, seed: 4) })
        {
            var form = new QtScaRatioForm(instance);
            for (int trial = 0; trial < 10; trial++)
            {
                var powers = form.ToPowers(Enumerable.Range(0, form.Variables).Select(_ => rng.NextDouble()).ToArray());
                double se = SpectralEfficiencyOracle.SpectralEfficiency(instance, powers);
                var (zDl, zUl) = QtSca.OptimalAuxiliaries(instance, powers);
                Assert.That(QtSca.QuadraticTransform(instance, powers, zDl, zUl), Is.EqualTo(se).Within(1e-12 * se), "f_QT(p, z*) = Λ(p)");
                for (int draw = 0; draw < 20; draw++)
                {
                    var dl = (double[,])zDl.Clone();
                    var ul = (double[,])zUl.Clone();
                    foreach (var z in new[] { dl, ul })
                        for (int i = 0; i < z.GetLength(0); i++)
                            for (int j = 0; j < z.GetLength(1); j++)
                                z[i, j] = draw < 10 ? z[i, j] * Math.Exp(rng.NextDouble() * 2 - 1) : (rng.NextDouble() * 2 - 1) * 3 * z[i, j];
                    Assert.That(QtSca.QuadraticTransform(instance, powers, dl, ul), Is.LessThanOrEqualTo(se + 1e-12 * se), "f_QT(p, z) ≤ Λ(p)");
                }
            }
        }
    }

    [Test]
    public void Sca_bound_under_estimates_and_touches_at_the_linearisation_point()
    {
        var rng = new Random(3);
        for (int trial = 0; trial < 10_000; trial++)
        {
            double w0 = Math.Exp(rng.NextDouble() * 10 - 5), p0 = Math.Exp(rng.NextDouble() * 10 - 5);
            double w = Math.Exp(rng.NextDouble() * 10 - 5), p = Math.Exp(rng.NextDouble() * 10 - 5);
            Assert.That(QtSca.ScaLowerBound(w, p, w0, p0), Is.LessThanOrEqualTo(w * w / p * (1 + 1e-12)));
            Assert.That(QtSca.ScaLowerBound(w0, p0, w0, p0), Is.EqualTo(w0 * w0 / p0).Within(1e-12 * w0 * w0 / p0));
        }
    }

    [Test]
    public void Output_is_feasible_monotone_and_above_phase_one_in_case_one()
    {
        foreach (var (instance, what) in new[]
                 {
                     (CaseOne(8, 3, 4, 4, 2, seed: 11), "L=8 D=3"),
                     (CaseOne(12, 4, 4, 4, 2, seed: 12), "L=12 D=4"),
                     (CaseOne(6, 2, 2, 2, 1, seed: 13), "L=6 D=2 (2,1)"),
                     (CaseOne(24, 6, 8, 4, 2, seed: 14), "defaults"),
                 })
            CheckSolution(instance, QtSca.Solve(instance), what);
    }

    [Test]
    public void Output_is_feasible_monotone_and_above_phase_one_in_case_two_with_unserved_powers_zero()
    {
        foreach (var (instance, what) in new[] { (CaseTwo(12, 6, 4, 2, seed: 23, side: 283), "L=12 D=6"), (CaseTwo(10, 4, 2, 2, seed: 22, side: 283), "L=10 D=4 (2,2)") })
        {
            var result = QtSca.Solve(instance);
            CheckSolution(instance, result, what);
            for (int l = 0; l < instance.Aps; l++)
                for (int d = 0; d < instance.Mss; d++)
                    if (!instance.Serves[l, d])
                        for (int m = 0; m < instance.DlSubcarriers; m++) Assert.That(result.Powers.Ap[l, d, m], Is.Zero, $"{what}: AP {l} does not serve MS {d}");
        }
    }

    [Test]
    public void Beats_equal_power_on_average()
    {
        double qt = 0, equal = 0;
        for (int seed = 30; seed < 36; seed++)
        {
            var instance = CaseOne(12, 4, 6, 4, 2, seed);
            var result = QtSca.Solve(instance);
            Assert.That(result.Feasible, $"seed {seed}");
            qt += result.SpectralEfficiency;
            equal += SpectralEfficiencyOracle.SpectralEfficiency(instance, EqualPower(instance));
        }
        Assert.That(qt, Is.GreaterThan(equal), $"mean Λ: QT-SCA {qt / 6:F3} vs equal power {equal / 6:F3}");
    }

    [Test]
    public void Sampled_layouts_small_case_one_and_case_two()
    {
        // Layouts from the real sampler (small configs of the sampler tests): feasible ones meet every property of item
        // 17; a QoS-infeasible one (possible in Case 2, where per-subcarrier QoS is strict) is flagged and within budget.
        foreach (var (config, what) in new[] { (MddCellFreeData.Small, "small Case 1"), (MddCellFreeData.Clustered, "Case 2, L=12 D=6") })
            foreach (var instance in MddCellFreeData.Instances(config, 3, seed: 77))
            {
                var result = QtSca.Solve(instance);
                if (result.Feasible) CheckSolution(instance, result, $"{what}, seed {instance.Seed}");
                else
                {
                    Assert.That(config.Serving, Is.EqualTo(Serving.UserCentric), $"{what}, seed {instance.Seed}: Case 1 layouts here are feasible");
                    CheckBudgets(instance, result.Powers, $"{what}, seed {instance.Seed}: fallback");
                }
            }
    }

    [Test, Category("Reproduction"), Explicit("long: 20 default layouts; run with --filter TestCategory=Reproduction")]
    public void Default_layouts_beat_greedy_and_equal_power()
    {
        // Spec §12 item 17 (soft) and §10.8: on 20 default layouts (L=24, D=6, N=8, (4,2), 400 m) QT-SCA's mean Λ exceeds
        // greedy's and equal power's; the calibration expects about 34–36 against 25–26 and 24.
        var layouts = MddCellFreeData.Instances(new MddCellFreeConfig(), 20, seed: 2024);
        double qt = 0, greedy = 0, equal = 0, seconds = 0, iterations = 0;
        int infeasible = 0;
        foreach (var instance in layouts)
        {
            var result = QtSca.Solve(instance);
            if (!result.Feasible) { infeasible++; continue; }
            CheckSolution(instance, result, $"seed {instance.Seed}");
            qt += result.SpectralEfficiency;
            greedy += SpectralEfficiencyOracle.SpectralEfficiency(instance, GreedyUnfair.Allocate(instance));
            equal += SpectralEfficiencyOracle.SpectralEfficiency(instance, WirelessGnn.Problems.MddCellFree.EqualPower.Allocate(instance));
            seconds += result.Seconds;
            iterations += result.Iterations;
        }
        int n = layouts.Count - infeasible;
        TestContext.Out.WriteLine($"{n} feasible of {layouts.Count}: mean Λ QT-SCA {qt / n:F3}, greedy {greedy / n:F3} ({greedy / qt:P1}), equal {equal / n:F3}; " +
                                  $"{iterations / n:F1} iterations, {seconds / n:F2} s per layout");
        Assert.That(n, Is.GreaterThanOrEqualTo(18));
        Assert.That(qt, Is.GreaterThan(greedy));
        Assert.That(qt, Is.GreaterThan(equal));
    }

    [Test]
    public void Tiny_instances_reach_the_brute_force_grid_optimum()
    {
        // L = 2, D = 1, N = 1, M = M̄ = 1: three powers (two DL, one UL). Spec §12 item 17: within 1e-3 (relative) of a
        // grid optimum in at least 95 of 100; a layout infeasible on the grid must be flagged infeasible, and vice versa.
        // The claim is about where QT-SCA converges, so it runs to convergence (1e-8, up to 1000 iterations): the QT
        // surrogate is conservative about lowering a power (surrogate SINR (2r − 1)·SINR against r²·SINR for an amplitude
        // scaled by r < 1), so the iterates can creep, and the default stop (|ΔΛ| ≤ 1e-3 |Λ|) ends some of these tiny
        // runs after 2–3 iterations short of the optimum (87 of 100 agree then; measured, guarded at ≥ 80 below).
        var converged = new QtScaOptions { Tolerance = 1e-8, MaxIterations = 1000 };
        int agree = 0, agreeDefault = 0, infeasible = 0;
        double above = 0;
        var misses = new List<string>();
        for (int seed = 0; seed < 100; seed++)
        {
            var instance = CaseOne(2, 1, 1, 1, 1, seed: 1000 + seed);
            var result = QtSca.Solve(instance, converged);
            var byDefault = QtSca.Solve(instance);
            double grid = TinyGridOptimum(instance);
            Assert.That(byDefault.Feasible, Is.EqualTo(result.Feasible), $"seed {1000 + seed}: same phase I");
            if (double.IsNegativeInfinity(grid))
            {
                infeasible++;
                if (!result.Feasible) { agree++; agreeDefault++; } else misses.Add($"seed {1000 + seed}: grid infeasible, QT-SCA feasible");
                continue;
            }
            if (!result.Feasible) { misses.Add($"seed {1000 + seed}: QT-SCA infeasible, grid {grid:F5}"); continue; }
            // QT-SCA may end marginally above the reference (whose polish is a local search); its point must be feasible.
            CheckBudgets(instance, result.Powers, $"seed {1000 + seed}");
            var sinr = SpectralEfficiencyOracle.Evaluate(instance, result.Powers);
            Assert.That(sinr.DlSinr[0, 0], Is.GreaterThanOrEqualTo((Math.Exp(0.5) - 1) * (1 - 1e-6)), $"seed {1000 + seed}: DL QoS");
            Assert.That(sinr.UlSinr[0, 0], Is.GreaterThanOrEqualTo((Math.Exp(0.1) - 1) * (1 - 1e-6)), $"seed {1000 + seed}: UL QoS");
            above = Math.Max(above, (result.SpectralEfficiency - grid) / Math.Abs(grid));
            if (byDefault.SpectralEfficiency >= grid - 1e-3 * Math.Abs(grid)) agreeDefault++;
            if (result.SpectralEfficiency >= grid - 1e-3 * Math.Abs(grid)) agree++;
            else misses.Add($"seed {1000 + seed}: QT-SCA {result.SpectralEfficiency:F5} vs grid {grid:F5}");
        }
        TestContext.Out.WriteLine($"converged: {agree}/100 agree; default stop: {agreeDefault}/100; {infeasible} infeasible; " +
                                  $"QT-SCA at most {above:E1} (relative) above the grid; misses: {string.Join("; ", misses)}");
        Assert.That(agree, Is.GreaterThanOrEqualTo(95), string.Join("; ", misses));
        Assert.That(agreeDefault, Is.GreaterThanOrEqualTo(80), "default stopping rule");
    }

    [Test]
    public void Qos_infeasible_layout_is_flagged_and_falls_back_to_the_best_phase_one_point()
    {
        // χ_UL = 30 nats over 2 UL subcarriers needs SINR ≈ 3.3e6 on each: impossible with 1 W.
        var instance = CaseOne(6, 2, 4, 4, 2, seed: 41, ulQos: 30);
        var phaseOnePoint = new QtScaOptions { InfeasibleFallback = QtScaInfeasibleFallback.PhaseOnePoint };
        var result = QtSca.Solve(instance, phaseOnePoint with { MaxPhaseOneRounds = 5, PhaseOneStallTolerance = 0 });
        Assert.That(result.Feasible, Is.False);
        Assert.That(result.Converged, Is.False);
        Assert.That(result.PhaseOneRounds, Is.EqualTo(5));
        Assert.That(result.Iterations, Is.Zero);
        Assert.That(result.SpectralEfficiencyTrace, Has.Count.EqualTo(1));
        Assert.That(result.PhaseOneSlack, Is.LessThan(-1));
        CheckBudgets(instance, result.Powers, "infeasible fallback");
        Assert.That(result.SpectralEfficiency, Is.EqualTo(SpectralEfficiencyOracle.SpectralEfficiency(instance, result.Powers)).Within(1e-12));
        // With the stall rule (default) the rounds stop once the violation no longer shrinks, with the same verdict.
        var early = QtSca.Solve(instance, phaseOnePoint);
        Assert.That(early.Feasible, Is.False);
        Assert.That(early.PhaseOneRounds, Is.InRange(2, 20));
    }

    [Test]
    public void Best_effort_qos_keeps_every_threshold_phase_one_met_and_raises_the_se()
    {
        // The default fallback: Algorithm 1 from the phase-I point, without the QoS of the terms phase I missed. Here the
        // UL QoS is impossible (χ_UL = 30) and the DL QoS is not; on Case 2 layouts too, the per-subcarrier QoS is
        // strict enough that some are infeasible.
        var layouts = new[] { CaseOne(6, 2, 4, 4, 2, seed: 41, ulQos: 30) }.Concat(MddCellFreeData.Instances(MddCellFreeData.Clustered, 8, seed: 77));
        int infeasible = 0;
        foreach (var instance in layouts)
        {
            var start = QtSca.Solve(instance, new QtScaOptions { InfeasibleFallback = QtScaInfeasibleFallback.PhaseOnePoint });
            var result = QtSca.Solve(instance);
            Assert.That(result.Feasible, Is.EqualTo(start.Feasible), $"seed {instance.Seed}: same phase I");
            if (start.Feasible) continue;
            infeasible++;
            string what = $"seed {instance.Seed}";
            Assert.That(result.Iterations, Is.GreaterThanOrEqualTo(1), what);
            Assert.That(result.SpectralEfficiencyTrace[0], Is.EqualTo(start.SpectralEfficiency).Within(1e-12), $"{what}: starts at the phase-I point");
            Assert.That(result.SpectralEfficiency, Is.GreaterThan(start.SpectralEfficiency), what);
            for (int t = 1; t < result.SpectralEfficiencyTrace.Count; t++)
                Assert.That(result.SpectralEfficiencyTrace[t], Is.GreaterThanOrEqualTo(result.SpectralEfficiencyTrace[t - 1] - 1e-6), $"{what}: monotone at {t}");
            CheckBudgets(instance, result.Powers, what);
            var before = SpectralEfficiencyOracle.Evaluate(instance, start.Powers);
            var after = SpectralEfficiencyOracle.Evaluate(instance, result.Powers);
            double gammaDl = Math.Exp(instance.DlQos / instance.DlSubcarriers) - 1, gammaUl = Math.Exp(instance.UlQos / instance.UlSubcarriers) - 1;
            for (int d = 0; d < instance.Mss; d++)
            {
                for (int m = 0; m < instance.DlSubcarriers; m++)
                    if (before.DlSinr[d, m] > gammaDl * (1 + 1e-6)) Assert.That(after.DlSinr[d, m], Is.GreaterThanOrEqualTo(gammaDl * (1 - 1e-6)), $"{what}: DL ({d}, {m}) kept");
                for (int m = 0; m < instance.UlSubcarriers; m++)
                    if (before.UlSinr[d, m] > gammaUl * (1 + 1e-6)) Assert.That(after.UlSinr[d, m], Is.GreaterThanOrEqualTo(gammaUl * (1 - 1e-6)), $"{what}: UL ({d}, {m}) kept");
            }
        }
        Assert.That(infeasible, Is.GreaterThanOrEqualTo(2), "the test needs QoS-infeasible layouts");
    }

    [Test]
    public void Zero_qos_keeps_every_power_positive_and_beats_equal_power()
    {
        // χ = 0: (19)–(20) are void, but the linearised constraints still apply (as in (21w)) and keep every amplitude
        // away from the x = 0 fixed point of the QT update.
        var instance = CaseOne(8, 3, 4, 4, 2, seed: 61, dlQos: 0, ulQos: 0);
        var result = QtSca.Solve(instance);
        Assert.That(result.Feasible);
        Assert.That(result.PhaseOneRounds, Is.InRange(1, 2), "one round, or two when the c = 1 linearisation misses (α < 0)");
        foreach (double p in result.Powers.Ap) Assert.That(p, Is.GreaterThan(0));
        foreach (double p in result.Powers.Ms) Assert.That(p, Is.GreaterThan(0));
        CheckBudgets(instance, result.Powers, "χ = 0");
        Assert.That(result.SpectralEfficiency, Is.GreaterThan(SpectralEfficiencyOracle.SpectralEfficiency(instance, EqualPower(instance))));
    }

    [Test]
    public void Iteration_cap_and_tolerance_are_honoured()
    {
        var instance = CaseOne(8, 3, 4, 4, 2, seed: 51);
        var capped = QtSca.Solve(instance, new QtScaOptions { MaxIterations = 2, Tolerance = 0 });
        Assert.That(capped.Iterations, Is.EqualTo(2));
        Assert.That(capped.Converged, Is.False);
        Assert.That(capped.SpectralEfficiencyTrace, Has.Count.EqualTo(3));
        var full = QtSca.Solve(instance);
        Assert.That(full.Converged);
        var trace = full.SpectralEfficiencyTrace;
        Assert.That(Math.Abs(trace[^1] - trace[^2]), Is.LessThanOrEqualTo(1e-3 * Math.Abs(trace[^2])), "stopped on the criterion");
        for (int t = 1; t < trace.Count - 1; t++)
            Assert.That(Math.Abs(trace[t] - trace[t - 1]), Is.GreaterThan(1e-3 * Math.Abs(trace[t - 1])), $"and not before iteration {t}");
        Assert.That(capped.SpectralEfficiencyTrace, Is.EqualTo(trace.Take(3)).Within(1e-9), "the same first iterates");
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => QtSca.Solve(instance, new QtScaOptions { MaxIterations = 0 }));
        Assert.That(error!.Message, Does.Contain("maxIterations"));
    }

    [Test]
    public void Complexity_formula_reproduces_table_four()
    {
        foreach (var (l, d, m, mb, perIteration, paper) in new[]
                 {
                     (6, 2, 4, 2, 7.474e7, 4.48e8),
                     (12, 4, 8, 4, 7.972e10, 4.78e11),
                     (24, 8, 16, 8, 1.129e14, 6.79e14),
                 })
        {
            Assert.That(QtSca.ComplexityPerIteration(l, d, m, mb), Is.EqualTo(perIteration).Within(0.005 * perIteration), $"L={l}: per iteration");
            Assert.That(QtSca.Complexity(l, d, m, mb), Is.EqualTo(paper).Within(0.005 * paper), $"L={l}: × 6 vs the paper");
            Assert.That(QtSca.Complexity(l, d, m, mb), Is.EqualTo(6 * QtSca.ComplexityPerIteration(l, d, m, mb)));
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static void CheckSolution(MddCellFreeInstance instance, QtScaResult result, string what)
    {
        Assert.That(result.Feasible, $"{what}: feasible");
        Assert.That(result.Iterations, Is.InRange(1, 20), $"{what}: iterations");
        Assert.That(result.SpectralEfficiencyTrace, Has.Count.EqualTo(result.Iterations + 1), $"{what}: trace = phase I + one per iteration");
        Assert.That(result.NewtonSteps, Is.GreaterThan(0));
        Assert.That(result.UnconvergedSubSolves, Is.Zero, $"{what}: every sub-solve reached its gap tolerance");
        Assert.That(result.Kkt.Max, Is.LessThan(1e-5), $"{what}: last sub-solve KKT {result.Kkt}");
        CheckBudgets(instance, result.Powers, what);
        var evaluation = SpectralEfficiencyOracle.Evaluate(instance, result.Powers);
        Assert.That(result.SpectralEfficiency, Is.EqualTo(evaluation.SpectralEfficiency).Within(1e-12 * evaluation.SpectralEfficiency), $"{what}: reported Λ = oracle");
        double gammaDl = Math.Exp(instance.DlQos / instance.DlSubcarriers) - 1, gammaUl = Math.Exp(instance.UlQos / instance.UlSubcarriers) - 1;
        foreach (double s in evaluation.DlSinr) Assert.That(s, Is.GreaterThanOrEqualTo(gammaDl * (1 - 1e-6)), $"{what}: (19)");
        foreach (double s in evaluation.UlSinr) Assert.That(s, Is.GreaterThanOrEqualTo(gammaUl * (1 - 1e-6)), $"{what}: (20)");
        Assert.That(evaluation.DlRate, Has.All.GreaterThanOrEqualTo(instance.DlQos - 1e-6), $"{what}: (8d)");
        Assert.That(evaluation.UlRate, Has.All.GreaterThanOrEqualTo(instance.UlQos - 1e-6), $"{what}: (8e)");
        var trace = result.SpectralEfficiencyTrace;
        for (int t = 1; t < trace.Count; t++)
            Assert.That(trace[t], Is.GreaterThanOrEqualTo(trace[t - 1] * (1 - 1e-6)), $"{what}: Λ decreased at iteration {t}: {string.Join(", ", trace)}");
        Assert.That(result.SpectralEfficiency, Is.GreaterThanOrEqualTo(result.PhaseOneSpectralEfficiency), $"{what}: final ≥ phase I");
        Assert.That(result.PhaseOneSlack, Is.GreaterThanOrEqualTo(-1e-9), $"{what}: phase I ended on min α ≥ −1e−9");
        TestContext.Out.WriteLine($"{what}: Λ {result.SpectralEfficiency:F3} (phase I {result.PhaseOneSpectralEfficiency:F3}), {result.Iterations} iterations, " +
                                  $"{result.PhaseOneRounds} phase-I rounds, {result.NewtonSteps} Newton steps, {result.Seconds:F2} s");
    }

    private static void CheckBudgets(MddCellFreeInstance instance, MddPowers powers, string what)
    {
        var ap = powers.ApTotals();
        var ms = powers.MsTotals();
        for (int l = 0; l < instance.Aps; l++) Assert.That(ap[l], Is.LessThanOrEqualTo(instance.ApBudget[l] * (1 + 1e-6)), $"{what}: (8b) AP {l}");
        for (int d = 0; d < instance.Mss; d++) Assert.That(ms[d], Is.LessThanOrEqualTo(instance.MsBudget[d] * (1 + 1e-6)), $"{what}: (8c) MS {d}");
        foreach (double p in powers.Ap) Assert.That(p, Is.GreaterThanOrEqualTo(0));
        foreach (double p in powers.Ms) Assert.That(p, Is.GreaterThanOrEqualTo(0));
    }

    /// <summary>
    /// Global optimum of a tiny layout (L = 2, D = 1, M = M̄ = 1), written from §2.9 directly. For fixed DL amplitudes
    /// (√p1, √p2) the QoS bound the UL power to an interval (UL: p_u ≥ γ_UL C/4; DL: p_u ≤ (a²/γ_DL − 1)/ξ̃_SI; budget),
    /// over which Λ is maximised by a 64-point grid and golden-section refinement; the outer 2-D maximum by an 81² grid
    /// over the amplitudes and an 8-direction pattern search from the best grid point. −∞ when no grid point is feasible.
    /// </summary>
    private static double TinyGridOptimum(MddCellFreeInstance x)
    {
        double w1 = x.Omega[0, 0, 0], w2 = x.Omega[1, 0, 0], u1 = x.Upsilon[0, 0, 0], u2 = x.Upsilon[1, 0, 0];
        double siMs = x.MsSelfInterference[0], si1 = x.ApSelfInterference[0], si2 = x.ApSelfInterference[1];
        double iai1 = x.InterAp[0] / 2 * x.BetaAp[0, 1], iai2 = x.InterAp[1] / 2 * x.BetaAp[1, 0];
        double gDl = Math.Exp(x.DlQos) - 1, gUl = Math.Exp(x.UlQos) - 1;
        double h1 = Math.Sqrt(x.ApBudget[0]), h2 = Math.Sqrt(x.ApBudget[1]), pMs = x.MsBudget[0];

        double Inner(double a1, double a2)
        {
            double p1 = a1 * a1, p2 = a2 * a2, amp = w1 * a1 + w2 * a2, signal = amp * amp;
            double c = u1 * (1 + si1 * p1 + iai1 * p2) + u2 * (1 + si2 * p2 + iai2 * p1);
            double lo = gUl * c / 4, hi = Math.Min(pMs, (signal / gDl - 1) / siMs);
            if (!(lo <= hi)) return double.NegativeInfinity;
            double G(double pu) => (Math.Log(1 + signal / (1 + siMs * pu)) + Math.Log(1 + 4 * pu / c)) / 2;
            const int points = 64;
            int bestK = 0;
            double best = double.NegativeInfinity;
            for (int k = 0; k <= points; k++)
            {
                double v = G(lo + (hi - lo) * k / points);
                if (v > best) { best = v; bestK = k; }
            }
            double left = lo + (hi - lo) * Math.Max(0, bestK - 1) / points, right = lo + (hi - lo) * Math.Min(points, bestK + 1) / points;
            const double ratio = 0.6180339887498949;
            for (int it = 0; it < 60; it++)
            {
                double m1 = right - ratio * (right - left), m2 = left + ratio * (right - left);
                if (G(m1) >= G(m2)) right = m2; else left = m1;
            }
            return Math.Max(best, G((left + right) / 2));
        }

        const int steps = 80;
        double optimum = double.NegativeInfinity, b1 = 0, b2 = 0;
        for (int i = 0; i <= steps; i++)
            for (int j = 0; j <= steps; j++)
            {
                double v = Inner(h1 * i / steps, h2 * j / steps);
                if (v > optimum) { optimum = v; b1 = h1 * i / steps; b2 = h2 * j / steps; }
            }
        if (double.IsNegativeInfinity(optimum)) return optimum;
        double s1 = h1 / steps, s2 = h2 / steps;
        while (Math.Max(s1, s2) > 1e-12)
        {
            bool moved = false;
            for (int di = -1; di <= 1; di++)
                for (int dj = -1; dj <= 1; dj++)
                {
                    if (di == 0 && dj == 0) continue;
                    double t1 = Math.Clamp(b1 + di * s1, 0, h1), t2 = Math.Clamp(b2 + dj * s2, 0, h2);
                    double v = Inner(t1, t2);
                    if (v > optimum) { optimum = v; b1 = t1; b2 = t2; moved = true; }
                }
            if (!moved) { s1 /= 2; s2 /= 2; }
        }
        return optimum;
    }
}
