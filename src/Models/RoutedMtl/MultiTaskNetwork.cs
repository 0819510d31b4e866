using TorchSharp;
using TorchSharp.Modules;
using WirelessGnn.Layers;
using static TorchSharp.torch;

namespace WirelessGnn.Models.RoutedMtl;

/// <summary>
/// A network serving every task (the proposed routed DNN or a baseline): a task's gains <c>[B, N_i]</c> -> powers
/// <c>[B, W]</c> after the task's head (<c>P_tot·softmax</c> for delay, <c>P_tot·sigmoid</c> for capacity, over the W
/// output units; W = N_i except for zero padding), and the dual variables of the unsupervised tasks
/// (buffer <c>[Tasks, max N]</c>, so checkpoints keep them).
/// </summary>
public abstract class MultiTaskNetwork : nn.Module
{
    private readonly Tensor dualVariables;
    private readonly double delayPower, capacityPower;

    protected MultiTaskNetwork(string name, RoutedMtlConfig config) : base(name)
    {
        Tasks = config.Tasks;
        delayPower = config.Fdma.TotalPower;
        capacityPower = config.Capacity.MaxPower;
        dualVariables = zeros(Tasks.Count, config.MaxBands);
        register_buffer("duals", dualVariables);
    }

    public IReadOnlyList<MtlTask> Tasks { get; }

    /// <summary>The dual variables λ <c>[Tasks, max N]</c>; task i uses the first C_i entries of row i.</summary>
    public Tensor Duals => dualVariables;

    /// <summary>Output units of a task (after the head; the decision is the first N_i of them).</summary>
    public virtual int OutputWidth(MtlTask task) => task.Bands;

    /// <summary>Pre-activation outputs <c>[B, OutputWidth(task)]</c> of a task for its gains <c>[B, N_i]</c>.</summary>
    protected abstract Tensor Logits(MtlTask task, Tensor features);

    /// <summary>The parameters trained (for the proposed network: by the current phase).</summary>
    public abstract IEnumerable<Parameter> TrainableParameters();

    /// <summary>Powers <c>[B, OutputWidth(task)]</c>, W: <c>P_tot·softmax</c> (delay) or <c>P_tot·sigmoid</c> (capacity) of the logits.</summary>
    public Tensor Powers(MtlTask task, Tensor features)
    {
        if (features.dim() != 2 || features.shape[1] != task.Bands)
            throw new ArgumentException($"features of {task}: expected [B, {task.Bands}], got [{string.Join(", ", features.shape)}].", nameof(features));
        var z = Logits(task, features);
        return task.Kind == TaskKind.Delay ? delayPower * z.softmax(-1) : capacityPower * z.sigmoid();
    }

    /// <summary>The task's one-hot index as a real feature, <c>i/K_tot</c> with i 1-based (spec §12 #16).</summary>
    protected double IndexFeature(MtlTask task) => (task.Index + 1.0) / Tasks.Count;

    /// <summary>A network of <paramref name="scheme"/> for <paramref name="config"/>'s tasks (weights from torch's seeded generator).</summary>
    public static MultiTaskNetwork Create(Scheme scheme, RoutedMtlConfig config) => scheme switch
    {
        Scheme.Proposed => new RoutedMtlNetwork(config),
        Scheme.SingleTask => new SingleTaskNetworks(config),
        Scheme.Naive => new SharedTaskNetwork(config, zeroPadding: false),
        Scheme.ZeroPadding => new SharedTaskNetwork(config, zeroPadding: true),
        _ => throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "Unknown scheme."),
    };

    /// <summary>bDNN widths for an input and an output width: <c>[inputs, hidden…, outputs]</c>.</summary>
    protected static int[] Widths(int inputs, RoutedMtlConfig config, int outputs) => config.Hidden.Prepend(inputs).Append(outputs).ToArray();
}

/// <summary>
/// The proposed routed multi-task DNN (spec mtl-routing §4): one bDNN (input and output sliced to N_i) whose hidden
/// weights are masked per task by the rDNN. Phase 1 uses the soft masks and trains both; <see cref="Freeze"/> thresholds
/// the masks, stores them and freezes the rDNN; phase 2 trains the bDNN only under the binary masks.
/// </summary>
public sealed class RoutedMtlNetwork : MultiTaskNetwork
{
    private readonly RoutedMlp bdnn;
    private readonly Router rdnn;
    private readonly Tensor binaryMasks;
    private readonly Tensor frozen;

