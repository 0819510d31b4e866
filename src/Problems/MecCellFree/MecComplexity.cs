namespace WirelessGnn.Problems.MecCellFree;

/// <summary>The paper's analytic FLOP counts of the classical baselines (spec §6.4 [P]); reported from the formula, not measured.</summary>
public static class MecComplexity
{
    /// <summary><c>6BN[2IM_tM_r + (2M_t + IM_r)(IM_r)²]</c>: 817,920 at (B, I, N) = (3, 10, 4), M_t = 4, M_r = 2.</summary>
    public static double RsaZfbfFlops(int sbss, int users, int subcarriers, int txAntennas, int rxAntennas)
    {
        double im = (double)users * rxAntennas;
        return 6.0 * sbss * subcarriers * (2.0 * users * txAntennas * rxAntennas + (2.0 * txAntennas + im) * im * im);
    }

    /// <summary><c>6BNI[2M_tM_r + (2I + 1)M_tM_r² + (I² + 1)M_r³]</c>: 835,200 at (3, 10, 4), M_t = 4, M_r = 2.</summary>
    public static double GsaZfbfFlops(int sbss, int users, int subcarriers, int txAntennas, int rxAntennas)
    {
        double mt = txAntennas, mr = rxAntennas, i = users;
        return 6.0 * sbss * subcarriers * i * (2 * mt * mr + (2 * i + 1) * mt * mr * mr + (i * i + 1) * mr * mr * mr);
    }
}
