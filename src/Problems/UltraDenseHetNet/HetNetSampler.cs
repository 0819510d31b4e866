namespace WirelessGnn.Problems.UltraDenseHetNet;

/// <summary>
/// Seeded scenes on one fixed layout (spec §7): UEs i.i.d. uniform over the area, redrawn when on a building footprint;
/// LoS iff no building blocks the 3-D segment; gains from <see cref="PathLoss"/> (with optional log-normal shadowing).
/// Scene k of <c>Sample(count, seed)</c> has its own UE seed, so the same seed gives the same scenes.
/// </summary>
public sealed class HetNetSampler
{
    private const int OutdoorTries = 10_000;

    public HetNetSampler(UltraDenseHetNetConfig config) : this(new HetNetLayout(config)) { }

    public HetNetSampler(HetNetLayout layout) => Layout = layout;

    public HetNetLayout Layout { get; }

    /// <summary>The UE seed of scene <paramref name="index"/> of a sample drawn with <paramref name="seed"/>.</summary>
    public static int SceneSeed(int seed, int index) => unchecked(seed * 1_000_003 + index * 7_919 + 17);

    public IReadOnlyList<HetNetScene> Sample(int count, int seed)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be >= 0.");
        var scenes = new HetNetScene[count];
        for (int k = 0; k < count; k++) scenes[k] = Scene(SceneSeed(seed, k));
        return scenes;
    }

    /// <summary>The scene with UE seed <paramref name="sceneSeed"/>.</summary>
    public HetNetScene Scene(int sceneSeed)
    {
        var config = Layout.Config;
        var rng = new Random(sceneSeed);
        int ues = config.Ues, bss = Layout.Bss;
        var positions = new Point3[ues];
        for (int i = 0; i < ues; i++)
        {
            for (int attempt = 0; ; attempt++)
            {
                double x = rng.NextDouble() * config.AreaSide, y = rng.NextDouble() * config.AreaSide;
                if (!Layout.Indoors(x, y)) { positions[i] = new Point3(x, y, config.UeHeight); break; }
                if (attempt >= OutdoorTries) throw new InvalidOperationException($"No outdoor UE position found in {OutdoorTries} tries; the buildings cover the area.");
            }
        }
        var gain = new double[ues, bss];
        var los = new bool[ues, bss];
        for (int i = 0; i < ues; i++)
            for (int j = 0; j < bss; j++)
            {
                var bs = Layout.BsPositions[j];
                los[i, j] = Layout.LineOfSight(bs, positions[i]);
                double db = PathLoss.Db(bs.DistanceTo(positions[i]), los[i, j]);
                if (config.ShadowingDb > 0) db += config.ShadowingDb * Gaussian(rng);
                gain[i, j] = Math.Pow(10, -db / 10);
            }
        return new HetNetScene(Layout, positions, gain, los, sceneSeed);
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
