using TorchSharp;
using static TorchSharp.torch;

namespace WirelessGnn.Tests.Models;

/// <summary>Bit-level tensor comparison: same dtype, same shape, same bytes (so -0 differs from 0 and NaN equals itself).</summary>
internal static class Bits
{
    public static bool Identical(Tensor a, Tensor b)
    {
        if (a.dtype != b.dtype || !a.shape.SequenceEqual(b.shape)) return false;
        using var scope = NewDisposeScope();
        return a.detach().cpu().contiguous().bytes.SequenceEqual(b.detach().cpu().contiguous().bytes);
    }
}
