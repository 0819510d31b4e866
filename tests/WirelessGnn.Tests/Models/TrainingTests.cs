using System.Text.Json.Nodes;
using NUnit.Framework;
using TorchSharp;
using WirelessGnn.Models.CfHgnn;
using WirelessGnn.Models.Checkpoints;
using WirelessGnn.Models.Configuration;
using WirelessGnn.Models.Experiments;
using WirelessGnn.Models.Plugins;
using WirelessGnn.Models.Reporting;
using WirelessGnn.Models.RoutedMtl;
using WirelessGnn.Models.Training;
using static TorchSharp.torch;

namespace WirelessGnn.Tests.Models;

[TestFixture]
public class TrainingTests
{
    private string _directory = "";

    [SetUp]
    public void CreateDirectory()
    {
        _directory = Path.Combine(Path.GetTempPath(), "wgnn-training-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void DeleteDirectory()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    private static (TrainingResult Result, nn.Module Network) Train(ToyConfig config, int seed, string? checkpoint = null, string? resume = null,
        IProgress<TrainingProgress>? progress = null)
    {
        var plugin = new ToyPlugin();
        torch.manual_seed(seed);
        var network = plugin.CreateNetwork(config);
        var result = new Trainer<ToyConfig, ToyInstance, ToyBatch>(plugin, config, CPU, seed).Train(network, progress, checkpointPath: checkpoint, resumeFrom: resume);
        return (result, network);
    }

    private static float[] Weights(nn.Module network) =>
        network.parameters().SelectMany(p => p.detach().flatten().data<float>().ToArray()).ToArray();

    [Test]
    public void Training_reduces_the_loss_and_validates_on_schedule()
    {
        var (result, _) = Train(new ToyConfig(), 1);
        Assert.That(result.Steps, Is.EqualTo(30));
        Assert.That(result.Validations.Select(v => v.Step), Is.EqualTo(new long[] { 10, 20, 30 }));
        Assert.That(result.Losses.Skip(25).Average(), Is.LessThan(result.Losses.Take(5).Average()));
        Assert.That(result.BestValidation, Is.EqualTo(result.Validations.Max(v => v.Value)));
    }

    [Test]
    public void Latency_times_one_instance_at_a_time_and_refuses_an_empty_set()
    {
        var plugin = new ToyPlugin();
        var config = new ToyConfig();
        var network = plugin.CreateNetwork(config);
        var evaluator = new WirelessGnn.Models.Evaluation.Evaluator<ToyConfig, ToyInstance, ToyBatch>(plugin, CPU);
        double seconds = evaluator.Latency(network, plugin.Sample(config, 5, 3), config);
        Assert.That(seconds, Is.GreaterThan(0).And.LessThan(1), "a forward of a 4-node graph");
        Assert.That(network.training, Is.False, "timed in eval mode");
        var e = Assert.Throws<ArgumentException>(() => evaluator.Latency(network, Array.Empty<ToyInstance>(), config));
        Assert.That(e!.Message, Does.Contain("instances"));
    }

    [Test]
    public void An_instance_the_model_cannot_take_fails_before_any_baseline_runs()
    {
        var plugin = new ToyPlugin();
        var config = new ToyConfig();
        var network = plugin.CreateNetwork(config);
        var evaluator = new WirelessGnn.Models.Evaluation.Evaluator<ToyConfig, ToyInstance, ToyBatch>(plugin, CPU);
        var set = new EvaluationSet<ToyConfig>("test", config with { MaxMss = 0 }, 6, 999);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => evaluator.Evaluate(network, set, 4))!;
        Assert.That(e.ParamName, Is.EqualTo("maxMss"));
        Assert.That(plugin.BaselineSolves, Is.Zero, "the model's input is checked first");
        evaluator.Evaluate(network, set with { Config = config }, 4);
        Assert.That(plugin.BaselineSolves, Is.EqualTo(6 + 1), "six instances and one warm-up once the model takes them");
    }

    [Test]
    public void Validation_can_use_another_score_and_names_the_key_when_the_score_does_not_exist()
    {
        var plain = Train(new ToyConfig(), 1).Result;
        var config = new ToyConfig { Training = new ToyConfig().Training with { ValidationMetric = "neg_mae" } };
        var mae = Train(config, 1).Result;
        Assert.That(mae.Losses, Is.EqualTo(plain.Losses), "the metric changes what is measured, not the training");
        Assert.That(mae.Validations.Select(v => v.Value), Is.Not.EqualTo(plain.Validations.Select(v => v.Value)));
        Assert.That(mae.BestValidation, Is.EqualTo(mae.Validations.Max(v => v.Value)));
        var plugin = new ToyPlugin();
        Assert.That(new Trainer<ToyConfig, ToyInstance, ToyBatch>(plugin, config, CPU, 1).MetricsColumns, Does.Contain("validation_neg_mae"));
        var bogus = new ToyConfig { Training = new ToyConfig().Training with { ValidationMetric = "bogus" } };
        var error = Assert.Throws<ArgumentException>(() => Train(bogus, 1));
        Assert.That(error!.Message, Does.Contain("training.validationMetric").And.Contain("neg_mse"));
    }

