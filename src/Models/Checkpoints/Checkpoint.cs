using System.Globalization;
using System.Reflection;
using System.Text;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace WirelessGnn.Models.Checkpoints;

/// <summary>What a checkpoint says about the model it holds, stored as safetensors metadata.</summary>
/// <param name="Plugin">Name of the plugin that built the network.</param>
/// <param name="PluginVersion">That plugin's version.</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="ConfigJson">The plugin configuration as JSON, enough to rebuild the same architecture.</param>
/// <param name="Schema">The graph schema as text, where the plugin has one.</param>
/// <param name="Step">Training steps taken when the checkpoint was written.</param>
/// <param name="WirelessGnnVersion">Framework version that wrote it; an empty string is replaced by the running version on save.</param>
public sealed record CheckpointInfo(string Plugin, string PluginVersion, int Seed, string ConfigJson, string? Schema, long Step, string WirelessGnnVersion);

/// <summary>A network's checkpoint does not fit the network it is loaded into.</summary>
public sealed class CheckpointMismatchException : InvalidOperationException
{
    public CheckpointMismatchException(string message, string tensorName, string mismatches) : base(message)
    {
        TensorName = tensorName;
        Mismatches = mismatches;
    }

    /// <summary>The state-dict entry of the first mismatch.</summary>
    public string TensorName { get; }

    /// <summary>What differs, e.g. <c>'head.weight' has shape [1, 8] in the checkpoint but [1, 4] in the network</c>.</summary>
    public string Mismatches { get; }
}

/// <summary>
/// Model checkpoints: a module's state dict (parameters and persistent buffers such as BatchNorm running statistics)
/// in a safetensors file whose metadata carries the <see cref="CheckpointInfo"/>; optionally a side file with the
/// optimizer state, step and RNG state for resuming.
/// </summary>
/// <remarks>
/// Metadata keys: <c>format</c> = <c>wirelessgnn-checkpoint</c>, <c>format_version</c>, <c>plugin</c>,
/// <c>plugin_version</c>, <c>seed</c>, <c>config</c>, <c>schema</c> (absent when null), <c>step</c>,
/// <c>wirelessgnn_version</c>. In Python: <c>safetensors.safe_open(path, "pt").metadata()</c>.
/// </remarks>
public static class Checkpoint
{
    public const string Format = "wirelessgnn-checkpoint";
    public const int FormatVersion = 1;

    /// <summary>The training-state side file next to a checkpoint: same name, extension <c>.state</c>.</summary>
    public static string TrainingStatePath(string checkpointPath) => Path.ChangeExtension(checkpointPath, ".state");

    /// <summary>The running framework version (informational version of this assembly, without a source-revision suffix).</summary>
    public static string WirelessGnnVersion { get; } = ReadVersion();

