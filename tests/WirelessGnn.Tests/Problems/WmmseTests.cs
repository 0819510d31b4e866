using System.Globalization;
using NUnit.Framework;
using WirelessGnn.Problems.InterferenceChannel;
using static WirelessGnn.Tests.Problems.InterferenceChannelData;

namespace WirelessGnn.Tests.Problems;

/// <summary>
/// WMMSE power control: the sum rate never decreases, powers stay in [0, 1], the reported rate is the oracle's, it
/// beats full power and random powers, the closed-form cases (one pair, two strongly interfering pairs), and at
/// convergence the projected-gradient KKT conditions of the sum rate hold (gradient by finite differences of the oracle).
/// </summary>
[TestFixture]
public class WmmseTests
{
    private const double Slack = 1e-9;

    [Test]
    public void Sum_rate_trace_never_decreases_and_powers_stay_in_the_unit_interval()
    {
        foreach (var (pairs, seed) in new[] { (20, 1), (20, 2), (5, 3), (50, 4) })
            foreach (var instance in Instances(pairs, 6, seed))
            {
                var full = SumRateOracle.Total(instance.Snr, SimplePowerControl.FullPower(pairs));
                // tolerance 0: run all 200 iterations, the longest trace.
                var result = Wmmse.Solve(instance.Snr, maxIterations: 200, tolerance: 0);
                string what = $"K={pairs}, seed {seed}";
                Assert.That(result.SumRateTrace, Has.Count.EqualTo(result.Iterations), $"{what}: one trace entry per iteration");
                Assert.That(result.Power, Has.Length.EqualTo(pairs));
                Assert.That(result.Power, Has.All.InRange(0.0, 1.0), $"{what}: powers in [0, 1]");
                Assert.That(result.SumRateTrace[0], Is.GreaterThanOrEqualTo(full - Slack), $"{what}: first iteration vs full power (the start)");
                for (int t = 1; t < result.SumRateTrace.Count; t++)
                    Assert.That(result.SumRateTrace[t], Is.GreaterThanOrEqualTo(result.SumRateTrace[t - 1] - Slack),
                        $"{what}: iteration {t + 1} decreased the sum rate");
                Assert.That(result.SumRate, Is.EqualTo(SumRateOracle.Total(instance.Snr, result.Power)).Within(1e-12),
                    $"{what}: reported sum rate = oracle of the returned powers");
            }
    }

    [Test]
    public void Stops_on_the_tolerance_and_reports_convergence()
    {
        var instance = new InterferenceChannelSampler(new InterferenceChannelConfig { Pairs = 20, MaxPowerDbm = -20 }).Sample(1, seed: 64)[0];
        var loose = Wmmse.Solve(instance.Snr, maxIterations: 1000, tolerance: 1e-2);
        var tight = Wmmse.Solve(instance.Snr, maxIterations: 1000, tolerance: 1e-10);
        var capped = Wmmse.Solve(instance.Snr, maxIterations: 3, tolerance: 0);
        Assert.That(loose.Converged, $"tolerance 1e-2: converged ({loose.Iterations} iterations)");
        Assert.That(tight.Converged, $"tolerance 1e-10: converged ({tight.Iterations} iterations)");
        Assert.That(tight.Iterations, Is.GreaterThan(loose.Iterations));
        Assert.That(tight.SumRate, Is.GreaterThanOrEqualTo(loose.SumRate - Slack));
        Assert.That(capped.Converged, Is.False);
        Assert.That(capped.Iterations, Is.EqualTo(3));
        Assert.That(capped.SumRateTrace, Has.Count.EqualTo(3));
        foreach (var (result, tolerance) in new[] { (loose, 1e-2), (tight, 1e-10) })
        {
            var trace = result.SumRateTrace;
            double previous = trace.Count > 1 ? trace[^2] : SumRateOracle.Total(instance.Snr, SimplePowerControl.FullPower(20));
            Assert.That(Math.Abs(trace[^1] - previous), Is.LessThanOrEqualTo(tolerance * Math.Max(1, trace[^1])), $"tolerance {tolerance}: the criterion held at the stop");
            if (trace.Count > 1)
            {
                double before = trace.Count > 2 ? trace[^3] : SumRateOracle.Total(instance.Snr, SimplePowerControl.FullPower(20));
                Assert.That(Math.Abs(trace[^2] - before), Is.GreaterThan(tolerance * Math.Max(1, trace[^2])), $"tolerance {tolerance}: and not one iteration earlier");
            }
        }
    }

