using TorchSharp;
using static TorchSharp.torch;

namespace WirelessGnn.Problems.MddCellFree;

/// <summary>
/// A batch of MDD cell-free layouts as zero-padded tensors on one device, for the batched objective. Layouts of
/// different sizes share one batch: every array is padded to the largest L, D, M and M̄ of the batch, and the masks say
/// which entries are real. Padding is zero everywhere, so padded APs, MSs and subcarriers carry no power and no rate.
/// </summary>
public sealed class MddCellFreeTensors : IDisposable
{
    /// <summary>ω/σ on served pairs (zero elsewhere), <c>[B, L, D, M]</c>.</summary>
    public required Tensor Omega { get; init; }
    /// <summary>υσ² on served pairs (zero elsewhere), <c>[B, L, D, M̄]</c>.</summary>
    public required Tensor Upsilon { get; init; }
    /// <summary>β_ll', <c>[B, L, L]</c>, and β_dd', <c>[B, D, D]</c> (diagonals zero).</summary>
    public required Tensor BetaAp { get; init; }
    public required Tensor BetaMs { get; init; }
    /// <summary>Budgets in W, <c>[B, L]</c> and <c>[B, D]</c>.</summary>
    public required Tensor ApBudget { get; init; }
    public required Tensor MsBudget { get; init; }
    /// <summary>ξ/σ² per W: AP SI and IAI <c>[B, L]</c>; MS SI and IMI <c>[B, D]</c>.</summary>
    public required Tensor ApSelfInterference { get; init; }
    public required Tensor InterAp { get; init; }
    public required Tensor MsSelfInterference { get; init; }
    public required Tensor InterMs { get; init; }
    /// <summary>1 where AP l serves MS d, <c>[B, L, D]</c>.</summary>
    public required Tensor Serves { get; init; }
    /// <summary>DL multi-user leakage over σ², <c>[B, L, D, M]</c>, or null when no layout has any (Case 1).</summary>
    public Tensor? DlLeakage { get; init; }
    /// <summary>UL multi-user leakage, <c>[B, D, D, M̄]</c>, or null when no layout has any (Case 1).</summary>
    public Tensor? UlLeakage { get; init; }
    /// <summary>Real APs, MSs, DL and UL subcarriers: <c>[B, L]</c>, <c>[B, D]</c>, <c>[B, M]</c>, <c>[B, M̄]</c> (0/1).</summary>
    public required Tensor ApMask { get; init; }
    public required Tensor MsMask { get; init; }
    public required Tensor DlMask { get; init; }
    public required Tensor UlMask { get; init; }
    /// <summary>M_sum of each layout, <c>[B]</c>.</summary>
    public required Tensor Subcarriers { get; init; }
    /// <summary>χ_DL and χ_UL of each layout, <c>[B]</c>.</summary>
    public required Tensor DlQos { get; init; }
    public required Tensor UlQos { get; init; }

    public long Count => Omega.shape[0];

