using NUnit.Framework;
using WirelessGnn.Problems.MddCellFree;
using static WirelessGnn.Tests.Problems.MddCellFree.MddCellFreeData;

namespace WirelessGnn.Tests.Problems.MddCellFree;

/// <summary>
/// Properties of the closed-form SINR/SE oracle on sampled layouts (spec §12 items 8–12 and 14): monotonicity in every
/// power, DL/UL decoupling without residual interference, invariance of Λ under relabelling APs, MSs and subcarriers
/// (Case 1 and Case 2), coherent combining, the UL SINR with equal υ, and that the per-subcarrier QoS targets imply the
/// per-MS ones.
/// </summary>
[TestFixture]
public class SpectralEfficiencyOracleTests
{
    [Test]
    public void Sinrs_move_in_the_right_direction_with_every_power()
    {
        var rng = new Random(1);
        foreach (var x in Instances(Small, 3, 10))
        {
            var p = InteriorPowers(x, rng);
            var r = SpectralEfficiencyOracle.Evaluate(x, p);
            for (int l = 0; l < x.Aps; l++)
                for (int d = 0; d < x.Mss; d++)
                    for (int m = 0; m < x.DlSubcarriers; m++)
                    {
                        var q = Copy(p);
                        q.Ap[l, d, m] *= 1.5;
                        var s = SpectralEfficiencyOracle.Evaluate(x, q);
                        Assert.That(s.DlSinr[d, m], Is.GreaterThan(r.DlSinr[d, m]), $"SINR_{d},{m} increases with p_{l},{d},{m}");
                        for (int e = 0; e < x.Mss; e++)
                            for (int k = 0; k < x.DlSubcarriers; k++)
                                if ((e, k) != (d, m)) Assert.That(s.DlSinr[e, k], Is.EqualTo(r.DlSinr[e, k]), "no MUI under ZF: other DL SINRs unchanged");
                        for (int e = 0; e < x.Mss; e++)
                            for (int k = 0; k < x.UlSubcarriers; k++)
                                Assert.That(s.UlSinr[e, k], Is.LessThan(r.UlSinr[e, k]), $"UL SINR_{e},{k} decreases with DL power");
                    }
            for (int d = 0; d < x.Mss; d++)
                for (int m = 0; m < x.UlSubcarriers; m++)
                {
                    var q = Copy(p);
                    q.Ms[d, m] *= 1.5;
                    var s = SpectralEfficiencyOracle.Evaluate(x, q);
                    Assert.That(s.UlSinr[d, m], Is.GreaterThan(r.UlSinr[d, m]), $"UL SINR_{d},{m} increases with p_{d},{m}");
                    for (int e = 0; e < x.Mss; e++)
                    {
                        for (int k = 0; k < x.UlSubcarriers; k++)
                            if ((e, k) != (d, m)) Assert.That(s.UlSinr[e, k], Is.EqualTo(r.UlSinr[e, k]), "UL SINRs of other (MS, subcarrier) unchanged (Case 1)");
                        for (int k = 0; k < x.DlSubcarriers; k++)
                            Assert.That(s.DlSinr[e, k], Is.LessThan(r.DlSinr[e, k]), $"DL SINR_{e},{k} decreases with UL power");
                    }
                }
        }
    }

    [Test]
    public void Without_residual_interference_downlink_and_uplink_decouple()
    {
        var rng = new Random(2);
        foreach (var sampled in Instances(Small, 3, 20))
        {
            var x = sampled with
            {
                ApSelfInterference = new double[sampled.Aps], InterAp = new double[sampled.Aps],
                MsSelfInterference = new double[sampled.Mss], InterMs = new double[sampled.Mss],
            };
            var p = InteriorPowers(x, rng);
            var other = InteriorPowers(x, rng);
            var r = SpectralEfficiencyOracle.Evaluate(x, p);
            var newUl = SpectralEfficiencyOracle.Evaluate(x, p with { Ms = other.Ms });
            var newDl = SpectralEfficiencyOracle.Evaluate(x, p with { Ap = other.Ap });
            Assert.That(newUl.DlSinr, Is.EqualTo(r.DlSinr), "DL SINRs do not depend on UL powers");
            Assert.That(newDl.UlSinr, Is.EqualTo(r.UlSinr), "UL SINRs do not depend on DL powers");
            Assert.That(newUl.UlSinr, Is.Not.EqualTo(r.UlSinr), "control: UL SINRs do depend on UL powers");
            // With residual interference the coupling is there.
            Assert.That(SpectralEfficiencyOracle.Evaluate(sampled, p with { Ms = other.Ms }).DlSinr, Is.Not.EqualTo(SpectralEfficiencyOracle.Evaluate(sampled, p).DlSinr));
        }
    }