    [Test]
    public void Batch_norm_recalibration_sets_the_running_statistics_to_the_plain_average_over_the_passes()
    {
        var norm = nn.BatchNorm1d(3);
        var network = nn.Sequential(("norm", norm));
        network.eval();
        var batches = Enumerable.Range(0, 3).Select(i => torch.randn(new long[] { 5 + i, 3 }, generator: torch.manual_seed(i)) * (i + 1) + i).ToList();
        int count = BatchNormRecalibration.Recalibrate(network, batches.Select(b => (Action)(() => network.call(b))));
        Assert.That(count, Is.EqualTo(1));
        var meanOfMeans = torch.stack(batches.Select(b => b.mean(new long[] { 0 })).ToArray()).mean(new long[] { 0 });
        var meanOfVars = torch.stack(batches.Select(b => b.var(0)).ToArray()).mean(new long[] { 0 });   // unbiased, as BatchNorm's running_var
        Assert.That(norm.running_mean!.allclose(meanOfMeans, 1e-5, 1e-6), Is.True);
        Assert.That(norm.running_var!.allclose(meanOfVars, 1e-5, 1e-6), Is.True);
        Assert.That(norm.momentum, Is.EqualTo(0.1), "momentum restored");
        Assert.That(network.training, Is.False, "mode restored");
        Assert.That(BatchNormRecalibration.Recalibrate(nn.Sequential(("linear", nn.Linear(3, 3))), new Action[] { () => Assert.Fail("no pass without BatchNorm") }), Is.Zero);
    }

    [Test]
    public void Recalibrating_batch_norm_before_validation_changes_what_is_validated_not_the_training()
    {
        var batchNorm = new ToyConfig { HeadNormalization = WirelessGnn.Layers.Normalization.BatchNorm };
        var plain = Train(batchNorm, 1).Result;
        var config = batchNorm with { Training = batchNorm.Training with { RecalibrateBatchNorm = 4 } };
        var plugin = new ToyPlugin();
        torch.manual_seed(1);
        var network = plugin.CreateNetwork(config);
        var trainer = new Trainer<ToyConfig, ToyInstance, ToyBatch>(plugin, config, CPU, 1);
        Assert.That(trainer.MetricsColumns, Does.Contain("validation_neg_mse_running_stats"));
        string path = Path.Combine(_directory, "metrics.csv");
        TrainingResult recalibrated;
        using (var log = new MetricsLog(path, trainer.MetricsColumns)) recalibrated = trainer.Train(network, log: log);
        Assert.That(recalibrated.Losses, Is.EqualTo(plain.Losses), "train-mode forwards never read the running statistics");
        var rows = MetricsLog.Read(path).Rows.Where(r => r.Values.ContainsKey("validation_neg_mse_running_stats")).ToList();
        Assert.That(rows.Select(r => r.Step), Is.EqualTo(new long[] { 10, 20, 30 }));
        Assert.That(rows[0].Values["validation_neg_mse_running_stats"], Is.EqualTo(plain.Validations[0].Value).Within(1e-9), "before the first recalibration the statistics are training's");
        Assert.That(recalibrated.Validations[0].Value, Is.Not.EqualTo(plain.Validations[0].Value).Within(1e-9));
        Assert.That(() => (config with { Training = config.Training with { RecalibrateBatchNorm = -1 } }).Validate(),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("training.recalibrateBatchNorm"));
    }

    [Test]
    public void Same_seed_gives_the_same_numbers_and_another_seed_does_not()
    {
        var a = Train(new ToyConfig(), 5);
        var b = Train(new ToyConfig(), 5);
        var c = Train(new ToyConfig(), 6);
        Assert.That(b.Result.Losses, Is.EqualTo(a.Result.Losses));
        Assert.That(Weights(b.Network), Is.EqualTo(Weights(a.Network)));
        Assert.That(c.Result.Losses, Is.Not.EqualTo(a.Result.Losses));
    }

