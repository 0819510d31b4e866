using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;
using WirelessGnn.Models.Checkpoints;
using WirelessGnn.Models.Configuration;
using WirelessGnn.Models.Evaluation;
using WirelessGnn.Models.Experiments;
using WirelessGnn.Models.Plugins;
using WirelessGnn.Models.Reporting;
using static TorchSharp.torch;

namespace WirelessGnn.Models.RoutedMtl;

/// <summary>
/// <c>wgnn reproduce routed-mtl</c> (and <c>train</c>, the proposed scheme only): for each of R runs, trains every
/// scheme on the same per-task training sets, scores each on every task's test set with <see cref="Evaluator{TConfig,TInstance,TBatch}"/>
/// (the classical policies once), and writes Table II (delay MSE), Table III (capacity, oracle row, average
/// violation), the test curves of Figs. 5–8, the training-time comparison of §10, the mask statistics, and
/// <c>report.json</c>, with the paper's values beside ours.
/// </summary>
public sealed class RoutedMtlReproduction
{
    private readonly RoutedMtlPlugin _plugin;

    public RoutedMtlReproduction(RoutedMtlPlugin plugin) => _plugin = plugin;

    /// <summary>Test-set means of one method on one task.</summary>
    private sealed record TaskResult(double Value, double? Violation, TimingSummary Timing);

    public ExperimentOutcome Run(ExperimentRequest request)
    {
        int threads = torch.get_num_threads();
        try
        {
            return RunWithThreads(request);
        }
        finally
        {
            torch.set_num_threads(threads);
        }
    }

