using System.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace WirelessGnn.Problems.MecCellFree;

/// <summary>
/// A batch of realisations as tensors: the channels split into real and imaginary parts, <c>[S, B, N, I, M_t, M_r]</c>,
/// and the config's budgets. Owns its tensors.
/// </summary>
public sealed class MecCellFreeTensors : IDisposable
{
    public required Tensor ChannelRe { get; init; }
    public required Tensor ChannelIm { get; init; }
    /// <summary>σ² in W.</summary>
    public required double NoiseW { get; init; }
    /// <summary>P_max of every SBS in W.</summary>
    public required double PowerMaxW { get; init; }
    /// <summary>r^min of every user, bit/s/Hz.</summary>
    public required double MinRate { get; init; }

    public long Samples => ChannelRe.shape[0];
    public long Sbss => ChannelRe.shape[1];
    public long Subcarriers => ChannelRe.shape[2];
    public long Users => ChannelRe.shape[3];
    public long TxAntennas => ChannelRe.shape[4];
    public long RxAntennas => ChannelRe.shape[5];

    /// <summary>
    /// The link gains <c>‖H^b_{n,i}‖_F²</c> of channels <c>[…, M_t, M_r]</c> (real and imaginary parts, e.g. one SBS's
    /// slice), <c>[…]</c>.
    /// </summary>
    public static Tensor LinkGains(Tensor channelRe, Tensor channelIm) =>
        (channelRe.square() + channelIm.square()).sum(new long[] { -2, -1 });

    public static MecCellFreeTensors From(IReadOnlyList<MecCellFreeInstance> instances, MecCellFreeConfig config, Device device, ScalarType dtype = ScalarType.Float32)
    {
        if (instances.Count == 0) throw new ArgumentException("instances: an empty batch; expected at least one realisation.", nameof(instances));
        var first = instances[0];
        int b = first.Sbss, n = first.Subcarriers, i = first.Users, mt = first.TxAntennas, mr = first.RxAntennas;
        if (b != config.TotalSbss || n != config.Subcarriers || i != config.Users || mt != config.TxAntennas || mr != config.RxAntennas)
            throw new ArgumentException($"instances: channels of shape [{b}, {n}, {i}, {mt}, {mr}] do not match the config's [{config.TotalSbss}, {config.Subcarriers}, {config.Users}, {config.TxAntennas}, {config.RxAntennas}].", nameof(instances));
        int size = b * n * i * mt * mr;
        var re = new double[instances.Count * size];
        var im = new double[instances.Count * size];
        for (int s = 0; s < instances.Count; s++)
        {
            var h = instances[s].Channel;
            if (h.Length != size) throw new ArgumentException($"instances[{s}]: {h.Length} channel entries; expected {size}.", nameof(instances));
            int k = s * size;
            foreach (Complex z in h)
            {
                re[k] = z.Real;
                im[k++] = z.Imaginary;
            }
        }
        long[] shape = { instances.Count, b, n, i, mt, mr };
        return new MecCellFreeTensors
        {
            ChannelRe = tensor(re, shape).to(dtype, device), ChannelIm = tensor(im, shape).to(dtype, device),
            NoiseW = config.NoiseW, PowerMaxW = config.SbsPowerW, MinRate = config.MinRate,
        };
    }

    /// <summary>The same batch in another dtype (e.g. float64 for scoring).</summary>
    public MecCellFreeTensors To(ScalarType dtype) => new()
    {
        ChannelRe = ChannelRe.to_type(dtype), ChannelIm = ChannelIm.to_type(dtype), NoiseW = NoiseW, PowerMaxW = PowerMaxW, MinRate = MinRate,
    };

    /// <summary>SBS <paramref name="b"/>'s own channels <c>H^b</c>: <c>[S, N, I, M_t, M_r]</c> each.</summary>
    public (Tensor Re, Tensor Im) Local(long b) => (ChannelRe.select(1, b), ChannelIm.select(1, b));

    public void Dispose()
    {
        ChannelRe.Dispose();
        ChannelIm.Dispose();
    }
}

/// <summary>
/// A joint subcarrier allocation and beamforming decision y = {w, v}: beamformers <c>w^b_{n,i}</c> in √W as real and
/// imaginary parts <c>[S, B, N, I, M_t]</c> and the allocation <c>v^b_{n,i}</c> <c>[S, B, N, I]</c> (0/1, or a relaxed
/// value in training). Does not own its tensors.
/// </summary>
public sealed record Allocation(Tensor BeamRe, Tensor BeamIm, Tensor Assignment)
{
    /// <summary>Width of the flat decision row: <c>2·B·N·I·M_t + B·N·I</c> (Re w, Im w, v, each row-major).</summary>
    public static long FlatWidth(long b, long n, long i, long mt) => 2 * b * n * i * mt + b * n * i;

    /// <summary>The allocation as one row per sample, <c>[S, 2·B·N·I·M_t + B·N·I]</c>.</summary>
    public Tensor Flatten() => cat(new[] { BeamRe.flatten(1), BeamIm.flatten(1), Assignment.flatten(1) }, 1);

    /// <summary>The allocation of a flat decision row (the inverse of <see cref="Flatten"/>).</summary>
    public static Allocation Unflatten(Tensor flat, long b, long n, long i, long mt)
    {
        long s = flat.shape[0], beams = b * n * i * mt;
        Graphs.Require.Shape(flat, "decision", s, FlatWidth(b, n, i, mt));
        return new Allocation(flat.narrow(1, 0, beams).reshape(s, b, n, i, mt), flat.narrow(1, beams, beams).reshape(s, b, n, i, mt),
            flat.narrow(1, 2 * beams, b * n * i).reshape(s, b, n, i));
    }
}
