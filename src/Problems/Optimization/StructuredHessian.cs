namespace WirelessGnn.Problems.Optimization;

/// <summary>
/// A symmetric positive definite n×n matrix in the form in which a log-barrier Newton system is cheap to assemble:
/// <code>
/// H = diag(δ) + Σ_k w_k v_k v_kᵀ + E
/// </code>
/// with <c>δ ≥ 0</c> <c>[n]</c>, weights <c>w_k ≥ 0</c>, each <c>v_k</c> stored only on its support <c>[start_k, end_k)</c>,
/// and an optional dense symmetric positive semidefinite <c>E</c> (row-major <c>[n·n]</c>, allocated on first use).
/// <para>
/// Two ways to solve <c>H y = b</c> (<see cref="NewtonSolveMethod"/>): assemble H and factor it by Cholesky, or, when
/// there is no dense part, δ &gt; 0 and the r rank-one terms are few, the scaled Woodbury identity: with
/// <c>S = diag(δ)^(-1/2)</c> and the rows <c>ũ_k = sqrt(w_k) S v_k</c>,
/// <c>H⁻¹ = S (I − Ũᵀ (I + Ũ Ũᵀ)⁻¹ Ũ) S</c>. The r×r matrix <c>I + Ũ Ũᵀ</c> has every eigenvalue ≥ 1, so duplicated or
/// nearly parallel directions (which the QT-SCA subproblem has: a log term and its QoS constraint share a gradient)
/// do not make it singular. Either way, a few steps of iterative refinement against the exact structured product
/// <see cref="Multiply"/> clean up the rounding of ill-conditioned late barrier iterations.
/// </para>
/// All buffers are reused between <see cref="Clear"/> calls: a Newton step allocates nothing once the sizes are known.
/// </summary>
public sealed class StructuredHessian
{
    private readonly int _n;
    private readonly double[] _diag;
    private double[] _pool = new double[1024];
    private int _poolUsed;
    private int[] _start = new int[16], _end = new int[16], _offset = new int[16];
    private double[] _weight = new double[16];
    private int _rows;
    private double[]? _dense;
    private bool _denseUsed;

    // Factorisation state.
    private NewtonSolveMethod _factored = NewtonSolveMethod.Auto;
    private double[] _scaledPool = Array.Empty<double>();
    private int[] _active = Array.Empty<int>();
    private int _activeCount;
    private double[] _gram = Array.Empty<double>();
    private readonly double[] _invSqrtDiag;
    private double[]? _factor;
    private readonly double[] _residual, _correction;
    private double[] _small = Array.Empty<double>();

