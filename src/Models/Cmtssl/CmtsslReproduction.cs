using System.Diagnostics;
using System.Text;
using System.Text.Json;
using TorchSharp;
using WirelessGnn.Models.Checkpoints;
using WirelessGnn.Models.Configuration;
using WirelessGnn.Models.Evaluation;
using WirelessGnn.Models.Experiments;
using WirelessGnn.Models.MultiTask;
using WirelessGnn.Models.Plugins;
using WirelessGnn.Models.Reporting;
using WirelessGnn.Models.Training;
using WirelessGnn.Problems.MecCellFree;
using static TorchSharp.torch;

namespace WirelessGnn.Models.Cmtssl;

/// <summary>
/// <c>wgnn reproduce cmtssl</c> (or <c>dmtssl</c>): Table II (both algorithms with every loss scheme at the default size,
/// "did not converge" where the trainer detects divergence), Fig. 6 (sum rate against B, N and I for CMTSSL, DMTSSL,
/// RSA+ZFBF and GSA+ZFBF), Fig. 7 (FLOPs against B, I and N) and Fig. 8 (DATL against DMTSSL retrained with the new
/// SBS), as tables with the paper's values beside ours and as plots. Models are kept under <c>models/&lt;name&gt;</c>, so a
/// reproduction started again with the same <c>--out</c> goes on where it stopped.
/// </summary>
public sealed class CmtsslReproduction
{
    private readonly CmtsslPlugin _requested;
    private readonly CmtsslPlugin _central = new(distributed: false);
    private readonly CmtsslPlugin _distributed = new(distributed: true);
    private ExperimentRequest _request = null!;
    private Action<string> _log = _ => { };
    private CmtsslConfig _base = null!;
    private readonly Dictionary<string, TrainedModel> _trained = new();
    private readonly Dictionary<string, MethodScores> _feasibility = new();

    public CmtsslReproduction(CmtsslPlugin requested) => _requested = requested;

    /// <summary>A trained model, or the divergence the trainer detected (then <see cref="Network"/> is null).</summary>
    private sealed record TrainedModel(string Name, CmtsslPlugin Plugin, CmtsslConfig Config, nn.Module? Network, TrainingResult? Training, string? Diverged);

    /// <summary>
    /// Per-sample metrics of every method at one point, and the share of its test realisations that
    /// <see cref="MinRatePowerBound"/> does not rule out (no method can meet every min rate on more).
    /// </summary>
    private sealed record Point(string Name, Dictionary<string, MethodScores> Methods, double FeasibleAtMost)
    {
        public double Mean(string method, string metric = CmtsslPlugin.SumRateMetric) => Methods[method].Metrics[metric].Average();
        public bool Has(string method) => Methods.ContainsKey(method);
    }

