namespace WirelessGnn.Problems.UltraDenseHetNet;

/// <summary>
/// The hard global rate in plain double precision (spec §1.4, §2.4), written independently of the tensor objective and
/// used by tests as its oracle and by the baselines: <c>μ_i = p_{a_i} g_{i,a_i} / (Σ_{n≠a_i} p_n g_{i,n} + σ²)</c>,
/// <c>r_i = log2(1 + μ_i) / N_{a_i}</c>, <c>R = Σ_i r_i</c> (bit/s/Hz, B = 1). Interference comes from every BS; with
/// <see cref="UltraDenseHetNetConfig.SilenceIdleBs"/> a BS serving nobody is silent.
/// </summary>
public static class GlobalRateOracle
{
    /// <summary>R of a decision.</summary>
    public static double Rate(HetNetScene scene, HetNetDecision decision) => UeRates(scene, decision).Sum();

    /// <summary>The effective rate r_i of every UE, <c>[I]</c> (spec §2.4, for the CDFs).</summary>
    public static double[] UeRates(HetNetScene scene, HetNetDecision decision)
    {
        var load = decision.Load(scene.Bss);
        var sinr = Sinr(scene, decision);
        var rates = new double[scene.Ues];
        for (int i = 0; i < scene.Ues; i++) rates[i] = Math.Log2(1 + sinr[i]) / load[decision.Association[i]];
        return rates;
    }

    /// <summary>The SINR μ_i of every UE on its serving BS, <c>[I]</c>.</summary>
    public static double[] Sinr(HetNetScene scene, HetNetDecision decision)
    {
        var power = EffectivePower(scene, decision);
        var sinr = new double[scene.Ues];
        for (int i = 0; i < scene.Ues; i++)
        {
            int a = decision.Association[i];
            double interference = scene.Noise;
            for (int n = 0; n < scene.Bss; n++)
                if (n != a) interference += power[n] * scene.Gain[i, n];
            sinr[i] = power[a] * scene.Gain[i, a] / interference;
        }
        return sinr;
    }

    /// <summary>The radiated powers: the decision's, with idle BSs zeroed where the config silences them.</summary>
    public static double[] EffectivePower(HetNetScene scene, HetNetDecision decision)
    {
        var power = (double[])decision.Power.Clone();
        if (!scene.Layout.Config.SilenceIdleBs) return power;
        var load = decision.Load(scene.Bss);
        for (int j = 0; j < power.Length; j++)
            if (load[j] == 0) power[j] = 0;
        return power;
    }
}
