using TorchSharp;
using WirelessGnn.Layers;
using WirelessGnn.Problems.MecCellFree;
using static TorchSharp.torch;

namespace WirelessGnn.Models.Cmtssl;

/// <summary>
/// The backbone of CMTSSL and of every DMTSSL local model (spec §5.1–5.2): the channels it sees, encoded as
/// <c>[Re H flattened, Im H flattened] / c_H</c> (optionally followed by the link gains, see <see cref="LinkGains"/>),
/// through FC -> BatchNorm -> ReLU blocks (512, 1024, 512 by default) and an FC -> sigmoid output. Input: channels
/// <c>[S, b, N, I, M_t, M_r]</c> (real and imaginary parts; b = B for CMTSSL, 1 for an SBS); output <c>[S, out]</c> in (0, 1). The input scale c_H is a buffer, so it travels with the weights
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
    /// <param name="linkGains">Whether <paramref name="inputWidth"/> includes one link-gain feature per (b, n, i) after the channels.</param>
    public AllocationMlp(int inputWidth, IReadOnlyList<int> hidden, int outputWidth, double inputScale, bool linkGains = false) : base(nameof(AllocationMlp))
    {
        if (!(inputScale > 0) || !double.IsFinite(inputScale))
            throw new ArgumentOutOfRangeException(nameof(inputScale), inputScale, $"inputScale = {inputScale} is out of range; expected a finite value > 0.");
        Hidden = hidden.ToArray();
        LinkGains = linkGains;
        layers = new Mlp(new[] { inputWidth }.Concat(hidden).Append(outputWidth).ToArray(), Activation.ReLU, Normalization.BatchNorm,
            activateLast: false, normalizeFirst: true);
        input_scale = tensor(inputScale);
        RegisterComponents();
        if (!named_buffers().Any(b => b.name == nameof(input_scale))) register_buffer(nameof(input_scale), input_scale);
    }

    public int InputWidth => layers.InputWidth;
    public int OutputWidth => layers.OutputWidth;
    public IReadOnlyList<int> Hidden { get; }
    /// <summary>
    /// Whether the input ends with the link gains <c>log10(‖H^b_{n,i}‖_F² / (M_t·M_r·c_H²))</c>, one per (b, n, i): the
    /// same information as H, in the form a ReLU network cannot easily compute from Re H and Im H (a sum of squares).
    /// </summary>
    public bool LinkGains { get; }
    public double InputScale => input_scale.to_type(ScalarType.Float64).item<double>();
    /// <summary>Multiply-accumulates per sample, <c>Σ in·out</c> over the FC layers (spec §6.4).</summary>
    public long MultiplyAccumulates => layers.MultiplyAccumulates;

    public override Tensor forward(Tensor channelRe, Tensor channelIm) =>
        layers.call(Encode(channelRe, channelIm, input_scale.to(channelRe.dtype), LinkGains)).sigmoid();

    /// <summary>
    /// The input of channels <c>[S, b, N, I, M_t, M_r]</c>: <c>[Re H, Im H] / c_H</c> flattened row-major, then with
    /// <paramref name="linkGains"/> <c>log10(‖H^b_{n,i}‖_F² / (M_t·M_r·c_H²))</c> row-major over (b, n, i); <c>[S, width]</c>.
    /// </summary>
    public static Tensor Encode(Tensor channelRe, Tensor channelIm, Tensor inputScale, bool linkGains)
    {
        var x = cat(new[] { channelRe.flatten(1), channelIm.flatten(1) }, 1) / inputScale;
        if (!linkGains) return x;
        long units = channelRe.shape[^1] * channelRe.shape[^2];
        var gains = MecCellFreeTensors.LinkGains(channelRe, channelIm).flatten(1) / (units * inputScale.square());
        return cat(new[] { x, gains.clamp_min(1e-30).log10() }, 1);
    }

    /// <summary>A new model of the same shape holding a copy of every parameter and buffer (BN statistics, c_H).</summary>
    public AllocationMlp Copy()
    {
        var copy = new AllocationMlp(InputWidth, Hidden, OutputWidth, InputScale, LinkGains);
        using (no_grad())
            copy.load_state_dict(state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone()));
        copy.to(input_scale.device);
        if (!training) copy.eval();
        return copy;
    }
}
