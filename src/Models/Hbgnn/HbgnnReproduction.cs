using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using TorchSharp;
using WirelessGnn.Models.Checkpoints;
using WirelessGnn.Models.Configuration;
using WirelessGnn.Models.Evaluation;
using WirelessGnn.Models.Experiments;
using WirelessGnn.Models.Plugins;
using WirelessGnn.Models.Reporting;
using WirelessGnn.Models.Training;
using WirelessGnn.Problems.UltraDenseHetNet;
using static TorchSharp.torch;

namespace WirelessGnn.Models.Hbgnn;

/// <summary>
/// <c>wgnn reproduce hbgnn</c>: trains HBGNN by GRL (or loads the model an earlier run of this reproduction trained), scores
/// it and the five optimisation baselines on the seeded test scenes, runs SRL on the first test scenes, and writes
/// Table III (rate per method), Table IV (time per scene), Table II (parameter counts), Fig. 10 (CDF of the per-UE
/// rates) and, with <c>reproduction.sweep</c> = <c>ues</c> or <c>bss</c>, the density sweep of Fig. 11 or 12 (the
/// default-trained model, not retrained). The paper's numbers are printed beside ours.
/// </summary>
public sealed class HbgnnReproduction
{
    private readonly HbgnnPlugin _plugin;
    private ExperimentRequest _request = null!;
    private Action<string> _log = _ => { };

    public HbgnnReproduction(HbgnnPlugin plugin) => _plugin = plugin;

    private const int MainSeed = 5_000_001;
    private static readonly string[] Order = { "maramp", "msuamp", "msuapc", "uamwser", "juapcmwser", RelaxedAscent.Name, "grl", "srl" };

    /// <summary>The paper's (rate, seconds) of a method; NaN for the reference optimiser, which the paper does not have.</summary>
    private static (double Rate, double Seconds) Paper(string m) => HbgnnPaper.Tables.TryGetValue(m, out var p) ? p : (double.NaN, double.NaN);

