using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
using NUnit.Framework;
using WirelessGnn.Models.Reporting;
using WirelessGnn.Models.Evaluation;

namespace WirelessGnn.Tests.Models;

[TestFixture]
public class ReportingTests
{
    private string _directory = "";

    [SetUp]
    public void CreateDirectory()
    {
        _directory = Path.Combine(Path.GetTempPath(), "wgnn-reporting-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void DeleteDirectory()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    private static ExperimentReport Sample() => new(
        "cf-hgnn", "mdd-cell-free", 7, "cpu",
        new JsonObject { ["aps"] = 16, ["lr"] = 0.001, ["layers"] = new JsonArray(32, 32), ["name"] = "x" },
        new MethodResult(new Dictionary<string, double> { ["sum_se"] = 12.5, ["min_se"] = 0.25, ["violation"] = double.NaN },
            new TimingSummary(4.5e-5, 6.1e-5, 64, 1000)),
        new Dictionary<string, MethodResult>
        {
            ["wmmse"] = new(new Dictionary<string, double> { ["sum_se"] = 12.0, ["min_se"] = 0.5 }, new TimingSummary(0.012, 0.02, 1, 1000)),
            ["equal_power"] = new(new Dictionary<string, double> { ["sum_se"] = 8.0, ["min_se"] = double.PositiveInfinity }, new TimingSummary(1e-6, 2e-6, 1000, 1000)),
        },
        new Dictionary<string, double> { ["sum_se"] = 12.8, ["speedup"] = 300 },
        new TrainingSummary(2000, 123.4, 812.5, -12.25));

    [Test]
    public void Report_json_has_exactly_the_schema_with_snake_case_keys_and_types()
    {
        var path = ReportWriter.WriteJson(Path.Combine(_directory, "run"), Sample());
        Assert.That(path, Is.EqualTo(Path.Combine(_directory, "run", "report.json")));
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = document.RootElement;

        Assert.That(Keys(root), Is.EqualTo(new[] { "plugin", "problem", "seed", "device", "config", "model", "baselines", "paper", "training" }));
        Assert.That(root.GetProperty("plugin").GetString(), Is.EqualTo("cf-hgnn"));
        Assert.That(root.GetProperty("problem").GetString(), Is.EqualTo("mdd-cell-free"));
        Assert.That(root.GetProperty("seed").ValueKind, Is.EqualTo(JsonValueKind.Number));
        Assert.That(root.GetProperty("seed").GetInt32(), Is.EqualTo(7));
        Assert.That(root.GetProperty("device").GetString(), Is.EqualTo("cpu"));
        var config = root.GetProperty("config");
        Assert.That(config.ValueKind, Is.EqualTo(JsonValueKind.Object));
        Assert.That(config.GetProperty("aps").GetInt32(), Is.EqualTo(16));
        Assert.That(config.GetProperty("layers").GetArrayLength(), Is.EqualTo(2));

        CheckMethod(root.GetProperty("model"), new[] { "sum_se", "min_se", "violation" });
        Assert.That(root.GetProperty("model").GetProperty("metrics").GetProperty("violation").ValueKind, Is.EqualTo(JsonValueKind.Null), "NaN is written as null");
        Assert.That(root.GetProperty("model").GetProperty("metrics").GetProperty("sum_se").GetDouble(), Is.EqualTo(12.5));
        var time = root.GetProperty("model").GetProperty("time_per_instance_s");
        Assert.That(time.GetProperty("median").GetDouble(), Is.EqualTo(4.5e-5));
        Assert.That(time.GetProperty("batch_size").GetInt32(), Is.EqualTo(64));

        var baselines = root.GetProperty("baselines");
        Assert.That(baselines.ValueKind, Is.EqualTo(JsonValueKind.Object));
        Assert.That(Keys(baselines), Is.EqualTo(new[] { "wmmse", "equal_power" }));
        CheckMethod(baselines.GetProperty("wmmse"), new[] { "sum_se", "min_se" });
        CheckMethod(baselines.GetProperty("equal_power"), new[] { "sum_se", "min_se" });
        Assert.That(baselines.GetProperty("equal_power").GetProperty("metrics").GetProperty("min_se").ValueKind, Is.EqualTo(JsonValueKind.Null), "Infinity is written as null");

        var paper = root.GetProperty("paper");
        Assert.That(Keys(paper), Is.EqualTo(new[] { "sum_se", "speedup" }));
        Assert.That(paper.EnumerateObject().All(p => p.Value.ValueKind == JsonValueKind.Number), Is.True);

        var training = root.GetProperty("training");
        Assert.That(Keys(training), Is.EqualTo(new[] { "steps", "wall_s", "peak_native_mb", "final_loss" }));
        Assert.That(training.EnumerateObject().All(p => p.Value.ValueKind == JsonValueKind.Number), Is.True);
        Assert.That(training.GetProperty("steps").GetInt64(), Is.EqualTo(2000));
        Assert.That(training.GetProperty("final_loss").GetDouble(), Is.EqualTo(-12.25));
    }

    private static void CheckMethod(JsonElement method, string[] metrics)
    {
        Assert.That(method.ValueKind, Is.EqualTo(JsonValueKind.Object));
        Assert.That(Keys(method), Is.EqualTo(new[] { "metrics", "time_per_instance_s" }));
        var m = method.GetProperty("metrics");
        Assert.That(Keys(m), Is.EqualTo(metrics));
        Assert.That(m.EnumerateObject().All(p => p.Value.ValueKind is JsonValueKind.Number or JsonValueKind.Null), Is.True);
        var t = method.GetProperty("time_per_instance_s");
        Assert.That(Keys(t), Is.EqualTo(new[] { "median", "p90", "batch_size", "instances" }));
        Assert.That(t.EnumerateObject().All(p => p.Value.ValueKind == JsonValueKind.Number), Is.True);
        Assert.That(t.GetProperty("batch_size").TryGetInt32(out _), Is.True, "batch_size is an integer");
        Assert.That(t.GetProperty("instances").TryGetInt32(out _), Is.True, "instances is an integer");
    }

    private static string[] Keys(JsonElement e) => e.EnumerateObject().Select(p => p.Name).ToArray();

    [Test]
    public void Read_gives_back_what_was_written()
    {
        var original = Sample();
        var path = ReportWriter.WriteJson(_directory, original);
        var read = ReportWriter.ReadJson(path);

        Assert.That(read.Plugin, Is.EqualTo(original.Plugin));
        Assert.That(read.Problem, Is.EqualTo(original.Problem));
        Assert.That(read.Seed, Is.EqualTo(original.Seed));
        Assert.That(read.Device, Is.EqualTo(original.Device));
        Assert.That(JsonNode.DeepEquals(read.Config, original.Config), Is.True);
        AssertSame(read.Model!, original.Model!);
        Assert.That(read.Baselines.Keys, Is.EqualTo(original.Baselines.Keys));
        foreach (var name in original.Baselines.Keys) AssertSame(read.Baselines[name], original.Baselines[name]);
        Assert.That(read.Paper, Is.EqualTo(original.Paper));
        Assert.That(read.Training, Is.EqualTo(original.Training));

        // Writing what was read gives the same file.
        var again = ReportWriter.WriteJson(Path.Combine(_directory, "again"), read);
        Assert.That(File.ReadAllText(again), Is.EqualTo(File.ReadAllText(path)));
    }

    /// <summary>Equal, except that NaN and infinities come back as NaN (JSON null).</summary>
    private static void AssertSame(MethodResult actual, MethodResult expected)
    {
        Assert.That(actual.TimePerInstance, Is.EqualTo(expected.TimePerInstance));
        Assert.That(actual.Metrics.Keys, Is.EqualTo(expected.Metrics.Keys));
        foreach (var (k, v) in expected.Metrics)
            Assert.That(actual.Metrics[k], Is.EqualTo(double.IsFinite(v) ? v : double.NaN), k);
    }

    [Test]
    public void A_report_without_model_or_training_writes_nulls_and_reads_back()
    {
        var report = Sample() with { Model = null, Training = null, Paper = new Dictionary<string, double>() };
        var path = ReportWriter.WriteJson(_directory, report);
        using (var document = JsonDocument.Parse(File.ReadAllText(path)))
        {
            Assert.That(document.RootElement.GetProperty("model").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(document.RootElement.GetProperty("training").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(document.RootElement.GetProperty("paper").ValueKind, Is.EqualTo(JsonValueKind.Object));
        }
        var read = ReportWriter.ReadJson(path);
        Assert.That(read.Model, Is.Null);
        Assert.That(read.Training, Is.Null);
        Assert.That(read.Paper, Is.Empty);

        var noLoss = Sample() with { Training = new TrainingSummary(5, 1, 2, null) };
        Assert.That(ReportWriter.ReadJson(ReportWriter.WriteJson(_directory, noLoss)).Training, Is.EqualTo(noLoss.Training));
    }

    [Test]
    public void Reading_a_report_with_a_missing_key_names_it()
    {
        var path = Path.Combine(_directory, "report.json");
        File.WriteAllText(path, "{\"plugin\":\"p\",\"problem\":\"q\",\"seed\":1,\"device\":\"cpu\",\"config\":{},\"model\":null,\"baselines\":{\"b\":{\"metrics\":{}}},\"paper\":{},\"training\":null}");
        var e = Assert.Throws<InvalidDataException>(() => ReportWriter.ReadJson(path))!;
        Assert.That(e.Message, Does.Contain("baselines.b.time_per_instance_s"));
    }

    [Test]
    public void The_table_has_a_row_per_method_a_paper_row_the_ratio_and_times()
    {
        var table = ReportWriter.FormatTable(Sample());
        TestContext.Out.WriteLine(table);
        var lines = table.TrimEnd('\n').Split('\n');
        Assert.That(lines[0], Does.Contain("cf-hgnn").And.Contain("mdd-cell-free").And.Contain("seed 7"));
        Assert.That(lines[2], Is.EqualTo("test set"));
        var header = lines[3];
        Assert.That(header, Does.StartWith("method"));
        Assert.That(header, Does.Contain("sum_se").And.Contain("min_se").And.Contain("violation").And.Contain("model/method sum_se")
            .And.Contain("median time/instance").And.Contain("p90 time/instance").And.Contain("method/model time"));
        Assert.That(lines[4], Does.Match("^-+( +-+)+$"));
        var rows = lines.Skip(5).ToList();
        Assert.That(rows[0], Does.StartWith("cf-hgnn"));
        Assert.That(rows[1], Does.StartWith("wmmse"));
        Assert.That(rows[2], Does.StartWith("equal_power"));
        Assert.That(rows[3], Does.StartWith("paper"));
        Assert.That(rows[1], Does.Contain("1.042"), "12.5 / 12.0");
        Assert.That(rows[2], Does.Contain("1.562"), "12.5 / 8 = 1.5625, rounded half to even");
        Assert.That(rows[3], Does.Contain("12.80").And.Contain("0.9766"));
        Assert.That(rows[0], Does.Contain("45.0 us").And.Contain("61.0 us"));
        Assert.That(rows[1], Does.Contain("12.0 ms").And.Contain("266.7"), "12 ms / 45 us: the baseline is 266.7x slower");
        Assert.That(table, Does.Contain("paper speedup: 300.0"));
        Assert.That(table, Does.Contain("training: 2000 steps"));
        Assert.That(lines.Skip(3).Take(6).Select(l => l.Length).Distinct().Count(), Is.EqualTo(1), "fixed width: header, rule and rows line up");
    }

    [Test]
    public void Metrics_of_other_test_sets_get_their_own_block_without_the_suffix()
    {
        var report = Sample();
        var model = new Dictionary<string, double>(report.Model!.Metrics) { ["sum_se@K=50"] = 30.0, ["time_per_instance_median_s@K=50"] = 1e-4, ["ratio_to_wmmse@K=50"] = 0.9 };
        var wmmse = new Dictionary<string, double>(report.Baselines["wmmse"].Metrics) { ["sum_se@K=50"] = 40.0, ["time_per_instance_median_s@K=50"] = 2e-2 };
        report = report with
        {
            Model = report.Model with { Metrics = model },
            Baselines = new Dictionary<string, MethodResult>(report.Baselines) { ["wmmse"] = report.Baselines["wmmse"] with { Metrics = wmmse } },
        };
        var table = ReportWriter.FormatTable(report);
        TestContext.Out.WriteLine(table);
        var lines = table.Split('\n').ToList();
        int block = lines.IndexOf("test set K=50");
        Assert.That(block, Is.GreaterThan(0), "a block for K=50");
        Assert.That(lines[block + 1], Does.Contain("sum_se").And.Not.Contain("@").And.Not.Contain("ratio_to_"));
        Assert.That(lines[block + 3], Does.StartWith("cf-hgnn").And.Contain("30.00").And.Contain("100 us"));
        Assert.That(lines[block + 4], Does.StartWith("wmmse").And.Contain("40.00").And.Contain("0.7500").And.Contain("200.0"));
        Assert.That(lines.Take(block).Any(l => l.Contains("30.00")), Is.False, "K=50 numbers stay out of the main block");
    }

    [Test]
    public void A_shortfall_is_positive_where_the_model_is_behind_in_either_direction_of_better()
    {
        var model = new MethodScores(new Dictionary<string, double[]> { ["se"] = new[] { 10.0, 8.0, 12.0 } }, new[] { 1e-3 }, 1);
        var solver = new MethodScores(new Dictionary<string, double[]> { ["se"] = new[] { 11.0, 8.5, 11.0 } }, new[] { 1.0 }, 1);
        Assert.That(model.ShortfallBehind(solver, "se", higherIsBetter: true), Is.EqualTo(new[] { 1.0, 0.5, -1.0 }));
        Assert.That(model.ShortfallBehind(solver, "se", higherIsBetter: false), Is.EqualTo(new[] { -1.0, -0.5, 1.0 }), "for an error, more is behind");
        var fewer = new MethodScores(new Dictionary<string, double[]> { ["se"] = new[] { 1.0 } }, new[] { 1.0 }, 1);
        Assert.That(() => model.ShortfallBehind(fewer, "se", true), Throws.ArgumentException.With.Message.Contains("same instances"));
    }

    [Test]
    public void The_table_states_the_models_shortfall_behind_each_baseline()
    {
        var report = Sample();
        var model = new Dictionary<string, double>(report.Model!.Metrics) { ["shortfall_to_wmmse_p99"] = 1.25, ["shortfall_to_wmmse_max"] = 2.5 };
        var table = ReportWriter.FormatTable(report with { Model = report.Model with { Metrics = model } });
        TestContext.Out.WriteLine(table);
        var line = table.Split('\n').Single(l => l.StartsWith("model's per-instance shortfall", StringComparison.Ordinal));
        Assert.That(line, Does.Contain("wmmse 1.250 / 2.500"));
        Assert.That(table.Split('\n').Where(l => l.StartsWith("method", StringComparison.Ordinal)).Single(), Does.Not.Contain("shortfall"), "not a column");
    }

    [Test]
    public void Metrics_log_streams_rows_with_columns_fixed_by_the_first()
    {
        var path = Path.Combine(_directory, "logs", "metrics.csv");
        using (var log = new MetricsLog(path))
        {
            log.Append(0, new Dictionary<string, double> { ["loss"] = 1.5, ["validation_sum_se"] = 3.25 });
            Assert.That(File.ReadAllLines(path), Has.Length.EqualTo(2), "flushed after each row");
            log.Append(10, new Dictionary<string, double> { ["loss"] = 0.1 + 0.2 });
            log.Append(20, new Dictionary<string, double> { ["validation_sum_se"] = double.NaN, ["loss"] = -1e-20 });
            var e = Assert.Throws<ArgumentException>(() => log.Append(30, new Dictionary<string, double> { ["lr"] = 0.1 }))!;
            Assert.That(e.Message, Does.Contain("'lr'"));
            Assert.That(log.Rows, Has.Count.EqualTo(3));
            Assert.That(log.Rows[1].Step, Is.EqualTo(10));
            Assert.That(log.Rows[1].Values.ContainsKey("validation_sum_se"), Is.False);
        }
        Assert.That(File.ReadAllLines(path), Is.EqualTo(new[]
        {
            "step,loss,validation_sum_se",
            "0,1.5,3.25",
            "10,0.30000000000000004,",
            "20,-1E-20,NaN",
        }));

        var (columns, rows) = MetricsLog.Read(path);
        Assert.That(columns, Is.EqualTo(new[] { "loss", "validation_sum_se" }));
        Assert.That(rows.Select(r => r.Step), Is.EqualTo(new[] { 0L, 10, 20 }));
        Assert.That(rows[1].Values["loss"], Is.EqualTo(0.1 + 0.2), "round-trip precision");
        Assert.That(double.IsNaN(rows[2].Values["validation_sum_se"]), Is.True);

        using (var resumed = new MetricsLog(path, columns: null, append: true))
        {
            Assert.That(resumed.Rows, Has.Count.EqualTo(3));
            resumed.Append(30, new Dictionary<string, double> { ["validation_sum_se"] = 4 });
        }
        Assert.That(File.ReadAllLines(path)[^1], Is.EqualTo("30,,4"));
    }

    [Test]
    public void Metrics_log_with_columns_given_up_front_accepts_later_keys()
    {
        var path = Path.Combine(_directory, "metrics.csv");
        using (var log = new MetricsLog(path, new[] { "loss", "validation_objective" }))
        {
            log.Append(1, new Dictionary<string, double> { ["loss"] = 2 });
            log.Append(2, new Dictionary<string, double> { ["validation_objective"] = 3 });
        }
        Assert.That(File.ReadAllLines(path), Is.EqualTo(new[] { "step,loss,validation_objective", "1,2,", "2,,3" }));
    }

    [Test]
    public void Plots_write_valid_png_files()
    {
        var rows = new List<(long Step, IReadOnlyDictionary<string, double> Values)>();
        for (int step = 0; step <= 200; step += 5)
        {
            var values = new Dictionary<string, double> { ["loss"] = 0.5 * Math.Exp(-step / 60.0) + 0.01 };
            if (step % 25 == 0) values["validation_sum_se"] = 80 + 40 * (1 - Math.Exp(-step / 50.0));
            if (step % 25 == 0) values["validation_min_se"] = 20 + 10 * (1 - Math.Exp(-step / 50.0));
            rows.Add((step, values));
        }
        var curves = Path.Combine(_directory, "training.png");
        Plots.TrainingCurves(curves, rows, new[] { "loss", "validation_sum_se", "validation_min_se" }, "cf-hgnn: training");
        AssertPng(curves);

        var rng = new Random(3);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var samples = new Dictionary<string, double[]>
        {
            ["cf-hgnn"] = Enumerable.Range(0, 300).Select(_ => 12 + 1.5 * Normal()).ToArray(),
            ["wmmse"] = Enumerable.Range(0, 300).Select(_ => 11.5 + 2 * Normal()).ToArray(),
            ["equal power"] = Enumerable.Range(0, 300).Select(i => i == 0 ? double.NaN : 8 + Normal()).ToArray(),
        };
        var cdf = Path.Combine(_directory, "cdf.png");
        Plots.Cdf(cdf, samples, "sum SE (bit/s/Hz)", "CDF of the sum SE (test set, 300 instances)");
        AssertPng(cdf);

        var keep = Environment.GetEnvironmentVariable("WGNN_KEEP_PLOTS");
        if (!string.IsNullOrEmpty(keep))
        {
            Directory.CreateDirectory(keep);
            File.Copy(curves, Path.Combine(keep, "training.png"), true);
            File.Copy(cdf, Path.Combine(keep, "cdf.png"), true);
        }
    }

    [Test]
    public void Plots_of_empty_or_non_finite_data_still_write_a_png()
    {
        var curves = Path.Combine(_directory, "empty.png");
        Plots.TrainingCurves(curves, new List<(long, IReadOnlyDictionary<string, double>)>(), Array.Empty<string>(), "nothing yet");
        AssertPng(curves);
        var cdf = Path.Combine(_directory, "nan.png");
        Plots.Cdf(cdf, new Dictionary<string, double[]> { ["m"] = new[] { double.NaN } }, "x", "all NaN");
        AssertPng(cdf);
        Assert.Throws<ArgumentException>(() => Plots.Cdf(cdf, new Dictionary<string, double[]>(), "x", "none"));
    }

    private static void AssertPng(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.That(bytes.Take(8).ToArray(), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), "PNG signature");
        Assert.That(bytes.Skip(12).Take(4).ToArray(), Is.EqualTo("IHDR"u8.ToArray()), "IHDR chunk first");
        int width = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), height = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20));
        Assert.That(width, Is.EqualTo(Plots.Width));
        Assert.That(height, Is.GreaterThan(300));
        Assert.That(bytes.Length, Is.GreaterThan(5000), "non-trivial image");
        Assert.That(bytes[^8..^4], Is.EqualTo("IEND"u8.ToArray()), "IEND chunk last");
    }

    [Test]
    public void Process_memory_is_positive_and_the_peak_is_at_least_the_current()
    {
        double current = ProcessMemory.CurrentRssMb();
        double peak = ProcessMemory.PeakRssMb();
        Assert.That(current, Is.GreaterThan(1));
        Assert.That(peak, Is.GreaterThanOrEqualTo(current));
        Assert.That(peak, Is.LessThan(1 << 20), "MB, not bytes or kB");
    }

    [TestCase(0, "0:00:00")]
    [TestCase(59.4, "0:00:59")]
    [TestCase(3104, "0:51:44")]
    [TestCase(3674.7, "1:01:14")]
    [TestCase(97205, "27:00:05")]
    [TestCase(-3, "0:00:00")]
    public void Durations_count_whole_hours_past_one_and_past_a_day(double seconds, string expected) =>
        Assert.That(Duration.Format(TimeSpan.FromSeconds(seconds)), Is.EqualTo(expected));
}