    [Test]
    public void Beats_full_power_and_random_powers_on_average()
    {
        var rng = new Random(99);
        var instances = Instances(20, 20, seed: 9);
        double wmmse = 0, full = 0, randomMean = 0, randomBest = 0;
        foreach (var instance in instances)
        {
            double w = Wmmse.Solve(instance.Snr).SumRate;
            double f = SumRateOracle.Total(instance.Snr, SimplePowerControl.FullPower(20));
            Assert.That(w, Is.GreaterThanOrEqualTo(f - Slack), "WMMSE starts at full power and never decreases");
            var randoms = Enumerable.Range(0, 200).Select(_ => SumRateOracle.Total(instance.Snr, SimplePowerControl.RandomPower(20, rng))).ToArray();
            wmmse += w; full += f; randomMean += randoms.Average(); randomBest += randoms.Max();
        }
        int n = instances.Count;
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"mean sum rate over {n} instances, K=20: WMMSE {wmmse / n:F3}, full power {full / n:F3}, random {randomMean / n:F3}, best of 200 random {randomBest / n:F3}"));
        Assert.That(wmmse / n, Is.GreaterThan(full / n * 1.01), "WMMSE beats full power on average");
        Assert.That(wmmse / n, Is.GreaterThan(randomMean / n), "WMMSE beats a random power vector on average");
        Assert.That(wmmse / n, Is.GreaterThanOrEqualTo(randomBest / n), "WMMSE beats the best of 200 random power vectors on average");
    }

    [TestCase(1e-3), TestCase(0.5), TestCase(10), TestCase(1e9), TestCase(0.0)]
    public void One_pair_transmits_at_full_power(double snr)
    {
        var result = Wmmse.Solve(new double[,] { { snr } });
        Assert.That(result.Power, Is.EqualTo(new[] { 1.0 }).Within(1e-12));
        Assert.That(result.SumRate, Is.EqualTo(Math.Log2(1 + snr)).Within(1e-12));
        Assert.That(result.Converged);
    }

    [Test]
    public void Two_strongly_interfering_pairs_switch_one_off()
    {
        // Direct gain 10, cross gain 100 both ways: full power gives 2·log2(1 + 10/101) ≈ 0.27, one pair alone log2(11) ≈ 3.46.
        var symmetric = new double[,] { { 10, 100 }, { 100, 10 } };
        double full = SumRateOracle.Total(symmetric, new[] { 1.0, 1.0 });
        double alone = Math.Log2(11);

        // From an asymmetric start the symmetric case converges to one pair on, the other off.
        var fromAsymmetric = Wmmse.Solve(symmetric, maxIterations: 1000, tolerance: 1e-10, initial: new[] { 1.0, 0.5 });
        Assert.That(fromAsymmetric.SumRate, Is.GreaterThan(full + 3), "beats full power");
        Assert.That(fromAsymmetric.SumRate, Is.EqualTo(alone).Within(1e-6), "reaches the one-on-one-off optimum");
        Assert.That(fromAsymmetric.Power[0], Is.EqualTo(1.0).Within(1e-9));
        Assert.That(fromAsymmetric.Power[1], Is.LessThan(1e-6));

        // From full power, with direct gains unequal, WMMSE finds the same kind of solution: the strong pair on.
        var unequal = new double[,] { { 100, 50 }, { 50, 1 } };
        var fromFull = Wmmse.Solve(unequal, maxIterations: 1000, tolerance: 1e-10);
        double fullUnequal = SumRateOracle.Total(unequal, new[] { 1.0, 1.0 });
        Assert.That(fromFull.SumRate, Is.GreaterThan(fullUnequal + 4), "beats full power");
        Assert.That(fromFull.SumRate, Is.EqualTo(Math.Log2(101)).Within(1e-6));

        // Exactly symmetric and started at full power, the iterates stay symmetric: full power is a KKT point of the
        // sum rate there (∂R/∂p_i = (1/(1+C) − 1/(1+C+S))/ln 2 > 0 at p = 1), so WMMSE, a local method, stays put.
        var stuck = Wmmse.Solve(symmetric);
        Assert.That(stuck.Power, Is.EqualTo(new[] { 1.0, 1.0 }).Within(1e-12));
        AssertKkt(symmetric, stuck.Power, "symmetric from full power");
        AssertKkt(symmetric, fromAsymmetric.Power, "symmetric from (1, 0.5)");
        AssertKkt(unequal, fromFull.Power, "unequal from full power");
    }

    /// <remarks>
    /// At the default 10 dBm the direct SINRs reach 1e5..1e7 and WMMSE crawls (each step moves v_i by a factor of about
    /// 1 + 1/SINR_i), so 5000 iterations do not reach a stationary point; at -10 and -20 dBm (SNRs 1e3..1e5 times
    /// smaller) these instances converge with several powers strictly inside (0, 1).
    /// </remarks>
    [Test]
    public void At_convergence_the_projected_gradient_KKT_conditions_hold()
    {
        int interior = 0, instances = 0;
        foreach (var (maxPowerDbm, pairs, seed) in new[] { (-10.0, 10, 62), (-20.0, 5, 61), (-20.0, 20, 63), (-20.0, 20, 64) })
            foreach (var instance in new InterferenceChannelSampler(new InterferenceChannelConfig { Pairs = pairs, MaxPowerDbm = maxPowerDbm }).Sample(4, seed))
            {
                var result = Wmmse.Solve(instance.Snr, maxIterations: 5000, tolerance: 1e-12);
                string what = $"{maxPowerDbm} dBm, K={pairs}, seed {seed}, instance {instances++ % 4}";
                Assert.That(result.Converged, $"{what}: converged in {result.Iterations} iterations");
                interior += AssertKkt(instance.Snr, result.Power, what);
            }
        Assert.That(interior, Is.GreaterThanOrEqualTo(3), "powers strictly inside (0, 1), so the vanishing-gradient condition was tested");
    }

    /// <summary>
    /// Projected-gradient KKT of max R(p) on [0, 1]^K with g = ∇R by finite differences of the oracle: inside the box
    /// |g_i| ≤ 1e-3·max|g|; at 0 (p_i ≤ 1e-7, WMMSE approaches 0 geometrically) g_i ≤ 1e-3·max|g|; at 1 g_i ≥ −1e-3·max|g|.
    /// </summary>
    /// <returns>How many powers lie strictly inside (0, 1).</returns>
    private static int AssertKkt(double[,] snr, double[] power, string what)
    {
        const double bound = 1e-7;
        var g = OracleGradient(snr, power, 1e-8);
        double small = 1e-3 * g.Max(Math.Abs);
        int interior = 0;
        for (int i = 0; i < power.Length; i++)
        {
            string at = string.Create(CultureInfo.InvariantCulture, $"{what}: pair {i}, p = {power[i]:G6}, g = {g[i]:G6}, max|g| = {g.Max(Math.Abs):G6}");
            if (power[i] <= bound) Assert.That(g[i], Is.LessThanOrEqualTo(small), $"{at}: at 0 the sum rate must not increase with power");
            else if (power[i] >= 1 - bound) Assert.That(g[i], Is.GreaterThanOrEqualTo(-small), $"{at}: at 1 the sum rate must not decrease with power");
            else { interior++; Assert.That(Math.Abs(g[i]), Is.LessThanOrEqualTo(small), $"{at}: inside (0, 1) the gradient must vanish"); }
        }
        TestContext.Out.WriteLine($"{what}: {interior} of {power.Length} powers inside (0, 1), {power.Count(p => p <= bound)} at 0");
        return interior;
    }

    [Test]
    public void Bad_input_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => Wmmse.Solve(new double[2, 3]));
        Assert.That(e!.ParamName, Is.EqualTo("snr"));
        Assert.Throws<ArgumentException>(() => Wmmse.Solve(new double[0, 0]));
        var m = Assert.Throws<ArgumentOutOfRangeException>(() => Wmmse.Solve(new double[,] { { 1 } }, maxIterations: 0));
        Assert.That(m!.ParamName, Is.EqualTo("maxIterations"));
        var i = Assert.Throws<ArgumentException>(() => Wmmse.Solve(new double[,] { { 1, 0 }, { 0, 1 } }, initial: new[] { 1.0 }));
        Assert.That(i!.ParamName, Is.EqualTo("initial"));
    }
}
