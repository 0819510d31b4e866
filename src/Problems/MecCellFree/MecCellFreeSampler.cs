using System.Numerics;
using WirelessGnn.Problems.Sampling;

namespace WirelessGnn.Problems.MecCellFree;

/// <summary>
/// Seeded channel realisations: the open substitute for the paper's QuaDRiGa 3GPP 38.901 UMa channels (spec §7.2).
/// Per realisation: users uniform in the disc at least <see cref="MecCellFreeConfig.MinDistance"/> from every SBS (by
/// rejection); per SBS–user link a LOS state drawn with <see cref="UrbanMacro.LosProbability"/>, the UMa path loss of
/// that state, log-normal shadow fading (4 dB LOS, 6 dB NLOS) and a Rician K-factor (LOS: <c>K_dB ~ N(9, 3.5²)</c>;
/// NLOS: Rayleigh); per subcarrier the downlink matrix
/// <c>G = (H^b_{n,i})^H = √(10^{−(PL+SF)/10})·[√(K/(K+1))·e^{−j2πf_n d_3D/c}·a_UE a_BSᴴ + √(1/(K+1))·W_n]</c> with
/// <c>W_n</c> i.i.d. CN(0, 1) drawn independently per subcarrier (the 5 MHz spacing at N = 4 exceeds the UMa coherence
/// bandwidth), <c>a_BS</c> the response of the SBS's λ/2 UPA (broadside azimuth fixed per SBS by
/// <see cref="MecCellFreeConfig.OrientationSeed"/>) and <c>a_UE</c> that of the user's λ/2 ULA (random orientation per
/// realisation). Spatial correlation of the shadowing and TDL delay profiles are left out (spec §7.2 optional items).
/// <para>
/// Realisation k of <see cref="Sample"/> has its own generator seeded with <c>seed + k</c>. Draw order inside one:
/// user positions, user array orientations, then per link (b-major): LOS, shadowing, K-factor, then W per
/// (n, m_r, m_t).
/// </para>
/// </summary>
public sealed class MecCellFreeSampler
{
    private readonly double[,] _sbs;
    private readonly double[] _broadside;

    public MecCellFreeSampler(MecCellFreeConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        _sbs = config.SbsPositions();
        var orientation = new Random(config.OrientationSeed);
        _broadside = Enumerable.Range(0, config.TotalSbss).Select(_ => 2 * Math.PI * orientation.NextDouble()).ToArray();
    }

    public MecCellFreeConfig Config { get; }

