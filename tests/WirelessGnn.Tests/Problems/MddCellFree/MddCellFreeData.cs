using System.Numerics;
using NUnit.Framework;
using WirelessGnn.Problems.MddCellFree;

namespace WirelessGnn.Tests.Problems.MddCellFree;

/// <summary>
/// Test data for the MDD cell-free tests: small Case 1 and Case 2 configs, seeded instances and layouts, random
/// interior power allocations, random complex channels, deep instance equality and a relative-error assertion.
/// </summary>
internal static class MddCellFreeData
{
    /// <summary>Case 1, small: L = 6, D = 3, N = 4, (M, M̄) = (4, 2), a 200 m square (strong cross-link terms).</summary>
    public static readonly MddCellFreeConfig Small = new() { Aps = 6, Mss = 3, Antennas = 4, AreaSide = 200 };

    /// <summary>Case 2 as trained in the paper: L = 12 single-antenna APs, D = 6, (200√2 m)², cap 8.</summary>
    public static readonly MddCellFreeConfig Clustered = new()
    {
        Aps = 12, Mss = 6, Antennas = 1, Serving = Serving.UserCentric, AreaSide = 200 * Math.Sqrt(2),
    };

    public static IReadOnlyList<MddCellFreeInstance> Instances(MddCellFreeConfig config, int count, int seed) =>
        new MddCellFreeSampler(config).Sample(count, seed);

    /// <summary>Powers strictly inside the budgets: each entry a uniform fraction in [0.05, 1] of an even share.</summary>
    public static MddPowers InteriorPowers(MddCellFreeInstance x, Random rng)
    {
        var p = MddPowers.Zero(x.Aps, x.Mss, x.DlSubcarriers, x.UlSubcarriers);
        for (int l = 0; l < x.Aps; l++)
            for (int d = 0; d < x.Mss; d++)
                for (int m = 0; m < x.DlSubcarriers; m++)
                    p.Ap[l, d, m] = (0.05 + 0.95 * rng.NextDouble()) * x.ApBudget[l] / (x.Mss * x.DlSubcarriers);
        for (int d = 0; d < x.Mss; d++)
            for (int m = 0; m < x.UlSubcarriers; m++)
                p.Ms[d, m] = (0.05 + 0.95 * rng.NextDouble()) * x.MsBudget[d] / x.UlSubcarriers;
        return p;
    }

    /// <summary>D channels of N antennas, i.i.d. CN(0, s²) with a per-MS scale s spread over 6 decades of power.</summary>
    public static Complex[][] RandomChannels(Random rng, int users, int antennas) =>
        Enumerable.Range(0, users).Select(_ =>
        {
            double scale = Math.Pow(10, -3 - 3 * rng.NextDouble());
            return Enumerable.Range(0, antennas).Select(_ => scale * new Complex(Normal(rng), Normal(rng))).ToArray();
        }).ToArray();

    public static double Normal(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    public static MddPowers Copy(MddPowers p) => new((double[,,])p.Ap.Clone(), (double[,])p.Ms.Clone());

    /// <summary>|actual − expected| ≤ tol·|expected| (both finite).</summary>
    public static void Relative(double expected, double actual, double tol, string what)
    {
        Assert.That(double.IsFinite(actual), Is.True, $"{what}: {actual} is not finite");
        Assert.That(Math.Abs(actual - expected), Is.LessThanOrEqualTo(tol * Math.Abs(expected)),
            $"{what}: {actual:R} vs expected {expected:R} (relative error {Math.Abs(actual - expected) / Math.Abs(expected):G3}, tolerance {tol:G3})");
    }

    /// <summary>Every array of the two instances is equal element by element, and so are the scalars.</summary>
    public static void AssertSame(MddCellFreeInstance expected, MddCellFreeInstance actual, string what)
    {
        Assert.That(actual.Seed, Is.EqualTo(expected.Seed), $"{what}: seed");
        Assert.That(actual.DlQos, Is.EqualTo(expected.DlQos), $"{what}: dlQos");
        Assert.That(actual.UlQos, Is.EqualTo(expected.UlQos), $"{what}: ulQos");
        foreach (var (name, e, a) in new (string, Array?, Array?)[]
                 {
                     ("omega", expected.Omega, actual.Omega), ("upsilon", expected.Upsilon, actual.Upsilon),
                     ("betaAp", expected.BetaAp, actual.BetaAp), ("betaMs", expected.BetaMs, actual.BetaMs), ("betaApMs", expected.BetaApMs, actual.BetaApMs),
                     ("apBudget", expected.ApBudget, actual.ApBudget), ("msBudget", expected.MsBudget, actual.MsBudget),
                     ("apSelfInterference", expected.ApSelfInterference, actual.ApSelfInterference), ("interAp", expected.InterAp, actual.InterAp),
                     ("msSelfInterference", expected.MsSelfInterference, actual.MsSelfInterference), ("interMs", expected.InterMs, actual.InterMs),
                     ("serves", expected.Serves, actual.Serves), ("dlLeakage", expected.DlLeakage, actual.DlLeakage), ("ulLeakage", expected.UlLeakage, actual.UlLeakage),
                     ("apPositions", expected.ApPositions, actual.ApPositions), ("msPositions", expected.MsPositions, actual.MsPositions),
                 })
        {
            if (e is null || a is null) Assert.That(a is null, Is.EqualTo(e is null), $"{what}: {name} present in one instance only");
            else Assert.That(a, Is.EqualTo(e), $"{what}: {name}");
        }
    }
}
