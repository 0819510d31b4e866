using NUnit.Framework;
using WirelessGnn.Problems.UltraDenseHetNet;
using WirelessGnn.Tests.Support;
using static TorchSharp.torch;
using static WirelessGnn.Tests.Problems.UltraDenseHetNet.HetNetScenes;

namespace WirelessGnn.Tests.Problems.UltraDenseHetNet;

/// <summary>
/// The HUDN system model (spec hbgnn.md §10.1-10.2): path loss and units, the LoS geometry, the scenario sampler, the
/// double oracle of the global rate (closed forms, scale and permutation invariance, monotonicity), and the tensor
/// objective against the oracle (hard, relaxed at one-hot, gradients against finite differences).
/// </summary>
[TestFixture]
public class UltraDenseHetNetTests
{
    // --- channel and units ------------------------------------------------------------------------------------------

    [TestCase(100, true, 82.9), TestCase(100, false, 107.9), TestCase(10, true, 62.0), TestCase(10, false, 70.4)]
    public void Path_loss_matches_the_reference_values(double metres, bool los, double db) =>
        Assert.That(PathLoss.Db(metres, los), Is.EqualTo(db).Within(0.05));

    [Test]
    public void Path_loss_increases_with_distance_and_NLoS_exceeds_LoS_beyond_3_2_m()
    {
        for (double w = 1; w < 500; w *= 1.1)
        {
            Assert.That(PathLoss.Db(w * 1.1, true), Is.GreaterThan(PathLoss.Db(w, true)));
            Assert.That(PathLoss.Db(w * 1.1, false), Is.GreaterThan(PathLoss.Db(w, false)));
            if (w >= 3.2) Assert.That(PathLoss.Db(w, false), Is.GreaterThanOrEqualTo(PathLoss.Db(w, true)), $"w = {w}");
        }
        Assert.That(PathLoss.Db(0.2, true), Is.EqualTo(PathLoss.Db(1, true)), "clamped at 1 m");
    }

    [Test]
    public void Unit_conversions()
    {
        Assert.That(UltraDenseHetNetConfig.Watts(50), Is.EqualTo(100).Within(1e-9));
        Assert.That(UltraDenseHetNetConfig.Watts(20), Is.EqualTo(0.1).Within(1e-12));
        Assert.That(UltraDenseHetNetConfig.Watts(-95), Is.EqualTo(3.1623e-13).Within(1e-17));
    }

    // --- geometry and scenario ---------------------------------------------------------------------------------------

    [Test]
    public void LoS_test_blocks_segments_through_a_box_only_and_is_symmetric()
    {
        var box = new Building(10, 10, 20, 30);
        var pairs = new (Point3 A, Point3 B, bool Blocked)[]
        {
            (new(0, 20, 1.5), new(50, 20, 1.5), true),     // straight through at street level
            (new(0, 20, 40), new(50, 20, 40), false),      // above the roof
            (new(0, 0, 1.5), new(50, 0, 1.5), false),      // beside the box
            (new(15, 15, 30.5), new(60, 60, 31), false),    // from the roof outwards, staying above it
            (new(20, 20, 30.5), new(60, 60, 1.5), true),   // from the roof centre down to the street: the roof edge blocks
            (new(0, 5, 10), new(50, 35, 10), true),        // diagonal through the box
        };
        foreach (var (a, b, blocked) in pairs)
        {
            Assert.That(box.Blocks(a, b), Is.EqualTo(blocked), $"{a} -> {b}");
            Assert.That(box.Blocks(b, a), Is.EqualTo(blocked), $"{b} -> {a} (symmetry)");
        }
    }