    /// <summary><paramref name="count"/> realisations; realisation k is drawn with seed <c>seed + k</c>.</summary>
    public IReadOnlyList<MecCellFreeInstance> Sample(int count, int seed)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, $"count = {count} is out of range; expected ≥ 0.");
        var result = new MecCellFreeInstance[count];
        Parallel.For(0, count, k => result[k] = Draw(unchecked(seed + k)));
        return result;
    }

    /// <summary>One realisation.</summary>
    public MecCellFreeInstance Draw(int seed)
    {
        var c = Config;
        int nb = c.TotalSbss, ni = c.Users, nn = c.Subcarriers, mt = c.TxAntennas, mr = c.RxAntennas;
        var rng = new Gaussian(new Random(seed));
        var users = new double[ni, 2];
        for (int i = 0; i < ni; i++) (users[i, 0], users[i, 1]) = DropUser(rng);
        var userOrientation = Enumerable.Range(0, ni).Select(_ => 2 * Math.PI * rng.Uniform()).ToArray();

        var channel = new Complex[nb, nn, ni, mt, mr];
        var los = new bool[nb, ni];
        var lossDb = new double[nb, ni];
        var g = new Complex[mr, mt];
        for (int b = 0; b < nb; b++)
            for (int i = 0; i < ni; i++)
            {
                double dx = users[i, 0] - _sbs[b, 0], dy = users[i, 1] - _sbs[b, 1];
                double d2 = Math.Sqrt(dx * dx + dy * dy);
                double d3 = UrbanMacro.Distance3D(d2, c.SbsHeight, c.UserHeight);
                los[b, i] = rng.Uniform() < UrbanMacro.LosProbability(d2, c.UserHeight);
                double pathLoss = los[b, i]
                    ? UrbanMacro.LosPathLossDb(d2, c.SbsHeight, c.UserHeight, c.CarrierGhz)
                    : UrbanMacro.NlosPathLossDb(d2, c.SbsHeight, c.UserHeight, c.CarrierGhz);
                double shadowing = (los[b, i] ? UrbanMacro.LosShadowingDb : UrbanMacro.NlosShadowingDb) * rng.Next();
                lossDb[b, i] = pathLoss + shadowing;
                double kFactor = los[b, i] ? Math.Pow(10, (UrbanMacro.LosKFactorMeanDb + UrbanMacro.LosKFactorStdDb * rng.Next()) / 10) : 0;
                double amplitude = Math.Sqrt(Math.Pow(10, -lossDb[b, i] / 10));
                double azimuth = Math.Atan2(dy, dx);
                double elevation = Math.Atan2(c.UserHeight - c.SbsHeight, d2);
                var aBs = PlanarArrayResponse(c.TxRows, c.TxColumns, azimuth - _broadside[b], elevation);
                var aUe = LinearArrayResponse(mr, azimuth + Math.PI - userOrientation[i]);
                double specular = Math.Sqrt(kFactor / (kFactor + 1)), diffuse = Math.Sqrt(1 / (kFactor + 1));
                for (int n = 0; n < nn; n++)
                {
                    double frequency = c.CarrierGhz * 1e9 + (n - (nn - 1) / 2.0) * c.BandwidthMhz * 1e6 / nn;
                    // The phase is reduced modulo one wavelength before the multiply by 2π, to keep it exact at large f·d.
                    double cycles = frequency * d3 / UrbanMacro.SpeedOfLight;
                    var phase = Complex.FromPolarCoordinates(1, -2 * Math.PI * (cycles - Math.Floor(cycles)));
                    for (int k = 0; k < mr; k++)
                        for (int m = 0; m < mt; m++)
                            g[k, m] = amplitude * (specular * phase * aUe[k] * Complex.Conjugate(aBs[m]) + diffuse * rng.NextComplex());
                    for (int m = 0; m < mt; m++)
                        for (int k = 0; k < mr; k++) channel[b, n, i, m, k] = Complex.Conjugate(g[k, m]);
                }
            }
        return new MecCellFreeInstance
        {
            Channel = channel, SbsPositions = (double[,])_sbs.Clone(), UserPositions = users, LineOfSight = los,
            LargeScaleLossDb = lossDb, Seed = seed,
        };
    }

    private (double X, double Y) DropUser(Gaussian rng)
    {
        var c = Config;
        for (int attempt = 0; attempt < 100_000; attempt++)
        {
            double r = c.DiscRadius * Math.Sqrt(rng.Uniform()), angle = 2 * Math.PI * rng.Uniform();
            double x = r * Math.Cos(angle), y = r * Math.Sin(angle);
            bool clear = true;
            for (int b = 0; b < _sbs.GetLength(0) && clear; b++)
                clear = Math.Sqrt((x - _sbs[b, 0]) * (x - _sbs[b, 0]) + (y - _sbs[b, 1]) * (y - _sbs[b, 1])) >= c.MinDistance;
            if (clear) return (x, y);
        }
        throw new InvalidOperationException($"minDistance = {c.MinDistance} m: no user position in the disc of radius {c.DiscRadius} m keeps that distance to every SBS.");
    }

    /// <summary>
    /// λ/2 uniform planar array, element (m_v, m_h) at index <c>m_v·columns + m_h</c>:
    /// <c>exp(jπ(m_h sinφ cosθ + m_v sinθ))</c>, φ the azimuth from broadside and θ the elevation (spec §7.2).
    /// </summary>
    public static Complex[] PlanarArrayResponse(int rows, int columns, double azimuth, double elevation)
    {
        var a = new Complex[rows * columns];
        for (int v = 0; v < rows; v++)
            for (int h = 0; h < columns; h++)
                a[v * columns + h] = Complex.FromPolarCoordinates(1, Math.PI * (h * Math.Sin(azimuth) * Math.Cos(elevation) + v * Math.Sin(elevation)));
        return a;
    }

    /// <summary>λ/2 uniform linear array: <c>exp(jπ k cos ψ)</c>, ψ the arrival angle from the array axis.</summary>
    public static Complex[] LinearArrayResponse(int elements, double angleFromAxis) =>
        Enumerable.Range(0, elements).Select(k => Complex.FromPolarCoordinates(1, Math.PI * k * Math.Cos(angleFromAxis))).ToArray();
}
