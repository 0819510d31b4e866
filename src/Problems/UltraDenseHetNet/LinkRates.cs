namespace WirelessGnn.Problems.UltraDenseHetNet;

/// <summary>
/// <c>c_{i,j}(p) = log2(1 + SINR_{i,j}(p))</c>, <c>SINR_{i,j}(p) = p_j g_{i,j} / (Σ_{n≠j} p_n g_{i,n} + σ²)</c>: the rate UE i
/// would get alone on BS j (spec §6 notation), the input of every association baseline. <c>[I, J]</c>.
/// </summary>
public static class LinkRates
{
    public static double[,] Compute(HetNetScene scene, double[] power)
    {
        int ues = scene.Ues, bss = scene.Bss;
        var c = new double[ues, bss];
        for (int i = 0; i < ues; i++)
        {
            double total = scene.Noise;
            for (int n = 0; n < bss; n++) total += power[n] * scene.Gain[i, n];
            for (int j = 0; j < bss; j++)
            {
                double signal = power[j] * scene.Gain[i, j];
                c[i, j] = Math.Log2(1 + signal / Math.Max(total - signal, scene.Noise));
            }
        }
        return c;
    }
}
