using NUnit.Framework;
using WirelessGnn.Problems.MddCellFree;
using WirelessGnn.Tests.Support;
using static TorchSharp.torch;

namespace WirelessGnn.Tests.Problems.MddCellFree;

/// <summary>
/// The batched tensor objective against the double-precision oracle (Case 1 and the clustered Case 2, one size and
/// mixed sizes in one padded batch), its autograd gradient against finite differences of the oracle, the projection,
/// and bad input.
/// </summary>
[TestFixture]
public class SpectralEfficiencyTensorTests
{
    private static (Tensor Ap, Tensor Ms) PowerTensors(IReadOnlyList<MddCellFreeInstance> xs, IReadOnlyList<MddPowers> ps, ScalarType dtype)
    {
        int l = xs.Max(x => x.Aps), d = xs.Max(x => x.Mss), m = xs.Max(x => x.DlSubcarriers), mb = xs.Max(x => x.UlSubcarriers);
        var ap = new double[xs.Count, l, d, m];
        var ms = new double[xs.Count, d, mb];
        for (int n = 0; n < xs.Count; n++)
        {
            for (int i = 0; i < xs[n].Aps; i++)
                for (int j = 0; j < xs[n].Mss; j++)
                    for (int k = 0; k < xs[n].DlSubcarriers; k++) ap[n, i, j, k] = ps[n].Ap[i, j, k];
            for (int j = 0; j < xs[n].Mss; j++)
                for (int k = 0; k < xs[n].UlSubcarriers; k++) ms[n, j, k] = ps[n].Ms[j, k];
        }
        return (tensor(ap.Cast<double>().ToArray(), new long[] { xs.Count, l, d, m }).to_type(dtype),
                tensor(ms.Cast<double>().ToArray(), new long[] { xs.Count, d, mb }).to_type(dtype));
    }

    private static double D(Tensor t) => t.to_type(ScalarType.Float64).item<double>();

    private static IEnumerable<TestCaseData> Batches()
    {
        yield return new TestCaseData(new[] { (24, 6, 4, 2, false), (24, 6, 4, 2, false), (24, 6, 4, 2, false) }).SetName("Case 1, default size");
        yield return new TestCaseData(new[] { (8, 6, 4, 2, false), (24, 4, 16, 8, false), (12, 7, 2, 1, false) }).SetName("Case 1, mixed sizes padded");
        yield return new TestCaseData(new[] { (12, 6, 4, 2, true), (20, 5, 4, 2, true) }).SetName("Case 2, clusters with leakage");
        yield return new TestCaseData(new[] { (12, 6, 4, 2, true), (6, 3, 4, 2, false) }).SetName("Case 1 and Case 2 in one batch");
    }

    [TestCaseSource(nameof(Batches))]
    public void Tensor_objective_equals_the_double_oracle((int L, int D, int M, int Mb, bool Clustered)[] sizes)
    {
        using var scope = NewDisposeScope();
        var xs = sizes.Select((s, i) => MddInstances.Random(s.L, s.D, s.M, s.Mb, 100 + i, s.Clustered)).ToList();
        var ps = xs.Select((x, i) => MddInstances.RandomPowers(x, 7 + i)).ToList();
        foreach (var dtype in new[] { ScalarType.Float64, ScalarType.Float32 })
        {
            using var batch = MddCellFreeTensors.From(xs, dtype: dtype);
            var (ap, ms) = PowerTensors(xs, ps, dtype);
            var se = SpectralEfficiency.Evaluate(batch, ap, ms);
            double tol = dtype == ScalarType.Float64 ? 1e-10 : 2e-5;
            for (int n = 0; n < xs.Count; n++)
            {
                var oracle = SpectralEfficiencyOracle.Evaluate(xs[n], ps[n]);
                Assert.That(D(se.Value[n]), Is.EqualTo(oracle.SpectralEfficiency).Within(tol * (1 + oracle.SpectralEfficiency)), $"{dtype}: Λ of layout {n}");
                for (int d = 0; d < xs[n].Mss; d++)
                {
                    Assert.That(D(se.DlRate[n, d]), Is.EqualTo(oracle.DlRate[d]).Within(tol * (1 + oracle.DlRate[d])), $"{dtype}: R_DL of MS {d} in layout {n}");
                    Assert.That(D(se.UlRate[n, d]), Is.EqualTo(oracle.UlRate[d]).Within(tol * (1 + oracle.UlRate[d])), $"{dtype}: R_UL of MS {d} in layout {n}");
                }
                // Padding carries no rate.
                Assert.That(D(se.DlRate[n].narrow(0, xs[n].Mss, se.DlRate.shape[1] - xs[n].Mss).abs().sum()), Is.EqualTo(0));
            }
        }
    }

