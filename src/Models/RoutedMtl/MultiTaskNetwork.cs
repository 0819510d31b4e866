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
    private readonly Tensor dualVariables, dualIntegral;
    private readonly double delayPower, capacityPower;
    private readonly TaskIndexEncoding taskIndex;

    protected MultiTaskNetwork(string name, RoutedMtlConfig config) : base(name)
    {
        Tasks = config.Tasks;
        delayPower = config.Fdma.TotalPower;
        capacityPower = config.Capacity.MaxPower;
        taskIndex = config.TaskIndex;
        dualVariables = zeros(Tasks.Count, config.MaxBands);
        register_buffer("duals", dualVariables);
        dualIntegral = zeros(Tasks.Count, config.MaxBands);
        register_buffer("dual_integral", dualIntegral);
    }

    public IReadOnlyList<MtlTask> Tasks { get; }

    /// <summary>The dual variables λ <c>[Tasks, max N]</c>; task i uses the first C_i entries of row i.</summary>
    public Tensor Duals => dualVariables;

    /// <summary>
    /// The integral part of the duals <c>[Tasks, max N]</c> (equal to <see cref="Duals"/> unless
    /// <see cref="RoutedMtlConfig.DualProportionalGain"/> &gt; 0).
    /// </summary>
    public Tensor DualIntegral => dualIntegral;

    /// <summary>Output units of a task (after the head; the decision is the first N_i of them).</summary>
    public virtual int OutputWidth(MtlTask task) => task.Bands;

    /// <summary>Pre-activation outputs <c>[B, OutputWidth(task)]</c> of a task for its gains <c>[B, N_i]</c>.</summary>
    protected abstract Tensor Logits(MtlTask task, Tensor features);

    /// <summary>
    /// Called by the trainer before the task losses of a step (inside the step's dispose scope): a network may compute
    /// what every task of the step shares once (the proposed network: all tasks' soft masks in one rDNN pass).
    /// </summary>
    public virtual void BeginStep() { }

    /// <summary>Called after the step's backward pass; drops what <see cref="BeginStep"/> computed.</summary>
    public virtual void EndStep() { }

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

    /// <summary>The task's index as a real feature, <c>i/K_tot</c> or i (<see cref="RoutedMtlConfig.TaskIndex"/>), i 1-based (spec §12 #16).</summary>
    protected double IndexFeature(MtlTask task) => taskIndex == TaskIndexEncoding.Scaled ? (task.Index + 1.0) / Tasks.Count : task.Index + 1.0;

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
