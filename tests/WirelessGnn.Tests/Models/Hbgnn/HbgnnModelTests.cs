using NUnit.Framework;
using TorchSharp;
using WirelessGnn.Graphs;
using WirelessGnn.Models.Hbgnn;
using WirelessGnn.Problems.UltraDenseHetNet;
using WirelessGnn.Tests.Support;
using static TorchSharp.torch;

namespace WirelessGnn.Tests.Models.Hbgnn;

/// <summary>
/// HBGNN's graph and network (spec hbgnn.md §10.3-10.4): the edge rule and candidate order, the composed 2nd-order
/// relations, fixed-length features, feasibility of the association (a distribution over each UE's candidates only)
/// and of the powers (inside the tier box), permutation equivariance over UEs and over BSs, any size without new
/// weights, the temperature in checkpoints, and the plugin scoring baselines by the one objective.
/// </summary>
[TestFixture]
public class HbgnnModelTests
{
    private static readonly HbgnnPlugin Plugin = new();

    private static HbgnnConfig Config => Plugin.DefaultConfig(quick: true) with { CacheDirectory = "", Candidates = 6, BsFeatureSlots = 8, KernelHidden = 16, KernelOutput = 8 };

    private static IReadOnlyList<HetNetScene> Scenes(int count, int seed, HbgnnConfig? config = null) => Plugin.Sample(config ?? Config, count, seed);

    [Test]
    public void A_finished_GRL_model_is_reused_across_scoring_settings_and_retrained_when_a_training_setting_differs()
    {
        var trained = Config;
        var saved = WirelessGnn.Models.Configuration.ConfigBinder.ToJson(trained);
        foreach (var key in HbgnnReproduction.ScoringOnlySettings)
            Assert.That(saved.ContainsKey(key), $"'{key}' is a key of the HBGNN config");
        string Changed(HbgnnConfig c) => string.Join("; ", WirelessGnn.Models.Configuration.ConfigBinder.ChangedSettings(saved.ToJsonString(), c, HbgnnReproduction.ScoringOnlySettings));
        Assert.That(Changed(trained with { SrlMaxIterations = 7, TestInstances = 3, Reproduction = trained.Reproduction with { SrlScenes = 1 } }), Is.Empty);
        Assert.That(Changed(trained with { PowerLogitGain = 5 }), Does.StartWith("powerLogitGain"));
        Assert.That(Changed(trained with { Training = trained.Training with { Steps = 9 } }), Does.StartWith("training"));
    }