    /// <param name="dimension">n ≥ 1.</param>
    public StructuredHessian(int dimension)
    {
        if (dimension < 1) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "dimension must be ≥ 1.");
        _n = dimension;
        _diag = new double[dimension];
        _invSqrtDiag = new double[dimension];
        _residual = new double[dimension];
        _correction = new double[dimension];
    }

    public int Dimension => _n;

    /// <summary>The diagonal δ <c>[n]</c>, to add into.</summary>
    public Span<double> Diagonal => _diag;

    /// <summary>Rank-one terms added since the last <see cref="Clear"/>.</summary>
    public int RankOneCount => _rows;

    /// <summary>Whether a dense part E was used since the last <see cref="Clear"/>.</summary>
    public bool HasDense => _denseUsed;

    /// <summary>The method of the last <see cref="Factor"/>.</summary>
    public NewtonSolveMethod FactoredWith => _factored;

    /// <summary>The diagonal shift the dense factorisation needed (0 unless H was numerically singular).</summary>
    public double Regularisation { get; private set; }

    /// <summary>Forgets every term; the diagonal is zeroed.</summary>
    public void Clear()
    {
        Array.Clear(_diag);
        _rows = 0;
        _poolUsed = 0;
        if (_denseUsed) Array.Clear(_dense!);
        _denseUsed = false;
        _factored = NewtonSolveMethod.Auto;
        Regularisation = 0;
    }

    /// <summary>
    /// Adds <c>w v vᵀ</c> with v supported on <c>[start, end)</c> and returns the zeroed slice <c>v[start..end)</c> to fill.
    /// The term's index is <see cref="RankOneCount"/> − 1; its weight can be changed later with <see cref="SetWeight"/>.
    /// </summary>
    public Span<double> AddRankOne(double weight, int start, int end)
    {
        if (!(weight >= 0) || double.IsPositiveInfinity(weight)) throw new ArgumentOutOfRangeException(nameof(weight), weight, "weight must be finite and ≥ 0 (H must stay positive semidefinite).");
        if (start < 0 || end > _n || start > end) throw new ArgumentOutOfRangeException(nameof(start), $"support [{start}, {end}) is outside [0, {_n}).");
        int length = end - start;
        if (_rows == _start.Length)
        {
            int grow = 2 * _rows;
            Array.Resize(ref _start, grow); Array.Resize(ref _end, grow); Array.Resize(ref _offset, grow); Array.Resize(ref _weight, grow);
        }
        if (_poolUsed + length > _pool.Length) Array.Resize(ref _pool, Math.Max(2 * _pool.Length, _poolUsed + length));
        _start[_rows] = start; _end[_rows] = end; _offset[_rows] = _poolUsed; _weight[_rows] = weight;
        _rows++;
        var slice = _pool.AsSpan(_poolUsed, length);
        slice.Clear();
        _poolUsed += length;
        return slice;
    }

    /// <summary>Sets the weight of rank-one term <paramref name="index"/>.</summary>
    public void SetWeight(int index, double weight)
    {
        if ((uint)index >= (uint)_rows) throw new ArgumentOutOfRangeException(nameof(index), index, $"index must be in 0..{_rows - 1}.");
        if (!(weight >= 0) || double.IsPositiveInfinity(weight)) throw new ArgumentOutOfRangeException(nameof(weight), weight, "weight must be finite and ≥ 0.");
        _weight[index] = weight;
    }

    /// <summary>Vector of rank-one term <paramref name="index"/> on its support, which starts at <paramref name="start"/>.</summary>
    public ReadOnlySpan<double> RankOne(int index, out int start)
    {
        start = _start[index];
        return _pool.AsSpan(_offset[index], _end[index] - _start[index]);
    }

    /// <summary>The dense part E, row-major <c>[n·n]</c>, zeroed at first use after <see cref="Clear"/>; add into both triangles.</summary>
    public Span<double> Dense
    {
        get
        {
            _dense ??= new double[_n * _n];
            _denseUsed = true;
            return _dense;
        }
    }

    /// <summary><c>result = H y</c> from the structured form (O(n + Σ nnz_k), plus n² with a dense part).</summary>
    public void Multiply(ReadOnlySpan<double> y, Span<double> result)
    {
        for (int j = 0; j < _n; j++) result[j] = _diag[j] * y[j];
        for (int k = 0; k < _rows; k++)
        {
            double w = _weight[k];
            if (w == 0) continue;
            var v = _pool.AsSpan(_offset[k], _end[k] - _start[k]);
            double c = w * DenseKernels.Dot(v, y.Slice(_start[k], v.Length));
            DenseKernels.Axpy(c, v, result.Slice(_start[k], v.Length));
        }
        if (_denseUsed)
            for (int i = 0; i < _n; i++) result[i] += DenseKernels.Dot(_dense.AsSpan(i * _n, _n), y);
    }

    /// <summary>
    /// Factors H with <paramref name="method"/> (Auto picks the cheaper; low-rank needs δ &gt; 0 and no dense part, and
    /// falls back to dense if its r×r factorisation fails). A numerically singular dense H is shifted by a small multiple of
    /// its largest diagonal entry (<see cref="Regularisation"/>).
    /// </summary>
    /// <returns>The method used.</returns>
    public NewtonSolveMethod Factor(NewtonSolveMethod method = NewtonSolveMethod.Auto)
    {
        bool lowRankPossible = !_denseUsed;
        double maxDiag = 0, minDiag = double.PositiveInfinity;
        for (int j = 0; j < _n; j++) { maxDiag = Math.Max(maxDiag, _diag[j]); minDiag = Math.Min(minDiag, _diag[j]); }
        if (!(minDiag > 0) || !double.IsFinite(maxDiag)) lowRankPossible = false;
        bool lowRank = method switch
        {
            NewtonSolveMethod.Dense => false,
            NewtonSolveMethod.LowRank => lowRankPossible,
            _ => lowRankPossible && LowRankCost() < DenseCost(),
        };
        if (lowRank && FactorLowRank()) return _factored = NewtonSolveMethod.LowRank;
        FactorDense(maxDiag);
        return _factored = NewtonSolveMethod.Dense;
    }

    /// <summary>
    /// Solves <c>H y = b</c> with the last factorisation, then refines against <see cref="Multiply"/> up to
    /// <paramref name="refinements"/> times (stopping when the residual is at rounding level).
    /// </summary>
    public void Solve(ReadOnlySpan<double> b, Span<double> y, int refinements = 2)
    {
        if (_factored == NewtonSolveMethod.Auto) throw new InvalidOperationException("Solve before Factor.");
        b.CopyTo(y);
        ApplyInverse(y);
        double scale = 0;
        for (int j = 0; j < _n; j++) scale = Math.Max(scale, Math.Abs(b[j]));
        for (int it = 0; it < refinements; it++)
        {
            Multiply(y, _residual);
            double worst = 0;
            for (int j = 0; j < _n; j++) { _residual[j] = b[j] - _residual[j]; worst = Math.Max(worst, Math.Abs(_residual[j])); }
            if (worst <= 1e-15 * scale) break;
            _residual.CopyTo(_correction, 0);
            ApplyInverse(_correction);
            for (int j = 0; j < _n; j++) y[j] += _correction[j];
        }
    }

    private double DenseCost()
    {
        double c = (double)_n * _n * _n / 6;
        for (int k = 0; k < _rows; k++) { double len = _end[k] - _start[k]; c += len * len / 2; }
        return c;
    }

    private double LowRankCost()
    {
        double nnz = 0;
        for (int k = 0; k < _rows; k++) nnz += _end[k] - _start[k];
        return _rows * nnz / 2 + (double)_rows * _rows * _rows / 6;
    }

    private bool FactorLowRank()
    {
        for (int j = 0; j < _n; j++) _invSqrtDiag[j] = 1 / Math.Sqrt(_diag[j]);
        if (_active.Length < _rows) _active = new int[_rows];
        if (_scaledPool.Length < _poolUsed) _scaledPool = new double[_pool.Length];
        _activeCount = 0;
        for (int k = 0; k < _rows; k++)
        {
            if (_weight[k] == 0) continue;
            _active[_activeCount++] = k;
            double s = Math.Sqrt(_weight[k]);
            int o = _offset[k], st = _start[k], len = _end[k] - st;
            for (int i = 0; i < len; i++) _scaledPool[o + i] = s * _pool[o + i] * _invSqrtDiag[st + i];
        }
        int r = _activeCount;
        if (_gram.Length < r * r) _gram = new double[r * r];
        if (_small.Length < r) _small = new double[r];
        var gram = _gram.AsSpan(0, r * r);
        for (int a = 0; a < r; a++)
        {
            int ka = _active[a];
            for (int b = 0; b <= a; b++)
            {
                int kb = _active[b];
                int lo = Math.Max(_start[ka], _start[kb]), hi = Math.Min(_end[ka], _end[kb]);
                double g = hi > lo
                    ? DenseKernels.Dot(_scaledPool.AsSpan(_offset[ka] + lo - _start[ka], hi - lo), _scaledPool.AsSpan(_offset[kb] + lo - _start[kb], hi - lo))
                    : 0;
                gram[a * r + b] = a == b ? 1 + g : g;
            }
        }
        return DenseKernels.CholeskyInPlace(gram, r);
    }

    private void FactorDense(double maxDiag)
    {
        int n = _n;
        _factor ??= new double[n * n];
        double shift = 0;
        while (true)
        {
            Assemble(_factor, shift);
            if (DenseKernels.CholeskyInPlace(_factor, n)) break;
            double scale = maxDiag > 0 ? maxDiag : 1;
            shift = shift == 0 ? 1e-14 * scale : 100 * shift;
            if (shift > scale) throw new InvalidOperationException("hessian: not positive definite even after a diagonal shift of its largest diagonal entry.");
        }
        Regularisation = shift;
    }

    private void Assemble(double[] m, double shift)
    {
        int n = _n;
        if (_denseUsed) Array.Copy(_dense!, m, n * n);
        else Array.Clear(m);
        for (int j = 0; j < n; j++) m[j * n + j] += _diag[j] + shift;
        for (int k = 0; k < _rows; k++)
        {
            double w = _weight[k];
            if (w == 0) continue;
            int st = _start[k], len = _end[k] - st, o = _offset[k];
            var v = _pool.AsSpan(o, len);
            for (int i = 0; i < len; i++)
            {
                double c = w * v[i];
                if (c == 0) continue;
                // Lower triangle of row st+i: columns st..st+i.
                DenseKernels.Axpy(c, v[..(i + 1)], m.AsSpan((st + i) * n + st, i + 1));
            }
        }
    }

    private void ApplyInverse(Span<double> y)
    {
        if (_factored == NewtonSolveMethod.Dense)
        {
            DenseKernels.CholeskySolveInPlace(_factor!, _n, y);
            return;
        }
        int r = _activeCount;
        for (int j = 0; j < _n; j++) y[j] *= _invSqrtDiag[j];
        var c = _small.AsSpan(0, r);
        for (int a = 0; a < r; a++)
        {
            int k = _active[a];
            c[a] = DenseKernels.Dot(_scaledPool.AsSpan(_offset[k], _end[k] - _start[k]), y.Slice(_start[k], _end[k] - _start[k]));
        }
        DenseKernels.CholeskySolveInPlace(_gram, r, c);
        for (int a = 0; a < r; a++)
        {
            int k = _active[a];
            DenseKernels.Axpy(-c[a], _scaledPool.AsSpan(_offset[k], _end[k] - _start[k]), y.Slice(_start[k], _end[k] - _start[k]));
        }
        for (int j = 0; j < _n; j++) y[j] *= _invSqrtDiag[j];
    }
}
