using System.Numerics;
using WirelessGnn.Problems.Sampling;

namespace WirelessGnn.Problems.MddCellFree;

/// <summary>
/// Seeded MDD cell-free layouts (spec §2.3–2.5, §8, §13). One layout = APs and MSs uniform in the S_D × S_D square,
/// large-scale fading <c>β[dB] = −30.5 − 36.7·log10(max(dist, 1 m)) + 4 dB·z</c> on every AP–MS, AP–AP and MS–MS pair
/// (z independent per unordered pair, so β_ll' and β_dd' are symmetric; the diagonals are unused and 0), and U-tap
/// Rayleigh impulse responses with tap power β/U on every AP antenna–MS link, taken to the M_sum FFT bins by the unitary
/// DFT (<c>E|h[k]|² = β/M_sum</c>). Case 1 instances carry the ZF gains of every AP on every subcarrier; Case 2
/// (<see cref="Serving.UserCentric"/>) instances carry the single-antenna gains of every pair, the user-centric clusters
/// and the multi-user leakage (spec §8).
/// <para>
/// Layout i of <see cref="Sample"/> is drawn by its own generator seeded with <c>seed + i</c>, so it does not depend on how
/// many layouts are asked for, and training, test and baseline runs see the same layouts. The draw order inside a
/// layout is fixed: AP positions (x, y per AP), MS positions, shadowing (AP–MS l-major, AP–AP l &lt; l', MS–MS d &lt; d'),
/// then the taps (l, d, n, u). The AP–AP and MS–MS small-scale channels enter the SINR only through β (spec A5) and are
/// not drawn.
/// </para>
/// </summary>
public sealed class MddCellFreeSampler
{
    private readonly Complex[,] _dft; // [M_sum, U]: M_sum^{-1/2} e^{−j2πku/M_sum}

    public MddCellFreeSampler(MddCellFreeConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        Bins = SubcarrierBins.For(config);
        int total = config.Subcarriers, taps = config.Taps;
        _dft = new Complex[total, taps];
        double scale = 1 / Math.Sqrt(total);
        for (int k = 0; k < total; k++)
            for (int u = 0; u < taps; u++)
            {
                // k·u mod M_sum keeps the angle exact for large k·u.
                double angle = -2 * Math.PI * ((long)k * u % total) / total;
                _dft[k, u] = Complex.FromPolarCoordinates(scale, angle);
            }
    }

    public MddCellFreeConfig Config { get; }
    public SubcarrierBins Bins { get; }