    /// <summary>Writes the module's state_dict (parameters AND buffers such as BatchNorm running stats) to <paramref name="path"/> (.safetensors) with the info as metadata.</summary>
    public static void Save(string path, nn.Module network, CheckpointInfo info)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(info);
        var state = network.state_dict();
        SafeTensors.Save(path, state, ToMetadata(info));
    }

    /// <summary>Reads the metadata of a checkpoint without loading its tensors.</summary>
    /// <exception cref="InvalidDataException">The file is not a safetensors file or lacks the checkpoint metadata.</exception>
    public static CheckpointInfo ReadInfo(string path)
    {
        var (metadata, _) = SafeTensors.ReadHeader(path);
        return FromMetadata(metadata, path);
    }

    /// <summary>
    /// Loads a model that an earlier run finished training (<paramref name="finishedMarker"/> exists beside
    /// <paramref name="path"/>) into <paramref name="network"/>, unless it was trained with other settings than
    /// <paramref name="config"/> (<see cref="Configuration.ConfigBinder.ChangedSettings"/>, ignoring
    /// <paramref name="scoringOnly"/> keys); that case is logged. False: the caller trains anew.
    /// </summary>
    public static bool TryLoadFinished(string path, string finishedMarker, nn.Module network, object config, IReadOnlyCollection<string> scoringOnly,
        string name, Action<string> log)
    {
        if (!File.Exists(finishedMarker) || !File.Exists(path)) return false;
        var changed = Configuration.ConfigBinder.ChangedSettings(ReadInfo(path).ConfigJson, config, scoringOnly);
        if (changed.Count > 0)
        {
            log($"{name}: the model in {Path.GetDirectoryName(path)} was trained with other settings ({string.Join("; ", changed)}); training it again");
            return false;
        }
        Load(path, network);
        return true;
    }

    /// <summary>
    /// Loads the weights into <paramref name="network"/> (same architecture), checking names and shapes and failing
    /// with a clear message naming the first mismatch. Values are copied in place (on the network's device and dtype),
    /// so the parameter objects an optimizer already holds stay valid. Floating-point values may change precision
    /// (a float32 checkpoint into a float64 network); integer, boolean and floating kinds never mix.
    /// </summary>
    /// <exception cref="CheckpointMismatchException">A name is missing on either side, or a shape or dtype kind differs.</exception>
    public static CheckpointInfo Load(string path, nn.Module network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var info = ReadInfo(path);
        using var scope = NewDisposeScope();
        var (stored, _) = SafeTensors.Load(path);
        var target = network.state_dict();

        var problems = new List<(string Name, string What)>();
        foreach (var (name, tensor) in target)
        {
            if (!stored.TryGetValue(name, out var source))
                problems.Add((name, $"'{name}' ({Describe(tensor)}) is in the network but not in the checkpoint"));
            else if (!source.shape.SequenceEqual(tensor.shape))
                problems.Add((name, $"'{name}' has shape [{string.Join(", ", source.shape)}] in the checkpoint but [{string.Join(", ", tensor.shape)}] in the network"));
            else if (Kind(source.dtype) != Kind(tensor.dtype))
                problems.Add((name, $"'{name}' is {source.dtype} in the checkpoint but {tensor.dtype} in the network"));
        }
        foreach (var name in stored.Keys)
            if (!target.ContainsKey(name))
                problems.Add((name, $"'{name}' ({Describe(stored[name])}) is in the checkpoint but not in the network"));
        if (problems.Count > 0)
        {
            var more = problems.Count > 1 ? $" ({problems.Count - 1} more mismatch{(problems.Count > 2 ? "es" : "")}: {string.Join(", ", problems.Skip(1).Take(5).Select(p => $"'{p.Name}'"))}{(problems.Count > 6 ? ", …" : "")})" : "";
            string mismatches = problems[0].What + more;
            throw new CheckpointMismatchException(
                $"Checkpoint '{path}' (plugin '{info.Plugin}' {info.PluginVersion}) does not fit the network: {mismatches}. " +
                "Build the network from the checkpoint's config (Checkpoint.ReadInfo(path).ConfigJson).", problems[0].Name, mismatches);
        }

        using (no_grad())
        {
            foreach (var (name, tensor) in target) tensor.copy_(stored[name]);
        }
        return info;
    }

    /// <summary>
    /// Writes the training state for resume: the optimizer's state (TorchSharp's <c>OptimizerHelper.save_state_dict</c>:
    /// per parameter group the options such as learning rate and betas, per parameter the moments and step counts),
    /// the step, and the global torch CPU RNG state. <paramref name="path"/> is the side file itself
    /// (<see cref="TrainingStatePath"/>); a path ending in <c>.safetensors</c> is taken as the checkpoint's and mapped to it.
    /// </summary>
    /// <remarks>
    /// File layout (little-endian): magic <c>WGNNTRST</c>, int32 format version, int64 step, string optimizer type,
    /// int32 length + bytes of <c>torch.get_rng_state()</c>, int32 generator count (0 or 1) + length + bytes of its
    /// state, int64 length + bytes of the optimizer state dict. Only optimizers derived from TorchSharp's
    /// <c>OptimizerHelper</c> (all of <c>torch.optim</c>) can save their state.
    /// </remarks>
    public static void SaveTrainingState(string path, optim.Optimizer optimizer, long step) => SaveTrainingState(path, optimizer, step, null);

    /// <summary>As <see cref="SaveTrainingState(string, optim.Optimizer, long)"/>, and the state of an explicit generator too.</summary>
    /// <param name="path">The side file (or the checkpoint's path, mapped to <see cref="TrainingStatePath"/>).</param>
    /// <param name="optimizer">A torch.optim optimizer.</param>
    /// <param name="step">Training steps taken.</param>
    /// <param name="generator">An explicit generator whose state is saved too (the data sampler's, say).</param>
    public static void SaveTrainingState(string path, optim.Optimizer optimizer, long step, Generator? generator)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, "step must be >= 0.");
        path = StateFile(path);
        var helper = optimizer as OptimizerHelper
            ?? throw new NotSupportedException($"Optimizer {optimizer.GetType().FullName} cannot save its state: only optimizers derived from TorchSharp.Modules.OptimizerHelper (torch.optim.*) can.");

        var optimizerState = new MemoryStream();
        using (var writer = new BinaryWriter(optimizerState, Encoding.UTF8, leaveOpen: true)) helper.save_state_dict(writer);

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        var temporary = path + ".tmp-" + Environment.ProcessId;
        using (var file = new BinaryWriter(File.Create(temporary), Encoding.UTF8))
        {
            file.Write(StateMagic);
            file.Write(StateFormatVersion);
            file.Write(step);
            file.Write(optimizer.GetType().FullName ?? optimizer.GetType().Name);
            WriteTensorBytes(file, get_rng_state());
            file.Write(generator is null ? 0 : 1);
            if (generator is not null) WriteTensorBytes(file, generator.get_state());
            file.Write(optimizerState.Length);
            optimizerState.Position = 0;
            optimizerState.CopyTo(file.BaseStream);
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Restores what <see cref="SaveTrainingState(string, optim.Optimizer, long)"/> wrote into <paramref name="optimizer"/>
    /// (built the same way, over the same network) and the global RNG; returns the step.</summary>
    public static long LoadTrainingState(string path, optim.Optimizer optimizer) => LoadTrainingState(path, optimizer, null);

    /// <summary>As <see cref="LoadTrainingState(string, optim.Optimizer)"/>, and restores an explicit generator too.</summary>
    /// <param name="path">The side file (or the checkpoint's path, mapped to <see cref="TrainingStatePath"/>).</param>
    /// <param name="optimizer">The optimizer to restore, built as the saved one was, over the same parameters.</param>
    /// <param name="generator">Receives the saved generator state, where one was saved.</param>
    public static long LoadTrainingState(string path, optim.Optimizer optimizer, Generator? generator)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        path = StateFile(path);
        var helper = optimizer as OptimizerHelper
            ?? throw new NotSupportedException($"Optimizer {optimizer.GetType().FullName} cannot load a state: only optimizers derived from TorchSharp.Modules.OptimizerHelper (torch.optim.*) can.");
        using var file = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
        try
        {
            var magic = file.ReadBytes(StateMagic.Length);
            if (!magic.AsSpan().SequenceEqual(StateMagic)) throw new InvalidDataException($"'{path}' is not a WirelessGnn training-state file (bad magic).");
            int version = file.ReadInt32();
            if (version != StateFormatVersion) throw new InvalidDataException($"'{path}' has training-state format {version}; this build reads {StateFormatVersion}.");
            long step = file.ReadInt64();
            string type = file.ReadString();
            string expected = optimizer.GetType().FullName ?? optimizer.GetType().Name;
            if (type != expected) throw new InvalidOperationException($"'{path}' holds the state of a {type}, not of the {expected} given.");
            var rng = ReadTensorBytes(file);
            int generators = file.ReadInt32();
            byte[]? generatorState = generators == 1 ? ReadTensorBytes(file) : null;
            long length = file.ReadInt64();
            var optimizerState = file.ReadBytes(checked((int)length));
            if (optimizerState.Length != length) throw new EndOfStreamException();

            try
            {
                using var reader = new BinaryReader(new MemoryStream(optimizerState), Encoding.UTF8);
                helper.load_state_dict(reader);
            }
            catch (Exception e) when (e is not InvalidDataException)
            {
                throw new InvalidOperationException($"'{path}': the optimizer state does not fit the optimizer given (different parameters or groups?): {e.Message}", e);
            }
            using (var state = tensor(rng, dtype: ScalarType.Byte)) set_rng_state(state);
            if (generator is not null && generatorState is not null)
                using (var state = tensor(generatorState, dtype: ScalarType.Byte)) generator.set_state(state);
            return step;
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"'{path}' is cut short: not a complete training-state file.");
        }
    }

    private static readonly byte[] StateMagic = "WGNNTRST"u8.ToArray();
    private const int StateFormatVersion = 1;

    private static string StateFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) ? TrainingStatePath(path) : path;
    }

    private static void WriteTensorBytes(BinaryWriter writer, Tensor state)
    {
        using (state)
        using (NewDisposeScope())
        {
            var bytes = state.cpu().contiguous().bytes;
            writer.Write(bytes.Length);
            writer.Write(bytes);
        }
    }

    private static byte[] ReadTensorBytes(BinaryReader reader)
    {
        int length = reader.ReadInt32();
        var bytes = reader.ReadBytes(length);
        if (bytes.Length != length) throw new EndOfStreamException();
        return bytes;
    }

    private static Dictionary<string, string> ToMetadata(CheckpointInfo info)
    {
        var metadata = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["format_version"] = FormatVersion.ToString(CultureInfo.InvariantCulture),
            ["plugin"] = info.Plugin ?? throw new ArgumentException("info.Plugin is null.", nameof(info)),
            ["plugin_version"] = info.PluginVersion ?? "",
            ["seed"] = info.Seed.ToString(CultureInfo.InvariantCulture),
            ["config"] = info.ConfigJson ?? "{}",
            ["step"] = info.Step.ToString(CultureInfo.InvariantCulture),
            ["wirelessgnn_version"] = string.IsNullOrEmpty(info.WirelessGnnVersion) ? WirelessGnnVersion : info.WirelessGnnVersion,
        };
        if (info.Schema is not null) metadata["schema"] = info.Schema;
        return metadata;
    }

    private static CheckpointInfo FromMetadata(IReadOnlyDictionary<string, string> metadata, string path)
    {
        string Get(string key) => metadata.TryGetValue(key, out var v) ? v
            : throw new InvalidDataException($"'{path}' is a safetensors file but not a WirelessGnn checkpoint: its metadata has no '{key}'.");
        if (metadata.TryGetValue("format", out var format) && format != Format)
            throw new InvalidDataException($"'{path}' has metadata format '{format}', expected '{Format}'.");
        int seed = int.TryParse(Get("seed"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s
            : throw new InvalidDataException($"'{path}': metadata seed '{Get("seed")}' is not an integer.");
        long step = long.TryParse(Get("step"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var t) ? t
            : throw new InvalidDataException($"'{path}': metadata step '{Get("step")}' is not an integer.");
        return new CheckpointInfo(Get("plugin"), Get("plugin_version"), seed, Get("config"),
            metadata.TryGetValue("schema", out var schema) ? schema : null, step, Get("wirelessgnn_version"));
    }

    private static int Kind(ScalarType type) => type switch
    {
        ScalarType.Bool => 0,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64 => 1,
        ScalarType.ComplexFloat32 or ScalarType.ComplexFloat64 => 2,
        _ => 3,
    };

    private static string Describe(Tensor t) => $"{t.dtype} [{string.Join(", ", t.shape)}]";

    private static string ReadVersion()
    {
        var assembly = typeof(Checkpoint).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (!string.IsNullOrEmpty(informational)) return informational.Split('+')[0];
        return assembly.GetName().Version?.ToString(3) ?? "0.0.0";
    }
}
