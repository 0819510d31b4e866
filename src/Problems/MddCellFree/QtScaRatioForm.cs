namespace WirelessGnn.Problems.MddCellFree;

/// <summary>
/// One layout in the ratio form QT-SCA works with (spec §4.1, step 0), over the amplitudes <c>x = sqrt(p)</c> of the
/// powers that are variables: DL <c>p_ldm</c> for the pairs AP l serves (row-major in (l, d, m), unserved pairs are fixed
/// to 0 and left out), then UL <c>p_dm̄</c> in (d, m̄) order. There are K = D·M + D·M̄ SINR terms, DL (d, m) at index
/// <c>d·M + m</c>, then UL (d, m̄) at <c>D·M + d·M̄ + m̄</c>, each
/// <code>
/// SINR_k = a_k(x)² / B_k(x),   a_k(x) = A_k · x,   B_k(x) = B0_k + J_k · (x ∘ x)
/// </code>
/// with <c>A, J ≥ 0</c> <c>[K, n]</c>: the amplitude is linear in x and the denominator, affine in the powers, is a
/// diagonal quadratic in x (spec §4.1 solver notes). Case 1 and Case 2 (multi-user leakage, §8) have this same form.
/// <para>
/// The coefficients are read off <see cref="SpectralEfficiencyOracle"/> itself, not re-derived: B0 is the oracle's
/// denominator at zero power, column j of J is its change under power on variable j alone (exact, the denominators
/// being affine; probed at a large power so that rounding is relative to the coefficient), A from
/// <see cref="SpectralEfficiencyOracle.DlAmplitude"/> at unit power and <see cref="SpectralEfficiencyOracle.UlSignalGain"/>.
/// So there is one implementation of each SINR formula, and this form agrees with the oracle to rounding.
/// </para>
/// Budgets (8b)/(8c) are groups of variables with a cap: <c>cap − Σ_{j∈group} x_j² ≥ 0</c>; an AP that serves nobody
/// has no group.
/// </summary>
public sealed class QtScaRatioForm
{
    private readonly double[] _a, _j, _b0, _gamma;
    private readonly int[] _termStart, _termEnd;
    private readonly int[] _dlIndex; // [L·D·M] variable index of (l,d,m) or −1
    private readonly int[] _dlSlot;  // [DL variables] flat (l,d,m) slot of each DL variable
    private readonly List<(int[] Members, double Cap, int Start, int End)> _budgets = [];