    public RoutedMtlNetwork(RoutedMtlConfig config) : base(nameof(RoutedMtlNetwork), config)
    {
        bdnn = new RoutedMlp(Widths(config.MaxBands, config, config.MaxBands));
        rdnn = new Router(Tasks.Count, config.RouterHidden, bdnn.MaskShapes, config.Gamma, config.RouterMean, config.RouterStd);
        binaryMasks = zeros(Tasks.Count, rdnn.MaskSize);
        frozen = zeros(1);
        RegisterComponents();
    }

    public RoutedMlp Base => bdnn;
    public Router Router => rdnn;
    public bool IsFrozen => frozen.ToDouble() > 0;

    /// <summary>The binary masks <c>[Tasks, MaskSize]</c> (zeros before <see cref="Freeze"/>).</summary>
    public Tensor BinaryMasks => binaryMasks;

    /// <summary>A task's masks: the soft rDNN outputs before <see cref="Freeze"/>, the stored binary ones after.</summary>
    public Tensor[] Masks(MtlTask task)
    {
        if (IsFrozen) return rdnn.Split(binaryMasks[task.Index]);
        var oneHot = nn.functional.one_hot(tensor(new long[] { task.Index }, device: binaryMasks.device), Tasks.Count).to(binaryMasks.dtype);
        return rdnn.Split(rdnn.call(oneHot)[0]);
    }

    protected override Tensor Logits(MtlTask task, Tensor features) => bdnn.Forward(features, Masks(task), task.Bands);

    public override IEnumerable<Parameter> TrainableParameters() => IsFrozen ? bdnn.parameters() : parameters();

    /// <summary>Thresholds every task's masks (<c>Sign(ReLU(y − threshold))</c>), stores them and freezes the rDNN.</summary>
    public void Freeze(double threshold)
    {
        using var noGrad = no_grad();
        binaryMasks.copy_(RoutingActivation.Threshold(rdnn.AllTasks(), threshold));
        frozen.fill_(1);
        foreach (var p in rdnn.parameters()) p.requires_grad_(false);
    }
}

/// <summary>The single-task baseline: one bDNN-shaped MLP per task, <c>N_i → hidden… → N_i</c>, no masks (spec §8).</summary>
public sealed class SingleTaskNetworks : MultiTaskNetwork
{
    private readonly ModuleList<RoutedMlp> nets;

    public SingleTaskNetworks(RoutedMtlConfig config) : base(nameof(SingleTaskNetworks), config)
    {
        nets = new ModuleList<RoutedMlp>(Tasks.Select(t => new RoutedMlp(Widths(t.Bands, config, t.Bands))).ToArray());
        RegisterComponents();
    }

    public RoutedMlp Network(MtlTask task) => nets[task.Index];

    protected override Tensor Logits(MtlTask task, Tensor features) => nets[task.Index].Forward(features, null, task.Bands);

    public override IEnumerable<Parameter> TrainableParameters() => parameters();
}

/// <summary>
/// The naive and zero-padding baselines (spec §8): one bDNN-shaped MLP with max N + 1 inputs shared by every task,
/// router fixed at ones. Naive: the gains in slots 1..N_i and the task index in slot N_i + 1, outputs the first N_i
/// units. Zero padding: the gains padded to max N and the index in slot max N + 1, the head over all max N units.
/// </summary>
public sealed class SharedTaskNetwork : MultiTaskNetwork
{
    private readonly RoutedMlp net;
    private readonly int maxBands;

    public SharedTaskNetwork(RoutedMtlConfig config, bool zeroPadding) : base(zeroPadding ? "ZeroPaddingNetwork" : "NaiveNetwork", config)
    {
        ZeroPadding = zeroPadding;
        maxBands = config.MaxBands;
        net = new RoutedMlp(Widths(maxBands + 1, config, maxBands));
        RegisterComponents();
    }

    public bool ZeroPadding { get; }
    public RoutedMlp Base => net;

    public override int OutputWidth(MtlTask task) => ZeroPadding ? maxBands : task.Bands;

    protected override Tensor Logits(MtlTask task, Tensor features)
    {
        var x = ZeroPadding ? nn.functional.pad(features, new long[] { 0, maxBands - task.Bands }) : features;
        var index = full(x.shape[0], 1, IndexFeature(task), dtype: x.dtype, device: x.device);
        return net.Forward(cat(new[] { x, index }, 1), null, OutputWidth(task));
    }

    public override IEnumerable<Parameter> TrainableParameters() => parameters();
}
