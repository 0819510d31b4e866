using System.Text.Json;
using TorchSharp;
using WirelessGnn.Models.Checkpoints;
using WirelessGnn.Models.Configuration;
using WirelessGnn.Models.Evaluation;
using WirelessGnn.Models.Plugins;
using WirelessGnn.Models.Reporting;
using WirelessGnn.Models.Training;
using static TorchSharp.torch;

namespace WirelessGnn.Models.Experiments;

/// <summary>
/// One run of a plugin, the same for every plugin: resolve the config, seed, train (or load a checkpoint), evaluate
/// the model and the baselines on the seeded test sets, and write <c>report.json</c>, <c>metrics.csv</c>, the
/// checkpoint and the plots into the output folder.
/// </summary>
public sealed class Experiment<TConfig, TInstance, TBatch>
    where TConfig : class, IPluginConfig
    where TBatch : IDisposable
{
    public const string CheckpointFile = "model.safetensors";

    private readonly ModelPlugin<TConfig, TInstance, TBatch> _plugin;

    public Experiment(ModelPlugin<TConfig, TInstance, TBatch> plugin) => _plugin = plugin;

    public ExperimentOutcome Run(ExperimentRequest request)
    {
        var log = request.Log ?? (_ => { });
        var config = ResolveConfig(request);
        Directory.CreateDirectory(request.OutputDirectory);
        var files = new List<string>();
        var configJson = ConfigBinder.ToJson(config);

        torch.manual_seed(request.Seed);
        var network = _plugin.CreateNetwork(config);
        network.to(request.Device);
        TrainingResult? training = null;
        List<(long Step, IReadOnlyDictionary<string, double> Values)>? curve = null;

        if (request.Mode == ExperimentMode.Evaluate)
        {
            LoadForEvaluation(request.Checkpoint!, network, configJson);
            log($"loaded {request.Checkpoint}");
        }
        else
        {
            var checkpoint = Path.Combine(request.OutputDirectory, CheckpointFile);
            var metricsPath = Path.Combine(request.OutputDirectory, "metrics.csv");
            var info = new CheckpointInfo(_plugin.Info.Name, _plugin.Info.Version, request.Seed, configJson.ToJsonString(),
                _plugin.SchemaDescription(config), 0, typeof(Experiment<,,>).Assembly.GetName().Version?.ToString() ?? "");
            var trainer = new Trainer<TConfig, TInstance, TBatch>(_plugin, config, request.Device, request.Seed);
            using var metrics = new MetricsLog(metricsPath, trainer.MetricsColumns, append: request.Resume is not null && File.Exists(metricsPath));
            log($"training {_plugin.Info.Name}: {config.Training.Steps} steps of {config.Training.BatchSize} on {request.Device.type}");
            training = trainer.Train(network, request.Progress, metrics, checkpoint, request.Resume, info, request.Cancel);
            curve = metrics.Rows.ToList();
            files.Add(metricsPath);
            files.Add(checkpoint);
            log($"trained {training.Steps} steps in {training.WallSeconds:F1} s; best validation {training.BestValidation:G5} at step {training.BestStep}");
        }

        var evaluator = new Evaluator<TConfig, TInstance, TBatch>(_plugin, request.Device);
        var sets = _plugin.EvaluationSets(config);
        var evaluations = new List<SetEvaluation>();
        foreach (var set in sets)
        {
            log($"evaluating on {set.Instances} instances of {set.Name}");
            evaluations.Add(evaluator.Evaluate(network, set, _plugin.EvaluationBatchSize(config), log));
        }

        var report = BuildReport(request, configJson, evaluations, training);
        files.Add(ReportWriter.WriteJson(request.OutputDirectory, report));
        files.AddRange(DrawPlots(request.OutputDirectory, evaluations, curve));
        return new ExperimentOutcome(report, request.OutputDirectory, files);
    }

    /// <summary>
    /// Loads the checkpoint to evaluate; where the settings given with it build another network (a size the network's
    /// inputs depend on, changed with <c>--set</c>), says which settings differ from the checkpoint's.
    /// </summary>
    private static void LoadForEvaluation(string path, nn.Module network, System.Text.Json.Nodes.JsonObject configJson)
    {
        try
        {
            Checkpoint.Load(path, network);
        }
        catch (CheckpointMismatchException e)
        {
            var changed = ConfigBinder.ChangedValues(System.Text.Json.Nodes.JsonNode.Parse(Checkpoint.ReadInfo(path).ConfigJson), configJson);
            throw new CheckpointMismatchException(
                $"--checkpoint '{path}': these settings build another network than the one it holds ({e.Mismatches}). " +
                $"Changed from the checkpoint's settings: {(changed.Count > 0 ? string.Join("; ", changed) : "none")}. " +
                "The model takes the sizes it was built for; evaluate it there, or train one at these.", e.TensorName, e.Mismatches);
        }
    }

    internal TConfig ResolveConfig(ExperimentRequest request)
    {
        var defaults = _plugin.DefaultConfig(request.Quick);
        if (request.Mode == ExperimentMode.Evaluate)
        {
            if (request.Checkpoint is null) throw new ArgumentException("eval needs --checkpoint <file>.");
            var info = Checkpoint.ReadInfo(request.Checkpoint);
            if (!string.Equals(info.Plugin, _plugin.Info.Name, StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"--checkpoint '{request.Checkpoint}' was trained by plugin '{info.Plugin}', not '{_plugin.Info.Name}'.");
            // The checkpoint's config describes the network; the file and --set may change the evaluation settings.
            defaults = ConfigBinder.FromJson<TConfig>((System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse(info.ConfigJson)!);
        }
        return ConfigBinder.Resolve(defaults, request.ConfigFile, request.Overrides);
    }

    /// <summary>The report of a model (or none) and the baselines on evaluation sets, the first being the main one.</summary>
    internal ExperimentReport BuildReport(ExperimentRequest request, System.Text.Json.Nodes.JsonObject config,
        List<SetEvaluation> evaluations, TrainingResult? training)
    {
        var modelMetrics = new Dictionary<string, double>();
        var baselineMetrics = evaluations[0].Baselines.Keys.ToDictionary(k => k, _ => new Dictionary<string, double>());
        for (int s = 0; s < evaluations.Count; s++)
        {
            var e = evaluations[s];
            string set = s == 0 ? "" : e.Set;
            foreach (var (name, values) in e.Model.Metrics) modelMetrics[MetricKeys.OnSet(name, set)] = values.Average();
            foreach (var (baseline, scores) in e.Baselines)
            {
                foreach (var (name, values) in scores.Metrics) baselineMetrics[baseline][MetricKeys.OnSet(name, set)] = values.Average();
                // The main set's timings are the methods' TimePerInstance; other sets carry theirs as metrics.
                if (s > 0) AddTimings(baselineMetrics[baseline], scores.Timing, set);
                if (e.Model.Metrics.Count > 0)
                {
                    var primary = _plugin.PrimaryMetric;
                    modelMetrics[MetricKeys.OnSet(MetricKeys.RatioPrefix + baseline, set)] = e.Model.Metrics[primary].Average() / scores.Metrics[primary].Average();
                    var shortfall = e.Model.ShortfallBehind(scores, primary, _plugin.HigherIsBetter);
                    modelMetrics[MetricKeys.OnSet(MetricKeys.ShortfallP99(baseline), set)] = MethodScores.Percentile(shortfall, 0.99);
                    modelMetrics[MetricKeys.OnSet(MetricKeys.ShortfallMax(baseline), set)] = shortfall.Max();
                }
            }
            if (e.Model.Metrics.Count > 0)
            {
                modelMetrics[MetricKeys.OnSet(MetricKeys.InputPreparation, set)] = e.PrepareSecondsPerInstance;
                if (s > 0) AddTimings(modelMetrics, e.Model.Timing, set);
            }
        }
        var main = evaluations[0];
        return new ExperimentReport(
            _plugin.Info.Name, _plugin.Info.Problem, request.Seed, request.Device.ToString(), config,
            main.Model.Metrics.Count > 0 ? new MethodResult(modelMetrics, main.Model.Timing) : null,
            main.Baselines.ToDictionary(kv => kv.Key, kv => new MethodResult(baselineMetrics[kv.Key], kv.Value.Timing)),
            _plugin.PaperNumbers(ConfigBinder.FromJson<TConfig>(config)),
            training is null ? null : new TrainingSummary(training.Steps, training.WallSeconds, training.PeakNativeMb, training.FinalLoss));
    }

    private static void AddTimings(Dictionary<string, double> metrics, TimingSummary timing, string set)
    {
        metrics[MetricKeys.OnSet(MetricKeys.MedianTime, set)] = timing.Median;
        metrics[MetricKeys.OnSet(MetricKeys.P90Time, set)] = timing.P90;
    }

    private IEnumerable<string> DrawPlots(string directory, List<SetEvaluation> evaluations,
        List<(long Step, IReadOnlyDictionary<string, double> Values)>? curve)
    {
        if (curve is { Count: > 0 })
        {
            var path = Path.Combine(directory, "training.png");
            var series = curve.SelectMany(r => r.Values.Keys).Distinct().Where(k => k == "loss" || k.StartsWith("validation_")).ToList();
            Plots.TrainingCurves(path, curve, series, $"{_plugin.Info.Name}: training");
            yield return path;
        }
        foreach (var e in evaluations)
        {
            var primary = _plugin.PrimaryMetric;
            var samples = new Dictionary<string, double[]>();
            if (e.Model.Metrics.Count > 0) samples[_plugin.Info.Name] = e.Model.Metrics[primary];
            foreach (var (name, scores) in e.Baselines) samples[name] = scores.Metrics[primary];
            var path = Path.Combine(directory, $"cdf_{FileName(e.Set)}.png");
            Plots.Cdf(path, samples, primary, $"{_plugin.Info.Name}: CDF of {primary} ({e.Set}, {samples.First().Value.Length} instances)");
            yield return path;
        }
    }

    private static string FileName(string name) => new(name.Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray());
}
