using NUnit.Framework;
using WirelessGnn.Problems.MddCellFree;
using static WirelessGnn.Tests.Problems.MddCellFree.MddCellFreeData;

namespace WirelessGnn.Tests.Problems.MddCellFree;

/// <summary>
/// The analytic gradient of spec §2.10 against central finite differences of the oracle (spec §12 item 13) at random
/// interior points: Case 1 (the closed form), Case 2 (with the multi-user leakage terms), and non-uniform weights; plus
/// the behaviour at p = 0 (spec A15) and bad input.
/// </summary>
[TestFixture]
public class SpectralEfficiencyGradientTests
{
    [Test]
    public void Gradient_of_lambda_matches_central_differences_in_case_1()
    {
        var rng = new Random(1);
        foreach (var config in new[] { Small, new MddCellFreeConfig() })
            foreach (var x in Instances(config, 2, 10))
                CheckAgainstDifferences(x, InteriorPowers(x, rng), null, null, $"Case 1, L={x.Aps}, seed {x.Seed}");
    }

    [Test]
    public void Gradient_of_lambda_matches_central_differences_in_case_2()
    {
        var rng = new Random(2);
        foreach (var x in Instances(Clustered, 3, 20))
            CheckAgainstDifferences(x, InteriorPowers(x, rng), null, null, $"Case 2, seed {x.Seed}");
    }

    [Test]
    public void Weighted_sum_rate_gradient_matches_central_differences()
    {
        var rng = new Random(3);
        foreach (var x in Instances(Small, 2, 30).Concat(Instances(Clustered, 1, 30)))
        {
            var dlWeights = new double[x.Mss, x.DlSubcarriers];
            var ulWeights = new double[x.Mss, x.UlSubcarriers];
            for (int d = 0; d < x.Mss; d++)
            {
                for (int m = 0; m < x.DlSubcarriers; m++) dlWeights[d, m] = rng.NextDouble();
                for (int m = 0; m < x.UlSubcarriers; m++) ulWeights[d, m] = 5 * rng.NextDouble();
            }
            CheckAgainstDifferences(x, InteriorPowers(x, rng), dlWeights, ulWeights, $"weighted, {(x.DlLeakage is null ? "Case 1" : "Case 2")}, seed {x.Seed}");
        }
    }

    [Test]
    public void At_zero_power_the_derivative_is_infinite_only_when_other_aps_already_transmit()
    {
        var x = Instances(Small, 1, 40)[0];
        var p = InteriorPowers(x, new Random(4));
        p.Ap[2, 1, 0] = 0;
        Assert.That(SpectralEfficiencyGradient.Compute(x, p).Ap[2, 1, 0], Is.EqualTo(double.PositiveInfinity), "other APs serve (1, 0): √p kink");
        for (int l = 0; l < x.Aps; l++) p.Ap[l, 1, 0] = 0;
        var g = SpectralEfficiencyGradient.Compute(x, p).Ap[2, 1, 0];
        // One-sided difference: nobody serves (1, 0), so SINR is linear in p_2,1,0 near 0.
        const double h = 1e-7;
        var q = Copy(p);
        q.Ap[2, 1, 0] = h;
        double forward = (SpectralEfficiencyOracle.SpectralEfficiency(x, q) - SpectralEfficiencyOracle.SpectralEfficiency(x, p)) / h;
        Assert.That(double.IsFinite(g), Is.True);
        Relative(forward, g, 1e-4, "one-sided derivative at p = 0");
    }

    [Test]
    public void Wrong_shapes_are_rejected()
    {
        var x = Instances(Small, 1, 50)[0];
        Assert.That(() => SpectralEfficiencyGradient.Compute(x, MddPowers.Zero(x.Aps, x.Mss, x.DlSubcarriers + 1, x.UlSubcarriers)),
            Throws.ArgumentException.With.Message.Contains("powers"));
        Assert.That(() => SpectralEfficiencyGradient.Compute(x, EqualPower.Allocate(x), new double[1, 1]),
            Throws.ArgumentException.With.Message.Contains("dlWeights"));
    }

    /// <summary>
    /// Every partial derivative against a central difference with step 1e-4 of the power: within 1e-5 of the analytic
    /// value, relative to the largest partial derivative of its block (DL or UL), so that near-zero partials, sums of
    /// a positive signal term and a negative interference term, are not held to a relative test they cannot meet.
    /// </summary>
    private static void CheckAgainstDifferences(MddCellFreeInstance x, MddPowers p, double[,]? dlWeights, double[,]? ulWeights, string what)
    {
        var g = SpectralEfficiencyGradient.Compute(x, p, dlWeights, ulWeights);
        double J(MddPowers q) => WeightedSumRate(x, q, dlWeights, ulWeights);
        var v = p.ToVector();
        var gv = g.ToVector();
        int dlCount = p.Ap.Length;
        double dlScale = gv.Take(dlCount).Max(Math.Abs), ulScale = gv.Skip(dlCount).Max(Math.Abs);
        Assert.That(dlScale, Is.GreaterThan(0), $"{what}: DL gradient is not zero");
        Assert.That(ulScale, Is.GreaterThan(0), $"{what}: UL gradient is not zero");
        double worst = 0;
        for (int i = 0; i < v.Length; i++)
        {
            if (i < dlCount && !x.Serves[i / (x.Mss * x.DlSubcarriers), i / x.DlSubcarriers % x.Mss])
            {
                Assert.That(gv[i], Is.EqualTo(0), $"{what}: unserved pair {i} has zero gradient");
                continue;
            }
            double h = 1e-4 * v[i];
            var plus = (double[])v.Clone();
            var minus = (double[])v.Clone();
            plus[i] += h;
            minus[i] -= h;
            double fd = (J(FromVector(x, plus)) - J(FromVector(x, minus))) / (2 * h);
            double scale = i < dlCount ? dlScale : ulScale;
            double error = Math.Abs(fd - gv[i]) / Math.Max(Math.Abs(gv[i]), 1e-3 * scale);
            worst = Math.Max(worst, error);
            Assert.That(error, Is.LessThan(1e-5), $"{what}: component {i} ({(i < dlCount ? "DL" : "UL")}): analytic {gv[i]:G10}, central difference {fd:G10}");
        }
        TestContext.Out.WriteLine($"{what}: worst relative error {worst:G3}");
    }

    private static MddPowers FromVector(MddCellFreeInstance x, double[] v) => MddPowers.FromVector(v, x.Aps, x.Mss, x.DlSubcarriers, x.UlSubcarriers);

    private static double WeightedSumRate(MddCellFreeInstance x, MddPowers p, double[,]? dlWeights, double[,]? ulWeights)
    {
        var r = SpectralEfficiencyOracle.Evaluate(x, p);
        if (dlWeights is null && ulWeights is null) return r.SpectralEfficiency;
        double j = 0;
        for (int d = 0; d < x.Mss; d++)
        {
            for (int m = 0; m < x.DlSubcarriers; m++) j += dlWeights![d, m] * Math.Log(1 + r.DlSinr[d, m]);
            for (int m = 0; m < x.UlSubcarriers; m++) j += ulWeights![d, m] * Math.Log(1 + r.UlSinr[d, m]);
        }
        return j;
    }
}
