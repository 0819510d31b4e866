using NUnit.Framework;
using WirelessGnn.Graphs;
using WirelessGnn.Models.Checkpoints;
using WirelessGnn.Models.Experiments;
using WirelessGnn.Models.Quickstart;
using WirelessGnn.Models.Reporting;
using WirelessGnn.Problems.InterferenceChannel;
using WirelessGnn.Tests.Support;
using static TorchSharp.torch;

namespace WirelessGnn.Tests.Models;

/// <summary>The quick-start plugin: its graph, its network's symmetries, its scoring, and a tiny end-to-end run.</summary>
public sealed class QuickstartPluginTests
{
    private static readonly QuickstartPlugin Plugin = new();
    private string _directory = "";

    [SetUp]
    public void SetUp() => _directory = Directory.CreateTempSubdirectory("wgnn-quickstart-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    private static QuickstartConfig Tiny => Plugin.DefaultConfig(quick: true) with
    {
        Hidden = 8, Layers = 2, TestInstances = 12, GeneralisationPairs = 9, GeneralisationInstances = 6, WmmseLongIterations = 50,
        Problem = new InterferenceChannelConfig { Pairs = 6 },
        Training = Plugin.DefaultConfig(quick: true).Training with { Steps = 6, BatchSize = 4, ValidationInstances = 8, ValidateEvery = 3 },
    };

    [Test]
    public void The_graph_has_one_direct_link_per_pair_and_the_cross_links_above_the_threshold()
    {
        var instance = new InterferenceChannelSampler(new InterferenceChannelConfig { Pairs = 12 }).Sample(1, 3)[0];
        foreach (var thresholdDb in new[] { -100.0, 20.0 })
        {
            var graph = InterferenceGraph.Build(instance, thresholdDb);
            int expected = 0;
            for (int i = 0; i < 12; i++)
                for (int j = 0; j < 12; j++)
                    if (i != j && instance.Snr[i, j] >= Math.Pow(10, thresholdDb / 10)) expected++;
            Assert.That(graph.Edges(InterferenceGraph.Direct).Count, Is.EqualTo(12));
            Assert.That(graph.Edges(InterferenceGraph.Interferes).Count, Is.EqualTo(expected), $"threshold {thresholdDb} dB");
            Assert.That(graph.Edges(InterferenceGraph.Victim).Count, Is.EqualTo(expected));
            var interferes = graph.Edges(InterferenceGraph.Interferes);
            for (int e = 0; e < interferes.Count; e++)
                Assert.That(interferes.Features[e], Is.EqualTo(InterferenceGraph.Feature(instance.Snr[interferes.Targets[e], interferes.Sources[e]])),
                    "edge tx j -> rx i carries the gain Snr[i, j]");
        }
        Assert.That(InterferenceGraph.Build(instance, -100).Edges(InterferenceGraph.Interferes).Count, Is.EqualTo(12 * 11), "complete at a low threshold");
    }

    [Test]
    public void The_network_is_equivariant_to_relabelling_the_pairs_and_the_same_on_both_layouts()
    {
        manual_seed(5);
        var network = new QuickstartNetwork(16, 2);
        network.eval();
        var rng = new Random(8);
        var instances = new InterferenceChannelSampler(new InterferenceChannelConfig { Pairs = 7 }).Sample(3, 11)
            .Concat(new InterferenceChannelSampler(new InterferenceChannelConfig { Pairs = 4 }).Sample(2, 12)).ToList();
        var permutations = instances.Select(i => Enumerable.Range(0, i.Pairs).OrderBy(_ => rng.Next()).ToArray()).ToList();
        var permuted = instances.Select((inst, n) =>
        {
            var p = permutations[n];
            var snr = new double[inst.Pairs, inst.Pairs];
            for (int i = 0; i < inst.Pairs; i++)
                for (int j = 0; j < inst.Pairs; j++) snr[i, j] = inst.Snr[p[i], p[j]];
            return InterferenceChannelInstance.FromGains(snr);
        }).ToList();

        using var _ = NewDisposeScope();
        using var noGrad = no_grad();
        using var batch = GraphBatch.Collate(instances.Select(i => InterferenceGraph.Build(i, -10)).ToList());
        using var permutedBatch = GraphBatch.Collate(permuted.Select(i => InterferenceGraph.Build(i, -10)).ToList());
        var sparse = network.call(batch.Sparse);
        var dense = network.call(batch.Dense);
        TensorAssert.Close(sparse, dense, 1e-5, "sparse vs dense layout");
        var outputs = TensorAssert.ToMatrix(sparse);
        var permutedOutputs = TensorAssert.ToMatrix(network.call(permutedBatch.Sparse));
        Assert.That(outputs.GetLength(1), Is.EqualTo(7), "padded to the largest K");
        double worst = 0;
        for (int n = 0; n < instances.Count; n++)
        {
            for (int i = 0; i < instances[n].Pairs; i++)
                worst = Math.Max(worst, Math.Abs(permutedOutputs[n, i] - outputs[n, permutations[n][i]]));
            for (int i = instances[n].Pairs; i < 7; i++) Assert.That(outputs[n, i], Is.EqualTo(0), "padding is zero");
        }
        Assert.That(worst, Is.LessThan(1e-5), "power of pair i after relabelling == power of the pair it was");
        Assert.That(outputs.Cast<double>().All(v => v is >= 0 and <= 1), "power fractions in [0, 1]");
    }

    [Test]
    public void Baseline_decisions_are_scored_by_the_objective_the_oracle_agrees_with()
    {
        var config = Tiny with { Problem = new InterferenceChannelConfig { Pairs = 5 } };
        var instances = Plugin.Sample(config, 6, 21).Concat(Plugin.Sample(config with { Problem = new InterferenceChannelConfig { Pairs = 3 } }, 2, 22)).ToList();
        var decisions = instances.Select(i => Wmmse.Solve(i.Snr).Power).ToList();
        using var batch = Plugin.Prepare(instances, config, CPU);
        var scores = Plugin.Score(Plugin.ToDecision(decisions, batch), batch);
        Assert.That(scores.Keys.First(), Is.EqualTo(Plugin.PrimaryMetric));
        for (int n = 0; n < instances.Count; n++)
        {
            double oracle = SumRateOracle.Total(instances[n].Snr, decisions[n]);
            Assert.That(scores[Plugin.PrimaryMetric][n], Is.EqualTo(oracle).Within(1e-4 * oracle), $"instance {n}");
            Assert.That(scores["violation_rate"][n], Is.EqualTo(0));
        }
        Assert.That(() => Plugin.ToDecision(decisions.Take(3).ToList(), batch), Throws.ArgumentException.With.Message.Contains("decisions"));
    }

    [Test]
    public void A_tiny_reproduction_reports_both_test_sets_all_baselines_and_loads_back_to_the_same_decisions()
    {
        var outcome = Plugin.Run(new ExperimentRequest
        {
            Mode = ExperimentMode.Train, Device = CPU, OutputDirectory = _directory, Seed = 3,
            ConfigFile = WirelessGnn.Models.Configuration.ConfigBinder.ToJson(Tiny),
        });
        var report = ReportWriter.ReadJson(Path.Combine(_directory, "report.json"));
        Assert.That(report.Baselines.Keys, Is.EqualTo(new[] { "wmmse", "wmmse_50it", "full_power", "random_power" }));
        foreach (var key in new[] { "sum_rate_bps_hz", "violation_rate", "ratio_to_wmmse", "sum_rate_bps_hz@K=9", "ratio_to_wmmse@K=9", "time_per_instance_median_s@K=9" })
            Assert.That(report.Model!.Metrics, Does.ContainKey(key));
        Assert.That(report.Model!.Metrics["violation_rate"], Is.EqualTo(0));
        Assert.That(report.Baselines["wmmse"].Metrics["sum_rate_bps_hz"], Is.GreaterThan(report.Baselines["random_power"].Metrics["sum_rate_bps_hz"]));
        Assert.That(outcome.Files.Select(Path.GetFileName), Does.Contain("cdf_K_9.png").And.Contain("training.png"));

        // The checkpoint rebuilds a network that decides exactly as the trained one did.
        var checkpoint = Path.Combine(_directory, "model.safetensors");
        var info = Checkpoint.ReadInfo(checkpoint);
        Assert.That(info.Plugin, Is.EqualTo("quickstart"));
        Assert.That(info.Schema, Does.Contain("interferes"));
        var again = Plugin.Run(new ExperimentRequest { Mode = ExperimentMode.Evaluate, Device = CPU, OutputDirectory = Path.Combine(_directory, "eval"), Checkpoint = checkpoint });
        Assert.That(again.Report.Model!.Metrics["sum_rate_bps_hz"], Is.EqualTo(report.Model.Metrics["sum_rate_bps_hz"]).Within(1e-9));
        Assert.That(again.Report.Model.Metrics["sum_rate_bps_hz@K=9"], Is.EqualTo(report.Model.Metrics["sum_rate_bps_hz@K=9"]).Within(1e-9));
    }

    [Test]
    public void Bad_settings_are_refused_naming_the_field()
    {
        Assert.That(() => (Tiny with { Hidden = 0 }).Validate(), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("hidden"));
        Assert.That(() => (Tiny with { EdgeThresholdDb = double.NaN }).Validate(), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("edgeThresholdDb"));
        Assert.That(() => (Tiny with { Problem = new InterferenceChannelConfig { Pairs = 0 } }).Validate(), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("pairs"));
        Assert.That(() => (Tiny with { WmmseLongIterations = -1 }).Validate(), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("wmmseLongIterations"));
    }
}
