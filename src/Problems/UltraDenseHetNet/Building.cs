namespace WirelessGnn.Problems.UltraDenseHetNet;

/// <summary>A point in metres (x, y in the area; z the height above ground).</summary>
public readonly record struct Point3(double X, double Y, double Z)
{
    public double DistanceTo(Point3 o) => Math.Sqrt((X - o.X) * (X - o.X) + (Y - o.Y) * (Y - o.Y) + (Z - o.Z) * (Z - o.Z));
}

/// <summary>A building: the axis-aligned box <c>[X0, X0+Side] × [Y0, Y0+Side] × [0, Height]</c>, in metres.</summary>
public sealed record Building(double X0, double Y0, double Side, double Height)
{
    /// <summary>Whether (x, y) lies on the footprint (boundary included).</summary>
    public bool Covers(double x, double y) => x >= X0 && x <= X0 + Side && y >= Y0 && y <= Y0 + Side;

    /// <summary>Whether two footprints share interior area.</summary>
    public bool Overlaps(Building o) => X0 < o.X0 + o.Side && o.X0 < X0 + Side && Y0 < o.Y0 + o.Side && o.Y0 < Y0 + Side;

    /// <summary>
    /// Whether the segment a→b passes through the interior of the box (slab test; spec §1.3 [R]). Touching a face, an
    /// edge or the roof from outside does not block, so a BS standing on this roof sees over it. Symmetric in a and b.
    /// </summary>
    public bool Blocks(Point3 a, Point3 b)
    {
        double t0 = 0, t1 = 1;
        return Slab(a.X, b.X, X0, X0 + Side, ref t0, ref t1)
               && Slab(a.Y, b.Y, Y0, Y0 + Side, ref t0, ref t1)
               && Slab(a.Z, b.Z, 0, Height, ref t0, ref t1)
               && t1 - t0 > 1e-9;
    }

    // Clips [t0, t1] to the open slab lo < a + t(b − a) < hi.
    private static bool Slab(double a, double b, double lo, double hi, ref double t0, ref double t1)
    {
        double d = b - a;
        if (Math.Abs(d) < 1e-12) return a > lo && a < hi;
        double ta = (lo - a) / d, tb = (hi - a) / d;
        if (ta > tb) (ta, tb) = (tb, ta);
        t0 = Math.Max(t0, ta);
        t1 = Math.Min(t1, tb);
        return t0 < t1;
    }
}