    [Test]
    public void Resuming_with_another_learning_rate_uses_the_configured_one()
    {
        var config = new ToyConfig { Training = new ToyConfig().Training with { Steps = 20, ValidateEvery = 10, Schedule = LearningRateSchedule.Constant } };
        var half = Path.Combine(_directory, "rate.safetensors");
        var first = Train(config with { Training = config.Training with { Steps = 10 } }, 3, checkpoint: half);
        var frozen = Train(config with { Training = config.Training with { LearningRate = 1e-12 } }, 3, resume: half);
        var moved = Train(config, 3, resume: half);
        Assert.That(Weights(frozen.Network), Is.EqualTo(Weights(first.Network)).Within(1e-6), "a rate of 1e-12 leaves the weights where they were");
        Assert.That(Weights(moved.Network), Is.Not.EqualTo(Weights(first.Network)).Within(1e-6));
    }

    [Test]
    public void Resuming_from_a_checkpoint_continues_exactly_where_training_stopped([Values(LearningRateSchedule.Constant, LearningRateSchedule.Step)] LearningRateSchedule schedule)
    {
        var config = new ToyConfig { Training = new ToyConfig().Training with { Steps = 20, ValidateEvery = 20, Schedule = schedule, StepEvery = 4, StepDecay = 0.5 } };
        var straight = Train(config, 3);
        var half = Path.Combine(_directory, "half.safetensors");
        Train(config with { Training = config.Training with { Steps = 10, ValidateEvery = 10 } }, 3, checkpoint: half);
        var resumed = Train(config, 3, resume: half);
        Assert.That(resumed.Result.Losses, Is.EqualTo(straight.Result.Losses.Skip(10)));
        Assert.That(Weights(resumed.Network), Is.EqualTo(Weights(straight.Network)));
    }

    [Test]
    public void Native_memory_stays_flat_over_many_steps()
    {
        var config = new ToyConfig { Training = new ToyConfig().Training with { Steps = 600, ValidateEvery = 100, TrainInstances = 128 } };
        var sampler = new SettledMemory(every: 100);
        var (result, _) = Train(config, 2, progress: sampler);
        var live = sampler.Samples.Select(m => m.LiveTensors).ToArray();
        var rss = sampler.Samples.Select(m => m.RssMb).ToArray();
        TestContext.Out.WriteLine("live tensors after steps 100..600: " + string.Join(", ", live));
        TestContext.Out.WriteLine("RSS MB after steps 100..600: " + string.Join(", ", rss.Select(r => r.ToString("F1"))));
        // Exact: every step disposes what it made, so the same tensors are alive after every 100 steps.
        Assert.That(live.Distinct(), Has.Exactly(1).Items, "tensors leaked over 500 steps");
        // After the first sample (allocator warm-up), resident memory must not keep growing.
        Assert.That(rss[^1] - rss[1], Is.LessThan(20), "resident memory grew over 400 steps");
        Assert.That(result.Memory.Select(m => m.LiveTensors), Is.All.Positive, "the trainer's own samples count the tensors too");
        Assert.That(result.PeakNativeMb, Is.GreaterThan(0));
    }

    /// <summary>
    /// Samples memory every N steps after a full collection, so that what earlier tests left to the finalizer, and the
    /// wrappers of this run that wait for it, do not move the numbers: they show what the run keeps.
    /// </summary>
    private sealed class SettledMemory(int every) : IProgress<TrainingProgress>
    {
        public List<MemorySample> Samples { get; } = new();

        public void Report(TrainingProgress value)
        {
            if (value.Step % every != 0) return;
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            Samples.Add(new MemorySample(value.Step, ProcessMemory.CurrentRssMb(), torch.Tensor.TotalCount));
        }
    }

    [Test]
    public void A_non_finite_loss_stops_training_with_a_clear_message()
    {
        var config = new ToyConfig { Training = new ToyConfig().Training with { LearningRate = 1.0, ClipGradientNorm = 0 } };
        var plugin = new ToyPlugin();
        torch.manual_seed(1);
        var network = plugin.CreateNetwork(config);
        using (no_grad()) foreach (var p in network.parameters()) p.fill_(float.NaN);
        var e = Assert.Catch<InvalidOperationException>(() =>
            new Trainer<ToyConfig, ToyInstance, ToyBatch>(plugin, config, CPU, 1).Train(network));
        Assert.That(e!.Message, Does.Contain("loss became NaN at step 1"));
    }

