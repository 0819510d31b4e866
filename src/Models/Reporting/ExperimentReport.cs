using System.Text.Json.Nodes;

namespace WirelessGnn.Models.Reporting;

/// <summary>Evaluation time of one method, in seconds per instance over the evaluation batches.</summary>
/// <param name="Median">Median seconds per instance.</param>
/// <param name="P90">90th percentile of seconds per instance.</param>
/// <param name="BatchSize">Instances per timed call.</param>
/// <param name="Instances">Instances timed in all.</param>
public sealed record TimingSummary(double Median, double P90, int BatchSize, int Instances);

/// <summary>The scores of one method (the model or a baseline) on the evaluation set: metric name to mean value.</summary>
public sealed record MethodResult(IReadOnlyDictionary<string, double> Metrics, TimingSummary TimePerInstance);

/// <summary>How a training run went.</summary>
/// <param name="Steps">Optimizer steps taken.</param>
/// <param name="WallSeconds">Wall-clock seconds of the training loop.</param>
/// <param name="PeakNativeMb">Peak resident memory of the process (MB), see <see cref="ProcessMemory.PeakRssMb"/>.</param>
/// <param name="FinalLoss">The last training loss, null where none was computed.</param>
public sealed record TrainingSummary(long Steps, double WallSeconds, double PeakNativeMb, double? FinalLoss);

/// <summary>
/// Everything one train/eval run reports: what ran (plugin, problem, seed, device, config), the model's and the
/// baselines' scores on the same instances, the paper's numbers for comparison, and the training summary.
/// Written as <c>report.json</c> by <see cref="ReportWriter"/>.
/// </summary>
public sealed record ExperimentReport(string Plugin, string Problem, int Seed, string Device, JsonObject Config,
    MethodResult? Model, IReadOnlyDictionary<string, MethodResult> Baselines, IReadOnlyDictionary<string, double> Paper, TrainingSummary? Training);
