using WirelessGnn.Problems.MddCellFree;

namespace WirelessGnn.Models.CfHgnn;

/// <summary>
/// The paper's reported numbers (spec §10), printed beside ours in the reproduction's tables and never used as results.
/// SE in nats/s/Hz; percentages are of QT-SCA's SE.
/// </summary>
public static class CfHgnnPaper
{
    /// <summary>Fig. 8: QT-SCA's time per layout (s) and the SE gap to CF-HGNN.</summary>
    public const double QtScaSeconds = 7.03, Fig8Gap = 0.35;

    /// <summary>Table III: S_D (m), QT-SCA, DCF-HGNN %, GCF-HGNN %.</summary>
    public static readonly (double AreaSide, double QtSca, double Dcf, double Gcf)[] TableIII =
    {
        (350, 37.85, 96.64, 95.19), (300, 40.64, 98.08, 93.13), (250, 43.76, 98.42, 91.84), (200, 46.84, 99.91, 91.78), (150, 50.10, 101.42, 92.79),
    };

    /// <summary>Table V: L, D, M, M̄, QT-SCA, DCF %, ACF %, greedy %.</summary>
    public static readonly (int L, int D, int M, int Mb, double QtSca, double Dcf, double Acf, double Greedy)[] TableV =
    {
        (24, 4, 4, 2, 26.42, 98.07, 94.14, 74.45), (24, 5, 4, 2, 31.34, 98.02, 94.51, 74.06), (24, 6, 4, 2, 34.23, 97.78, 94.77, 73.06),
        (24, 7, 4, 2, 36.24, 98.18, 95.45, 73.68), (20, 6, 4, 2, 33.04, 98.09, 97.22, 72.79), (16, 6, 4, 2, 29.99, 97.70, 95.07, 71.16),
        (12, 6, 4, 2, 25.69, 98.52, 94.08, 69.95), (8, 6, 4, 2, 21.13, 97.40, 94.46, 68.67), (16, 6, 32, 16, 9.26, 98.81, 91.58, 72.35),
        (16, 6, 16, 8, 15.53, 99.03, 91.50, 68.45),
    };

    /// <summary>Table VI (Case 2): S_D (m), L, D, QT-SCA, LSACF %, greedy %.</summary>
    public static readonly (double AreaSide, int L, int D, double QtSca, double Lsacf, double Greedy)[] TableVI =
    {
        (400, 24, 12, 22.93, 93.68, 65.68), (450, 30, 15, 28.28, 92.33, 65.38), (500, 38, 19, 35.18, 91.42, 65.66),
        (400 * 1.4142135623730951, 48, 24, 43.93, 88.05, 65.65), (400 * 1.7320508075688772, 72, 36, 63.92, 82.09, 65.35), (800, 96, 48, 82.10, 80.58, 67.23),
    };

    /// <summary>
    /// The paper's numbers for the table row that <paramref name="problem"/> is, with every other setting at the
    /// paper's: a Table V row (size and subcarriers), a Table III row (cell side) or a Table VI row (Case 2: one antenna,
    /// user-centric clusters). QT-SCA's SE and each method's fraction of it; empty where the paper has no such row.
    /// </summary>
    public static IReadOnlyDictionary<string, double> RowOf(MddCellFreeConfig problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var paper = new MddCellFreeConfig();
        if (problem with { Aps = paper.Aps, Mss = paper.Mss, DlSubcarriers = paper.DlSubcarriers, UlSubcarriers = paper.UlSubcarriers } == paper)
            foreach (var r in TableV.Where(r => (r.L, r.D, r.M, r.Mb) == (problem.Aps, problem.Mss, problem.DlSubcarriers, problem.UlSubcarriers)))
                return Row(r.QtSca, ("dcf", r.Dcf), ("acf", r.Acf), ("greedy", r.Greedy));
        if (problem with { AreaSide = paper.AreaSide } == paper)
            foreach (var r in TableIII.Where(r => Math.Abs(r.AreaSide - problem.AreaSide) < 1e-6))
                return Row(r.QtSca, ("dcf", r.Dcf), ("gcf", r.Gcf));
        var case2 = paper with { Serving = Serving.UserCentric, Antennas = 1 };
        if (problem with { Aps = paper.Aps, Mss = paper.Mss, AreaSide = paper.AreaSide } == case2)
            foreach (var r in TableVI.Where(r => (r.L, r.D) == (problem.Aps, problem.Mss) && Math.Abs(r.AreaSide - problem.AreaSide) < 1e-6))
                return Row(r.QtSca, ("lsacf", r.Lsacf), ("greedy", r.Greedy));
        return new Dictionary<string, double>();
    }

    private static Dictionary<string, double> Row(double qtSca, params (string Method, double Percent)[] ratios)
    {
        var row = new Dictionary<string, double> { ["qt_sca_se_nats"] = qtSca };
        foreach (var (method, percent) in ratios) row[$"ratio_{method}_to_qt_sca"] = percent / 100;
        return row;
    }
}