    [Test]
    public void Autograd_gradient_equals_finite_differences_of_the_oracle()
    {
        using var scope = NewDisposeScope();
        var x = MddInstances.Random(4, 2, 2, 1, 5);
        var p = MddInstances.RandomPowers(x, 9);
        for (int l = 0; l < x.Aps; l++) for (int d = 0; d < x.Mss; d++) for (int m = 0; m < x.DlSubcarriers; m++) p.Ap[l, d, m] += 0.05;  // interior
        using var batch = MddCellFreeTensors.From(new[] { x }, dtype: ScalarType.Float64);
        var (ap, ms) = PowerTensors(new[] { x }, new[] { p }, ScalarType.Float64);
        ap.requires_grad_(true);
        ms.requires_grad_(true);
        SpectralEfficiency.Evaluate(batch, ap, ms).Value.sum().backward();
        var v = p.ToVector();
        var grad = cat(new[] { ap.grad!.flatten(), ms.grad!.flatten() }).data<double>().ToArray();
        for (int i = 0; i < v.Length; i++)
        {
            double h = 1e-6 * Math.Max(1e-3, v[i]);
            var plus = (double[])v.Clone(); plus[i] += h;
            var minus = (double[])v.Clone(); minus[i] -= h;
            double fd = (SpectralEfficiencyOracle.SpectralEfficiency(x, MddPowers.FromVector(plus, 4, 2, 2, 1))
                         - SpectralEfficiencyOracle.SpectralEfficiency(x, MddPowers.FromVector(minus, 4, 2, 2, 1))) / (2 * h);
            Assert.That(grad[i], Is.EqualTo(fd).Within(1e-5 * Math.Abs(fd) + 1e-7), $"∂Λ/∂p at entry {i}");
        }
    }

    [Test]
    public void Loss_epsilon_keeps_the_gradient_finite_at_zero_power()
    {
        using var scope = NewDisposeScope();
        var x = MddInstances.Random(6, 2, 2, 1, 11);
        using var batch = MddCellFreeTensors.From(new[] { x });
        var ap = zeros(1, 6, 2, 2).requires_grad_(true);
        var ms = full(new long[] { 1, 2, 1 }, 0.1f).requires_grad_(true);
        SpectralEfficiency.Evaluate(batch, ap, ms, epsilon: 1e-12).Value.sum().backward();
        Assert.That(ap.grad!.isfinite().all().item<bool>(), "DL gradient at p = 0 with ε");
        Assert.That(ap.grad!.sum().item<float>(), Is.GreaterThan(0), "more DL power helps");
    }

    [Test]
    public void Projection_meets_every_budget_and_keeps_feasible_powers()
    {
        using var scope = NewDisposeScope();
        var xs = new[] { MddInstances.Random(8, 3, 4, 2, 1), MddInstances.Random(5, 2, 4, 2, 2) };
        var ps = xs.Select((x, i) => MddInstances.RandomPowers(x, 30 + i)).ToList();
        using var batch = MddCellFreeTensors.From(xs, dtype: ScalarType.Float64);
        var (ap, ms) = PowerTensors(xs, ps, ScalarType.Float64);
        var (pa, pm) = SpectralEfficiency.Project(batch, ap, ms);
        var (q, t) = SpectralEfficiency.Totals(batch, pa, pm);
        Assert.That(((q - batch.ApBudget * (1 + 1e-12)).clamp_min(0)).sum().item<double>(), Is.EqualTo(0), "AP budgets after projection");
        Assert.That(((t - batch.MsBudget * (1 + 1e-12)).clamp_min(0)).sum().item<double>(), Is.EqualTo(0), "MS budgets after projection");
        var (q0, _) = SpectralEfficiency.Totals(batch, ap, ms);
        var within = (q0 <= batch.ApBudget).unsqueeze(-1).unsqueeze(-1);
        Assert.That(((pa - ap).abs() * within).max().item<double>(), Is.LessThan(1e-15), "an AP within its budget is untouched");
        Assert.That((q0 > batch.ApBudget).any().item<bool>(), "the test has APs over budget");
    }

