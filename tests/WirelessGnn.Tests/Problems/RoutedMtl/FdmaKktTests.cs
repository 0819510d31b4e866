using NUnit.Framework;
using WirelessGnn.Problems.Fading;
using WirelessGnn.Problems.Fdma;
using WirelessGnn.Problems.Optimization;
using static TorchSharp.torch;

namespace WirelessGnn.Tests.Problems.RoutedMtl;

/// <summary>The FDMA delay problem P3: KKT labels (spec mtl-routing §6.2, §13 items 11–19) and the tensor objective.</summary>
public sealed class FdmaKktTests
{
    private static readonly FdmaConfig Config = new();

    private static double[] SnrGains(int bands, int seed) => RayleighGains.Sample(bands, 1, seed)[0].Select(Config.SnrGain).ToArray();

    [Test]
    public void Lambert_w_solves_w_exp_w_equals_z_across_magnitudes()
    {
        foreach (var z in new[] { 1e-12, 1e-3, 0.5, 2.9, 3.1, 10, 1e3, 4e8, 1e15, 1e300 })
        {
            double w = LambertW.Principal(z);
            Assert.That(Math.Log(w) + w, Is.EqualTo(Math.Log(z)).Within(1e-13 * (1 + Math.Abs(Math.Log(z)))), $"z = {z}");
        }
        Assert.That(LambertW.Principal(0), Is.EqualTo(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => LambertW.Principal(-1));
    }

    [Test]
    public void Labels_use_the_whole_budget_starve_no_band_and_meet_stationarity()
    {
        foreach (var (bands, seed) in new[] { (5, 1), (12, 2), (20, 3), (1, 4) })
        {
            var g = SnrGains(bands, seed);
            var p = FdmaKkt.Solve(g, Config);
            Assert.That(p.Sum(), Is.EqualTo(Config.TotalPower).Within(1e-9 * Config.TotalPower), $"N = {bands}: Σ P*");
            Assert.That(p.All(x => x > 0), $"N = {bands}: every P* > 0");
            double a = FdmaKkt.Weight(bands, Config);
            var psi = g.Zip(p, (gi, pi) => FdmaKkt.Psi(a, gi, pi)).ToArray();
            Assert.That(psi.Max() / psi.Min() - 1, Is.LessThan(1e-8), $"N = {bands}: ψ_n(P*) differ");
        }
    }

    [Test]
    public void Labels_decrease_strictly_in_the_gain_and_follow_a_permutation_of_the_bands()
    {
        var g = SnrGains(15, 7);
        var p = FdmaKkt.Solve(g, Config);
        var order = Enumerable.Range(0, g.Length).OrderBy(i => g[i]).ToArray();
        for (int k = 1; k < order.Length; k++)
            Assert.That(p[order[k]], Is.LessThan(p[order[k - 1]]), "inverse water-filling: a stronger band gets less power");
        var perm = Enumerable.Range(0, g.Length).OrderBy(i => (i * 7) % 15).ToArray();
        var q = FdmaKkt.Solve(perm.Select(i => g[i]).ToArray(), Config);
        for (int k = 0; k < perm.Length; k++) Assert.That(q[k], Is.EqualTo(p[perm[k]]).Within(1e-12 * Config.TotalPower));
        var equal = FdmaKkt.Solve(Enumerable.Repeat(g[0], 8).ToArray(), Config);
        Assert.That(equal, Is.All.EqualTo(Config.TotalPower / 8).Within(1e-12));
        var tied = FdmaKkt.Solve(new[] { g[0], g[1], g[0] }, Config);
        Assert.That(tied[0], Is.EqualTo(tied[2]).Within(1e-12 * Config.TotalPower));
    }

    [Test]
    public void Labels_beat_equal_power_and_random_points_of_the_simplex()
    {
        var g = SnrGains(10, 11);
        double best = FdmaKkt.MeanDelayMs(g, FdmaKkt.Solve(g, Config), Config);
        Assert.That(best, Is.LessThanOrEqualTo(FdmaKkt.MeanDelayMs(g, FdmaKkt.EqualPower(10, Config), Config)));
        var rng = new Random(5);
        for (int trial = 0; trial < 1000; trial++)
        {
            var e = Enumerable.Range(0, 10).Select(_ => -Math.Log(1 - rng.NextDouble())).ToArray();
            var point = e.Select(x => x / e.Sum() * Config.TotalPower).ToArray();
            Assert.That(best, Is.LessThanOrEqualTo(FdmaKkt.MeanDelayMs(g, point, Config) + 1e-12), $"random point {trial}");
        }
    }

    /// <summary>An independent solver: bisection on μ, and for each band bisection of ψ_n(P) = μ on P (no Lambert W).</summary>
    private static double[] SolveByNestedBisection(double[] g, FdmaConfig config)
    {
        double a = FdmaKkt.Weight(g.Length, config);
        double Band(double gi, double mu)
        {
            double lo = 0, hi = config.TotalPower;
            if (FdmaKkt.Psi(a, gi, hi) >= mu) return hi;
            for (int i = 0; i < 200; i++)
            {
                double mid = 0.5 * (lo + hi);
                if (FdmaKkt.Psi(a, gi, mid) > mu) lo = mid; else hi = mid;
            }
            return 0.5 * (lo + hi);
        }
        double logLo = -80, logHi = 80;
        for (int i = 0; i < 300; i++)
        {
            double mid = 0.5 * (logLo + logHi);
            if (g.Sum(gi => Band(gi, Math.Exp(mid))) > config.TotalPower) logLo = mid; else logHi = mid;
        }
        return g.Select(gi => Band(gi, Math.Exp(0.5 * (logLo + logHi)))).ToArray();
    }

    [Test]
    public void Labels_agree_with_an_independent_solver()
    {
        foreach (var (bands, seed) in new[] { (5, 21), (20, 22) })
        {
            var g = SnrGains(bands, seed);
            var p = FdmaKkt.Solve(g, Config);
            var q = SolveByNestedBisection(g, Config);
            for (int i = 0; i < bands; i++) Assert.That(p[i], Is.EqualTo(q[i]).Within(1e-6 * Config.TotalPower), $"N = {bands}, band {i}");
        }
    }

    [Test]
    public void Mean_optimal_delay_at_five_bands_matches_the_spec_calibration()
    {
        var gains = RayleighGains.Sample(5, 4000, 99);
        double mean = gains.AsParallel().Average(h =>
        {
            var g = h.Select(Config.SnrGain).ToArray();
            return FdmaKkt.MeanDelayMs(g, FdmaKkt.Solve(g, Config), Config);
        });
        Assert.That(mean, Is.EqualTo(20.87).Within(0.05), "spec §11.3: 20.87 ms at N = 5 with Ω_h = 1");
    }

    [Test]
    public void Tensor_delay_equals_the_double_precision_oracle()
    {
        var rng = new Random(3);
        var g = RayleighGains.Sample(7, 16, 4).Select(r => r.Select(Config.SnrGain).ToArray()).ToArray();
        var p = g.Select(_ => Enumerable.Range(0, 7).Select(_ => rng.NextDouble() * 2).ToArray()).ToArray();
        using var scope = NewDisposeScope();
        var actual = FdmaDelay.MeanDelayMs(tensor(g.SelectMany(r => r).ToArray(), new long[] { 16, 7 }), tensor(p.SelectMany(r => r).ToArray(), new long[] { 16, 7 }), Config)
            .data<double>().ToArray();
        for (int s = 0; s < 16; s++) Assert.That(actual[s], Is.EqualTo(FdmaKkt.MeanDelayMs(g[s], p[s], Config)).Within(1e-12 * actual[s]));
    }

    [Test]
    public void Bad_input_names_the_field()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => FdmaKkt.Solve(new[] { 1.0, -2.0 }, Config));
        Assert.That(e!.Message, Does.Contain("snrGain[1]"));
        var c = Assert.Throws<ArgumentOutOfRangeException>(() => (Config with { TotalPower = -1 }).Validate());
        Assert.That(c!.Message, Does.Contain("fdma.totalPower"));
    }
}