    [Test]
    public void Multiply_accumulates_count_every_kernel_and_head_per_node_and_per_candidate_slot()
    {
        using var scope = NewDisposeScope();
        var graph = new HetNetGraph(Config);
        int fu = graph.UeType.FeatureCount, fb = graph.BsType.FeatureCount, h = Config.KernelHidden, o = Config.KernelOutput, k = Config.Candidates;
        int ues = 11, bss = 7;
        // Layer 1 reads the input features, layer 2 the [f1, f2] embeddings of width 2·O; each kernel is in→H→O.
        long Kernel(int self, int other) => (long)(self + other) * h + (long)h * o;
        long layer1 = ues * (Kernel(fu, fb) + Kernel(fu, fu)) + bss * (Kernel(fb, fu) + Kernel(fb, fb));
        long layer2 = ues * 2 * Kernel(2 * o, 2 * o) + bss * 2 * Kernel(2 * o, 2 * o);
        long power = bss * 2L * o;
        using (var slot = new HbgnnNetwork(Config with { UaHead = UaHead.Slot }, graph))
            Assert.That(slot.MultiplyAccumulates(ues, bss), Is.EqualTo(layer1 + layer2 + power + ues * 2L * o * k));
        // The edge scorer projects each end once and then adds the slot's SNR column and the output stage per pair.
        long scorer = (ues + bss) * 2L * o * h + (long)ues * k * (h + h);
        using (var edge = new HbgnnNetwork(Config with { UaHead = UaHead.EdgeScorer }, graph))
        {
            Assert.That(edge.MultiplyAccumulates(ues, bss), Is.EqualTo(layer1 + layer2 + power + scorer));
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => edge.MultiplyAccumulates(0, bss));
            Assert.That(ex!.Message, Does.Contain("ues"));
        }
    }

    [Test]
    public void Edge_rule_keeps_1_to_K_candidates_strongest_first_and_the_graph_agrees()
    {
        var config = Config with { EdgeThresholdDb = 40 };
        var graph = new HetNetGraph(config);
        foreach (var scene in Scenes(3, 5, config))
        {
            var (g, lists) = graph.Build(scene);
            var adjacency = new HashSet<(int, int)>();
            var edges = g.Edges(HetNetGraph.Reaches);
            for (int e = 0; e < edges.Count; e++) adjacency.Add((edges.Targets[e], edges.Sources[e]));
            for (int i = 0; i < scene.Ues; i++)
            {
                var c = lists[i];
                Assert.That(c.Length, Is.InRange(1, config.Candidates));
                for (int k = 1; k < c.Length; k++) Assert.That(scene.MaxPowerSnr(i, c[k]), Is.LessThanOrEqualTo(scene.MaxPowerSnr(i, c[k - 1])));
                if (c.Length > 1) Assert.That(10 * Math.Log10(scene.MaxPowerSnr(i, c[^1])), Is.GreaterThanOrEqualTo(40));
                // Every stronger BS than the weakest candidate is a candidate too (the K strongest).
                double weakest = scene.MaxPowerSnr(i, c[^1]);
                Assert.That(Enumerable.Range(0, scene.Bss).Count(j => scene.MaxPowerSnr(i, j) > weakest), Is.LessThan(c.Length));
                for (int j = 0; j < scene.Bss; j++) Assert.That(adjacency.Contains((i, j)), Is.EqualTo(c.Contains(j)), $"A[{i},{j}]");
            }
            // 2nd order: UE i' in N2(i) iff they share a candidate; symmetric, no self-loops.
            var shares = g.Edges(HetNetGraph.SharesBs);
            var pairs = new HashSet<(int, int)>(Enumerable.Range(0, shares.Count).Select(e => (shares.Sources[e], shares.Targets[e])));
            for (int i = 0; i < scene.Ues; i++)
                for (int k = 0; k < scene.Ues; k++)
                    Assert.That(pairs.Contains((i, k)), Is.EqualTo(i != k && lists[i].Intersect(lists[k]).Any()), $"A2U[{i},{k}]");
            var sharesUe = g.Edges(HetNetGraph.SharesUe);
            var bsPairs = new HashSet<(int, int)>(Enumerable.Range(0, sharesUe.Count).Select(e => (sharesUe.Sources[e], sharesUe.Targets[e])));
            Assert.That(bsPairs.All(p => p.Item1 != p.Item2 && bsPairs.Contains((p.Item2, p.Item1))), Is.True, "A2B symmetric, zero diagonal");
        }
    }

    [Test]
    public void Features_have_fixed_length_masks_agree_with_degrees_and_padding_is_zero()
    {
        var config = Config;
        var graph = new HetNetGraph(config);
        var scene = Scenes(1, 8, config)[0];
        var (g, lists) = graph.Build(scene);
        int k = config.Candidates, m = config.BsFeatureSlots;
        for (int i = 0; i < scene.Ues; i++)
        {
            var f = g.NodeFeatures(HetNetGraph.Ue, i);
            Assert.That(f.Count, Is.EqualTo(2 * k));
            Assert.That(f.Skip(k).Sum(), Is.EqualTo(lists[i].Length));
            for (int s = lists[i].Length; s < k; s++) Assert.That(f[s], Is.EqualTo(0));
            Assert.That(f[0], Is.EqualTo(HetNetGraph.EdgeValue(scene, i, lists[i][0])));
        }
        for (int j = 0; j < scene.Bss; j++)
        {
            var f = g.NodeFeatures(HetNetGraph.Bs, j);
            int degree = lists.Count(c => c.Contains(j));
            Assert.That(f.Count, Is.EqualTo(2 * m + 2));
            Assert.That(f.Skip(m).Take(m).Sum(), Is.EqualTo(Math.Min(degree, m)));
            Assert.That(f[2 * m], Is.EqualTo(scene.Layout.IsMacro(j) ? 1 : 0));
            Assert.That(f[2 * m + 1], Is.EqualTo((float)degree / m).Within(1e-6));
        }
    }

    private static (Tensor Scores, Tensor Power) Run(HbgnnNetwork network, HeteroGraph graph, int[][] lists, int k)
    {
        using var batch = GraphBatch.Collate(new[] { graph });
        var candidates = new long[lists.Length * k];
        for (int i = 0; i < lists.Length; i++)
            for (int s = 0; s < lists[i].Length; s++) candidates[i * k + s] = lists[i][s];
        var (scores, p) = network.call(batch.Dense, tensor(candidates, new long[] { 1, lists.Length, k }));
        var mask = tensor(lists.SelectMany(c => Enumerable.Range(0, k).Select(s => s < c.Length)).ToArray(), new long[] { 1, lists.Length, k });
        return (scores.masked_fill(mask.logical_not(), 0).detach().clone(), p.detach().clone());
    }

    [Test]
    public void Association_is_a_distribution_over_each_UEs_candidates_and_powers_stay_in_the_tier_box([Values] UaHead head)
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(3);
        var config = Config with { UaHead = head };
        var network = (HbgnnNetwork)Plugin.CreateNetwork(config);
        network.eval();
        var scenes = Scenes(4, 9, config);
        using var batch = Plugin.Prepare(scenes, config, CPU);
        using var noGrad = no_grad();
        var (scores, power) = HbgnnPlugin.Forward(network, batch);
        foreach (var t in new[] { 10, 1, 0.01 })
        {
            var (_, x) = HbgnnPlugin.SoftAssociation(scores * 100, batch, t);   // large scores: the saturated regime
            TensorAssert.Finite(x, $"x at T={t}");
            TensorAssert.Close(batch.UeMask, x.sum(-1), 1e-6, "rows sum to 1");
            Assert.That(x.min().item<float>(), Is.GreaterThanOrEqualTo(0));
            for (int n = 0; n < scenes.Count; n++)
            {
                var lists = Plugin.GraphOf(scenes[n], Plugin.Graph(config)).Candidates;
                var row = x[n].data<float>().ToArray();
                for (int i = 0; i < scenes[n].Ues; i++)
                    for (int j = 0; j < scenes[n].Bss; j++)
                        if (!lists[i].Contains(j)) Assert.That(row[i * (int)batch.Bss + j], Is.EqualTo(0), $"x[{n},{i},{j}] outside C(i)");
            }
        }
        var hard = HbgnnPlugin.HardAssociation(scores, batch).data<long>().ToArray();
        for (int n = 0; n < scenes.Count; n++)
        {
            var lists = Plugin.GraphOf(scenes[n], Plugin.Graph(config)).Candidates;
            for (int i = 0; i < scenes[n].Ues; i++) Assert.That(lists[i], Does.Contain((int)hard[n * batch.Ues + i]), "the hard association picks a candidate");
        }
        var fraction = (power / batch.MaxPower).data<float>().ToArray();
        Assert.That(fraction.All(f => f > 0 && f < 1), Is.True, "0 < p_j < p_max,j");
        // Extreme inputs: huge features still give powers inside the box.
        using var extreme = Plugin.Prepare(scenes, config, CPU);
        var view = extreme.Graphs.Dense;
        var features = view.Features(HetNetGraph.Bs);
        features.mul_(1e4);
        var (_, f2) = network.call(view, extreme.CandidateBs);
        Assert.That(f2.masked_select(extreme.MaxPower.gt(0)).data<float>().All(f => f >= 0 && f <= 1 && float.IsFinite(f)), Is.True);
    }

    [Test]
    public void HBGNN_is_equivariant_to_relabelling_UEs_and_BSs([Values] UaHead head)
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(4);
        var config = Config with { UaHead = head };
        var network = (HbgnnNetwork)Plugin.CreateNetwork(config);
        network.eval();
        using var noGrad = no_grad();
        var scene = Scenes(1, 10, config)[0];
        var (g, lists) = new HetNetGraph(config).Build(scene);
        int k = config.Candidates;
        var (scores, power) = Run(network, g, lists, k);
        var rng = new Random(1);
        var ue = Enumerable.Range(0, scene.Ues).OrderBy(_ => rng.Next()).ToArray();      // new UE i is old ue[i]
        var bs = Enumerable.Range(0, scene.Bss).OrderBy(_ => rng.Next()).ToArray();      // new BS j is old bs[j]
        var newBs = new int[bs.Length];
        for (int j = 0; j < bs.Length; j++) newBs[bs[j]] = j;
        var (s1, p1) = Run(network, g.Permute(HetNetGraph.Ue, ue), ue.Select(i => lists[i]).ToArray(), k);
        TensorAssert.Close(scores[0].index_select(0, tensor(ue.Select(i => (long)i).ToArray())), s1[0], 1e-5, "UE relabelling permutes the UE rows");
        TensorAssert.Close(power, p1, 1e-5, "UE relabelling leaves the powers");
        var (s2, p2) = Run(network, g.Permute(HetNetGraph.Bs, bs), lists.Select(c => c.Select(j => newBs[j]).ToArray()).ToArray(), k);
        TensorAssert.Close(scores, s2, 1e-5, "BS relabelling leaves the slot scores (slots follow the BSs)");
        TensorAssert.Close(power[0].index_select(0, tensor(bs.Select(j => (long)j).ToArray())), p2[0], 1e-5, "BS relabelling permutes the powers");
    }

    [Test]
    public void One_model_runs_on_other_UE_and_BS_counts_and_carries_its_temperature_in_checkpoints()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(5);
        var config = Config;
        var network = (HbgnnNetwork)Plugin.CreateNetwork(config);
        network.eval();
        using (no_grad())
            foreach (var (ues, small) in new[] { (20, 10), (60, 40) })
            {
                var sized = config with { Problem = config.Problem with { Ues = ues, SmallBss = small } };
                using var batch = Plugin.Prepare(Scenes(2, 11, sized), sized, CPU);
                var decision = Plugin.Decide(network, batch, sized);
                Assert.That(decision.shape, Is.EqualTo(new long[] { 2, ues + small + config.Problem.MacroBss }));
                Assert.That(Plugin.Score(decision, batch)["power_violation"], Is.All.EqualTo(0));
            }
        network.Temperature = 0.125;
        var path = Path.Combine(Path.GetTempPath(), $"hbgnn-{Guid.NewGuid():N}.safetensors");
        try
        {
            WirelessGnn.Models.Checkpoints.Checkpoint.Save(path, network, new("hbgnn", "1", 1, "{}", null, 0, ""));
            var loaded = (HbgnnNetwork)Plugin.CreateNetwork(config);
            Assert.That(loaded.Temperature, Is.EqualTo(config.InitialTemperature));
            WirelessGnn.Models.Checkpoints.Checkpoint.Load(path, loaded);
            Assert.That(loaded.Temperature, Is.EqualTo(0.125).Within(1e-7));
        }
        finally { File.Delete(path); }
    }

    [Test]
    public void Baselines_are_scored_by_the_one_objective_and_JUAPCMWSER_beats_MARAMP()
    {
        using var scope = NewDisposeScope();
        var config = Config;
        var scenes = Scenes(3, 12, config);
        using var batch = Plugin.Prepare(scenes, config, CPU);
        var rates = new Dictionary<string, double[]>();
        foreach (var b in Plugin.Baselines(config))
        {
            var decisions = scenes.Select(s => b.Solve(s, new Random(0))).ToList();
            rates[b.Name] = Plugin.Score(Plugin.ToDecision(decisions, batch), batch)[HbgnnPlugin.RateMetric];
            var oracle = scenes.Select((s, n) => GlobalRateOracle.Rate(s, HetNetDecision.FromVector(decisions[n], s.Ues, s.Bss))).ToArray();
            Assert.That(rates[b.Name], Is.EqualTo(oracle).Within(1e-4 * oracle.Max()), b.Name);
        }
        for (int n = 0; n < scenes.Count; n++) Assert.That(rates["juapcmwser"][n], Is.GreaterThan(rates["maramp"][n]));
    }

    [Test]
    public void GRL_loss_is_finite_moves_the_temperature_and_SRL_never_falls_below_GRL()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(6);
        var config = Config with { Labels = LabelSource.Maramp, SupervisedWeight = 10, SrlMaxIterations = 12, SrlWindow = 4, SrlLearningRate = 1e-2 };
        var network = (HbgnnNetwork)Plugin.CreateNetwork(config);
        var scenes = Scenes(4, 13, config);
        using (var batch = Plugin.Prepare(scenes, config, CPU))
        {
            var loss = Plugin.Loss(network, batch, config);
            Assert.That(double.IsFinite(loss.item<float>()), Is.True);
            loss.backward();
            Assert.That(network.parameters().All(p => p.grad is not null), Is.True, "every weight gets a gradient");
        }
        Assert.That(network.Temperature, Is.Not.EqualTo(config.InitialTemperature), "T follows the largest x̂");
        var r = SrlFineTuning.Run(Plugin, network, scenes[0], config, CPU);
        Assert.That(r.Rate, Is.GreaterThanOrEqualTo(r.InitialRate));
        Assert.That(r.Iterations, Is.InRange(1, 12));
        Assert.That(r.Decision, Has.Length.EqualTo(scenes[0].Ues + scenes[0].Bss));
        Assert.That(GlobalRateOracle.Rate(scenes[0], HetNetDecision.FromVector(r.Decision, scenes[0].Ues, scenes[0].Bss)), Is.EqualTo(r.Rate).Within(1e-3 * r.Rate));
    }

    [Test]
    public void Supervised_term_is_zero_at_the_label_and_positive_elsewhere()
    {
        using var scope = NewDisposeScope();
        var config = Config with { Labels = LabelSource.Maramp, SupervisedWeight = 10 };
        var scenes = Scenes(2, 14, config);
        var plugin = new HbgnnPlugin();
        using var batch = plugin.Prepare(scenes, config, CPU);
        var candidates = batch.CandidateBs.data<long>().ToArray();
        long ues = batch.Ues, k = config.Candidates;
        var scores = new float[2 * ues * k];
        var power = new float[2 * batch.Bss];
        for (int n = 0; n < 2; n++)
        {
            var label = Maramp.Solve(scenes[n]);
            for (int i = 0; i < scenes[n].Ues; i++)
                for (int s = 0; s < k; s++)
                    if (candidates[(n * ues + i) * k + s] == label.Association[i]) { scores[(n * ues + i) * k + s] = 50; break; }
            for (int j = 0; j < scenes[n].Bss; j++) power[n * batch.Bss + j] = (float)label.Power[j];
        }
        var atLabel = plugin.Supervised(tensor(scores, new[] { 2, ues, k }), tensor(power, new[] { 2L, batch.Bss }), batch, config, 1);
        Assert.That(atLabel.data<float>().ToArray(), Is.All.LessThan(1e-6), "CE and MSE vanish at the label");
        var off = plugin.Supervised(zeros(2, ues, k), tensor(power, new[] { 2L, batch.Bss }) * 0.5, batch, config, 1);
        Assert.That(off.data<float>().ToArray(), Is.All.GreaterThan(0.1));
    }

    [Test]
    public void Same_seed_gives_bit_identical_training_steps()
    {
        var config = Config;
        float[] Losses()
        {
            using var scope = NewDisposeScope();
            torch.manual_seed(21);
            var plugin = new HbgnnPlugin();
            var network = plugin.CreateNetwork(config);
            using var optimizer = optim.Adam(network.parameters(), 1e-3);
            var losses = new float[3];
            for (int step = 0; step < 3; step++)
            {
                using var batch = plugin.Prepare(plugin.Sample(config, 4, 100 + step), config, CPU);
                optimizer.zero_grad();
                var loss = plugin.Loss(network, batch, config);
                losses[step] = loss.item<float>();
                loss.backward();
                optimizer.step();
            }
            return losses;
        }
        Assert.That(Losses(), Is.EqualTo(Losses()));
    }

    [Test]
    public void Power_logit_gain_multiplies_the_power_heads_logit()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(21);
        var plain = (HbgnnNetwork)Plugin.CreateNetwork(Config with { PowerLogitGain = 1 });
        var gained = (HbgnnNetwork)Plugin.CreateNetwork(Config with { PowerLogitGain = 7 });
        gained.load_state_dict(plain.state_dict());
        var scenes = Scenes(2, 22);
        using var batch = Plugin.Prepare(scenes, Config, CPU);
        using var noGrad = no_grad();
        var real = batch.MaxPower.gt(0);
        Tensor Logit(HbgnnNetwork n)
        {
            var f = (HbgnnPlugin.Forward(n, batch).Power / batch.MaxPower.clamp_min(1e-30)).to(ScalarType.Float64).clamp(1e-12, 1 - 1e-12);
            return (f / (1 - f)).log().masked_select(real);
        }
        TensorAssert.Close(Logit(plain) * 7, Logit(gained), 1e-2, "logit(p/p_max) scales by the gain");
        Assert.Catch<ArgumentException>(() => (Config with { PowerLogitGain = 0 }).Validate());
    }

    [Test]
    public void Supervised_cross_entropy_at_T_1_ignores_the_output_temperature()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(23);
        var scenes = Scenes(2, 24);
        double Loss(bool atOutput, double temperature)
        {
            var config = Config with { Labels = LabelSource.Maramp, SupervisedWeight = 1, RateWeight = 0, SupervisedAtOutputTemperature = atOutput };
            torch.manual_seed(23);
            var network = (HbgnnNetwork)Plugin.CreateNetwork(config);
            network.Temperature = temperature;
            using var batch = Plugin.Prepare(scenes, config, CPU);
            return Plugin.Loss(network, batch, config).item<float>();
        }
        Assert.That(Loss(false, 0.01), Is.EqualTo(Loss(false, 1)).Within(1e-5));
        Assert.That(Loss(true, 0.01), Is.Not.EqualTo(Loss(true, 1)).Within(1e-3), "at the output temperature T matters");
    }

    [Test]
    public void Relaxed_ascent_returns_a_feasible_decision_over_the_candidates_well_above_MARAMP()
    {
        using var scope = NewDisposeScope();
        var config = Config with { AscentMaxIterations = 200 };
        foreach (var scene in Scenes(2, 25, config))
        {
            var decision = RelaxedAscent.Solve(Plugin, scene, config);
            decision.CheckFeasible(scene);
            var lists = Plugin.GraphOf(scene, Plugin.Graph(config)).Candidates;
            for (int i = 0; i < scene.Ues; i++) Assert.That(lists[i], Does.Contain(decision.Association[i]), $"UE {i} served by a candidate");
            double ascent = GlobalRateOracle.Rate(scene, decision), maramp = GlobalRateOracle.Rate(scene, Maramp.Solve(scene));
            Assert.That(ascent, Is.GreaterThan(2 * maramp), "ascent on the relaxed rate leaves MARAMP far behind");
        }
        Assert.That(Plugin.Baselines(config with { Baselines = new[] { RelaxedAscent.Name } }).Single().Name, Is.EqualTo(RelaxedAscent.Name));
        Assert.Catch<ArgumentException>(() => (config with { Baselines = new[] { "nonsense" } }).Validate());
    }
}
