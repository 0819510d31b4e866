namespace WirelessGnn.Problems.UltraDenseHetNet;

/// <summary>
/// One scene: the fixed layout plus one drop of I UEs, with the large-scale gains <c>g_{i,j}</c> (linear, <c>[I, J]</c>),
/// the per-BS power limits and the noise. <see cref="Seed"/> is the scene's own UE seed (labels are cached by it).
/// </summary>
public sealed class HetNetScene
{
    public HetNetScene(HetNetLayout layout, Point3[] uePositions, double[,] gain, bool[,] lineOfSight, int seed)
    {
        if (gain.GetLength(0) != uePositions.Length || gain.GetLength(1) != layout.Bss)
            throw new ArgumentException($"gain: shape [{gain.GetLength(0)}, {gain.GetLength(1)}]; expected [{uePositions.Length}, {layout.Bss}].", nameof(gain));
        Layout = layout;
        UePositions = uePositions;
        Gain = gain;
        LineOfSight = lineOfSight;
        Seed = seed;
        MaxPower = layout.MaxPower.ToArray();
        Noise = layout.Config.NoiseWatts;
    }

    /// <summary>A scene from explicit gains (tests, custom scenarios); positions are not used by any objective.</summary>
    public static HetNetScene FromGains(HetNetLayout layout, double[,] gain, int seed = -1) =>
        new(layout, new Point3[gain.GetLength(0)], gain, new bool[gain.GetLength(0), gain.GetLength(1)], seed);

    public HetNetLayout Layout { get; }
    public Point3[] UePositions { get; }
    /// <summary>Large-scale gains g_{i,j} (linear), <c>[I, J]</c>.</summary>
    public double[,] Gain { get; }
    public bool[,] LineOfSight { get; }
    /// <summary>p_max,j in watts, <c>[J]</c>.</summary>
    public double[] MaxPower { get; }
    /// <summary>σ² in watts.</summary>
    public double Noise { get; }
    public int Seed { get; }
    public int Ues => Gain.GetLength(0);
    public int Bss => Gain.GetLength(1);

    /// <summary>The SNR of UE i from BS j at maximum power, <c>p_max,j g_{i,j} / σ²</c> (the edge rule's quantity).</summary>
    public double MaxPowerSnr(int i, int j) => MaxPower[j] * Gain[i, j] / Noise;
}