    [Test]
    public void Scenario_has_the_configured_nodes_outdoor_UEs_rooftop_BSs_and_is_deterministic()
    {
        var config = new UltraDenseHetNetConfig { Ues = 120 };
        var sampler = new HetNetSampler(config);
        var layout = sampler.Layout;
        Assert.That(layout.Bss, Is.EqualTo(105));
        Assert.That(layout.Buildings, Has.Count.EqualTo(20));
        Assert.That(Enumerable.Range(0, 5).All(layout.IsMacro) && !layout.IsMacro(5), Is.True);
        Assert.That(layout.MaxPower[0], Is.EqualTo(100).Within(1e-9));
        Assert.That(layout.MaxPower[104], Is.EqualTo(0.1).Within(1e-12));
        for (int j = 5; j < 105; j++)
        {
            var p = layout.BsPositions[j];
            Assert.That(p.Z, Is.EqualTo(layout.Indoors(p.X, p.Y) ? 30.5 : 10).Within(1e-12), $"small BS {j}");
        }
        var scenes = sampler.Sample(3, 42);
        foreach (var s in scenes)
        {
            Assert.That(s.Ues, Is.EqualTo(120));
            foreach (var u in s.UePositions)
            {
                Assert.That(u.X is >= 0 and <= 200 && u.Y is >= 0 and <= 200, Is.True);
                Assert.That(layout.Indoors(u.X, u.Y), Is.False, "UEs are outdoors");
            }
        }
        var again = new HetNetSampler(config).Sample(3, 42);
        Assert.That(again[2].Gain, Is.EqualTo(scenes[2].Gain), "same seeds, same scene");
        Assert.That(new HetNetSampler(config).Sample(1, 43)[0].Gain, Is.Not.EqualTo(scenes[0].Gain));
    }

    [Test]
    public void Default_scene_magnitudes_are_those_of_spec_section_7()
    {
        var scene = new HetNetSampler(new UltraDenseHetNetConfig()).Sample(1, 7)[0];
        int above = 0, los = 0;
        for (int i = 0; i < scene.Ues; i++)
            for (int j = 0; j < scene.Bss; j++)
            {
                if (scene.MaxPowerSnr(i, j) >= 1) above++;
                if (scene.LineOfSight[i, j]) los++;
            }
        double n = scene.Ues * scene.Bss;
        Assert.That(above / n, Is.InRange(0.6, 0.97), "share of pairs above noise at max power (spec: about 83%)");
        Assert.That(los / n, Is.InRange(0.1, 0.4), "LoS share (spec: about 22%)");
        double maramp = GlobalRateOracle.Rate(scene, Maramp.Solve(scene));
        Assert.That(maramp, Is.InRange(12, 45), "MARAMP (spec: 22-27)");
    }

    // --- oracle ------------------------------------------------------------------------------------------------------

    private static HetNetScene Explicit(double[,] gain, double noiseDbm = -95) =>
        HetNetScene.FromGains(new HetNetLayout(new UltraDenseHetNetConfig { MacroBss = 0, SmallBss = gain.GetLength(1), Ues = gain.GetLength(0), Buildings = 0, NoiseDbm = noiseDbm }), gain);

    [Test]
    public void One_BS_closed_forms()
    {
        var one = Explicit(new double[,] { { 1e-9 } });
        double snr = 0.1 * 1e-9 / one.Noise;
        Assert.That(GlobalRateOracle.Rate(one, new HetNetDecision(new[] { 0 }, new[] { 0.1 })), Is.EqualTo(Math.Log2(1 + snr)).Within(1e-12));
        var gains = new double[,] { { 1e-9 }, { 3e-10 }, { 5e-11 } };
        var three = Explicit(gains);
        double mean = Enumerable.Range(0, 3).Average(i => Math.Log2(1 + 0.1 * gains[i, 0] / three.Noise));
        Assert.That(GlobalRateOracle.Rate(three, new HetNetDecision(new[] { 0, 0, 0 }, new[] { 0.1 })), Is.EqualTo(mean).Within(1e-12));
    }