    /// <summary>Pads and stacks <paramref name="instances"/> (each validated) on <paramref name="device"/>, in <paramref name="dtype"/>.</summary>
    public static MddCellFreeTensors From(IReadOnlyList<MddCellFreeInstance> instances, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        if (instances.Count == 0) throw new ArgumentException("instances: empty batch; expected at least one layout.", nameof(instances));
        foreach (var x in instances) x.Validate();
        int b = instances.Count;
        int l = instances.Max(x => x.Aps), d = instances.Max(x => x.Mss);
        int m = instances.Max(x => x.DlSubcarriers), mb = instances.Max(x => x.UlSubcarriers);
        bool dlLeak = instances.Any(x => x.DlLeakage is not null), ulLeak = instances.Any(x => x.UlLeakage is not null);

        var omega = new double[b, l, d, m];
        var upsilon = new double[b, l, d, mb];
        var dlLeakage = dlLeak ? new double[b, l, d, m] : null;
        var ulLeakage = ulLeak ? new double[b, d, d, mb] : null;
        var betaAp = new double[b, l, l];
        var betaMs = new double[b, d, d];
        var serves = new double[b, l, d];
        var apVectors = new double[4][,];
        for (int i = 0; i < 4; i++) apVectors[i] = new double[b, l];
        var msVectors = new double[4][,];
        for (int i = 0; i < 4; i++) msVectors[i] = new double[b, d];
        var apMask = new double[b, l];
        var msMask = new double[b, d];
        var dlMask = new double[b, m];
        var ulMask = new double[b, mb];
        var subcarriers = new double[b];
        var dlQos = new double[b];
        var ulQos = new double[b];

        for (int n = 0; n < b; n++)
        {
            var x = instances[n];
            subcarriers[n] = x.Subcarriers;
            dlQos[n] = x.DlQos;
            ulQos[n] = x.UlQos;
            for (int k = 0; k < x.DlSubcarriers; k++) dlMask[n, k] = 1;
            for (int k = 0; k < x.UlSubcarriers; k++) ulMask[n, k] = 1;
            for (int a = 0; a < x.Aps; a++)
            {
                apMask[n, a] = 1;
                apVectors[0][n, a] = x.ApBudget[a];
                apVectors[1][n, a] = x.ApSelfInterference[a];
                apVectors[2][n, a] = x.InterAp[a];
                for (int c = 0; c < x.Aps; c++) betaAp[n, a, c] = a == c ? 0 : x.BetaAp[a, c];
                for (int u = 0; u < x.Mss; u++)
                {
                    if (!x.Serves[a, u]) continue;
                    serves[n, a, u] = 1;
                    for (int k = 0; k < x.DlSubcarriers; k++) omega[n, a, u, k] = x.Omega[a, u, k];
                    for (int k = 0; k < x.UlSubcarriers; k++) upsilon[n, a, u, k] = x.Upsilon[a, u, k];
                }
                if (x.DlLeakage is { } dl)
                    for (int u = 0; u < x.Mss; u++)
                        for (int k = 0; k < x.DlSubcarriers; k++) dlLeakage![n, a, u, k] = dl[a, u, k];
            }
            for (int u = 0; u < x.Mss; u++)
            {
                msMask[n, u] = 1;
                msVectors[0][n, u] = x.MsBudget[u];
                msVectors[1][n, u] = x.MsSelfInterference[u];
                msVectors[2][n, u] = x.InterMs[u];
                for (int v = 0; v < x.Mss; v++)
                {
                    betaMs[n, u, v] = u == v ? 0 : x.BetaMs[u, v];
                    if (x.UlLeakage is { } ul && u != v)
                        for (int k = 0; k < x.UlSubcarriers; k++) ulLeakage![n, u, v, k] = ul[u, v, k];
                }
            }
        }

        Tensor T(Array a, params long[] shape)
        {
            var flat = new double[a.Length];
            Buffer.BlockCopy(a, 0, flat, 0, a.Length * sizeof(double));
            return tensor(flat, shape, dtype: ScalarType.Float64).to(dtype, device ?? CPU);
        }
        return new MddCellFreeTensors
        {
            Omega = T(omega, b, l, d, m),
            Upsilon = T(upsilon, b, l, d, mb),
            DlLeakage = dlLeakage is null ? null : T(dlLeakage, b, l, d, m),
            UlLeakage = ulLeakage is null ? null : T(ulLeakage, b, d, d, mb),
            BetaAp = T(betaAp, b, l, l),
            BetaMs = T(betaMs, b, d, d),
            Serves = T(serves, b, l, d),
            ApBudget = T(apVectors[0], b, l),
            ApSelfInterference = T(apVectors[1], b, l),
            InterAp = T(apVectors[2], b, l),
            MsBudget = T(msVectors[0], b, d),
            MsSelfInterference = T(msVectors[1], b, d),
            InterMs = T(msVectors[2], b, d),
            ApMask = T(apMask, b, l),
            MsMask = T(msMask, b, d),
            DlMask = T(dlMask, b, m),
            UlMask = T(ulMask, b, mb),
            Subcarriers = T(subcarriers, b),
            DlQos = T(dlQos, b),
            UlQos = T(ulQos, b),
        };
    }

    /// <summary>The same batch in another dtype (e.g. float64 for scoring); a new object that owns new tensors.</summary>
    public MddCellFreeTensors To(ScalarType dtype) => new()
    {
        Omega = Omega.to_type(dtype), Upsilon = Upsilon.to_type(dtype), DlLeakage = DlLeakage?.to_type(dtype), UlLeakage = UlLeakage?.to_type(dtype),
        BetaAp = BetaAp.to_type(dtype), BetaMs = BetaMs.to_type(dtype), Serves = Serves.to_type(dtype),
        ApBudget = ApBudget.to_type(dtype), ApSelfInterference = ApSelfInterference.to_type(dtype), InterAp = InterAp.to_type(dtype),
        MsBudget = MsBudget.to_type(dtype), MsSelfInterference = MsSelfInterference.to_type(dtype), InterMs = InterMs.to_type(dtype),
        ApMask = ApMask.to_type(dtype), MsMask = MsMask.to_type(dtype), DlMask = DlMask.to_type(dtype), UlMask = UlMask.to_type(dtype),
        Subcarriers = Subcarriers.to_type(dtype), DlQos = DlQos.to_type(dtype), UlQos = UlQos.to_type(dtype),
    };

    /// <summary>Detaches every tensor from the current dispose scope (the batch then owns them until <see cref="Dispose"/>).</summary>
    public MddCellFreeTensors Detach()
    {
        foreach (var t in All()) t.DetachFromDisposeScope();
        return this;
    }

    private IEnumerable<Tensor> All() => new[]
    {
        Omega, Upsilon, BetaAp, BetaMs, ApBudget, MsBudget, ApSelfInterference, InterAp, MsSelfInterference, InterMs, Serves,
        ApMask, MsMask, DlMask, UlMask, Subcarriers, DlQos, UlQos,
    }.Concat(new[] { DlLeakage, UlLeakage }.OfType<Tensor>());

    public void Dispose()
    {
        foreach (var t in All()) t.Dispose();
    }
}