    /// <summary>The DL powers of <paramref name="p"/> with the UL powers <paramref name="uplink"/> <c>[D, M̄]</c>.</summary>
    private static MddPowers WithUplink(MddCellFreeInstance x, MddPowers p, Tensor uplink)
    {
        var result = MddPowers.Zero(x.Aps, x.Mss, x.DlSubcarriers, x.UlSubcarriers);
        Array.Copy(p.Ap, result.Ap, p.Ap.Length);
        for (int d = 0; d < x.Mss; d++)
            for (int m = 0; m < x.UlSubcarriers; m++) result.Ms[d, m] = uplink[d, m].item<double>();
        return result;
    }

    [Test]
    public void Raising_the_uplink_to_the_QoS_meets_it_exactly_where_it_was_short_and_fits_and_touches_nothing_else()
    {
        using var scope = NewDisposeScope();
        var xs = MddCellFreeData.Instances(new MddCellFreeConfig(), 3, 11);                       // the defaults, Case 1
        var rng = new Random(5);
        var ps = xs.Select(x => MddCellFreeData.InteriorPowers(x, rng)).ToList();
        foreach (var p in ps) for (int m = 0; m < p.Ms.GetLength(1); m++) p.Ms[0, m] *= 1e-4;   // MS 0 far below its UL QoS
        xs[2].MsBudget[0] = 1e-12;                                                               // ... and, in layout 2, unable to meet it
        using var batch = MddCellFreeTensors.From(xs, dtype: ScalarType.Float64);
        var (ap, ms) = PowerTensors(xs, ps, ScalarType.Float64);
        var raised = SpectralEfficiency.RaiseUplinkToQos(batch, ap, ms);
        int repaired = 0, overBudget = 0;
        for (int n = 0; n < xs.Count; n++)
        {
            var x = xs[n];
            var before = SpectralEfficiencyOracle.Evaluate(x, ps[n]);
            var after = WithUplink(x, ps[n], raised[n]);
            var result = SpectralEfficiencyOracle.Evaluate(x, after);
            var den = SpectralEfficiencyOracle.UlDenominator(x, ps[n]);
            double gamma = Math.Exp(x.UlQos / x.UlSubcarriers) - 1;
            for (int d = 0; d < x.Mss; d++)
            {
                if (before.UlRate[d] >= x.UlQos)
                {
                    for (int m = 0; m < x.UlSubcarriers; m++)
                        Assert.That(after.Ms[d, m], Is.EqualTo(ps[n].Ms[d, m]), $"layout {n} MS {d}: met its QoS, untouched");
                    continue;
                }
                // Condition (20) on every UL subcarrier, then scaled onto the budget where that exceeds it.
                var floor = Enumerable.Range(0, x.UlSubcarriers)
                    .Select(m => Math.Max(ps[n].Ms[d, m], gamma * den[d, m] / SpectralEfficiencyOracle.UlSignalGain(x, d))).ToArray();
                double scale = Math.Min(1, x.MsBudget[d] / floor.Sum());
                for (int m = 0; m < x.UlSubcarriers; m++)
                    Assert.That(after.Ms[d, m], Is.EqualTo(scale * floor[m]).Within(1e-12 * floor[m]), $"layout {n} MS {d}: raised to the floor of (20), within budget");
                Assert.That(Enumerable.Range(0, x.UlSubcarriers).Sum(m => after.Ms[d, m]), Is.LessThanOrEqualTo(x.MsBudget[d] * (1 + 1e-12)), $"layout {n} MS {d}: within its budget");
                if (scale == 1) { Assert.That(result.UlRate[d], Is.GreaterThanOrEqualTo(x.UlQos - 1e-12), $"layout {n} MS {d}: UL QoS met after raising"); repaired++; }
                else overBudget++;
                if (n == 2 && d == 0) Assert.That(scale, Is.LessThan(1e-6), "the MS with the tiny budget is scaled onto it");
            }
            Assert.That(before.UlRate[0], Is.LessThan(x.UlQos), $"layout {n}: the test has a short MS");
        }
        TestContext.Out.WriteLine($"short MSs repaired: {repaired}, scaled onto their budgets: {overBudget}");
        Assert.That(repaired, Is.GreaterThan(0), "the test repairs some MSs");
    }

