using TorchSharp;
using WirelessGnn.Layers;
using static TorchSharp.torch;

namespace WirelessGnn.Models.Cmtssl;

/// <summary>
/// The backbone of CMTSSL and of every DMTSSL local model (spec §5.1–5.2): the channels it sees, encoded as
/// <c>[Re H flattened, Im H flattened] / c_H</c>, through FC -> BatchNorm -> ReLU blocks (512, 1024, 512 by default) and
/// an FC -> sigmoid output. Input: channels <c>[S, b, N, I, M_t, M_r]</c> (real and imaginary parts; b = B for CMTSSL,
/// 1 for an SBS); output <c>[S, out]</c> in (0, 1). The input scale c_H is a buffer, so it travels with the weights
/// (checkpoints, DATL copies).
/// </summary>
public sealed class AllocationMlp : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Mlp layers;
    private readonly Tensor input_scale;

    /// <param name="inputWidth">2·b·N·I·M_t·M_r.</param>
    /// <param name="hidden">Hidden widths.</param>
    /// <param name="outputWidth">Decoded by <see cref="AllocationHead"/>.</param>
    /// <param name="inputScale">c_H, the RMS of |H| over the training channels, &gt; 0.</param>
    public AllocationMlp(int inputWidth, IReadOnlyList<int> hidden, int outputWidth, double inputScale) : base(nameof(AllocationMlp))
    {
        if (!(inputScale > 0) || !double.IsFinite(inputScale))
            throw new ArgumentOutOfRangeException(nameof(inputScale), inputScale, $"inputScale = {inputScale} is out of range; expected a finite value > 0.");
        Hidden = hidden.ToArray();
        layers = new Mlp(new[] { inputWidth }.Concat(hidden).Append(outputWidth).ToArray(), Activation.ReLU, Normalization.BatchNorm,
            activateLast: false, normalizeFirst: true);
        input_scale = tensor(inputScale);
        RegisterComponents();
        if (!named_buffers().Any(b => b.name == nameof(input_scale))) register_buffer(nameof(input_scale), input_scale);
    }

    public int InputWidth => layers.InputWidth;
    public int OutputWidth => layers.OutputWidth;
    public IReadOnlyList<int> Hidden { get; }
    public double InputScale => input_scale.to_type(ScalarType.Float64).item<double>();
    /// <summary>Multiply-accumulates per sample, <c>Σ in·out</c> over the FC layers (spec §6.4).</summary>
    public long MultiplyAccumulates => layers.MultiplyAccumulates;

    public override Tensor forward(Tensor channelRe, Tensor channelIm)
    {
        var x = cat(new[] { channelRe.flatten(1), channelIm.flatten(1) }, 1) / input_scale.to(channelRe.dtype);
        return layers.call(x).sigmoid();
    }

    /// <summary>A new model of the same shape holding a copy of every parameter and buffer (BN statistics, c_H).</summary>
    public AllocationMlp Copy()
    {
        var copy = new AllocationMlp(InputWidth, Hidden, OutputWidth, InputScale);
        using (no_grad())
            copy.load_state_dict(state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone()));
        copy.to(input_scale.device);
        if (!training) copy.eval();
        return copy;
    }
}
