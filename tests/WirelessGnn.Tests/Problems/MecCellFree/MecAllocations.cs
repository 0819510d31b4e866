using WirelessGnn.Problems.MecCellFree;
using static TorchSharp.torch;
using Complex = System.Numerics.Complex;

namespace WirelessGnn.Tests.Problems.MecCellFree;

/// <summary>Random allocations of a realisation (plain arrays) and their tensor form, for the rate and power tests.</summary>
public static class MecAllocations
{
    public static MecCellFreeConfig Small(int sbss = 2, int users = 4, int subcarriers = 2, int rx = 2) =>
        new() { Sbss = sbss, Users = users, Subcarriers = subcarriers, RxAntennas = rx };

    /// <summary>Beams with entries of scale <paramref name="amplitude"/> √W and a random 0/1 assignment (each on with probability <paramref name="on"/>).</summary>
    public static (Complex[,,,] Beams, double[,,] Assignment) Random(MecCellFreeInstance x, int seed, double amplitude = 0.5, double on = 0.6)
    {
        var rng = new System.Random(seed);
        var w = new Complex[x.Sbss, x.Subcarriers, x.Users, x.TxAntennas];
        var v = new double[x.Sbss, x.Subcarriers, x.Users];
        for (int b = 0; b < x.Sbss; b++)
            for (int n = 0; n < x.Subcarriers; n++)
                for (int i = 0; i < x.Users; i++)
                {
                    v[b, n, i] = rng.NextDouble() < on ? 1 : 0;
                    for (int m = 0; m < x.TxAntennas; m++) w[b, n, i, m] = new Complex(amplitude * (2 * rng.NextDouble() - 1), amplitude * (2 * rng.NextDouble() - 1));
                }
        return (w, v);
    }

    /// <summary>Allocations of several realisations as one float64 <see cref="Allocation"/>.</summary>
    public static Allocation ToTensors(IReadOnlyList<(Complex[,,,] Beams, double[,,] Assignment)> ys)
    {
        var rows = ys.Select(y => ZeroForcingAllocation.Flatten(y.Beams, y.Assignment)).ToList();
        var w = ys[0].Beams;
        var flat = tensor(rows.SelectMany(r => r).ToArray(), new long[] { rows.Count, rows[0].Length });
        return Allocation.Unflatten(flat, w.GetLength(0), w.GetLength(1), w.GetLength(2), w.GetLength(3));
    }

    public static double[] Row(Tensor t, int s) => t[s].to_type(ScalarType.Float64).data<double>().ToArray();
}