    [Test]
    public void Lambda_is_invariant_to_relabelling_aps_mss_and_subcarriers()
    {
        var rng = new Random(3);
        foreach (var config in new[] { Small, Clustered })
            foreach (var x in Instances(config, 3, 30))
            {
                var p = InteriorPowers(x, rng);
                double lambda = SpectralEfficiencyOracle.SpectralEfficiency(x, p);
                var identity = (Enumerable.Range(0, x.Aps).ToArray(), Enumerable.Range(0, x.Mss).ToArray(),
                    Enumerable.Range(0, x.DlSubcarriers).ToArray(), Enumerable.Range(0, x.UlSubcarriers).ToArray());
                var cases = new (string, int[], int[], int[], int[])[]
                {
                    ("APs", Shuffle(rng, x.Aps), identity.Item2, identity.Item3, identity.Item4),
                    ("MSs", identity.Item1, Shuffle(rng, x.Mss), identity.Item3, identity.Item4),
                    ("DL subcarriers", identity.Item1, identity.Item2, Shuffle(rng, x.DlSubcarriers), identity.Item4),
                    ("UL subcarriers", identity.Item1, identity.Item2, identity.Item3, Shuffle(rng, x.UlSubcarriers)),
                    ("all", Shuffle(rng, x.Aps), Shuffle(rng, x.Mss), Shuffle(rng, x.DlSubcarriers), Shuffle(rng, x.UlSubcarriers)),
                };
                foreach (var (what, aps, mss, dl, ul) in cases)
                {
                    var (y, q) = Relabel(x, p, aps, mss, dl, ul);
                    Assert.That(SpectralEfficiencyOracle.SpectralEfficiency(y, q), Is.EqualTo(lambda).Within(1e-12), $"{config.Serving}: relabelled {what}");
                }
                // Control: permuting the powers alone (not the layout) changes Λ.
                var (_, shuffled) = Relabel(x, p, Shuffle(rng, x.Aps), identity.Item2, identity.Item3, identity.Item4);
                Assert.That(SpectralEfficiencyOracle.SpectralEfficiency(x, shuffled), Is.Not.EqualTo(lambda).Within(1e-9), "control");
            }
    }

    [Test]
    public void Access_points_combine_coherently()
    {
        var x = Instances(Small, 1, 40)[0];
        int d = 1, m = 2;
        var one = MddPowers.Zero(x.Aps, x.Mss, x.DlSubcarriers, x.UlSubcarriers);
        for (int e = 0; e < x.Mss; e++) one.Ms[e, 0] = 0.1;
        one.Ap[0, d, m] = 2;
        var den = SpectralEfficiencyOracle.DlDenominator(x, one)[d, m];
        var r1 = SpectralEfficiencyOracle.Evaluate(x, one);
        Relative(2 * x.Omega[0, d, m] * x.Omega[0, d, m] / den, r1.DlSinr[d, m], 1e-12, "one AP: p ω̃² / B");
        var two = Copy(one);
        // AP 3 with the same √p·ω̃ as AP 0.
        two.Ap[3, d, m] = 2 * Math.Pow(x.Omega[0, d, m] / x.Omega[3, d, m], 2);
        Relative(4 * r1.DlSinr[d, m], SpectralEfficiencyOracle.Evaluate(x, two).DlSinr[d, m], 1e-12, "two equal APs: 4× one");
    }

    [Test]
    public void Uplink_sinr_with_equal_upsilon_is_p_L_over_upsilon_interference()
    {
        var sampled = Instances(Small, 1, 50)[0];
        const double upsilon = 3e-3;
        var equal = new double[sampled.Aps, sampled.Mss, sampled.UlSubcarriers];
        for (int l = 0; l < sampled.Aps; l++)
            for (int d = 0; d < sampled.Mss; d++)
                for (int m = 0; m < sampled.UlSubcarriers; m++) equal[l, d, m] = upsilon;
        // No IAI and the same DL power at every AP: I_l = ξ̃SI·Q is the same for every l.
        var x = sampled with { Upsilon = equal, InterAp = new double[sampled.Aps] };
        var p = EqualPower.Allocate(x);
        p.Ms[1, 0] = 0.37;
        double interference = x.ApSelfInterference[0] * x.ApBudget[0];
        var r = SpectralEfficiencyOracle.Evaluate(x, p);
        Relative(0.37 * x.Aps / (upsilon * (interference + 1)), r.UlSinr[1, 0], 1e-12, "SINR = p L / (υ̃ (Ĩ + 1))");
        Relative(p.Ms[2, 1] * x.Aps / (upsilon * (interference + 1)), r.UlSinr[2, 1], 1e-12, "SINR = p L / (υ̃ (Ĩ + 1))");
    }

