namespace WirelessGnn.Problems.Optimization;

/// <summary>The principal branch W₀ of the Lambert W function: the w ≥ −1 with <c>w·e^w = z</c>, for z ≥ 0.</summary>
public static class LambertW
{
    /// <summary>W₀(z) by Halley's iteration from <c>ln(1+z)</c> (z &lt; 3) or <c>ln z − ln ln z</c>, to full double precision.</summary>
    public static double Principal(double z)
    {
        if (!(z >= 0) || double.IsPositiveInfinity(z))
            throw new ArgumentOutOfRangeException(nameof(z), z, $"z = {z} is out of range; expected a finite z >= 0.");
        if (z == 0) return 0;
        double w = z < 3 ? Math.Log(1 + z) : Math.Log(z) - Math.Log(Math.Log(z));
        for (int i = 0; i < 100; i++)
        {
            double ew = Math.Exp(w);
            double f = w * ew - z;
            double wp1 = w + 1;
            double step = f / (ew * wp1 - (w + 2) * f / (2 * wp1));
            w -= step;
            if (Math.Abs(step) <= 1e-15 * (1 + Math.Abs(w))) break;
        }
        return w;
    }
}