    public ExperimentOutcome Run(ExperimentRequest request)
    {
        _request = request;
        _log = request.Log ?? (_ => { });
        _base = new Experiment<CmtsslConfig, MecCellFreeInstance, CmtsslBatch>(_requested).ResolveConfig(request);
        _base.Validate();
        var options = _base.Reproduction;
        Directory.CreateDirectory(request.OutputDirectory);
        var files = new List<string>();
        var summary = new StringBuilder();
        var json = new Dictionary<string, object?>();
        var clock = Stopwatch.StartNew();
        var problem = _base.Problem;
        if (_base.Refinement is { } refinement)
        {
            summary.AppendLine($"**Every learned decision below is refined per sample** (`refinement`, not in the paper): {refinement.Iterations} Adam steps at " +
                               $"{refinement.LearningRate:G3} on the network's beams under its subcarrier allocation, first every user to {refinement.RateCap:G3}·r^min, " +
                               "then the sum rate. Their times include it; Fig. 7's FLOPs do not.");
            summary.AppendLine();
        }

        // --- Table II -------------------------------------------------------------------------------------------------
        var tableII = new List<(LossScheme Scheme, TrainedModel Central, TrainedModel Distributed)>();
        foreach (var scheme in options.TableSchemes)
            tableII.Add((scheme, Train(false, problem, scheme), Train(true, problem, scheme)));
        var main = Evaluate("table-ii", problem, tableII.SelectMany(r => new[] { r.Central, r.Distributed }).ToArray());
        files.Add(WriteMainReport(main));
        TableII(tableII, main, summary, json);

        // --- Fig. 6: sweeps -------------------------------------------------------------------------------------------
        var sweeps = new (string Axis, string Label, int[] Values, Func<int, MecCellFreeConfig> Problem)[]
        {
            ("B", "SBSs B", options.SweepSbss, v => problem with { Sbss = v }),
            ("N", "subcarriers N", options.SweepSubcarriers, v => problem with { Subcarriers = v }),
            ("I", "users I", options.SweepUsers, v => problem with { Users = v }),
        };
        var sweepJson = new Dictionary<string, object>();
        foreach (var (axis, label, values, make) in sweeps.Where(s => s.Values.Length > 0))
        {
            var points = values.Select(v => (v, WithFeasibility(Evaluate($"{axis}={v}", make(v),
                Train(false, make(v), options.CentralisedScheme), Train(true, make(v), options.DistributedScheme)), make(v)))).ToList();
            files.Add(Sweep(axis, label, points, summary, sweepJson));
        }
        json["fig6"] = sweepJson;

        // --- Fig. 7: FLOPs --------------------------------------------------------------------------------------------
        files.AddRange(Flops(summary, json));

        // --- Fig. 8: DATL ---------------------------------------------------------------------------------------------
        if (options.DatlSbss.Length > 0 && options.DatlPlacements > 0) files.Add(Datl(summary, json));

        summary.AppendLine($"Reproduction took {Duration.Format(clock.Elapsed)} on {request.Device} ({Environment.ProcessorCount} cores).");
        return ExperimentOutcome.OfReproduction(request.OutputDirectory, files, summary.ToString(), json);
    }

    // --- training -----------------------------------------------------------------------------------------------------

    private CmtsslConfig ConfigFor(bool distributed, MecCellFreeConfig problem, LossScheme scheme) => _base with
    {
        Problem = problem,
        Loss = _base.Loss with { Scheme = scheme },
        Training = _base.Training with
        {
            LearningRate = distributed ? _base.Reproduction.DistributedLearningRate : _base.Reproduction.CentralisedLearningRate,
        },
    };

