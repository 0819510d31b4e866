using TorchSharp;
using WirelessGnn.Layers;
using static TorchSharp.torch;

namespace WirelessGnn.Models.Hbgnn;

/// <summary>
/// The FCNN baseline of spec §6.7 [P]: the dB-scaled gain matrix flattened (<c>I·J</c> values) through four hidden layers
/// of 2048 ReLU units to <c>I·J</c> association scores (one softmax row per UE over all J BSs) and J power sigmoids.
/// Tied to one I and J. Input <c>[B, I, J]</c>; output scores <c>[B, I, J]</c> and power fractions <c>[B, J]</c>.
/// </summary>
public sealed class FcnnNetwork : nn.Module<Tensor, (Tensor Scores, Tensor PowerFraction)>
{
    private readonly Mlp body;
    private readonly TorchSharp.Modules.Linear head;
    private readonly int ues, bss;

    public FcnnNetwork(int ues, int bss, int hidden = 2048, int hiddenLayers = 4) : base(nameof(FcnnNetwork))
    {
        this.ues = ues;
        this.bss = bss;
        body = new Mlp(new[] { ues * bss }.Concat(Enumerable.Repeat(hidden, hiddenLayers)).ToArray());
        head = nn.Linear(hidden, ues * bss + bss);
        RegisterComponents();
    }

    public override (Tensor Scores, Tensor PowerFraction) forward(Tensor gains)
    {
        var y = head.call(body.call(gains.flatten(1)));
        return (y.narrow(1, 0, ues * bss).reshape(-1, ues, bss), y.narrow(1, ues * bss, bss).sigmoid());
    }
}

/// <summary>
/// The CNN baseline of spec §6.7 [R]: the gain matrix as a one-channel <c>I×J</c> image through four 3×3 convolutions
/// (64 channels, "same" padding, ReLU); a 1×1 convolution gives the <c>I×J</c> association scores; the mean over the UE
/// axis, a linear map and a sigmoid give each BS column's power fraction. Input <c>[B, I, J]</c>.
/// </summary>
public sealed class CnnNetwork : nn.Module<Tensor, (Tensor Scores, Tensor PowerFraction)>
{
    private readonly TorchSharp.Modules.Sequential body;
    private readonly TorchSharp.Modules.Conv2d scoreHead;
    private readonly TorchSharp.Modules.Linear powerHead;

    public CnnNetwork(int channels = 64, int convolutions = 4) : base(nameof(CnnNetwork))
    {
        var stages = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (int n = 0; n < convolutions; n++)
        {
            stages.Add(($"conv{n}", nn.Conv2d(n == 0 ? 1 : channels, channels, 3, padding: 1)));
            stages.Add(($"relu{n}", nn.ReLU()));
        }
        body = nn.Sequential(stages);
        scoreHead = nn.Conv2d(channels, 1, 1);
        powerHead = nn.Linear(channels, 1);
        RegisterComponents();
    }

    public override (Tensor Scores, Tensor PowerFraction) forward(Tensor gains)
    {
        var h = body.call(gains.unsqueeze(1));                                      // [B, C, I, J]
        var scores = scoreHead.call(h).squeeze(1);                                  // [B, I, J]
        var power = powerHead.call(h.mean(new long[] { 2 }).transpose(1, 2)).squeeze(-1).sigmoid();   // [B, J]
        return (scores, power);
    }
}

/// <summary>Parameter counts (Table II).</summary>
public static class ParameterCount
{
    public static long Of(nn.Module network) => network.parameters().Sum(p => p.numel());
}
