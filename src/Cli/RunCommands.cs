using System.CommandLine;
using Spectre.Console;
using WirelessGnn.Graphs;
using WirelessGnn.Models.Configuration;
using WirelessGnn.Models.Experiments;
using WirelessGnn.Models.Plugins;
using WirelessGnn.Models.Reporting;
using WirelessGnn.Models.Training;

namespace WirelessGnn.Cli;

/// <summary><c>wgnn train</c>, <c>wgnn eval</c> and <c>wgnn reproduce</c>: one plugin run each, with shared options.</summary>
public static class RunCommands
{
    private static readonly Argument<string> Plugin = new("plugin") { Description = "Plugin name (see 'wgnn list')." };
    private static readonly Option<int> Seed = new("--seed") { Description = "Seed of everything random (weights, data, shuffling).", DefaultValueFactory = _ => 1 };
    private static readonly Option<string?> Out = new("--out") { Description = "Output folder (default: runs/<plugin>-<command>-<time>)." };
    private static readonly Option<string?> Config = new("--config") { Description = "JSON file with config values over the defaults." };
    private static readonly Option<string[]> Set = new("--set")
    {
        Description = "Override one config value, e.g. --set training.steps=500 (repeatable; validated against the plugin's config).",
        AllowMultipleArgumentsPerToken = false,
    };
    private static readonly Option<bool> Quick = new("--quick") { Description = "A small version that finishes in about a minute on 2 cores." };
    private static readonly Option<string> Checkpoint = new("--checkpoint") { Description = "The model.safetensors file to evaluate.", Required = true };
    private static readonly Option<string?> Resume = new("--resume") { Description = "Resume training from this model.safetensors (its .state file beside it)." };

    public static IEnumerable<Command> Create()
    {
        var train = new Command("train", "Train a plugin's model (defaults + --config + --set), then evaluate it against the baselines.");
        Add(train, Quick, Resume);
        train.SetAction(parse => Run(parse, ExperimentMode.Train));
        yield return train;

        var eval = new Command("eval", "Evaluate a trained checkpoint and the baselines on the plugin's seeded test sets.");
        Add(eval, Checkpoint);
        eval.SetAction(parse => Run(parse, ExperimentMode.Evaluate));
        yield return eval;

        var reproduce = new Command("reproduce", "Train and evaluate at the plugin's paper settings and print our numbers beside the paper's.");
        Add(reproduce, Quick);
        reproduce.SetAction(parse => Run(parse, ExperimentMode.Reproduce));
        yield return reproduce;
    }

    private static void Add(Command command, params Option[] extra)
    {
        command.Arguments.Add(Plugin);
        foreach (var o in new Option[] { Seed, Out, Config, Set }.Concat(extra)) command.Options.Add(o);
    }

    private static int Run(ParseResult parse, ExperimentMode mode) => WgnnCommand.Guarded(parse, () =>
    {
        var plugin = PluginCatalog.Find(parse.GetValue(Plugin)!);
        var device = TorchDevice.Resolve(parse.GetValue(WgnnCommand.Device)!, w => Console.Error.WriteLine($"wgnn: warning: {w}"));
        WgnnCommand.ApplyThreads(parse);
        var verb = mode switch { ExperimentMode.Train => "train", ExperimentMode.Evaluate => "eval", _ => "reproduce" };
        var output = parse.GetValue(Out) ?? Path.Combine("runs", $"{plugin.Info.Name}-{verb}-{DateTime.Now:yyyyMMdd-HHmmss}");
        bool interactive = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        var request = new ExperimentRequest
        {
            Mode = mode,
            Device = device,
            OutputDirectory = output,
            Seed = parse.GetValue(Seed),
            Quick = mode != ExperimentMode.Evaluate && parse.GetValue(Quick),
            ConfigFile = parse.GetValue(Config) is { } file ? ConfigBinder.ReadFile(file) : null,
            Overrides = parse.GetValue(Set) ?? Array.Empty<string>(),
            Checkpoint = mode == ExperimentMode.Evaluate ? parse.GetValue(Checkpoint) : null,
            Resume = mode == ExperimentMode.Train ? parse.GetValue(Resume) : null,
        };
        if (request.Checkpoint is not null && !File.Exists(request.Checkpoint))
            throw new FileNotFoundException($"--checkpoint: file '{request.Checkpoint}' not found.");
        if (request.Resume is not null && !File.Exists(request.Resume))
            throw new FileNotFoundException($"--resume: file '{request.Resume}' not found.");

        plugin.CheckSettings(request);
        Console.WriteLine($"wgnn {verb} {plugin.Info.Name}{(request.Quick ? " --quick" : "")}: seed {request.Seed}, device {device}{(device.type == TorchSharp.DeviceType.CPU ? $", {TorchSharp.torch.get_num_threads()} thread(s)" : "")}, output {output}");
        var outcome = interactive ? RunWithProgressBar(plugin, request) : plugin.Run(request with { Log = Console.WriteLine, Progress = new PlainProgress() });
        Console.WriteLine();
        Console.WriteLine(ReportWriter.FormatTable(outcome.Report));
        if (outcome.Summary is not null) Console.WriteLine(outcome.Summary);
        Console.WriteLine($"Wrote {string.Join(", ", outcome.Files.Select(Path.GetFileName))} to {outcome.OutputDirectory}");
        return 0;
    });

    private static ExperimentOutcome RunWithProgressBar(IModelPlugin plugin, ExperimentRequest request)
    {
        ExperimentOutcome? outcome = null;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("training", autoStart: true, maxValue: 1);
                var progress = new ActionProgress(p =>
                {
                    task.MaxValue = p.TotalSteps;
                    task.Value = p.Step;
                    task.Description = Markup.Escape($"step {p.Step}/{p.TotalSteps} loss {p.Loss:G4}" +
                                                     (p.Validation is { } v ? $" val {v:G5}" : "") + $" ETA {Duration.Format(p.Remaining)}");
                });
                outcome = plugin.Run(request with
                {
                    Progress = progress,
                    Log = line => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(line)}[/]"),
                });
                task.Value = task.MaxValue;
            });
        return outcome!;
    }

    /// <summary>Handles each report at once on the training thread (Progress&lt;T&gt; would post it to the thread pool).</summary>
    private sealed class ActionProgress(Action<TrainingProgress> handle) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => handle(value);
    }

    /// <summary>When output is not a terminal: one line per validation, nothing per step.</summary>
    private sealed class PlainProgress : IProgress<TrainingProgress>
    {
        private double? _last;
        public void Report(TrainingProgress p)
        {
            if (p.Validation == _last && p.Step != p.TotalSteps) return;
            _last = p.Validation;
            Console.WriteLine($"step {p.Step}/{p.TotalSteps}  loss {p.Loss:G5}  validation {p.Validation:G5}  lr {p.LearningRate:G3}  elapsed {Duration.Format(p.Elapsed)}");
        }
    }
}