    private ExperimentOutcome RunWithThreads(ExperimentRequest request)
    {
        var log = request.Log ?? (_ => { });
        var config = new Experiment<RoutedMtlConfig, TaskSample, TaskBatch>(_plugin).ResolveConfig(request);
        torch.set_num_threads(config.TrainingThreads);
        bool evaluate = request.Mode == ExperimentMode.Evaluate;
        var schemes = request.Mode switch
        {
            ExperimentMode.Train => new[] { Scheme.Proposed },
            ExperimentMode.Evaluate => Array.Empty<Scheme>(),
            _ => config.Schemes.Distinct().ToArray(),
        };
        Directory.CreateDirectory(request.OutputDirectory);
        var clock = Stopwatch.StartNew();
        var files = new List<string>();
        var evaluator = new Evaluator<RoutedMtlConfig, TaskSample, TaskBatch>(_plugin, request.Device);
        var sets = _plugin.EvaluationSets(config);

        // results[method][task] over runs; the classical policies are deterministic and scored once.
        var results = new Dictionary<string, Dictionary<int, List<TaskResult>>>();
        void Add(string method, int task, TaskResult r)
        {
            if (!results.TryGetValue(method, out var byTask)) results[method] = byTask = new();
            if (!byTask.TryGetValue(task, out var list)) byTask[task] = list = new();
            list.Add(r);
        }
        foreach (var set in sets)
        {
            var e = evaluator.Evaluate(null, set, _plugin.EvaluationBatchSize(config));
            foreach (var (name, scores) in e.Baselines)
            {
                Add(name, set.Config.Task, Summarise(scores, config.Tasks[set.Config.Task], config));
                if (name == "optimum") Add(OptimalDelayKey, set.Config.Task, new TaskResult(scores.Metrics[RoutedMtlPlugin.DelayMs].Average(), null, scores.Timing));
            }
        }

        void Score(string name, MultiTaskNetwork network)
        {
            foreach (var set in sets)
            {
                var e = evaluator.Evaluate(network, set with { Config = set.Config with { IncludeBaselines = false } }, _plugin.EvaluationBatchSize(config));
                Add(name, set.Config.Task, Summarise(e.Model, config.Tasks[set.Config.Task], config));
            }
        }

        var seconds = schemes.ToDictionary(s => s, _ => new List<double>());
        var curves = new List<CurvePoint>();
        var notes = new StringBuilder();
        if (evaluate)
        {
            using var routed = LoadRouted(request.Checkpoint!, config, request.Device);
            Score(SchemeTraining.Name(Scheme.Proposed), routed);
            notes.Append(RoutingNotes(routed, config));
            log($"scored {request.Checkpoint} on the {config.Tasks.Count} tasks' test sets");
        }
        int runs = evaluate ? 0 : config.Runs;                                   // eval trains nothing
        for (int run = 0; run < runs; run++)
        {
            int seed = request.Seed + run;
            log($"run {run + 1}/{config.Runs} (seed {seed}): preparing the training sets");
            using var trainer = new MultiTaskTrainer(_plugin, config, request.Device, seed);
            foreach (var scheme in schemes)
            {
                torch.manual_seed(seed * 16 + (int)scheme);
                trainer.Rewind();
                log($"run {run + 1}: training {SchemeTraining.Name(scheme)}");
                var trained = SchemeTraining.Train(scheme, config, trainer, request.Mode == ExperimentMode.Train ? log : null);
                using var network = trained.Network;
                seconds[scheme].Add(trained.Seconds);
                Score(SchemeTraining.Name(scheme), network);
                if (run == 0 && network is RoutedMtlNetwork routed)
                {
                    notes.Append(RoutingNotes(routed, config));
                    var path = Path.Combine(request.OutputDirectory, Experiment<RoutedMtlConfig, TaskSample, TaskBatch>.CheckpointFile);
                    Checkpoint.Save(path, routed, new CheckpointInfo(_plugin.Info.Name, _plugin.Info.Version, seed,
                        ConfigBinder.ToJson(config).ToJsonString(), null, config.Training.Steps, Checkpoint.WirelessGnnVersion));
                    files.Add(path);
                }
                log($"run {run + 1}: {SchemeTraining.Name(scheme)} trained in {trained.Seconds:F1} s and scored");
            }
            if (run == 0) curves.AddRange(trainer.Curves);
        }

        var summary = new StringBuilder();
        summary.AppendLine(evaluate
            ? $"# routed-mtl: the routed model of {request.Checkpoint} (trained with t1 = {config.Phase1Steps}, t2 = {config.Phase2Steps}), {config.TestSamples} test samples per task, {request.Device}"
            : $"# routed-mtl: {config.Runs} run(s) from seed {request.Seed}, {config.Training.TrainInstances} training and {config.TestSamples} test samples per task, " +
              $"t1 = {config.Phase1Steps}, t2 = {config.Phase2Steps}, baselines {config.BaselineSteps} steps, " +
              $"{(config.TasksPerStep > 0 ? $"{config.TasksPerStep}" : "all")} of {config.Tasks.Count} tasks per step, {request.Device}");
        summary.AppendLine();
        summary.AppendLine($"Settings for which the spec recommends a value [R] (config key = this run's value, the spec's in brackets): routerActivation = {config.RouterActivation} (spec: ReLU), " +
                           $"delayLoss = {config.DelayLoss} (spec: Mse), training.schedule = {config.Training.Schedule} (spec: Constant), constraintMargin = {config.ConstraintMargin:0.###} (training holds the average power to " +
                           $"{1 - config.ConstraintMargin:0.###}·P_av; the violation below is against P_av), dualProportionalGain = {config.DualProportionalGain:0.###} " +
                           $"(spec: 0, plain dual ascent), features = {config.Features} (spec: Gain), taskIndex = {config.TaskIndex} (spec: Scaled, i/14; the paper: Raw, the default).");
        summary.AppendLine();
        var json = new Dictionary<string, object?>();
        TableII(config, results, summary, json);
        TableIII(config, results, summary, json);
        if (!evaluate) Complexity(config, seconds, summary, json);
        Goals(config, results, seconds, summary);
        summary.Append(notes);
        files.AddRange(Figures(request.OutputDirectory, config, curves));
        summary.AppendLine($"{(evaluate ? "Evaluation" : "Reproduction")} took {Duration.Format(clock.Elapsed)} on {request.Device}.");

        var jsonPath = Path.Combine(request.OutputDirectory, "reproduction.json");
        json["curves"] = curves.Select(c => new { scheme = c.Scheme, task = c.Task.ToString(), c.Step, c.Value, c.Violation }).ToList();
        File.WriteAllText(jsonPath, JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals }));
        var mdPath = Path.Combine(request.OutputDirectory, "reproduction.md");
        File.WriteAllText(mdPath, summary.ToString());
        var report = Report(request, config, results, seconds);
        files.Add(ReportWriter.WriteJson(request.OutputDirectory, report));
        files.Add(jsonPath);
        files.Add(mdPath);
        return new ExperimentOutcome(report, request.OutputDirectory, files, summary.ToString());
    }

    /// <summary>The routed model of a finished <c>train</c> or <c>reproduce</c> (masks binary, rDNN frozen) from <paramref name="checkpoint"/>.</summary>
    private static RoutedMtlNetwork LoadRouted(string checkpoint, RoutedMtlConfig config, Device device)
    {
        var network = new RoutedMtlNetwork(config);
        Checkpoint.Load(checkpoint, network);
        if (!network.IsFrozen)
        {
            network.Dispose();
            throw new ArgumentException($"--checkpoint '{checkpoint}': the routed model was saved before its masks were thresholded; eval needs a finished model.");
        }
        network.to(device);
        return network;
    }

    /// <summary>The pseudo-method holding the optimum's mean delay (ms) per delay task.</summary>
    private const string OptimalDelayKey = "optimum_delay_ms";

    private static TaskResult Summarise(MethodScores scores, MtlTask task, RoutedMtlConfig config) => task.Kind == TaskKind.Delay
        ? new TaskResult(scores.Metrics[RoutedMtlPlugin.DelayError].Average(), null, scores.Timing)
        : new TaskResult(scores.Metrics[RoutedMtlPlugin.CapacityMetric].Average(), RoutedMtlPlugin.AverageViolation(scores.Metrics, task, config), scores.Timing);

    private static double Mean(Dictionary<string, Dictionary<int, List<TaskResult>>> results, string method, MtlTask task) =>
        results[method][task.Index].Average(r => r.Value);

    private static double MeanViolation(Dictionary<string, Dictionary<int, List<TaskResult>>> results, string method, MtlTask task) =>
        results[method][task.Index].Average(r => r.Violation ?? 0);

    private static IEnumerable<MtlTask> Of(RoutedMtlConfig config, TaskKind kind) => config.Tasks.Where(t => t.Kind == kind);

    /// <summary>
    /// With more than one run: the smallest and largest per-run value of each trained scheme per task (the tables give
    /// the means), as a markdown table, and every per-run value in <paramref name="json"/> under <paramref name="key"/>.
    /// </summary>
    private static void RunSpread(RoutedMtlConfig config, Dictionary<string, Dictionary<int, List<TaskResult>>> results, IReadOnlyList<MtlTask> tasks,
        string format, string key, StringBuilder s, Dictionary<string, object?> json)
    {
        var schemes = Order.Where(results.ContainsKey).ToList();
        json[key] = schemes.ToDictionary(m => m, m => tasks.ToDictionary(t => $"N={t.Bands}", t => results[m][t.Index].Select(r => r.Value).ToList()));
        if (config.Runs < 2) return;
        s.AppendLine($"Smallest – largest of the {config.Runs} runs:");
        s.AppendLine();
        s.AppendLine("| scheme | " + string.Join(" | ", tasks.Select(t => $"N={t.Bands}")) + " |");
        s.AppendLine("|---|" + string.Concat(tasks.Select(_ => "---|")));
        foreach (var m in schemes)
            s.AppendLine($"| {Label(m)} | " + string.Join(" | ", tasks.Select(t =>
                $"{results[m][t.Index].Min(r => r.Value).ToString(format)} – {results[m][t.Index].Max(r => r.Value).ToString(format)}")) + " |");
        s.AppendLine();
    }

    private static string Label(string method) => method switch
    {
        "proposed" => "proposed multi-task DNN",
        "single_task" => "single-task DNN",
        "naive" => "naive multi-task DNN",
        "zero_padding" => "zero-padding",
        "equal_power" => "equal power",
        "optimum" => "KKT optimum (labels)",
        "oracle" => "oracle (derived, §7.4)",
        _ => method,
    };

    private static Scheme? SchemeOf(string method) => Enum.GetValues<Scheme>().Cast<Scheme?>().FirstOrDefault(s => SchemeTraining.Name(s!.Value) == method);

    private static readonly string[] Order = { "single_task", "proposed", "naive", "zero_padding" };

    private static void TableII(RoutedMtlConfig config, Dictionary<string, Dictionary<int, List<TaskResult>>> results, StringBuilder s, Dictionary<string, object?> json)
    {
        var tasks = Of(config, TaskKind.Delay).ToList();
        s.AppendLine("## Table II: delay MSE E[(D(P̂) − D(P*))²], ms²; ours (paper)");
        s.AppendLine();
        s.AppendLine("| scheme | " + string.Join(" | ", tasks.Select(t => $"N={t.Bands}")) + " |");
        s.AppendLine("|---|" + string.Concat(tasks.Select(_ => "---|")));
        var rows = Order.Where(results.ContainsKey).Append("equal_power").ToList();
        foreach (var m in rows)
        {
            var paper = SchemeOf(m) is { } scheme ? RoutedMtlPaper.TableII[scheme] : null;
            s.AppendLine($"| {Label(m)} | " + string.Join(" | ", tasks.Select(t =>
                $"{Mean(results, m, t):G3}{(paper is not null && RoutedMtlPaper.At(paper, t.Bands) is { } p ? $" ({p:G3})" : "")}")) + " |");
        }
        s.AppendLine();
        if (rows.Any(m => tasks.Any(t => !(Mean(results, m, t) <= 100 * Mean(results, "equal_power", t)))))
        {
            s.AppendLine("A value of Infinity, or one orders of magnitude above equal power's, is not an overflow: some test sample gave a user " +
                         "about zero power, and a user's delay grows without bound as its power goes to 0.");
            s.AppendLine();
        }
        s.AppendLine("Mean optimal delay, ms (spec §11.3 [D] in brackets): " + string.Join(", ", tasks.Select(t =>
            $"N={t.Bands} {OptimalDelay(results, t):F2}{(RoutedMtlPaper.At(RoutedMtlPaper.OptimalDelayMs, t.Bands) is { } d ? $" ({d:F2})" : "")}")));
        s.AppendLine();
        json["table_ii_mse_ms2"] = rows.ToDictionary(m => m, m => tasks.ToDictionary(t => $"N={t.Bands}", t => Mean(results, m, t)));
        RunSpread(config, results, tasks, "G3", "table_ii_mse_ms2_runs", s, json);
    }

    private static double OptimalDelay(Dictionary<string, Dictionary<int, List<TaskResult>>> results, MtlTask task) =>
        results.TryGetValue(OptimalDelayKey, out var d) ? d[task.Index].Average(r => r.Value) : double.NaN;

    private static void TableIII(RoutedMtlConfig config, Dictionary<string, Dictionary<int, List<TaskResult>>> results, StringBuilder s, Dictionary<string, object?> json)
    {
        var tasks = Of(config, TaskKind.Capacity).ToList();
        s.AppendLine($"## Table III: average sum capacity, bit/s/Hz ({config.Capacity.Constraint} constraints, P_av = {config.Capacity.AveragePower} W); ours (paper; oracle: spec [D])");
        s.AppendLine();
        s.AppendLine("| scheme | " + string.Join(" | ", tasks.Select(t => $"N={t.Bands}")) + " |");
        s.AppendLine("|---|" + string.Concat(tasks.Select(_ => "---|")));
        var rows = Order.Where(results.ContainsKey).Append("oracle").Append("equal_power").ToList();
        foreach (var m in rows)
        {
            var paper = SchemeOf(m) is { } scheme ? RoutedMtlPaper.TableIII[scheme] : m == "oracle" ? RoutedMtlPaper.OracleCapacity : null;
            s.AppendLine($"| {Label(m)} | " + string.Join(" | ", tasks.Select(t =>
                $"{Mean(results, m, t):F3}{(paper is not null && RoutedMtlPaper.At(paper, t.Bands) is { } p ? $" ({p:F3})" : "")}")) + " |");
        }
        s.AppendLine();
        s.AppendLine($"Average constraint violation, % of P_av (spec §7.3):");
        s.AppendLine();
        s.AppendLine("| scheme | " + string.Join(" | ", tasks.Select(t => $"N={t.Bands}")) + " |");
        s.AppendLine("|---|" + string.Concat(tasks.Select(_ => "---|")));
        foreach (var m in rows)
            s.AppendLine($"| {Label(m)} | " + string.Join(" | ", tasks.Select(t => $"{100 * MeanViolation(results, m, t) / config.Capacity.AveragePower:F2} %")) + " |");
        s.AppendLine();
        RunSpread(config, results, tasks, "F3", "table_iii_capacity_runs", s, json);
        json["table_iii_capacity"] = rows.ToDictionary(m => m, m => tasks.ToDictionary(t => $"N={t.Bands}", t => Mean(results, m, t)));
        json["table_iii_violation_w"] = rows.ToDictionary(m => m, m => tasks.ToDictionary(t => $"N={t.Bands}", t => MeanViolation(results, m, t)));
    }

    private static void Complexity(RoutedMtlConfig config, Dictionary<Scheme, List<double>> seconds, StringBuilder s, Dictionary<string, object?> json)
    {
        s.AppendLine("## Training time (§10; curve evaluations excluded), seconds per run");
        s.AppendLine();
        foreach (var (scheme, list) in seconds)
            s.AppendLine($"- {Label(SchemeTraining.Name(scheme))}: {list.Average():F1} s" + (scheme == Scheme.SingleTask ? " (all tasks' networks together)" : ""));
        if (seconds.TryGetValue(Scheme.Proposed, out var p) && seconds.TryGetValue(Scheme.SingleTask, out var st))
            s.AppendLine($"- proposed / single-task total: {p.Average() / st.Average():F2} (goal: ≤ 1.2; proposed: {config.Training.Steps} steps × " +
                         $"{(config.TasksPerStep > 0 ? config.TasksPerStep : config.Tasks.Count)} tasks, single-task: {config.Tasks.Count} × {config.BaselineSteps} steps" +
                         $"{(config.TasksPerStep > 0 || config.BaselineSteps != config.Training.Steps ? "; not the same number of task-steps, so not the paper's comparison" : "")})");
        s.AppendLine();
        json["training_seconds"] = seconds.ToDictionary(kv => SchemeTraining.Name(kv.Key), kv => kv.Value);
    }

    private static void Goals(RoutedMtlConfig config, Dictionary<string, Dictionary<int, List<TaskResult>>> results, Dictionary<Scheme, List<double>> seconds, StringBuilder s)
    {
        if (!results.ContainsKey("proposed")) return;
        s.AppendLine("## Goals of the issue (measured here)");
        s.AppendLine();
        string Check(bool ok) => ok ? "met" : "MISSED";
        var cap = Of(config, TaskKind.Capacity).ToList();
        var del = Of(config, TaskKind.Delay).ToList();
        if (results.ContainsKey("single_task"))
        {
            var r = cap.Select(t => Mean(results, "proposed", t) / Mean(results, "single_task", t)).ToList();
            string budget = config.Phase2Steps < config.BaselineSteps && config.Phase2Init == Phase2Init.Reinit
                ? $"; the re-initialised bDNN trained t2 = {config.Phase2Steps} steps, each single-task DNN {config.BaselineSteps}" : "";
            s.AppendLine($"- capacity within 2 % of single-task at every N: {Check(r.All(x => x >= 0.98))} (ratios {string.Join(", ", r.Select(x => x.ToString("F3")))}{budget}{PaperRatios(cap, RoutedMtlPaper.TableIII[Scheme.Proposed], RoutedMtlPaper.TableIII[Scheme.SingleTask], "F3")})");
            var d = del.Select(t => Mean(results, "proposed", t) / Mean(results, "single_task", t)).ToList();
            s.AppendLine($"- delay MSE ≤ 1.5× single-task at every N: {Check(d.All(x => x <= 1.5))} (ratios {string.Join(", ", d.Select(x => x.ToString("G3")))}{PaperRatios(del, RoutedMtlPaper.TableII[Scheme.Proposed], RoutedMtlPaper.TableII[Scheme.SingleTask], "G3")})");
        }
        var o = cap.Select(t => Mean(results, "proposed", t) / Mean(results, "oracle", t)).ToList();
        s.AppendLine($"- capacity within 5 % of the derived oracle at every N: {Check(o.All(x => x >= 0.95))} (ratios {string.Join(", ", o.Select(x => x.ToString("F3")))}{PaperRatios(cap, RoutedMtlPaper.TableIII[Scheme.Proposed], RoutedMtlPaper.OracleCapacity, "F3")})");
        var v = cap.Select(t => MeanViolation(results, "proposed", t) / config.Capacity.AveragePower).ToList();
        s.AppendLine($"- average violation below 1 % of the budget at every N: {Check(v.All(x => x < 0.01))} (max {100 * v.Max():F2} %)");
        if (results.ContainsKey("naive"))
        {
            var n = del.Select(t => Mean(results, "proposed", t) < Mean(results, "naive", t)).ToList();
            s.AppendLine($"- delay MSE better than naive at every N: {Check(n.All(x => x))} ({n.Count(x => x)}/{n.Count})");
        }
        if (seconds.TryGetValue(Scheme.Proposed, out var p) && seconds.TryGetValue(Scheme.SingleTask, out var st))
        {
            // With at least the single-task DNNs' task-steps the ratio can only overstate the proposed model's cost;
            // with fewer it would flatter it, so it is not scored.
            bool everyTask = config.TasksPerStep == 0;
            bool atLeastAsMany = everyTask && config.Training.Steps >= config.BaselineSteps;
            string steps = everyTask && config.Training.Steps > config.BaselineSteps
                ? $"; the proposed model ran {config.Training.Steps} steps of every task, each single-task DNN {config.BaselineSteps}" : "";
            s.AppendLine($"- training time ≤ 1.2× the single-task DNNs' total: {(atLeastAsMany ? Check(p.Average() <= 1.2 * st.Average()) : "not measured (fewer task-steps than the single-task DNNs)")} ({p.Average() / st.Average():F2}{steps})");
        }
        s.AppendLine();
    }

    /// <summary>
    /// "; the paper's: …", the same ratio of the paper's reported values (§11; the oracle is the spec's [D]) at
    /// <paramref name="tasks"/>' sizes, or "" where the paper has no value for some size.
    /// </summary>
    private static string PaperRatios(IReadOnlyList<MtlTask> tasks, double[] numerator, double[] denominator, string format)
    {
        var ratios = tasks.Select(t => RoutedMtlPaper.At(numerator, t.Bands) / RoutedMtlPaper.At(denominator, t.Bands)).ToList();
        return ratios.All(r => r.HasValue) ? $"; the paper's: {string.Join(", ", ratios.Select(r => r!.Value.ToString(format)))}" : "";
    }

    private static string RoutingNotes(RoutedMtlNetwork network, RoutedMtlConfig config)
    {
        var s = new StringBuilder();
        using var noGrad = no_grad();
        var masks = network.BinaryMasks;
        bool binary = masks.eq(0).logical_or(masks.eq(1)).all().item<bool>();
        s.AppendLine($"## Routing (run 1, the saved model): masks binary: {binary}; open fraction of the routed weights per task");
        s.AppendLine();
        s.AppendLine(string.Join(", ", config.Tasks.Select(t => $"{t}: {masks[t.Index].mean().item<float>():F2}")));
        s.AppendLine();
        var cap = Of(config, TaskKind.Capacity).ToList();
        s.AppendLine("Learned duals λ (mean over bands) vs the oracle's common λ* (spec [D]): " + string.Join(", ", cap.Select(t =>
            $"N={t.Bands} {network.Duals[t.Index].narrow(0, 0, config.Capacity.Constraints(t.Bands)).mean().item<float>():F3}" +
            (RoutedMtlPaper.At(RoutedMtlPaper.OracleDual, t.Bands) is { } d ? $" ({d:F3})" : ""))));
        s.AppendLine();
        return s.ToString();
    }

    private static IEnumerable<string> Figures(string directory, RoutedMtlConfig config, List<CurvePoint> curves)
    {
        foreach (var n in config.CurveSizes)
        {
            foreach (var kind in new[] { TaskKind.Delay, TaskKind.Capacity })
            {
                var points = curves.Where(c => c.Task.Bands == n && c.Task.Kind == kind).ToList();
                if (points.Count == 0) continue;
                var rows = new List<(long Step, IReadOnlyDictionary<string, double> Values)>();
                foreach (var group in points.GroupBy(c => (c.Scheme, c.Step)))
                {
                    var c = group.Last();
                    var values = new Dictionary<string, double>();
                    if (kind == TaskKind.Delay) values[$"{c.Scheme} MSE (ms²)"] = c.Value;
                    else
                    {
                        values[$"{c.Scheme} capacity"] = c.Value;
                        values[$"{c.Scheme} violation (W)"] = c.Violation ?? double.NaN;
                    }
                    rows.Add((c.Step, values));
                }
                rows.Sort((a, b) => a.Step.CompareTo(b.Step));
                string figure = kind == TaskKind.Delay ? "fig5" : n == 5 ? "fig6" : n == 12 ? "fig7" : n == 20 ? "fig8" : "fig";
                var path = Path.Combine(directory, $"{figure}_{(kind == TaskKind.Delay ? "delay" : "capacity")}_N{n}.png");
                Plots.TrainingCurves(path, rows, Array.Empty<string>(),
                    $"{(kind == TaskKind.Delay ? "Fig. 5" : "Figs. 6–8")}: test curves, {(kind == TaskKind.Delay ? "delay" : "capacity")} N={n}");
                yield return path;
            }
        }
    }

    /// <summary>report.json: the delay MSE per N (main set), the capacity and the violation per N, per method.</summary>
    private ExperimentReport Report(ExperimentRequest request, RoutedMtlConfig config, Dictionary<string, Dictionary<int, List<TaskResult>>> results, Dictionary<Scheme, List<double>> seconds)
    {
        Dictionary<string, double> Metrics(string method)
        {
            var m = new Dictionary<string, double>();
            foreach (var t in config.Tasks.Where(t => results[method].ContainsKey(t.Index)))
            {
                if (t.Kind == TaskKind.Delay) m[$"mse_ms2_N{t.Bands}"] = Mean(results, method, t);
                else
                {
                    m[MetricKeys.OnSet($"capacity_N{t.Bands}", "capacity")] = Mean(results, method, t);
                    m[MetricKeys.OnSet($"violation_w_N{t.Bands}", "violation")] = MeanViolation(results, method, t);
                }
            }
            return m;
        }
        TimingSummary Timing(string method) => results[method].OrderBy(kv => kv.Key).First().Value[0].Timing;
        var model = results.ContainsKey("proposed") ? new MethodResult(Metrics("proposed"), Timing("proposed")) : null;
        var baselines = results.Keys.Where(k => k != "proposed" && k != OptimalDelayKey).ToDictionary(k => k, k => new MethodResult(Metrics(k), Timing(k)));
        var paper = RoutedMtlPaper.Sizes.Select((n, i) => (n, i)).ToDictionary(x => $"mse_ms2_N{x.n}", x => RoutedMtlPaper.TableII[Scheme.Proposed][x.i]);
        var proposed = seconds.GetValueOrDefault(Scheme.Proposed);
        return new ExperimentReport(_plugin.Info.Name, _plugin.Info.Problem, request.Seed, request.Device.ToString(), ConfigBinder.ToJson(config), model, baselines,
            paper, proposed is null ? null : new TrainingSummary(config.Training.Steps, proposed.Average(), ProcessMemory.PeakRssMb(), null));
    }
}