    [Test]
    public void Rate_is_invariant_to_scaling_power_and_noise_and_to_relabelling()
    {
        var rng = new Random(3);
        var scene = Sample(1, 11)[0];
        var d = RandomDecision(scene, rng);
        double r = GlobalRateOracle.Rate(scene, d);
        // g and σ² scaled by c (via the noise dBm and the gains).
        var scaled = (double[,])scene.Gain.Clone();
        for (int i = 0; i < scene.Ues; i++) for (int j = 0; j < scene.Bss; j++) scaled[i, j] *= 10;
        var scaledScene = HetNetScene.FromGains(new HetNetLayout(scene.Layout.Config with { NoiseDbm = scene.Layout.Config.NoiseDbm + 10 }), scaled);
        Assert.That(GlobalRateOracle.Rate(scaledScene, d), Is.EqualTo(r).Within(1e-9 * r));

        var ue = Enumerable.Range(0, scene.Ues).OrderBy(_ => rng.Next()).ToArray();
        var bs = Enumerable.Range(0, scene.Bss).OrderBy(_ => rng.Next()).ToArray();   // new j is old bs[j]
        var inverse = new int[bs.Length];
        for (int j = 0; j < bs.Length; j++) inverse[bs[j]] = j;
        var permuted = new double[scene.Ues, scene.Bss];
        for (int i = 0; i < scene.Ues; i++) for (int j = 0; j < scene.Bss; j++) permuted[i, j] = scene.Gain[ue[i], bs[j]];
        var layout = new HetNetLayout(scene.Layout.Config with { MacroBss = 0, SmallBss = scene.Bss, Buildings = 0 });
        var permutedScene = HetNetScene.FromGains(layout, permuted);
        var pd = new HetNetDecision(ue.Select(i => inverse[d.Association[i]]).ToArray(), bs.Select(j => d.Power[j]).ToArray());
        Assert.That(GlobalRateOracle.Rate(permutedScene, pd), Is.EqualTo(r).Within(1e-9 * r));
    }

    [Test]
    public void SINR_is_monotone_in_noise_interference_and_serving_power_and_zero_power_means_zero_rate()
    {
        var rng = new Random(5);
        var scene = Sample(1, 12)[0];
        var d = RandomDecision(scene, rng);
        var sinr = GlobalRateOracle.Sinr(scene, d);
        int i0 = 0, serving = d.Association[i0], other = (serving + 1) % scene.Bss;
        var louder = d with { Power = (double[])d.Power.Clone() };
        louder.Power[other] = Math.Min(scene.MaxPower[other], louder.Power[other] * 2 + 1e-3);
        Assert.That(GlobalRateOracle.Sinr(scene, louder)[i0], Is.LessThanOrEqualTo(sinr[i0]));
        var stronger = d with { Power = (double[])d.Power.Clone() };
        stronger.Power[serving] = scene.MaxPower[serving];
        Assert.That(GlobalRateOracle.Sinr(scene, stronger)[i0], Is.GreaterThanOrEqualTo(sinr[i0]));
        var noisier = HetNetScene.FromGains(new HetNetLayout(scene.Layout.Config with { NoiseDbm = -80 }), scene.Gain);
        Assert.That(GlobalRateOracle.Sinr(noisier, d).Zip(sinr).All(x => x.First <= x.Second), Is.True);

        var off = d with { Power = (double[])d.Power.Clone() };
        off.Power[serving] = 0;
        Assert.That(GlobalRateOracle.UeRates(scene, off)[i0], Is.EqualTo(0));
        var silentOthers = GlobalRateOracle.Sinr(scene, off);
        for (int i = 0; i < scene.Ues; i++)
        {
            if (d.Association[i] == serving) continue;
            // Removing BS `serving`'s power removes exactly its interference term.
            double expected = d.Power[d.Association[i]] * scene.Gain[i, d.Association[i]] /
                              (Enumerable.Range(0, scene.Bss).Where(n => n != d.Association[i] && n != serving).Sum(n => d.Power[n] * scene.Gain[i, n]) + scene.Noise);
            Assert.That(silentOthers[i], Is.EqualTo(expected).Within(1e-9 * expected));
        }
    }

    // --- tensor objective ------------------------------------------------------------------------------------------------

    private static (Tensor G, Tensor X, Tensor P) AsTensors(IReadOnlyList<HetNetScene> scenes, IReadOnlyList<HetNetDecision> d, ScalarType dtype)
    {
        long b = scenes.Count, i = scenes[0].Ues, j = scenes[0].Bss;
        // Gains straight from the doubles (ToTensors stores float32).
        var g = tensor(scenes.SelectMany(s => s.Gain.Cast<double>().Select(v => v / s.Noise)).ToArray(), new[] { b, i, j });
        var serving = tensor(d.SelectMany(x => x.Association.Select(a => (long)a)).ToArray(), new[] { b, i });
        var p = tensor(d.SelectMany(x => x.Power).ToArray(), new[] { b, j });
        return (g.to(dtype), GlobalRate.OneHot(serving, j).to(dtype), p.to(dtype));
    }

