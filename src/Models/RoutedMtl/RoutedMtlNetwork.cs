using TorchSharp;
using TorchSharp.Modules;
using WirelessGnn.Layers;
using static TorchSharp.torch;

namespace WirelessGnn.Models.RoutedMtl;

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
        rdnn = new Router(Tasks.Count, config.RouterHidden, bdnn.MaskShapes, config.Gamma, config.RouterMean, config.RouterStd, config.RouterActivation);
        binaryMasks = zeros(Tasks.Count, rdnn.MaskSize);
        frozen = zeros(1);
        RegisterComponents();
    }

    public RoutedMlp Base => bdnn;
    public Router Router => rdnn;
    public bool IsFrozen => frozen.ToDouble() > 0;

    /// <summary>The binary masks <c>[Tasks, MaskSize]</c> (zeros before <see cref="Freeze"/>).</summary>
    public Tensor BinaryMasks => binaryMasks;

    /// <summary>Every task's soft masks of the current training step <c>[Tasks, MaskSize]</c>, or null outside a step.</summary>
    private Tensor? stepMasks;

    /// <summary>Phase 1: one rDNN pass gives every task's masks for the step (the one-hot input makes each row a task's).</summary>
    public override void BeginStep() => stepMasks = IsFrozen ? null : rdnn.AllTasks();

    public override void EndStep() => stepMasks = null;

    /// <summary>A task's masks: the soft rDNN outputs before <see cref="Freeze"/>, the stored binary ones after.</summary>
    public Tensor[] Masks(MtlTask task)
    {
        if (IsFrozen) return rdnn.Split(binaryMasks[task.Index]);
        if (stepMasks is not null) return rdnn.Split(stepMasks[task.Index]);
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
