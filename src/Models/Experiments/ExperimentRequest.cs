using System.Text.Json.Nodes;
using WirelessGnn.Models.Reporting;
using WirelessGnn.Models.Training;
using static TorchSharp.torch;

namespace WirelessGnn.Models.Experiments;

/// <summary>What a run does: train then evaluate, evaluate a checkpoint, or reproduce the paper's settings.</summary>
public enum ExperimentMode { Train, Evaluate, Reproduce }

/// <summary>Everything the command line passes to a plugin run.</summary>
public sealed record ExperimentRequest
{
    public required ExperimentMode Mode { get; init; }
    public required Device Device { get; init; }
    public required string OutputDirectory { get; init; }
    public int Seed { get; init; } = 1;
    /// <summary>A small version of the settings that finishes in about a minute on 2 cores.</summary>
    public bool Quick { get; init; }
    /// <summary>Values from <c>--config file.json</c>, applied over the defaults.</summary>
    public JsonObject? ConfigFile { get; init; }
    /// <summary><c>--set key=value</c> overrides, applied last.</summary>
    public IReadOnlyList<string> Overrides { get; init; } = Array.Empty<string>();
    /// <summary>The checkpoint to evaluate (Evaluate mode).</summary>
    public string? Checkpoint { get; init; }
    /// <summary>A checkpoint to resume training from.</summary>
    public string? Resume { get; init; }
    public IProgress<TrainingProgress>? Progress { get; init; }
    /// <summary>Status lines (not per-step progress).</summary>
    public Action<string>? Log { get; init; }
    public CancellationToken Cancel { get; init; }
}

/// <summary>The report of a run, where it was written, and the files written.</summary>
/// <param name="Summary">Further tables for the console (e.g. a reproduction's paper tables), or null.</param>
public sealed record ExperimentOutcome(ExperimentReport Report, string OutputDirectory, IReadOnlyList<string> Files, string? Summary = null)
{
    /// <summary>
    /// The end of a paper reproduction: writes <c>reproduction.json</c> and <c>reproduction.md</c> (the summary tables) into
    /// the output folder, adds them to <paramref name="files"/>, and reads back the <c>report.json</c> written earlier.
    /// </summary>
    public static ExperimentOutcome OfReproduction(string directory, List<string> files, string summary, object json)
    {
        var jsonPath = Path.Combine(directory, "reproduction.json");
        File.WriteAllText(jsonPath, System.Text.Json.JsonSerializer.Serialize(json, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        var mdPath = Path.Combine(directory, "reproduction.md");
        File.WriteAllText(mdPath, summary);
        files.Add(jsonPath);
        files.Add(mdPath);
        var report = ReportWriter.ReadJson(Path.Combine(directory, "report.json"));
        return new ExperimentOutcome(report, directory, files, summary);
    }
}