    public ExperimentOutcome Run(ExperimentRequest request)
    {
        _request = request;
        _log = request.Log ?? (_ => { });
        var experiment = new Experiment<HbgnnConfig, HetNetScene, HbgnnBatch>(_plugin);
        var config = experiment.ResolveConfig(request);
        Directory.CreateDirectory(request.OutputDirectory);
        var clock = Stopwatch.StartNew();
        var files = new List<string>();
        var s = new StringBuilder();
        var json = new Dictionary<string, object?>();

        var (network, training, curve) = Train(config);
        var set = _plugin.EvaluationSets(config)[0];
        var main = new Evaluator<HbgnnConfig, HetNetScene, HbgnnBatch>(_plugin, request.Device).Evaluate(network, set, _plugin.EvaluationBatchSize(config), _log);
        var report = experiment.BuildReport(request, ConfigBinder.ToJson(config), new List<SetEvaluation> { main }, training);
        files.Add(ReportWriter.WriteJson(request.OutputDirectory, report));
        if (curve is { Count: > 0 })
        {
            var path = Path.Combine(request.OutputDirectory, "training.png");
            Plots.TrainingCurves(path, curve, curve.SelectMany(r => r.Values.Keys).Distinct().Where(k => k == "loss" || k.StartsWith("validation_")).ToList(), "hbgnn: GRL training");
            files.Add(path);
        }

        var scenes = _plugin.Sample(config, config.TestInstances, MainSeed);
        var srlScenes = scenes.Take(config.Reproduction.SrlScenes).ToList();
        _log($"SRL on {srlScenes.Count} test scenes (at most {config.SrlMaxIterations} iterations each)");
        var srl = Srl(network, srlScenes, config);
        double latency = new Evaluator<HbgnnConfig, HetNetScene, HbgnnBatch>(_plugin, request.Device).Latency(network, scenes.Take(20).ToList(), config);
        var floor = new ComputeFloor(network.MultiplyAccumulates(config.Problem.Ues, config.Problem.Bss), MatmulThroughput.Measure(request.Device));

        // Table III / IV
        var rates = new Dictionary<string, double[]>();
        var seconds = new Dictionary<string, double[]>();
        foreach (var (name, scores) in main.Baselines)
        {
            rates[name] = scores.Metrics[HbgnnPlugin.RateMetric];
            seconds[name] = scores.SecondsPerInstance;
        }
        rates["grl"] = main.Model.Metrics[HbgnnPlugin.RateMetric];
        seconds["grl"] = main.Model.SecondsPerInstance;
        rates["srl"] = srl.Select(r => r.Rate).ToArray();
        seconds["srl"] = srl.Select(r => r.Seconds).ToArray();
        s.AppendLine($"## HBGNN reproduction: {HbgnnPlugin.SetName(config.Problem)}, {scenes.Count} test scenes (SRL on the first {srl.Count}), device {request.Device}, {Environment.ProcessorCount} cores");
        s.AppendLine();
        TableIII(rates, srl, s, json);
        TableIV(seconds, latency, main, floor, config.Problem, s, json);
        TableII(config, network, s, json);
        files.Add(Fig10(network, srlScenes.Count > 0 ? srlScenes : scenes.Take(20).ToList(), srl, config, main.Baselines.Keys.ToList()));
        Goals(rates, seconds, latency, floor, srl, json, s);

        if (config.Reproduction.Sweep != "none") files.AddRange(Sweep(network, config, s, json));

        s.AppendLine($"Reproduction took {Duration.Format(clock.Elapsed)}.");
        var jsonPath = Path.Combine(request.OutputDirectory, "reproduction.json");
        File.WriteAllText(jsonPath, JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));
        var mdPath = Path.Combine(request.OutputDirectory, "reproduction.md");
        File.WriteAllText(mdPath, s.ToString());
        files.Add(jsonPath);
        files.Add(mdPath);
        return new ExperimentOutcome(report, request.OutputDirectory, files, s.ToString());
    }

    // --- GRL -------------------------------------------------------------------------------------------------------------

    /// <summary>Settings that only choose what is scored after GRL (SRL, the ascent reference, baselines, test sets), not GRL itself.</summary>
    public static readonly string[] ScoringOnlySettings =
    {
        "reproduction", "testInstances", "cacheDirectory", "baselines",
        "srlLearningRate", "srlMaxIterations", "srlWindow", "srlTolerance", "ascentLearningRate", "ascentMaxIterations", "ascentTolerance",
    };

    private (HbgnnNetwork Network, TrainingResult? Training, List<(long Step, IReadOnlyDictionary<string, double> Values)>? Curve) Train(HbgnnConfig config)
    {
        var directory = Path.Combine(_request.OutputDirectory, "models", "grl");
        Directory.CreateDirectory(directory);
        var checkpoint = Path.Combine(directory, Experiment<HbgnnConfig, HetNetScene, HbgnnBatch>.CheckpointFile);
        var done = Path.Combine(directory, "trained.json");
        torch.manual_seed(_request.Seed);
        var network = (HbgnnNetwork)_plugin.CreateNetwork(config);
        network.to(_request.Device);
        if (Checkpoint.TryLoadFinished(checkpoint, done, network, config, ScoringOnlySettings, "grl", _log))
        {
            _log($"grl: loaded the model trained earlier from {checkpoint} (T = {network.Temperature:G4})");
            return (network, null, null);
        }
        _log($"grl: training for {config.Training.Steps} steps of {config.Training.BatchSize} scenes ({config.Training.TrainInstances} training scenes; labels: {(config.SupervisedWeight > 0 ? config.Labels.ToString() : "none, w_s = 0")})");
        var info = new CheckpointInfo(_plugin.Info.Name, _plugin.Info.Version, _request.Seed, ConfigBinder.ToJson(config).ToJsonString(),
            _plugin.SchemaDescription(config), 0, Checkpoint.WirelessGnnVersion);
        var trainer = new Trainer<HbgnnConfig, HetNetScene, HbgnnBatch>(_plugin, config, _request.Device, _request.Seed);
        using var metrics = new MetricsLog(Path.Combine(directory, "metrics.csv"), trainer.MetricsColumns, append: false);
        var result = trainer.Train(network, _request.Progress, metrics, checkpoint, null, info, _request.Cancel);
        File.WriteAllText(done, JsonSerializer.Serialize(new { result.Steps, result.WallSeconds, result.BestValidation, result.BestStep, result.FinalLoss, network.Temperature }));
        _log($"grl: trained {result.Steps} steps in {result.WallSeconds:F0} s; best validation rate {result.BestValidation:F2} at step {result.BestStep}; T = {network.Temperature:G4}");
        return (network, result, metrics.Rows.ToList());
    }

    private List<AscentResult> Srl(HbgnnNetwork network, IReadOnlyList<HetNetScene> scenes, HbgnnConfig config)
    {
        var results = new List<AscentResult>();
        var last = Stopwatch.StartNew();
        foreach (var scene in scenes)
        {
            results.Add(SrlFineTuning.Run(_plugin, network, scene, config, _request.Device));
            if (last.Elapsed.TotalSeconds >= 10 || results.Count == scenes.Count)
            {
                _log($"srl: {results.Count}/{scenes.Count} scenes, mean {results.Average(r => r.Rate):F2} (GRL on them {results.Average(r => r.InitialRate):F2})");
                last.Restart();
            }
        }
        return results;
    }

    // --- tables ----------------------------------------------------------------------------------------------------------

    private static string Label(string m) => m.ToUpperInvariant();

    private static void TableIII(Dictionary<string, double[]> rates, List<AscentResult> srl, StringBuilder s, Dictionary<string, object?> json)
    {
        double juapc = rates.TryGetValue("juapcmwser", out var j) ? j.Average() : double.NaN;
        double paperJuapc = HbgnnPaper.Tables["juapcmwser"].Rate;
        s.AppendLine("### Table III: global rate (bit/s/Hz), mean over the test scenes");
        s.AppendLine();
        s.AppendLine("| method | ours | % of JUAPCMWSER | paper | paper % of JUAPCMWSER | scenes |");
        s.AppendLine("|---|---|---|---|---|---|");
        foreach (var m in Order.Where(rates.ContainsKey))
        {
            if (rates[m].Length == 0) continue;
            var p = Paper(m);
            s.AppendLine($"| {Label(m)} | {rates[m].Average():F2} | {100 * rates[m].Average() / juapc:F1} % | {(double.IsNaN(p.Rate) ? "— | —" : $"{p.Rate:F3} | {100 * p.Rate / paperJuapc:F1} %")} | {rates[m].Length} |");
        }
        if (srl.Count > 0)
            s.AppendLine($"\nOn the {srl.Count} SRL scenes: GRL {srl.Average(r => r.InitialRate):F2}, SRL {srl.Average(r => r.Rate):F2} " +
                         $"(+{100 * (srl.Average(r => r.Rate) / srl.Average(r => r.InitialRate) - 1):F1} %; paper +13.1 %), SRL ≥ GRL on {srl.Count(r => r.Rate >= r.InitialRate)}/{srl.Count} scenes, " +
                         $"{srl.Average(r => r.Iterations):F0} iterations on average.");
        s.AppendLine();
        json["table_iii"] = Order.Where(m => rates.ContainsKey(m) && rates[m].Length > 0).ToDictionary(m => m, m => new { ours = rates[m].Average(), paper = double.IsNaN(Paper(m).Rate) ? (double?)null : Paper(m).Rate, scenes = rates[m].Length });
        if (srl.Count > 0) json["srl_scenes"] = new { grl = srl.Average(r => r.InitialRate), srl = srl.Average(r => r.Rate), iterations = srl.Average(r => r.Iterations) };
    }

    /// <summary>GRL's multiply-accumulates per scene and the device's matmul rate: the least time the network can take.</summary>
    private sealed record ComputeFloor(long MultiplyAccumulates, double FlopsPerSecond)
    {
        public double Flops => 2.0 * MultiplyAccumulates;
        public double Seconds => Flops / FlopsPerSecond;
        /// <summary>The FLOP/s at which the network's FLOPs take <paramref name="seconds"/>.</summary>
        public double RateFor(double seconds) => Flops / seconds;
    }

    private void TableIV(Dictionary<string, double[]> seconds, double latency, SetEvaluation main, ComputeFloor floor, UltraDenseHetNetConfig problem,
        StringBuilder s, Dictionary<string, object?> json)
    {
        double grl = seconds["grl"].Average();
        s.AppendLine($"### Table IV: computation time per scene (s); GRL per scene at batch {Math.Min(main.Model.BatchSize, main.Model.Timing.Instances)} (graph building excluded: {ReportWriter.Seconds(main.PrepareSecondsPerInstance)} per scene), SRL including its fine-tuning");
        s.AppendLine();
        s.AppendLine("| method | ours mean | ours median | × GRL | paper | paper × GRL |");
        s.AppendLine("|---|---|---|---|---|---|");
        foreach (var m in Order.Where(m => seconds.ContainsKey(m) && seconds[m].Length > 0))
        {
            var p = Paper(m);
            s.AppendLine($"| {Label(m)} | {ReportWriter.Seconds(seconds[m].Average())} | {ReportWriter.Seconds(MethodScores.Percentile(seconds[m], 0.5))} | {seconds[m].Average() / grl:G4} | {(double.IsNaN(p.Seconds) ? "— | —" : $"{p.Seconds:G4} | {p.Seconds / HbgnnPaper.Tables["grl"].Seconds:G4}")} |");
        }
        s.AppendLine($"\nGRL one scene at a time (batch 1): median {ReportWriter.Seconds(latency)}.");
        s.AppendLine($"\nCompute floor: the GRL network does {floor.Flops / 1e6:F1} MFLOP per scene (2 × {floor.MultiplyAccumulates / 1e6:F2} M " +
                     $"multiply-accumulates of its kernels and heads at I = {problem.Ues}, J = {problem.Bss}), and a 2048² float32 matmul runs at " +
                     $"{floor.FlopsPerSecond / 1e9:F1} GFLOP/s on this device ({get_num_threads()} torch thread{(get_num_threads() == 1 ? "" : "s")}), so GRL cannot take less than " +
                     $"{ReportWriter.Seconds(floor.Seconds)} per scene here at any batch; it takes {grl / floor.Seconds:F1}× that.");
        s.AppendLine();
        json["table_iv_mean_seconds"] = seconds.Where(kv => kv.Value.Length > 0).ToDictionary(kv => kv.Key, kv => kv.Value.Average());
        json["grl_batch1_seconds"] = latency;
        json["grl_compute_floor"] = new { flops_per_scene = floor.Flops, matmul_flops_per_second = floor.FlopsPerSecond, seconds_per_scene = floor.Seconds };
    }

    private static void TableII(HbgnnConfig config, HbgnnNetwork network, StringBuilder s, Dictionary<string, object?> json)
    {
        long hbgnn = ParameterCount.Of(network);
        long? fcnn = null, cnn = null;
        if (config.Reproduction.CountNeuralBaselines)
        {
            using (var f = new FcnnNetwork(config.Problem.Ues, config.Problem.Bss)) fcnn = ParameterCount.Of(f);
            using (var c = new CnnNetwork()) cnn = ParameterCount.Of(c);
        }
        s.AppendLine($"### Table II: parameters (FCNN sized for I = {config.Problem.Ues}, J = {config.Problem.Bss})");
        s.AppendLine();
        s.AppendLine("| network | ours | paper |");
        s.AppendLine("|---|---|---|");
        s.AppendLine($"| FCNN | {(fcnn is { } a ? a.ToString("0.00e+0", CultureInfo.InvariantCulture) : "—")} | {HbgnnPaper.FcnnParameters:0.0e+0} |");
        s.AppendLine($"| CNN | {(cnn is { } b ? b.ToString("0.00e+0", CultureInfo.InvariantCulture) : "—")} | {HbgnnPaper.CnnParameters:0.0e+0} |");
        s.AppendLine($"| HBGNN | {hbgnn.ToString("0.00e+0", CultureInfo.InvariantCulture)} | {HbgnnPaper.HbgnnParameters:0.0e+0} |");
        if (fcnn is { } fc) s.AppendLine($"\nFCNN / HBGNN = {(double)fc / hbgnn:F0}× (goal: ≥ 100×).");
        s.AppendLine();
        json["table_ii"] = new { fcnn, cnn, hbgnn };
    }

    /// <summary>Fig. 10: CDF of the per-UE effective rates of every method on the same scenes.</summary>
    private string Fig10(HbgnnNetwork network, IReadOnlyList<HetNetScene> scenes, List<AscentResult> srl, HbgnnConfig config, List<string> baselines)
    {
        var samples = new Dictionary<string, double[]>();
        using (var scope = NewDisposeScope())
        using (var batch = _plugin.Prepare(scenes, config, _request.Device))
        {
            Tensor Rates(IReadOnlyList<double[]> vectors) => HbgnnPlugin.UeRates(_plugin.ToDecision(vectors, batch), batch);
            double[] Flat(Tensor r) => r.masked_select(batch.UeMask.gt(0)).cpu().data<double>().ToArray();
            foreach (var name in baselines)
                samples[Label(name)] = Flat(Rates(scenes.Select(x => _plugin.BaselineDecision(name, x, config).ToVector()).ToList()));
            network.eval();
            using (no_grad()) samples["GRL"] = Flat(HbgnnPlugin.UeRates(_plugin.Decide(network, batch, config), batch));
            if (srl.Count == scenes.Count) samples["SRL"] = Flat(Rates(srl.Select(r => r.Decision).ToList()));
        }
        var path = Path.Combine(_request.OutputDirectory, "fig10_cdf_ue_rate.png");
        Plots.Cdf(path, samples, "effective rate per UE (bit/s/Hz)", $"Fig. 10: CDF of per-UE effective rates ({scenes.Count} scenes)");
        return path;
    }

    private static void Goals(Dictionary<string, double[]> rates, Dictionary<string, double[]> seconds, double latency, ComputeFloor floor, List<AscentResult> srl,
        Dictionary<string, object?> json, StringBuilder s)
    {
        double R(string m) => rates.TryGetValue(m, out var v) && v.Length > 0 ? v.Average() : double.NaN;
        double T(string m) => seconds.TryGetValue(m, out var v) && v.Length > 0 ? v.Average() : double.NaN;
        bool middle = new[] { "msuamp", "uamwser", "msuapc" }.All(m => R(m) > R("maramp") && R(m) < R("juapcmwser"));
        s.AppendLine("### Goals of the issue");
        s.AppendLine();
        s.AppendLine($"- MARAMP < {{MSUAMP, UAMWSER, MSUAPC}} < JUAPCMWSER: {(middle ? "yes" : "no")}");
        s.AppendLine($"- GRL / JUAPCMWSER = {R("grl") / R("juapcmwser"):F3} (goal ≥ 1.2; paper 1.276)");
        if (srl.Count > 0)
            s.AppendLine($"- SRL / GRL on the {srl.Count} SRL scenes = {srl.Average(r => r.Rate) / srl.Average(r => r.InitialRate):F3} (goal > 1; paper 1.131)");
        s.AppendLine($"- JUAPCMWSER / GRL time = {T("juapcmwser") / T("grl"):F0}× at GRL's batch, {T("juapcmwser") / latency:F0}× at batch 1 (goal ≥ 1000×; paper 26 141×)");
        s.AppendLine($"- GRL / MARAMP time = {T("grl") / T("maramp"):F2} at batch, {latency / T("maramp"):F2} at batch 1 (goal ≤ 3)");
        s.AppendLine($"- At the compute floor ({ReportWriter.Seconds(floor.Seconds)} per scene) the ratios would be {T("juapcmwser") / floor.Seconds:F0}× and " +
                     $"{floor.Seconds / T("maramp"):F2}: with the baselines' times measured here, the time goals need a device doing at least {floor.RateFor(T("juapcmwser") / 1000) / 1e9:F0} GFLOP/s " +
                     $"(≥ 1000×) and {floor.RateFor(3 * T("maramp")) / 1e9:F0} GFLOP/s (≤ 3× MARAMP), against {floor.FlopsPerSecond / 1e9:F1} here");
        s.AppendLine();
        json["goals"] = new { ordering_baselines = middle, grl_over_juapcmwser = R("grl") / R("juapcmwser"), juapcmwser_over_grl_time = T("juapcmwser") / T("grl"), grl_over_maramp_time = T("grl") / T("maramp") };
    }

    // --- Figs. 11-12 -----------------------------------------------------------------------------------------------------

    private IEnumerable<string> Sweep(HbgnnNetwork network, HbgnnConfig config, StringBuilder s, Dictionary<string, object?> json)
    {
        var options = config.Reproduction;
        bool ues = options.Sweep == "ues";
        var points = ues ? options.SweepUes : options.SweepSmallBss;
        var rows = new List<(long Step, IReadOnlyDictionary<string, double> Values)>();
        s.AppendLine(ues ? $"### Fig. 11: rate vs UE density ({config.Problem.SmallBss} small BSs), the default-trained model" : $"### Fig. 12: rate vs small-BS density ({config.Problem.Ues} UEs), the default-trained model");
        s.AppendLine();
        s.AppendLine($"| {(ues ? "UEs" : "small BSs")} | MARAMP | JUAPCMWSER | GRL | GRL on SRL scenes | SRL | active BSs (GRL) |");
        s.AppendLine("|---|---|---|---|---|---|---|");
        var table = new List<object>();
        foreach (var (point, n) in points.Select((x, n) => (x, n)))
        {
            var problem = ues ? config.Problem with { Ues = point } : config.Problem with { SmallBss = point };
            var sized = config with { Problem = problem, Baselines = new[] { "maramp", "juapcmwser" } };
            var set = new EvaluationSet<HbgnnConfig>(HbgnnPlugin.SetName(problem), sized, options.SweepScenes, MainSeed + 1000 * (n + 1));
            var e = new Evaluator<HbgnnConfig, HetNetScene, HbgnnBatch>(_plugin, _request.Device).Evaluate(network, set, _plugin.EvaluationBatchSize(sized), _log);
            var srl = Srl(network, _plugin.Sample(sized, options.SweepSrlScenes, set.Seed), sized);
            double maramp = e.Baselines["maramp"].Metrics[HbgnnPlugin.RateMetric].Average(), juapc = e.Baselines["juapcmwser"].Metrics[HbgnnPlugin.RateMetric].Average();
            double grl = e.Model.Metrics[HbgnnPlugin.RateMetric].Average(), active = e.Model.Metrics["active_bss"].Average();
            double srlMean = srl.Count > 0 ? srl.Average(r => r.Rate) : double.NaN, grlSrl = srl.Count > 0 ? srl.Average(r => r.InitialRate) : double.NaN;
            s.AppendLine($"| {point} | {maramp:F2} | {juapc:F2} | {grl:F2} | {grlSrl:F2} | {srlMean:F2} | {active:F1} |");
            rows.Add((point, new Dictionary<string, double> { ["MARAMP"] = maramp, ["JUAPCMWSER"] = juapc, ["GRL"] = grl, ["SRL"] = srlMean }));
            table.Add(new { point, maramp, juapcmwser = juapc, grl, grl_on_srl_scenes = grlSrl, srl = srlMean, active_bss = active, scenes = options.SweepScenes, srl_scenes = srl.Count });
        }
        s.AppendLine();
        json[ues ? "fig11" : "fig12"] = table;
        var path = Path.Combine(_request.OutputDirectory, ues ? "fig11_rate_vs_ues.png" : "fig12_rate_vs_bss.png");
        Plots.TrainingCurves(path, rows, new[] { "MARAMP", "JUAPCMWSER", "GRL", "SRL" },
            ues ? "Fig. 11: mean global rate vs number of UEs (x axis)" : "Fig. 12: mean global rate vs number of small BSs (x axis)");
        yield return path;
    }
}
