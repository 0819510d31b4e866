using TorchSharp;
using TorchSharp.Modules;
using WirelessGnn.Layers;
using static TorchSharp.torch;

namespace WirelessGnn.Models.RoutedMtl;

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