    [Test]
    public void In_clustered_networks_the_uplink_raise_ends_where_each_MS_meets_its_QoS_or_cannot_within_its_budget()
    {
        using var scope = NewDisposeScope();
        var xs = MddCellFreeData.Instances(MddCellFreeData.Clustered with { Aps = 24, Mss = 12 }, 4, 31);
        var rng = new Random(8);
        var ps = xs.Select(x =>
        {
            var p = MddCellFreeData.InteriorPowers(x, rng);
            for (int d = 0; d < x.Mss; d++)
                for (int m = 0; m < x.UlSubcarriers; m++) p.Ms[d, m] *= d % 2 == 0 ? 1e-4 : 1;   // every other MS far below its UL QoS
            return p;
        }).ToList();
        using var batch = MddCellFreeTensors.From(xs, dtype: ScalarType.Float64);
        var (ap, ms) = PowerTensors(xs, ps, ScalarType.Float64);
        var raised = SpectralEfficiency.RaiseUplinkToQos(batch, ap, ms);
        int shortBefore = 0, repaired = 0, hopeless = 0;
        for (int n = 0; n < xs.Count; n++)
        {
            var x = xs[n];
            var before = SpectralEfficiencyOracle.Evaluate(x, ps[n]);
            var after = WithUplink(x, ps[n], raised[n]);
            var result = SpectralEfficiencyOracle.Evaluate(x, after);
            var den = SpectralEfficiencyOracle.UlDenominator(x, after);
            double gamma = Math.Exp(x.UlQos / x.UlSubcarriers) - 1;
            for (int d = 0; d < x.Mss; d++)
            {
                double total = 0, raisedTotal = 0;
                for (int m = 0; m < x.UlSubcarriers; m++)
                {
                    Assert.That(after.Ms[d, m], Is.GreaterThanOrEqualTo(ps[n].Ms[d, m]), $"layout {n} MS {d}: powers only grow");
                    total += after.Ms[d, m];
                    raisedTotal += Math.Max(after.Ms[d, m], gamma * den[d, m] / SpectralEfficiencyOracle.UlSignalGain(x, d));
                }
                bool grew = Enumerable.Range(0, x.UlSubcarriers).Any(m => after.Ms[d, m] > ps[n].Ms[d, m]);
                if (grew) Assert.That(total, Is.LessThanOrEqualTo(x.MsBudget[d] * (1 + 1e-9)), $"layout {n} MS {d}: raised only within its budget");
                if (before.UlRate[d] < x.UlQos) shortBefore++;
                if (result.UlRate[d] >= x.UlQos - 1e-7) { if (before.UlRate[d] < x.UlQos) repaired++; }
                else
                {
                    hopeless++;
                    Assert.That(raisedTotal, Is.GreaterThan(x.MsBudget[d]), $"layout {n} MS {d}: short of its UL QoS although (20) fits its budget");
                }
            }
        }
        TestContext.Out.WriteLine($"short before: {shortBefore}, repaired: {repaired}, short after (cannot within budget): {hopeless}");
        Assert.That(repaired, Is.GreaterThan(0), "the test repairs some MSs");
    }

    [Test]
    public void Wrong_power_shapes_are_rejected_with_the_field_name()
    {
        using var scope = NewDisposeScope();
        using var batch = MddCellFreeTensors.From(new[] { MddInstances.Random(4, 2, 2, 1, 1) });
        var ex = Assert.Throws<ArgumentException>(() => SpectralEfficiency.Evaluate(batch, zeros(1, 4, 2, 3), zeros(1, 2, 1)));
        Assert.That(ex!.Message, Does.Contain("apPower").And.Contain("[1, 4, 2, 2]"));
        ex = Assert.Throws<ArgumentException>(() => SpectralEfficiency.Evaluate(batch, zeros(1, 4, 2, 2), zeros(1, 2)));
        Assert.That(ex!.Message, Does.Contain("msPower"));
    }

    [Test]
    public void Invalid_instances_are_rejected_before_any_tensor_is_built()
    {
        var x = MddInstances.Random(4, 2, 2, 1, 1);
        x.Omega[1, 1, 0] = double.NaN;
        var ex = Assert.Throws<ArgumentException>(() => MddCellFreeTensors.From(new[] { x }));
        Assert.That(ex!.Message, Does.Contain("omega"));
        Assert.Throws<ArgumentException>(() => MddCellFreeTensors.From(Array.Empty<MddCellFreeInstance>()));
    }
}
