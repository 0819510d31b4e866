namespace WirelessGnn.Problems.UltraDenseHetNet;

/// <summary>
/// The fixed part of a scenario (spec §7): buildings, BS antenna positions and power limits. BS j &lt; J_m is a macro.
/// Buildings have their lower-left corner uniform in the area and do not overlap (up to 1000 tries per building);
/// macros stand at the spec's five positions (then uniform); small BSs are uniform; a BS on a footprint stands on the
/// roof.
/// </summary>
public sealed class HetNetLayout
{
    public const int PlacementTries = 1000;

    public HetNetLayout(UltraDenseHetNetConfig config)
    {
        config.Validate();
        Config = config;
        var rng = new Random(config.LayoutSeed);
        var buildings = new List<Building>();
        for (int b = 0; b < config.Buildings; b++)
        {
            for (int attempt = 0; attempt < PlacementTries; attempt++)
            {
                var candidate = new Building(rng.NextDouble() * (config.AreaSide - config.BuildingSide),
                    rng.NextDouble() * (config.AreaSide - config.BuildingSide), config.BuildingSide, config.BuildingHeight);
                if (buildings.All(o => !o.Overlaps(candidate))) { buildings.Add(candidate); break; }
            }
        }
        Buildings = buildings;
        var positions = new Point3[config.Bss];
        var maxPower = new double[config.Bss];
        for (int j = 0; j < config.Bss; j++)
        {
            bool macro = j < config.MacroBss;
            double x, y;
            if (macro && j < UltraDenseHetNetConfig.MacroPositions.Length)
                (x, y) = (UltraDenseHetNetConfig.MacroPositions[j].X * config.AreaSide, UltraDenseHetNetConfig.MacroPositions[j].Y * config.AreaSide);
            else
                (x, y) = (rng.NextDouble() * config.AreaSide, rng.NextDouble() * config.AreaSide);
            double height = macro ? config.MacroHeight : config.SmallHeight;
            var roof = buildings.FirstOrDefault(b => b.Covers(x, y));
            if (roof is not null) height = Math.Max(height, roof.Height + config.RooftopClearance);
            positions[j] = new Point3(x, y, height);
            maxPower[j] = UltraDenseHetNetConfig.Watts(macro ? config.MacroPowerDbm : config.SmallPowerDbm);
        }
        BsPositions = positions;
        MaxPower = maxPower;
    }

    public UltraDenseHetNetConfig Config { get; }
    public IReadOnlyList<Building> Buildings { get; }
    /// <summary>BS antenna positions, metres, <c>[J]</c>.</summary>
    public IReadOnlyList<Point3> BsPositions { get; }
    /// <summary>Per-BS power limit p_max,j in watts, <c>[J]</c>.</summary>
    public IReadOnlyList<double> MaxPower { get; }
    public int Bss => BsPositions.Count;
    public bool IsMacro(int j) => j < Config.MacroBss;

    /// <summary>Whether no building blocks the segment a→b.</summary>
    public bool LineOfSight(Point3 a, Point3 b) => Buildings.All(building => !building.Blocks(a, b));

    /// <summary>Whether (x, y) is on some building's footprint.</summary>
    public bool Indoors(double x, double y) => Buildings.Any(b => b.Covers(x, y));
}