    [Test]
    public void Config_overrides_are_applied_and_validated_naming_the_key()
    {
        var config = ConfigBinder.Resolve(new ToyConfig(), new JsonObject { ["hidden"] = 4 }, new[] { "training.steps=7", "Training.LearningRate=0.5", "note=42" });
        Assert.That(config.Hidden, Is.EqualTo(4));
        Assert.That(config.Training.Steps, Is.EqualTo(7));
        Assert.That(config.Training.LearningRate, Is.EqualTo(0.5));
        Assert.That(config.Note, Is.EqualTo("42"));

        var unknown = Assert.Throws<ArgumentException>(() => ConfigBinder.Resolve(new ToyConfig(), null, new[] { "training.stepz=7" }));
        Assert.That(unknown!.Message, Does.Contain("Unknown config key 'training.stepz'").And.Contain("steps"));
        var type = Assert.Throws<ArgumentException>(() => ConfigBinder.Resolve(new ToyConfig(), null, new[] { "training.steps=many" }));
        Assert.That(type!.Message, Does.Contain("training.steps=many").And.Contain("expected a number"));
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => ConfigBinder.Resolve(new ToyConfig(), null, new[] { "training.steps=0" }));
        Assert.That(range!.Message, Does.Contain("training.steps"));
        var hidden = Assert.Throws<ArgumentOutOfRangeException>(() => ConfigBinder.Resolve(new ToyConfig(), null, new[] { "hidden=1000" }));
        Assert.That(hidden!.Message, Does.Contain("hidden").And.Contain("1..256"));
        Assert.Throws<ArgumentException>(() => ConfigBinder.Resolve(new ToyConfig(), null, new[] { "hidden" }));
        Assert.Throws<ArgumentException>(() => ConfigBinder.Resolve(new ToyConfig(), new JsonObject { ["bogus"] = 1 }, Array.Empty<string>()));
    }

    [Test]
    public void A_list_setting_takes_json_or_comma_separated_words()
    {
        RoutedMtlConfig Resolve(string assignment) => ConfigBinder.Resolve(new RoutedMtlConfig(), null, new[] { assignment });
        Assert.That(Resolve("schemes=singleTask,naive").Schemes, Is.EqualTo(new[] { Scheme.SingleTask, Scheme.Naive }));
        Assert.That(Resolve("schemes=[singleTask]").Schemes, Is.EqualTo(new[] { Scheme.SingleTask }));
        Assert.That(Resolve("schemes=[\"naive\"]").Schemes, Is.EqualTo(new[] { Scheme.Naive }));
        Assert.That(Resolve("curveSizes=5").CurveSizes, Is.EqualTo(new[] { 5 }));
        Assert.That(Resolve("curveSizes=[5, 12]").CurveSizes, Is.EqualTo(new[] { 5, 12 }));
        Assert.That(Resolve("curveSizes=5,20").CurveSizes, Is.EqualTo(new[] { 5, 20 }));
        var bad = Assert.Throws<ArgumentException>(() => Resolve("schemes=singleTask,bogus"));
        Assert.That(bad!.Message, Does.Contain("'schemes[1]' = \"bogus\" is not one of Proposed, SingleTask, Naive"));
    }

    [TestCase("packing=Diagonal", "'packing' = \"Diagonal\" is not one of Contiguous, SlotAligned.")]
    [TestCase("packing=7", "'packing' = \"7\" is not one of Contiguous, SlotAligned.")]
    [TestCase("training.schedule=1", "'training.schedule' = \"1\" is not one of Constant, Cosine, Step")]
    public void An_enum_setting_takes_only_its_names_and_says_which(string assignment, string expected)
    {
        Assert.That(ConfigBinder.Resolve(new CfHgnnConfig(), null, new[] { "packing=slotAligned" }).Packing, Is.EqualTo(FeaturePacking.SlotAligned),
            "names are read case-insensitively");
        var e = Assert.Throws<ArgumentException>(() => ConfigBinder.Resolve(new CfHgnnConfig(), null, new[] { assignment }));
        Assert.That(e!.Message, Does.Contain(expected));
    }

    [TestCase("kappa=[NaN,1,1,1]", "config: 'kappa[0]' = \"NaN\" is not a number.")]
    [TestCase("qosMargin=lots", "--set qosMargin=lots: expected a number.")]
    [TestCase("hidden=1.5", "config: 'hidden' = 1.5 is not a whole number.")]
    [TestCase("trainingMix=[{\"aps\":\"x\"}]", "config: 'trainingMix[0].aps' = \"x\" is not a whole number.")]
    [TestCase("uplinkQosFloor=maybe", "--set uplinkQosFloor=maybe: expected true or false.")]
    public void A_value_of_the_wrong_kind_is_refused_naming_the_key_the_value_and_the_kind(string assignment, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => ConfigBinder.Resolve(new CfHgnnConfig(), null, new[] { assignment }));
        Assert.That(e!.Message, Is.EqualTo(expected));
    }

    [Test]
    public void An_experiment_writes_report_curves_plots_and_a_checkpoint_that_evaluates_to_the_same_numbers()
    {
        var plugin = new ToyPlugin();
        var trained = plugin.Run(new ExperimentRequest { Mode = ExperimentMode.Train, Device = CPU, OutputDirectory = _directory, Seed = 4 });
        foreach (var file in new[] { "report.json", "metrics.csv", "model.safetensors", "model.state", "training.png", "cdf_test.png" })
            Assert.That(File.Exists(Path.Combine(_directory, file)), Is.True, file);

        var report = ReportWriter.ReadJson(Path.Combine(_directory, "report.json"));
        Assert.That(report.Plugin, Is.EqualTo("toy"));
        Assert.That(report.Seed, Is.EqualTo(4));
        Assert.That(report.Model!.Metrics.Keys, Does.Contain("neg_mse").And.Contain("ratio_to_zero"));
        // Per-instance shortfalls behind predicting zero: the largest is at least their mean, the difference of the means.
        double meanShortfall = report.Baselines["zero"].Metrics["neg_mse"] - report.Model.Metrics["neg_mse"];
        Assert.That(report.Model.Metrics["shortfall_to_zero_max"], Is.GreaterThanOrEqualTo(meanShortfall - 1e-12));
        Assert.That(report.Model.Metrics["shortfall_to_zero_p99"], Is.LessThanOrEqualTo(report.Model.Metrics["shortfall_to_zero_max"]));
        Assert.That(report.Baselines.Keys, Is.EquivalentTo(new[] { "zero" }));
        Assert.That(report.Training!.Steps, Is.EqualTo(30));
        Assert.That(report.Model.TimePerInstance.Median, Is.GreaterThan(0));
        Assert.That(report.Model.Metrics["neg_mse"], Is.GreaterThan(report.Baselines["zero"].Metrics["neg_mse"]), "the model beats predicting zero");
        var (columns, rows) = MetricsLog.Read(Path.Combine(_directory, "metrics.csv"));
        Assert.That(rows, Has.Count.EqualTo(30));
        Assert.That(columns, Does.Contain("validation_neg_mse"));

        var evalDir = Path.Combine(_directory, "eval");
        var evaluated = plugin.Run(new ExperimentRequest
        {
            Mode = ExperimentMode.Evaluate, Device = CPU, OutputDirectory = evalDir, Checkpoint = Path.Combine(_directory, "model.safetensors"),
        });
        Assert.That(evaluated.Report.Model!.Metrics["neg_mse"], Is.EqualTo(trained.Report.Model!.Metrics["neg_mse"]).Within(1e-9));
        Assert.That(evaluated.Report.Training, Is.Null);
        Assert.That(Checkpoint.ReadInfo(Path.Combine(_directory, "model.safetensors")).Step, Is.EqualTo(30));
    }

    [Test]
    public void Evaluating_a_checkpoint_with_settings_that_build_another_network_names_the_changed_settings()
    {
        var plugin = new ToyPlugin();
        plugin.Run(new ExperimentRequest
        {
            Mode = ExperimentMode.Train, Device = CPU, OutputDirectory = _directory, Seed = 4, Overrides = new[] { "training.steps=2" },
        });
        var e = Assert.Throws<CheckpointMismatchException>(() => plugin.Run(new ExperimentRequest
        {
            Mode = ExperimentMode.Evaluate, Device = CPU, OutputDirectory = Path.Combine(_directory, "eval"),
            Checkpoint = Path.Combine(_directory, "model.safetensors"), Overrides = new[] { "hidden=16", "note=other" },
        }))!;
        Assert.That(e.Message, Does.Contain("these settings build another network")
            .And.Contain("Changed from the checkpoint's settings: hidden: 8 → 16; note: \"toy\" → \"other\".")
            .And.Contain("has shape [8, 4] in the checkpoint but [16, 4] in the network"));
    }

    [Test]
    public void Changed_values_are_listed_by_their_dotted_path()
    {
        var saved = JsonNode.Parse("""{"a": 1, "b": {"c": [1, 2], "d": "x"}, "gone": true}""");
        var now = JsonNode.Parse("""{"a": 1, "b": {"c": [1, 3], "d": "x"}, "new": 2}""");
        Assert.That(ConfigBinder.ChangedValues(saved, now),
            Is.EqualTo(new[] { "b.c: [1,2] → [1,3]", "gone: true → (none)", "new: (none) → 2" }));
        Assert.That(ConfigBinder.ChangedValues(saved, saved), Is.Empty);
    }
}
