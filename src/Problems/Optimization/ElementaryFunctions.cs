namespace WirelessGnn.Problems.Optimization;

/// <summary><c>ln(1+x)</c> and <c>e^x − 1</c> without the cancellation of the naive forms near 0 (Kahan's corrections).</summary>
public static class ElementaryFunctions
{
    public static double Log1p(double x)
    {
        double u = 1 + x;
        return u == 1 ? x : Math.Log(u) * x / (u - 1);
    }

    public static double Expm1(double x)
    {
        if (Math.Abs(x) > 0.5) return Math.Exp(x) - 1;
        double u = Math.Exp(x);
        return u == 1 ? x : (u - 1) * x / Math.Log(u);
    }
}