    /// <summary>
    /// <paramref name="count"/> instances; instance i is layout <c>seed + i</c> (its <see cref="MddCellFreeInstance.Seed"/>).
    /// Layouts are drawn in parallel; each has its own generator, so the result equals the sequential one.
    /// </summary>
    public IReadOnlyList<MddCellFreeInstance> Sample(int count, int seed)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, $"count = {count} is out of range; expected ≥ 0.");
        var result = new MddCellFreeInstance[count];
        Parallel.For(0, count, i => result[i] = ToInstance(Draw(unchecked(seed + i))));
        return result;
    }

    /// <summary>One layout with everything in physical units (positions, β, taps, channels on every bin).</summary>
    public MddCellFreeLayout Draw(int layoutSeed)
    {
        var c = Config;
        int nl = c.Aps, nd = c.Mss, n = c.Antennas, taps = c.Taps, total = c.Subcarriers;
        var rng = new Gaussian(new Random(layoutSeed));
        var ap = Positions(rng.Uniform, nl);
        var ms = Positions(rng.Uniform, nd);

        var betaApMs = new double[nl, nd];
        for (int l = 0; l < nl; l++)
            for (int d = 0; d < nd; d++) betaApMs[l, d] = Beta(MddCellFreeInstance.Distance(ap, l, ms, d), rng.Next());
        var betaAp = new double[nl, nl];
        for (int l = 0; l < nl; l++)
            for (int k = l + 1; k < nl; k++) betaAp[l, k] = betaAp[k, l] = Beta(MddCellFreeInstance.Distance(ap, l, ap, k), rng.Next());
        var betaMs = new double[nd, nd];
        for (int d = 0; d < nd; d++)
            for (int e = d + 1; e < nd; e++) betaMs[d, e] = betaMs[e, d] = Beta(MddCellFreeInstance.Distance(ms, d, ms, e), rng.Next());

        var g = new Complex[nl, nd, n, taps];
        var h = new Complex[nl, nd, n, total];
        for (int l = 0; l < nl; l++)
            for (int d = 0; d < nd; d++)
            {
                double amplitude = Math.Sqrt(betaApMs[l, d] / taps);
                for (int a = 0; a < n; a++)
                {
                    for (int u = 0; u < taps; u++) g[l, d, a, u] = amplitude * rng.NextComplex();
                    for (int k = 0; k < total; k++)
                    {
                        Complex s = 0;
                        for (int u = 0; u < taps; u++) s += _dft[k, u] * g[l, d, a, u];
                        h[l, d, a, k] = s;
                    }
                }
            }
        return new MddCellFreeLayout
        {
            Seed = layoutSeed, ApPositions = ap, MsPositions = ms, BetaApMs = betaApMs, BetaAp = betaAp, BetaMs = betaMs,
            Taps = g, Channels = h, Bins = Bins,
        };
    }

    /// <summary>The noise-normalised instance of <paramref name="layout"/>: Case 1 (ZF) or Case 2 (clusters) per the config.</summary>
    public MddCellFreeInstance ToInstance(MddCellFreeLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var c = Config;
        if (layout.Aps != c.Aps || layout.Mss != c.Mss || layout.Antennas != c.Antennas || layout.Subcarriers != c.Subcarriers)
            throw new ArgumentException($"layout: L={layout.Aps}, D={layout.Mss}, N={layout.Antennas}, M_sum={layout.Subcarriers}; expected the config's L={c.Aps}, D={c.Mss}, N={c.Antennas}, M_sum={c.Subcarriers}.", nameof(layout));
        return c.Serving == Serving.UserCentric ? ClusteredInstance(layout) : ZeroForcingInstance(layout);
    }

    /// <summary>Path loss without shadowing, <c>β[dB] = intercept − slope·log10(max(distance, minDistance))</c>.</summary>
    public static double PathLossDb(double distance, MddCellFreeConfig config) =>
        config.PathLossIntercept - config.PathLossSlope * Math.Log10(Math.Max(distance, config.MinDistance));

    private MddCellFreeInstance ZeroForcingInstance(MddCellFreeLayout layout)
    {
        var c = Config;
        int nl = c.Aps, nd = c.Mss, n = c.Antennas, m = c.DlSubcarriers, mb = c.UlSubcarriers;
        double noise = c.NoiseW, sigma = Math.Sqrt(noise);
        var omega = new double[nl, nd, m];
        var upsilon = new double[nl, nd, mb];
        var h = new Complex[nd * n];
        var scratch = new Complex[nd * nd];
        var diag = new double[nd];
        for (int l = 0; l < nl; l++)
        {
            for (int k = 0; k < m; k++)
            {
                Gather(layout.Channels, l, Bins.Dl[k], h, nd, n);
                ZeroForcing.InverseGramDiagonal(h, nd, n, scratch, diag);
                for (int d = 0; d < nd; d++) omega[l, d, k] = 1 / (Math.Sqrt(diag[d]) * sigma);
            }
            for (int k = 0; k < mb; k++)
            {
                Gather(layout.Channels, l, Bins.Ul[k], h, nd, n);
                ZeroForcing.InverseGramDiagonal(h, nd, n, scratch, diag);
                for (int d = 0; d < nd; d++) upsilon[l, d, k] = diag[d] * noise;
            }
        }
        var serves = new bool[nl, nd];
        for (int l = 0; l < nl; l++)
            for (int d = 0; d < nd; d++) serves[l, d] = true;
        return Build(layout, omega, upsilon, serves, null, null);
    }

    private MddCellFreeInstance ClusteredInstance(MddCellFreeLayout layout)
    {
        var c = Config;
        int nl = c.Aps, nd = c.Mss, m = c.DlSubcarriers, mb = c.UlSubcarriers;
        double noise = c.NoiseW;
        var omega = new double[nl, nd, m];
        var dlLeak = new double[nl, nd, m];
        var upsilon = new double[nl, nd, mb];
        for (int l = 0; l < nl; l++)
            for (int d = 0; d < nd; d++)
            {
                for (int k = 0; k < m; k++)
                {
                    double power = Complex.Abs(layout.Channels[l, d, 0, Bins.Dl[k]]);
                    power *= power;
                    omega[l, d, k] = Math.Sqrt(power / noise);
                    dlLeak[l, d, k] = power / noise;
                }
                for (int k = 0; k < mb; k++)
                {
                    double power = Complex.Abs(layout.Channels[l, d, 0, Bins.Ul[k]]);
                    upsilon[l, d, k] = noise / (power * power);
                }
            }
        var clusters = UserCentricClustering.Cluster(omega, c.ClusterCap);
        // UL leakage at the CPU: |Σ_{l∈𝓛_d} w_ld^* h_ld'|² with the single-antenna ZF combiner w_ld = h_ld/|h_ld|².
        var ulLeak = new double[nd, nd, mb];
        for (int k = 0; k < mb; k++)
            for (int d = 0; d < nd; d++)
                for (int e = 0; e < nd; e++)
                {
                    if (e == d) continue;
                    Complex s = 0;
                    for (int l = 0; l < nl; l++)
                    {
                        if (clusters.ServedMs[l] != d) continue;
                        var hd = layout.Channels[l, d, 0, Bins.Ul[k]];
                        s += Complex.Conjugate(hd) * layout.Channels[l, e, 0, Bins.Ul[k]] / (hd.Real * hd.Real + hd.Imaginary * hd.Imaginary);
                    }
                    ulLeak[d, e, k] = s.Real * s.Real + s.Imaginary * s.Imaginary;
                }
        return Build(layout, omega, upsilon, clusters.ServesMask(), dlLeak, ulLeak);
    }

    private MddCellFreeInstance Build(MddCellFreeLayout layout, double[,,] omega, double[,,] upsilon, bool[,] serves, double[,,]? dlLeak, double[,,]? ulLeak)
    {
        var c = Config;
        double noise = c.NoiseW;
        return new MddCellFreeInstance
        {
            Omega = omega, Upsilon = upsilon,
            BetaAp = (double[,])layout.BetaAp.Clone(), BetaMs = (double[,])layout.BetaMs.Clone(), BetaApMs = (double[,])layout.BetaApMs.Clone(),
            ApBudget = Fill(c.Aps, c.ApPowerW), MsBudget = Fill(c.Mss, c.MsPowerW),
            ApSelfInterference = Fill(c.Aps, MddCellFreeConfig.DbToLinear(c.ApSelfInterferenceDb) / noise),
            InterAp = Fill(c.Aps, MddCellFreeConfig.DbToLinear(c.InterApDb) / noise),
            MsSelfInterference = Fill(c.Mss, MddCellFreeConfig.DbToLinear(c.MsSelfInterferenceDb) / noise),
            InterMs = Fill(c.Mss, MddCellFreeConfig.DbToLinear(c.InterMsDb) / noise),
            Serves = serves, DlLeakage = dlLeak, UlLeakage = ulLeak,
            ApPositions = (double[,])layout.ApPositions.Clone(), MsPositions = (double[,])layout.MsPositions.Clone(),
            DlQos = c.DlQos, UlQos = c.UlQos, Seed = layout.Seed,
        };
    }

    private static void Gather(Complex[,,,] channels, int l, int bin, Complex[] h, int nd, int n)
    {
        for (int d = 0; d < nd; d++)
            for (int a = 0; a < n; a++) h[d * n + a] = channels[l, d, a, bin];
    }

    private double[,] Positions(Func<double> uniform, int count)
    {
        var p = new double[count, 2];
        for (int i = 0; i < count; i++)
        {
            p[i, 0] = uniform() * Config.AreaSide;
            p[i, 1] = uniform() * Config.AreaSide;
        }
        return p;
    }

    private double Beta(double distance, double z) => MddCellFreeConfig.DbToLinear(PathLossDb(distance, Config) + Config.ShadowingDb * z);

    private static double[] Fill(int count, double value) => Enumerable.Repeat(value, count).ToArray();
}