    public QtScaRatioForm(MddCellFreeInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        instance.Validate();
        Instance = instance;
        int nl = instance.Aps, nd = instance.Mss, m = instance.DlSubcarriers, mb = instance.UlSubcarriers;
        _dlIndex = new int[nl * nd * m];
        int n = 0;
        for (int l = 0; l < nl; l++)
            for (int d = 0; d < nd; d++)
                for (int k = 0; k < m; k++)
                    _dlIndex[(l * nd + d) * m + k] = instance.Serves[l, d] ? n++ : -1;
        DlVariables = n;
        _dlSlot = new int[n];
        for (int slot = 0; slot < _dlIndex.Length; slot++) if (_dlIndex[slot] >= 0) _dlSlot[_dlIndex[slot]] = slot;
        Variables = n + nd * mb;
        Terms = nd * (m + mb);
        n = Variables;
        int terms = Terms;
        _a = new double[terms * n];
        _j = new double[terms * n];
        _b0 = new double[terms];
        _gamma = new double[terms];
        double gammaDl = Math.Exp(instance.DlQos / m) - 1, gammaUl = Math.Exp(instance.UlQos / mb) - 1;
        for (int t = 0; t < terms; t++) _gamma[t] = t < nd * m ? gammaDl : gammaUl;

        // B0 and J from the oracle's affine denominators.
        var p = MddPowers.Zero(nl, nd, m, mb);
        var dl0 = SpectralEfficiencyOracle.DlDenominator(instance, p);
        var ul0 = SpectralEfficiencyOracle.UlDenominator(instance, p);
        for (int d = 0; d < nd; d++)
        {
            for (int k = 0; k < m; k++) _b0[d * m + k] = dl0[d, k];
            for (int k = 0; k < mb; k++) _b0[nd * m + d * mb + k] = ul0[d, k];
        }
        double probe = 1e6 * Math.Max(1, Math.Max(instance.ApBudget.Max(), instance.MsBudget.Max()));
        for (int v = 0; v < n; v++)
        {
            SetPower(p, v, probe);
            var dl = SpectralEfficiencyOracle.DlDenominator(instance, p);
            var ul = SpectralEfficiencyOracle.UlDenominator(instance, p);
            SetPower(p, v, 0);
            for (int d = 0; d < nd; d++)
            {
                for (int k = 0; k < m; k++) _j[(d * m + k) * n + v] = Coefficient(dl[d, k], dl0[d, k], probe, "DL", d, k, v);
                for (int k = 0; k < mb; k++) _j[(nd * m + d * mb + k) * n + v] = Coefficient(ul[d, k], ul0[d, k], probe, "UL", d, k, v);
            }
        }
        // A: DL amplitude per unit power on one variable; UL amplitude sqrt(|𝓛_d|²) on its own variable.
        for (int v = 0; v < DlVariables; v++)
        {
            SetPower(p, v, 1);
            for (int d = 0; d < nd; d++)
                for (int k = 0; k < m; k++) _a[(d * m + k) * n + v] = SpectralEfficiencyOracle.DlAmplitude(instance, p, d, k);
            SetPower(p, v, 0);
        }
        for (int d = 0; d < nd; d++)
        {
            double amplitude = Math.Sqrt(SpectralEfficiencyOracle.UlSignalGain(instance, d));
            for (int k = 0; k < mb; k++) _a[(nd * m + d * mb + k) * n + DlVariables + d * mb + k] = amplitude;
        }
        _termStart = new int[terms];
        _termEnd = new int[terms];
        for (int t = 0; t < terms; t++)
        {
            int lo = n, hi = 0;
            for (int v = 0; v < n; v++)
                if (_a[t * n + v] != 0 || _j[t * n + v] != 0) { lo = Math.Min(lo, v); hi = v + 1; }
            (_termStart[t], _termEnd[t]) = lo < hi ? (lo, hi) : (0, 0);
        }

        for (int l = 0; l < nl; l++)
        {
            var members = new List<int>();
            for (int d = 0; d < nd; d++)
                for (int k = 0; k < m; k++)
                    if (_dlIndex[(l * nd + d) * m + k] >= 0) members.Add(_dlIndex[(l * nd + d) * m + k]);
            if (members.Count > 0) _budgets.Add((members.ToArray(), instance.ApBudget[l], members[0], members[^1] + 1));
        }
        for (int d = 0; d < nd; d++)
        {
            var members = Enumerable.Range(DlVariables + d * mb, mb).ToArray();
            _budgets.Add((members, instance.MsBudget[d], members[0], members[^1] + 1));
        }
    }

    public MddCellFreeInstance Instance { get; }
    /// <summary>Variables n (served DL pairs × M, plus D·M̄).</summary>
    public int Variables { get; }
    /// <summary>DL variables (the first ones).</summary>
    public int DlVariables { get; }
    /// <summary>SINR terms K = D·(M + M̄).</summary>
    public int Terms { get; }
    /// <summary>Budget groups (APs that serve somebody, then every MS).</summary>
    public int BudgetCount => _budgets.Count;

    /// <summary>Per-subcarrier QoS threshold of term k: γ_DL = e^{χ_DL/M} − 1 or γ_UL = e^{χ_UL/M̄} − 1 (eqs. 19–20).</summary>
    public double Threshold(int term) => _gamma[term];
    /// <summary>Amplitude coefficients A_k <c>[n]</c>.</summary>
    public ReadOnlySpan<double> Amplitude(int term) => _a.AsSpan(term * Variables, Variables);
    /// <summary>Denominator coefficients J_k <c>[n]</c> (per unit power).</summary>
    public ReadOnlySpan<double> Interference(int term) => _j.AsSpan(term * Variables, Variables);
    /// <summary>Denominator at zero power B0_k.</summary>
    public double Floor(int term) => _b0[term];
    /// <summary>Where A_k or J_k is nonzero: <c>[start, end)</c> (empty when neither is).</summary>
    public (int Start, int End) Support(int term) => (_termStart[term], _termEnd[term]);
    /// <summary>Budget group g: member variables (increasing), cap in W, and the range <c>[start, end)</c> they span.</summary>
    public (int[] Members, double Cap, int Start, int End) Budget(int group) => _budgets[group];