    [Test]
    public void Tensor_hard_rate_equals_the_oracle_and_relaxed_equals_hard_at_one_hot([Values] SinrMode mode, [Values] bool silence)
    {
        using var scope = NewDisposeScope();
        var config = Small with { SilenceIdleBs = silence };
        var scenes = Sample(4, 21, config);
        var rng = new Random(9);
        var decisions = scenes.Select(s => RandomDecision(s, rng)).ToList();
        decisions[1] = Maramp.Solve(scenes[1]);
        var expected = scenes.Select((s, n) => GlobalRateOracle.Rate(s, decisions[n])).ToArray();
        var expectedUe = scenes.SelectMany((s, n) => GlobalRateOracle.UeRates(s, decisions[n])).ToArray();
        var (g, x, p) = AsTensors(scenes, decisions, ScalarType.Float64);
        TensorAssert.Close(expected, GlobalRate.Total(g, x, p, mode, silence), 1e-9, "float64 total");
        TensorAssert.Close(expectedUe, GlobalRate.UeRates(g, x, p, mode, silence), 1e-9, "float64 per UE");
        var (g32, x32, p32) = AsTensors(scenes, decisions, ScalarType.Float32);
        TensorAssert.Close(expected, GlobalRate.Total(g32, x32, p32, mode, silence), 1e-4, "float32 total");
    }

    [Test]
    public void Relaxed_rate_gradients_match_central_differences()
    {
        using var scope = NewDisposeScope();
        var scenes = Sample(1, 31, Small with { Ues = 6, SmallBss = 5, MacroBss = 1 });
        var (g, _, pmax) = GlobalRate.ToTensors(scenes);
        g = g.to(ScalarType.Float64);
        var rng = new Random(4);
        var logits = tensor(Enumerable.Range(0, 36).Select(_ => rng.NextDouble() * 2 - 1).ToArray(), new long[] { 1, 6, 6 }, ScalarType.Float64).requires_grad_();
        var p = (pmax.to(ScalarType.Float64) * tensor(Enumerable.Range(0, 6).Select(_ => 0.2 + 0.6 * rng.NextDouble()).ToArray(), ScalarType.Float64)).detach().requires_grad_();
        foreach (var mode in new[] { SinrMode.PaperRelaxed, SinrMode.ExpectedRate })
        {
            Tensor F(Tensor z, Tensor q) => GlobalRate.Total(g, z.softmax(-1), q, mode).sum();
            logits.grad?.zero_(); p.grad?.zero_();
            F(logits, p).backward();
            var gz = logits.grad!.clone();
            var gp = p.grad!.clone();
            using var noGrad = no_grad();
            for (int k = 0; k < 36; k += 5)
            {
                double h = 1e-6;
                var e = zeros_like(logits).view(-1).index_put_(tensor(h, ScalarType.Float64), tensor(new long[] { k })).view(1, 6, 6);
                double fd = (F(logits + e, p).item<double>() - F(logits - e, p).item<double>()) / (2 * h);
                Assert.That(gz.view(-1)[k].item<double>(), Is.EqualTo(fd).Within(1e-4 * Math.Max(1, Math.Abs(fd))), $"{mode}: d/dz[{k}]");
            }
            for (int j = 0; j < 6; j++)
            {
                double h = 1e-7 * pmax[0, j].item<float>();
                var e = zeros_like(p).index_put_(tensor(h, ScalarType.Float64), tensor(new long[] { 0 }), tensor(new long[] { j }));
                double fd = (F(logits, p + e).item<double>() - F(logits, p - e).item<double>()) / (2 * h);
                Assert.That(gp[0, j].item<double>(), Is.EqualTo(fd).Within(1e-4 * Math.Max(Math.Abs(fd), 1e-3 * Math.Abs(gp[0, j].item<double>()) + 1e-12)), $"{mode}: d/dp[{j}]");
            }
        }
    }

    [Test]
    public void Bad_config_fails_naming_the_field()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new HetNetSampler(Small with { Ues = 0 }));
        Assert.That(e!.Message, Does.Contain("problem.ues"));
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new HetNetSampler(Small with { BuildingSide = 500 }));
        Assert.That(e!.Message, Does.Contain("problem.buildingSide"));
    }
}