    private static string Describe(MecCellFreeConfig p) =>
        $"B{p.Sbss}{string.Concat(p.AddedSbss.Select(s => $"+({s.X:0.#},{s.Y:0.#})"))}-I{p.Users}-N{p.Subcarriers}";

    /// <summary>
    /// Settings that only choose what is scored, not what is trained; a finished model is reused across them. The
    /// refinement also runs in a training's validation, so it can change which step a new training keeps, but a finished
    /// model is a valid start for any refinement.
    /// </summary>
    public static readonly string[] ScoringOnlySettings = { "reproduction", "testInstances", "baselineUsers", "refinement" };

    private TrainedModel Train(bool distributed, MecCellFreeConfig problem, LossScheme scheme, string? name = null)
    {
        var plugin = distributed ? _distributed : _central;
        name ??= $"{plugin.Info.Name}-{scheme}-{Describe(problem)}";
        if (_trained.TryGetValue(name, out var known)) return known;
        var config = ConfigFor(distributed, problem, scheme);
        var directory = Path.Combine(_request.OutputDirectory, "models", name);
        Directory.CreateDirectory(directory);
        var checkpoint = Path.Combine(directory, Experiment<CmtsslConfig, MecCellFreeInstance, CmtsslBatch>.CheckpointFile);
        var done = Path.Combine(directory, "trained.json");
        var divergedFile = Path.Combine(directory, "diverged.txt");
        TrainedModel result;
        if (File.Exists(divergedFile))
        {
            result = new TrainedModel(name, plugin, config, null, null, File.ReadAllText(divergedFile));
            _log($"{name}: diverged in an earlier run ({result.Diverged})");
        }
        else
        {
            torch.manual_seed(_request.Seed);
            var network = plugin.CreateNetwork(config);
            network.to(_request.Device);
            if (Checkpoint.TryLoadFinished(checkpoint, done, network, config, ScoringOnlySettings, name, _log))
            {
                _log($"{name}: loaded the model trained earlier from {checkpoint}");
                result = new TrainedModel(name, plugin, config, network, null, null);
            }
            else result = TrainNew(name, plugin, config, network, directory, checkpoint, done, divergedFile);
        }
        _trained[name] = result;
        return result;
    }

    private TrainedModel TrainNew(string name, CmtsslPlugin plugin, CmtsslConfig config, nn.Module network, string directory,
        string checkpoint, string done, string divergedFile)
    {
        _log($"{name}: training {config.Training.Steps} steps of {config.Training.BatchSize} (lr {config.Training.LearningRate:G3})");
        var info = new CheckpointInfo(plugin.Info.Name, plugin.Info.Version, _request.Seed, ConfigBinder.ToJson(config).ToJsonString(),
            plugin.SchemaDescription(config), 0, Checkpoint.WirelessGnnVersion);
        var metricsPath = Path.Combine(directory, "metrics.csv");
        var trainer = new Trainer<CmtsslConfig, MecCellFreeInstance, CmtsslBatch>(plugin, config, _request.Device, _request.Seed);
        using var metrics = new MetricsLog(metricsPath, trainer.MetricsColumns, append: false);
        try
        {
            var result = trainer.Train(network, _request.Progress, metrics, checkpoint, null, info, _request.Cancel);
            Plots.TrainingCurves(Path.Combine(directory, "training.png"), metrics.Rows.ToList(), new[] { "loss", "validation_" + trainer.ValidationMetric }, $"{name}: training");
            File.WriteAllText(done, JsonSerializer.Serialize(new { result.Steps, result.WallSeconds, result.BestValidation, result.BestStep, result.FinalLoss }));
            _log($"{name}: trained {result.Steps} steps in {result.WallSeconds:F0} s; best validation sum rate {result.BestValidation:F4} at step {result.BestStep}");
            return new TrainedModel(name, plugin, config, network, result, null);
        }
        catch (TrainingDivergedException e)
        {
            string what = double.IsFinite(e.Loss)
                ? $"step {e.Step}, loss {e.Loss:G3} < {plugin.LossLowerBound(config):G3}"
                : $"step {e.Step}, loss {e.Loss}";
            File.WriteAllText(divergedFile, what);
            _log($"{name}: did not converge ({what})");
            return new TrainedModel(name, plugin, config, null, null, what);
        }
    }

    // --- evaluation ---------------------------------------------------------------------------------------------------

    /// <summary>RSA+ZFBF, GSA+ZFBF and every converged model on the same seeded test realisations of <paramref name="problem"/>.</summary>
    private Point Evaluate(string name, MecCellFreeConfig problem, params TrainedModel[] models)
    {
        var config = _base with { Problem = problem };
        var set = new EvaluationSet<CmtsslConfig>(name, config, _base.Reproduction.TestInstances, CmtsslPlugin.TestSeed);
        var baselines = new Evaluator<CmtsslConfig, MecCellFreeInstance, CmtsslBatch>(_central, _request.Device).Evaluate(null, set, 256, null);
        var methods = new Dictionary<string, MethodScores>(baselines.Baselines);
        foreach (var model in models.Where(m => m.Network is not null))
        {
            var scores = new Evaluator<CmtsslConfig, MecCellFreeInstance, CmtsslBatch>(model.Plugin, _request.Device)
                .Evaluate(model.Network, set with { Config = model.Config }, 256, null);
            methods[model.Name] = scores.Model;
        }
        var instances = _central.Sample(config, _base.Reproduction.TestInstances, CmtsslPlugin.TestSeed);
        var point = new Point(name, methods, 1 - instances.Average(x => MinRatePowerBound.ProvablyInfeasible(x, problem) ? 1.0 : 0.0));
        _log($"{name}: " + string.Join(", ", methods.Keys.Select(k => $"{k} {point.Mean(k):F4}")) +
             $"; every min rate can hold on at most {100 * point.FeasibleAtMost:F1} % of samples");
        return point;
    }

    private string WriteMainReport(Point main)
    {
        var own = ConfigFor(_requested.Distributed, _base.Problem, _base.Loss.Scheme);
        var name = $"{_requested.Info.Name}-{_base.Loss.Scheme}-{Describe(_base.Problem)}";
        var model = _trained.GetValueOrDefault(name);
        var scores = model is { Network: not null } && main.Has(name) ? main.Methods[name] : new MethodScores(new Dictionary<string, double[]>(), Array.Empty<double>(), 256);
        var evaluation = new SetEvaluation(main.Name, scores, main.Methods.Where(kv => kv.Key.StartsWith("rsa") || kv.Key.StartsWith("gsa")).ToDictionary(kv => kv.Key, kv => kv.Value), 0);
        var report = new Experiment<CmtsslConfig, MecCellFreeInstance, CmtsslBatch>(_requested)
            .BuildReport(_request, ConfigBinder.ToJson(own), new List<SetEvaluation> { evaluation }, model?.Training);
        return ReportWriter.WriteJson(_request.OutputDirectory, report);
    }

    // --- tables and figures -------------------------------------------------------------------------------------------

    private static string Percent(double[] flags) => $"{100 * flags.Average():F1} %";

    private static string Cell(Point p, TrainedModel m) => m.Network is null ? $"did not converge ({m.Diverged})" : $"{p.Mean(m.Name):F4}";

    private void TableII(List<(LossScheme Scheme, TrainedModel Central, TrainedModel Distributed)> rows, Point main, StringBuilder s, Dictionary<string, object?> json)
    {
        var p = _base.Problem;
        s.AppendLine($"## Table II: sum rate (bit/s/Hz), B={p.TotalSbss}, I={p.Users}, N={p.Subcarriers}, {_base.Reproduction.TestInstances} test samples; paper values on QuaDRiGa beside ours (38.901 substitute channel)");
        s.AppendLine();
        s.AppendLine("| algorithm | loss | ours | paper | min-rate met | power met (raw) | both met | sum rate after power projection | training steps |");
        s.AppendLine("|---|---|---|---|---|---|---|---|---|");
        var table = new List<object>();
        foreach (var (scheme, central, distributed) in rows)
            foreach (var (m, isDistributed) in new[] { (central, false), (distributed, true) })
            {
                var paper = CmtsslPaper.TableII(isDistributed, scheme);
                string paperCell = paper is { } v ? $"{v:F3}" : "not convergent";
                if (m.Network is null)
                {
                    s.AppendLine($"| {(isDistributed ? "DMTSSL" : "CMTSSL")} | {scheme} | did not converge ({m.Diverged}) | {paperCell} | – | – | – | – | – |");
                    table.Add(new { algorithm = m.Plugin.Info.Name, scheme = scheme.ToString(), converged = false, diverged = m.Diverged, paper });
                    continue;
                }
                var metrics = main.Methods[m.Name].Metrics;
                s.AppendLine($"| {(isDistributed ? "DMTSSL" : "CMTSSL")} | {scheme} | {main.Mean(m.Name):F4} | {paperCell} | {Percent(metrics["min_rate_met"])} | " +
                             $"{Percent(metrics["power_met"])} | {Percent(metrics["constraints_met"])} | {main.Mean(m.Name, "sum_rate_projected"):F4} | {m.Training?.Steps.ToString() ?? "(loaded)"} |");
                table.Add(new
                {
                    algorithm = m.Plugin.Info.Name, scheme = scheme.ToString(), converged = true, sum_rate = main.Mean(m.Name), paper,
                    min_rate_met = metrics["min_rate_met"].Average(), power_met = metrics["power_met"].Average(),
                    constraints_met = metrics["constraints_met"].Average(), sum_rate_projected = main.Mean(m.Name, "sum_rate_projected"),
                });
            }
        foreach (var baseline in new[] { "rsa_zfbf", "gsa_zfbf" })
        {
            var metrics = main.Methods[baseline].Metrics;
            s.AppendLine($"| {Label(baseline)} | – | {main.Mean(baseline):F4} | – | {Percent(metrics["min_rate_met"])} | {Percent(metrics["power_met"])} | {Percent(metrics["constraints_met"])} | {main.Mean(baseline, "sum_rate_projected"):F4} | – |");
        }
        var references = new List<object>();
        foreach (var o in _base.Reproduction.References)
        {
            var clock = Stopwatch.StartNew();
            var metrics = Reference(_base with { Problem = p }, o);
            double Mean(string k) => metrics[k].Average();
            s.AppendLine($"| reference: per-sample gradient ascent, rates capped at {o.RateCap:G3}·r^min ({o.Iterations} Adam steps per sample, every link on, " +
                         $"{clock.Elapsed.TotalSeconds / _base.Reproduction.TestInstances * 1e3:F0} ms per sample) | – | {Mean(CmtsslPlugin.SumRateMetric):F4} | – | " +
                         $"{Percent(metrics["min_rate_met"])} | {Percent(metrics["power_met"])} | {Percent(metrics["constraints_met"])} | {Mean("sum_rate_projected"):F4} | – |");
            references.Add(new
            {
                rate_cap = o.RateCap, iterations = o.Iterations, sum_rate = Mean(CmtsslPlugin.SumRateMetric), min_rate_met = Mean("min_rate_met"),
                users_min_rate_met = Mean("users_min_rate_met"), power_met = Mean("power_met"), seconds = clock.Elapsed.TotalSeconds,
            });
            _log($"table-ii: gradient-ascent reference (cap {o.RateCap:G3}·r^min) {Mean(CmtsslPlugin.SumRateMetric):F4} bit/s/Hz, " +
                 $"min rate met on {Percent(metrics["min_rate_met"])} of samples");
        }
        s.AppendLine();
        s.AppendLine($"Every min rate can hold on at most {100 * main.FeasibleAtMost:F1} % of these samples. " + FeasibleAtMostNote);
        s.AppendLine();
        s.AppendLine("Divergence is detected by the trainer: the loss became non-finite or fell below K·ln(β_floor), a bound the joint loss of non-negative task losses cannot cross.");
        if (references.Count > 0)
            s.AppendLine("The references are not in the paper: they optimise free beamformers per test sample on the same rate model (first every user to the cap, then the sum rate), " +
                         "so they show how much sum rate and min-rate feasibility these channels allow, at a cost no learned model pays.");
        s.AppendLine();
        json["table_ii"] = new { rows = table, rsa_zfbf = main.Mean("rsa_zfbf"), gsa_zfbf = main.Mean("gsa_zfbf"), references, min_rate_feasible_at_most = main.FeasibleAtMost };
    }

    private const string FeasibleAtMostNote =
        "This share, printed for every Fig. 6 point as \"every min rate possible on at most\", counts the test samples that an " +
        "interference-free, sum-power bound does not rule out: a user i needs at least r^min·σ²·ln 2 / max_n λ_max(Σ_b (H^b_{n,i})^H H^b_{n,i}) W, " +
        "and the users' needs must fit in B·P_max. No allocation meets every min rate on the other samples, so the goal of 95 % cannot be met where this is below it.";

    /// <summary>Method key of <see cref="CmtsslReproductionOptions.SweepFeasibility"/>'s reference in a sweep point.</summary>
    private const string FeasibilityReference = "feasibility_reference";

    /// <summary>
    /// Adds the sweep's feasibility reference, when one is set, to a point on the same test realisations (computed once per
    /// system: the default point recurs in every sweep).
    /// </summary>
    private Point WithFeasibility(Point point, MecCellFreeConfig problem)
    {
        if (_base.Reproduction.SweepFeasibility is not { } options) return point;
        if (!_feasibility.TryGetValue(Describe(problem), out var scores))
        {
            var clock = Stopwatch.StartNew();
            scores = new MethodScores(Reference(_base with { Problem = problem }, options), Array.Empty<double>(), 250);
            _feasibility[Describe(problem)] = scores;
            _log($"{point.Name}: the feasibility reference meets every constraint on {Percent(scores.Metrics["constraints_met"])} of samples ({clock.Elapsed.TotalSeconds:F0} s)");
        }
        point.Methods[FeasibilityReference] = scores;
        return point;
    }

    /// <summary>A gradient-ascent reference on the test realisations of a point, scored like every method (chunks of 250).</summary>
    private Dictionary<string, double[]> Reference(CmtsslConfig config, GradientAscentOptions options)
    {
        var instances = _central.Sample(config, _base.Reproduction.TestInstances, CmtsslPlugin.TestSeed);
        var metrics = new Dictionary<string, List<double>>();
        foreach (var chunk in instances.Chunk(250))
        {
            using var scope = NewDisposeScope();
            using var batch = _central.Prepare(chunk, config, _request.Device);
            var y = GradientAscentAllocation.Solve(batch.Problem, options);
            foreach (var (k, v) in _central.Score(y.Flatten(), batch))
                (metrics.TryGetValue(k, out var list) ? list : metrics[k] = new List<double>()).AddRange(v);
        }
        return metrics.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
    }

    private string Sweep(string axis, string label, List<(int Value, Point Point)> points, StringBuilder s, Dictionary<string, object> json)
    {
        var o = _base.Reproduction;
        s.AppendLine($"## Fig. 6: sum rate (bit/s/Hz) against {label} (CMTSSL {o.CentralisedScheme}, DMTSSL {o.DistributedScheme}); both-constraints-met fraction in brackets");
        s.AppendLine();
        bool bound = points.Any(p => p.Point.Has(FeasibilityReference));
        s.AppendLine($"| {axis} | CMTSSL | DMTSSL | RSA+ZFBF | GSA+ZFBF | DMTSSL ≥ CMTSSL | learned > both baselines |{(bound ? " every constraint met by the feasibility reference |" : "")} every min rate possible on at most |");
        s.AppendLine($"|---|---|---|---|---|---|---|{(bound ? "---|" : "")}---|");
        var series = new Dictionary<string, (double[] X, double[] Y)>();
        var rows = new List<object>();
        var values = new Dictionary<string, List<double>> { ["CMTSSL"] = new(), ["DMTSSL"] = new(), ["RSA+ZFBF"] = new(), ["GSA+ZFBF"] = new() };
        foreach (var (value, p) in points)
        {
            string? c = p.Methods.Keys.FirstOrDefault(k => k.StartsWith("cmtssl")), d = p.Methods.Keys.FirstOrDefault(k => k.StartsWith("dmtssl"));
            double cm = c is null ? double.NaN : p.Mean(c), dm = d is null ? double.NaN : p.Mean(d);
            double rsa = p.Mean("rsa_zfbf"), gsa = p.Mean("gsa_zfbf");
            string Cell(string? k) => k is null ? "did not converge" : $"{p.Mean(k):F4} ({Percent(p.Methods[k].Metrics["constraints_met"])})";
            double best = Math.Max(rsa, gsa);
            double? feasible = p.Has(FeasibilityReference) ? p.Methods[FeasibilityReference].Metrics["constraints_met"].Average() : null;
            s.AppendLine($"| {value} | {Cell(c)} | {Cell(d)} | {rsa:F4} | {gsa:F4} | {(dm >= cm ? "yes" : "no")} | CMTSSL {(cm > best ? "yes" : "no")}, DMTSSL {(dm > best ? "yes" : "no")} |" +
                         (bound ? $" {(feasible is { } f ? $"{100 * f:F1} %" : "–")} |" : "") + $" {100 * p.FeasibleAtMost:F1} % |");
            values["CMTSSL"].Add(cm);
            values["DMTSSL"].Add(dm);
            values["RSA+ZFBF"].Add(rsa);
            values["GSA+ZFBF"].Add(gsa);
            rows.Add(new
            {
                value, cmtssl = double.IsFinite(cm) ? cm : (double?)null, dmtssl = double.IsFinite(dm) ? dm : (double?)null, rsa_zfbf = rsa, gsa_zfbf = gsa,
                cmtssl_constraints_met = c is null ? (double?)null : p.Methods[c].Metrics["constraints_met"].Average(),
                dmtssl_constraints_met = d is null ? (double?)null : p.Methods[d].Metrics["constraints_met"].Average(),
                feasibility_reference_constraints_met = feasible,
                min_rate_feasible_at_most = p.FeasibleAtMost,
            });
        }
        s.AppendLine();
        var x = points.Select(p => (double)p.Value).ToArray();
        foreach (var (name, ys) in values) series[name] = (x, ys.ToArray());
        var path = Path.Combine(_request.OutputDirectory, $"fig6_sum_rate_vs_{axis}.png");
        Plots.Lines(path, series, label, "sum rate (bit/s/Hz)", $"Fig. 6: sum rate against {label} ({o.TestInstances} test samples per point)");
        json[axis] = rows;
        return path;
    }

    /// <summary>Network MACs per sample for a system: CMTSSL's one model, one DMTSSL SBS model.</summary>
    private (long Central, long PerSbs) NetworkMacs(MecCellFreeConfig p)
    {
        int[] Widths(int sbss) => new[] { AllocationHead.InputWidth(sbss, p, _base.LinkGains) }.Concat(_base.Hidden).Append(AllocationHead.OutputWidth(sbss, p, _base.Mapping)).ToArray();
        long Macs(int sbss) => AllocationHead.MultiplyAccumulates(sbss, p, _base.Mapping, _base.LinkGains, Layers.Mlp.MultiplyAccumulatesOf(Widths(sbss)));
        return (Macs(p.TotalSbss), Macs(1));
    }

    private IEnumerable<string> Flops(StringBuilder s, Dictionary<string, object?> json)
    {
        var o = _base.Reproduction;
        var p = _base.Problem;
        var axes = new (string Axis, int[] Values, Func<int, MecCellFreeConfig> Make)[]
        {
            ("B", o.FlopSbss, v => p with { Sbss = v, AddedSbss = Array.Empty<SbsSite>() }),
            ("I", o.FlopUsers, v => p with { Users = v }),
            ("N", o.FlopSubcarriers, v => p with { Subcarriers = v }),
        };
        s.AppendLine($"## Fig. 7: FLOPs per sample (baselines: the paper's formulas; networks with hidden widths {string.Join("-", _base.Hidden)}: 2 × MACs of {(_base.LinkGains ? "the link-gain encoding, " : "")}the FC layers and the {_base.Mapping} decoding, DMTSSL: one SBS's model)");
        s.AppendLine();
        var result = new Dictionary<string, object>();
        foreach (var (axis, values, make) in axes.Where(a => a.Values.Length > 0))
        {
            s.AppendLine($"| {axis} | RSA+ZFBF | GSA+ZFBF | CMTSSL | DMTSSL per SBS |");
            s.AppendLine("|---|---|---|---|---|");
            var rows = new List<(double X, double Rsa, double Gsa, double C, double D)>();
            foreach (var v in values)
            {
                var q = make(v);
                var (c, d) = NetworkMacs(q);
                double rsa = MecComplexity.RsaZfbfFlops(q.TotalSbss, q.Users, q.Subcarriers, q.TxAntennas, q.RxAntennas);
                double gsa = MecComplexity.GsaZfbfFlops(q.TotalSbss, q.Users, q.Subcarriers, q.TxAntennas, q.RxAntennas);
                rows.Add((v, rsa, gsa, 2.0 * c, 2.0 * d));
                s.AppendLine($"| {v} | {rsa:N0} | {gsa:N0} | {2.0 * c:N0} | {2.0 * d:N0} |");
            }
            s.AppendLine();
            var path = Path.Combine(_request.OutputDirectory, $"fig7_flops_vs_{axis}.png");
            Plots.Lines(path, new Dictionary<string, (double[] X, double[] Y)>
            {
                ["RSA+ZFBF"] = (rows.Select(r => r.X).ToArray(), rows.Select(r => r.Rsa).ToArray()),
                ["GSA+ZFBF"] = (rows.Select(r => r.X).ToArray(), rows.Select(r => r.Gsa).ToArray()),
                ["CMTSSL"] = (rows.Select(r => r.X).ToArray(), rows.Select(r => r.C).ToArray()),
                ["DMTSSL (per SBS)"] = (rows.Select(r => r.X).ToArray(), rows.Select(r => r.D).ToArray()),
            }, axis, "FLOPs per sample", $"Fig. 7: FLOPs against {axis}", logY: true);
            result[axis] = rows.Select(r => new { value = r.X, rsa_zfbf = r.Rsa, gsa_zfbf = r.Gsa, cmtssl = r.C, dmtssl_per_sbs = r.D }).ToList();
            yield return path;
        }
        var (c0, d0) = NetworkMacs(p);
        s.AppendLine($"At the default size: CMTSSL {c0:N0} MACs, one DMTSSL SBS model {d0:N0} MACs (spec §6.4 reference at (3,10,4): 2,591,744 and 1,567,744).");
        s.AppendLine();
        json["fig7"] = result;
    }

    private string Datl(StringBuilder s, Dictionary<string, object?> json)
    {
        var o = _base.Reproduction;
        var p = _base.Problem;
        s.AppendLine($"## Fig. 8: DATL against DMTSSL retrained from scratch with the new SBS (DMTSSL {o.DistributedScheme}; I={p.Users}, N={p.Subcarriers}; new SBS uniform in the disc)");
        s.AppendLine();
        s.AppendLine("| system | new SBS at (x, y) m | copied from SBS | DATL | retrained DMTSSL | DATL / retrained | RSA+ZFBF | GSA+ZFBF |");
        s.AppendLine("|---|---|---|---|---|---|---|---|");
        var rows = new List<object>();
        var systems = new List<double>();
        var datlMeans = new List<double>();
        var retrainedMeans = new List<double>();
        foreach (int b0 in o.DatlSbss)
        {
            var original = p with { Sbss = b0, AddedSbss = Array.Empty<SbsSite>() };
            var trained = Train(true, original, o.DistributedScheme);
            var ratios = new List<double>();
            double datlSum = 0, retrainedSum = 0;
            for (int k = 0; k < o.DatlPlacements; k++)
            {
                var rng = new Random(5_000_000 + 100 * b0 + k);
                double r = p.DiscRadius * Math.Sqrt(rng.NextDouble()), angle = 2 * Math.PI * rng.NextDouble();
                var site = new SbsSite(Math.Round(r * Math.Cos(angle), 2), Math.Round(r * Math.Sin(angle), 2));
                var extended = original with { AddedSbss = new[] { site } };
                var retrained = Train(true, extended, o.DistributedScheme);
                if (trained.Network is not DmtsslNetwork source || retrained.Network is null)
                {
                    s.AppendLine($"| {b0}+1 | ({site.X:F1}, {site.Y:F1}) | – | {(trained.Network is null ? "did not converge" : "–")} | {(retrained.Network is null ? "did not converge" : "–")} | – | – | – |");
                    continue;
                }
                int nearest = DistanceAwareTransfer.NearestSbs(original.SbsPositions(), site.X, site.Y);
                var extendedConfig = ConfigFor(true, extended, o.DistributedScheme);
                var transferred = DistanceAwareTransfer.AddSbs(source, nearest, extendedConfig);
                var datl = new TrainedModel($"datl-{Describe(extended)}", _distributed, extendedConfig, transferred, null, null);
                var point = Evaluate($"DATL {b0}+1 #{k}", extended, datl, retrained);
                double ratio = point.Mean(datl.Name) / point.Mean(retrained.Name);
                ratios.Add(ratio);
                datlSum += point.Mean(datl.Name);
                retrainedSum += point.Mean(retrained.Name);
                s.AppendLine($"| {b0}+1 | ({site.X:F1}, {site.Y:F1}) | {nearest} | {point.Mean(datl.Name):F4} | {point.Mean(retrained.Name):F4} | {100 * ratio:F1} % | {point.Mean("rsa_zfbf"):F4} | {point.Mean("gsa_zfbf"):F4} |");
                rows.Add(new { system = $"{b0}+1", x = site.X, y = site.Y, copied_from = nearest, datl = point.Mean(datl.Name), retrained = point.Mean(retrained.Name), ratio });
            }
            if (ratios.Count > 0)
            {
                systems.Add(b0 + 1);
                datlMeans.Add(datlSum / ratios.Count);
                retrainedMeans.Add(retrainedSum / ratios.Count);
                s.AppendLine($"| {b0}+1 mean of {ratios.Count} | | | {datlSum / ratios.Count:F4} | {retrainedSum / ratios.Count:F4} | {100 * ratios.Average():F1} % (paper: loss < 5 %) | | |");
            }
        }
        s.AppendLine();
        json["fig8"] = rows;
        var path = Path.Combine(_request.OutputDirectory, "fig8_datl.png");
        var x = systems.ToArray();
        Plots.Lines(path, new Dictionary<string, (double[] X, double[] Y)>
        {
            ["DATL (no retraining)"] = (x, datlMeans.ToArray()),
            ["DMTSSL retrained"] = (x, retrainedMeans.ToArray()),
        }, "SBSs after adding one (B+1)", "sum rate (bit/s/Hz)", "Fig. 8: DATL against retrained DMTSSL (mean over placements)");
        return path;
    }

    private static string Label(string method) => method switch { "rsa_zfbf" => "RSA+ZFBF", "gsa_zfbf" => "GSA+ZFBF", _ => method };
}