    /// <summary><c>a_k = A_k·x</c> for every term, into <paramref name="a"/> <c>[K]</c>.</summary>
    public void Amplitudes(ReadOnlySpan<double> x, Span<double> a)
    {
        int n = Variables;
        for (int t = 0; t < Terms; t++)
        {
            int st = _termStart[t], len = _termEnd[t] - st;
            a[t] = Optimization.DenseKernels.Dot(_a.AsSpan(t * n + st, len), x.Slice(st, len));
        }
    }

    /// <summary><c>B_k = B0_k + J_k·(x∘x)</c> for every term, from the squares <paramref name="squares"/> = x∘x <c>[n]</c>.</summary>
    public void Denominators(ReadOnlySpan<double> squares, Span<double> b)
    {
        int n = Variables;
        for (int t = 0; t < Terms; t++)
        {
            int st = _termStart[t], len = _termEnd[t] - st;
            b[t] = _b0[t] + Optimization.DenseKernels.Dot(_j.AsSpan(t * n + st, len), squares.Slice(st, len));
        }
    }

    /// <summary>SINR of every term at x, <c>[K]</c>.</summary>
    public double[] Sinrs(ReadOnlySpan<double> x)
    {
        var a = new double[Terms];
        var b = new double[Terms];
        var squares = new double[Variables];
        for (int v = 0; v < Variables; v++) squares[v] = x[v] * x[v];
        Amplitudes(x, a);
        Denominators(squares, b);
        for (int t = 0; t < Terms; t++) a[t] = a[t] * a[t] / b[t];
        return a;
    }

    /// <summary>The powers <c>p = x²</c> on the variables, 0 elsewhere.</summary>
    public MddPowers ToPowers(ReadOnlySpan<double> x)
    {
        if (x.Length != Variables) throw new ArgumentException($"x: {x.Length} values; expected {Variables} variables.", nameof(x));
        var i = Instance;
        var p = MddPowers.Zero(i.Aps, i.Mss, i.DlSubcarriers, i.UlSubcarriers);
        for (int v = 0; v < Variables; v++) SetPower(p, v, x[v] * x[v]);
        return p;
    }

    /// <summary>The amplitudes <c>x = sqrt(p)</c> of the variables (powers on unserved pairs are dropped).</summary>
    public double[] FromPowers(MddPowers p)
    {
        var i = Instance;
        if (p.Ap.GetLength(0) != i.Aps || p.Ap.GetLength(1) != i.Mss || p.Ap.GetLength(2) != i.DlSubcarriers || p.Ms.GetLength(0) != i.Mss || p.Ms.GetLength(1) != i.UlSubcarriers)
            throw new ArgumentException($"powers: shapes [{p.Ap.GetLength(0)}, {p.Ap.GetLength(1)}, {p.Ap.GetLength(2)}] and [{p.Ms.GetLength(0)}, {p.Ms.GetLength(1)}]; expected [{i.Aps}, {i.Mss}, {i.DlSubcarriers}] and [{i.Mss}, {i.UlSubcarriers}].", nameof(p));
        var x = new double[Variables];
        for (int l = 0, nd = i.Mss, m = i.DlSubcarriers; l < i.Aps; l++)
            for (int d = 0; d < nd; d++)
                for (int k = 0; k < m; k++)
                    if (_dlIndex[(l * nd + d) * m + k] is var v and >= 0) x[v] = Math.Sqrt(Math.Max(0, p.Ap[l, d, k]));
        for (int d = 0; d < i.Mss; d++)
            for (int k = 0; k < i.UlSubcarriers; k++) x[DlVariables + d * i.UlSubcarriers + k] = Math.Sqrt(Math.Max(0, p.Ms[d, k]));
        return x;
    }

    private void SetPower(MddPowers p, int variable, double value)
    {
        int nd = Instance.Mss, m = Instance.DlSubcarriers, mb = Instance.UlSubcarriers;
        if (variable >= DlVariables)
        {
            int u = variable - DlVariables;
            p.Ms[u / mb, u % mb] = value;
            return;
        }
        int slot = _dlSlot[variable];
        int k = slot % m, rest = slot / m;
        p.Ap[rest / nd, rest % nd, k] = value;
    }

    private static double Coefficient(double probed, double floor, double probe, string link, int d, int k, int variable)
    {
        double c = (probed - floor) / probe;
        // Affine and non-decreasing in every power: a negative change can only be rounding.
        if (c < -1e-12 * Math.Abs(floor) / probe)
            throw new InvalidOperationException($"{link} denominator of MS {d}, subcarrier {k}: decreases with power on variable {variable} ({c}); expected non-decreasing.");
        return Math.Max(c, 0);
    }
}