    [Test]
    public void Meeting_the_qos_on_every_subcarrier_meets_it_per_ms()
    {
        var rng = new Random(6);
        int checkedMss = 0;
        foreach (var config in new[] { Small, Clustered })
            foreach (var x in Instances(config, 5, 60))
                foreach (var p in new[] { InteriorPowers(x, rng), GreedyUnfair.Allocate(x), EqualPower.Allocate(x) })
                {
                    var r = SpectralEfficiencyOracle.Evaluate(x, p);
                    double gammaDl = Math.Exp(x.DlQos / x.DlSubcarriers) - 1, gammaUl = Math.Exp(x.UlQos / x.UlSubcarriers) - 1;
                    for (int d = 0; d < x.Mss; d++)
                    {
                        double minDl = Enumerable.Range(0, x.DlSubcarriers).Min(m => r.DlSinr[d, m]);
                        double minUl = Enumerable.Range(0, x.UlSubcarriers).Min(m => r.UlSinr[d, m]);
                        // The tightest χ the per-subcarrier targets certify: SINR_dm ≥ e^{χ/M} − 1 with χ = M ln(1 + min_m SINR_dm).
                        Assert.That(r.DlRate[d], Is.GreaterThanOrEqualTo(x.DlSubcarriers * Math.Log(1 + minDl) * (1 - 1e-12)), "DL");
                        Assert.That(r.UlRate[d], Is.GreaterThanOrEqualTo(x.UlSubcarriers * Math.Log(1 + minUl) * (1 - 1e-12)), "UL");
                        if (minDl >= gammaDl) { Assert.That(r.DlRate[d], Is.GreaterThanOrEqualTo(x.DlQos), "DL QoS"); checkedMss++; }
                        if (minUl >= gammaUl) { Assert.That(r.UlRate[d], Is.GreaterThanOrEqualTo(x.UlQos), "UL QoS"); checkedMss++; }
                    }
                }
        Assert.That(checkedMss, Is.GreaterThan(20), "the default targets were met often enough to be checked");
    }

    private static int[] Shuffle(Random rng, int n)
    {
        var a = Enumerable.Range(0, n).ToArray();
        rng.Shuffle(a);
        return a;
    }

    /// <summary>The instance and powers with new AP i = old aps[i], new MS i = old mss[i], and likewise for subcarriers.</summary>
    private static (MddCellFreeInstance, MddPowers) Relabel(MddCellFreeInstance x, MddPowers p, int[] aps, int[] mss, int[] dl, int[] ul)
    {
        int nl = x.Aps, nd = x.Mss, m = x.DlSubcarriers, mb = x.UlSubcarriers;
        var omega = new double[nl, nd, m];
        var upsilon = new double[nl, nd, mb];
        var dlLeak = x.DlLeakage is null ? null : new double[nl, nd, m];
        var ulLeak = x.UlLeakage is null ? null : new double[nd, nd, mb];
        var serves = new bool[nl, nd];
        var betaApMs = new double[nl, nd];
        var q = MddPowers.Zero(nl, nd, m, mb);
        for (int l = 0; l < nl; l++)
            for (int d = 0; d < nd; d++)
            {
                serves[l, d] = x.Serves[aps[l], mss[d]];
                betaApMs[l, d] = x.BetaApMs[aps[l], mss[d]];
                for (int k = 0; k < m; k++)
                {
                    omega[l, d, k] = x.Omega[aps[l], mss[d], dl[k]];
                    q.Ap[l, d, k] = p.Ap[aps[l], mss[d], dl[k]];
                    if (dlLeak is not null) dlLeak[l, d, k] = x.DlLeakage![aps[l], mss[d], dl[k]];
                }
                for (int k = 0; k < mb; k++) upsilon[l, d, k] = x.Upsilon[aps[l], mss[d], ul[k]];
            }
        for (int d = 0; d < nd; d++)
            for (int k = 0; k < mb; k++)
            {
                q.Ms[d, k] = p.Ms[mss[d], ul[k]];
                if (ulLeak is not null)
                    for (int e = 0; e < nd; e++) ulLeak[d, e, k] = x.UlLeakage![mss[d], mss[e], ul[k]];
            }
        var betaAp = new double[nl, nl];
        for (int a = 0; a < nl; a++)
            for (int b = 0; b < nl; b++) betaAp[a, b] = x.BetaAp[aps[a], aps[b]];
        var betaMs = new double[nd, nd];
        for (int a = 0; a < nd; a++)
            for (int b = 0; b < nd; b++) betaMs[a, b] = x.BetaMs[mss[a], mss[b]];
        var y = x with
        {
            Omega = omega, Upsilon = upsilon, DlLeakage = dlLeak, UlLeakage = ulLeak, Serves = serves, BetaApMs = betaApMs,
            BetaAp = betaAp, BetaMs = betaMs,
            ApBudget = aps.Select(i => x.ApBudget[i]).ToArray(), ApSelfInterference = aps.Select(i => x.ApSelfInterference[i]).ToArray(),
            InterAp = aps.Select(i => x.InterAp[i]).ToArray(),
            MsBudget = mss.Select(i => x.MsBudget[i]).ToArray(), MsSelfInterference = mss.Select(i => x.MsSelfInterference[i]).ToArray(),
            InterMs = mss.Select(i => x.InterMs[i]).ToArray(),
        };
        return (y, q);
    }
}
