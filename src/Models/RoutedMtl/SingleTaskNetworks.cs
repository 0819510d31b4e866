using TorchSharp;
using TorchSharp.Modules;
using WirelessGnn.Layers;
using static TorchSharp.torch;

namespace WirelessGnn.Models.RoutedMtl;

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
