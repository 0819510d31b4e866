using ScottPlot;

namespace WirelessGnn.Models.Reporting;

/// <summary>PNG figures of a run (ScottPlot 5): training curves and per-method empirical CDFs.</summary>
/// <remarks>Non-finite values are left out of every curve. Text uses the embedded DejaVu Sans (see PlotFont).</remarks>
public static class Plots
{
    /// <summary>Pixel width of every figure.</summary>
    public const int Width = 900;

    private const int PanelHeight = 300;

    /// <summary>
    /// Curves of <paramref name="series"/> (keys of the rows' values; all keys where empty) against the step. Series
    /// of similar magnitude share a panel; series whose magnitudes differ by more than 10x get panels of their own,
    /// stacked with a shared step axis, so a loss of 1e-2 does not flatten an objective of 1e2.
    /// </summary>
    public static void TrainingCurves(string path, IReadOnlyList<(long Step, IReadOnlyDictionary<string, double> Values)> rows,
        IReadOnlyList<string> series, string title)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(rows);
        var names = series is { Count: > 0 } ? series.Distinct().ToList() : rows.SelectMany(r => r.Values.Keys).Distinct().ToList();

        var curves = new List<(string Name, double[] X, double[] Y, double Magnitude)>();
        foreach (var name in names)
        {
            var points = rows.Where(r => r.Values.TryGetValue(name, out var v) && double.IsFinite(v)).Select(r => ((double)r.Step, r.Values[name])).ToList();
            if (points.Count == 0) continue;
            double magnitude = points.Max(p => Math.Abs(p.Item2));
            curves.Add((name, points.Select(p => p.Item1).ToArray(), points.Select(p => p.Item2).ToArray(), magnitude));
        }

        var font = PlotFont.Ensure();
        var panels = GroupByMagnitude(curves);
        var plots = new List<Plot>();
        try
        {
            if (panels.Count == 0)
            {
                var empty = NewPlot(font);
                empty.Add.Annotation("no finite values to plot");
                panels.Add(new());
                plots.Add(empty);
            }
            else
            {
                int colour = 0;
                foreach (var panel in panels)
                {
                    var plot = NewPlot(font);
                    foreach (var c in panel)
                    {
                        var scatter = plot.Add.Scatter(c.X, c.Y);
                        scatter.LegendText = c.Name;
                        scatter.Color = Palette(colour++);
                        scatter.LineWidth = 2;
                        scatter.MarkerSize = c.X.Length <= 50 ? 4 : 0;
                    }
                    plot.YLabel(panel.Count == 1 ? panel[0].Name : "value");
                    // A falling curve (a loss) leaves the upper right free, a rising one (an objective) the lower right.
                    var lead = panel[0].Y;
                    if (panel.Count > 1 || panels.Count == 1) plot.ShowLegend(lead[^1] <= lead[0] ? Alignment.UpperRight : Alignment.LowerRight);
                    else plot.HideLegend();
                    plots.Add(plot);
                }
            }
            plots[0].Title(title ?? "");
            plots[^1].XLabel("step");
            Save(path, plots, Width, 80 + PanelHeight * plots.Count);
        }
        finally
        {
            foreach (var p in plots) p.Dispose();
        }
    }

    /// <summary>
    /// The empirical CDF of each method's samples (fraction of instances at or below x), one step curve per method,
    /// e.g. per-instance sum rate of the model against each baseline.
    /// </summary>
    public static void Cdf(string path, IReadOnlyDictionary<string, double[]> samplesByMethod, string xLabel, string title)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(samplesByMethod);
        if (samplesByMethod.Count == 0) throw new ArgumentException("samplesByMethod: no methods to plot.", nameof(samplesByMethod));

        var font = PlotFont.Ensure();
        using var plot = NewPlot(font);
        int colour = 0;
        bool any = false;
        foreach (var (method, samples) in samplesByMethod)
        {
            var sorted = (samples ?? Array.Empty<double>()).Where(double.IsFinite).Order().ToArray();
            var color = Palette(colour++);
            if (sorted.Length == 0) continue;
            any = true;
            int n = sorted.Length;
            var xs = new double[n + 1];
            var ys = new double[n + 1];
            xs[0] = sorted[0];
            ys[0] = 0;
            for (int i = 0; i < n; i++)
            {
                xs[i + 1] = sorted[i];
                ys[i + 1] = (i + 1) / (double)n;
            }
            var scatter = plot.Add.Scatter(xs, ys);
            scatter.ConnectStyle = ConnectStyle.StepHorizontal;
            scatter.LegendText = n == samples!.Length ? method : $"{method} ({samples.Length - n} non-finite left out)";
            scatter.Color = color;
            scatter.LineWidth = 2;
            scatter.MarkerSize = 0;
        }
        if (!any) plot.Add.Annotation("no finite samples to plot");
        plot.Title(title ?? "");
        plot.XLabel(xLabel ?? "");
        plot.YLabel("CDF");
        if (any)
        {
            plot.ShowLegend(Alignment.LowerRight);
            plot.Axes.SetLimitsY(-0.02, 1.02);
        }
        Save(path, new[] { plot }, Width, 560);
    }

    /// <summary>
    /// One value per instance, sorted ascending, as points (e.g. the per-layout gap of a model to an optimiser), with
    /// dashed horizontal reference lines (e.g. 0 and a tolerance).
    /// </summary>
    public static void SortedPerInstance(string path, IReadOnlyDictionary<string, double[]> valuesBySeries, string yLabel, string title,
        IReadOnlyList<double>? referenceLines = null)
    {
        ArgumentNullException.ThrowIfNull(valuesBySeries);
        if (valuesBySeries.Count == 0) throw new ArgumentException("valuesBySeries: nothing to plot.", nameof(valuesBySeries));
        var font = PlotFont.Ensure();
        using var plot = NewPlot(font);
        int colour = 0;
        foreach (var (name, values) in valuesBySeries)
        {
            var sorted = values.Where(double.IsFinite).Order().ToArray();
            if (sorted.Length == 0) continue;
            var xs = Enumerable.Range(1, sorted.Length).Select(i => (double)i).ToArray();
            var scatter = plot.Add.Scatter(xs, sorted);
            scatter.LegendText = name;
            scatter.Color = Palette(colour++);
            scatter.LineWidth = 0;
            scatter.MarkerSize = 4;
        }
        foreach (var y in referenceLines ?? Array.Empty<double>())
        {
            var line = plot.Add.HorizontalLine(y);
            line.LinePattern = LinePattern.Dashed;
            line.Color = Colors.Gray;
        }
        plot.Title(title);
        plot.XLabel("instance (sorted)");
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.UpperLeft);
        Save(path, new[] { plot }, Width, 560);
    }

    /// <summary>One bar per method on a log10 axis (e.g. seconds per instance), labelled with the value.</summary>
    public static void LogBars(string path, IReadOnlyList<(string Label, double Value)> bars, string yLabel, string title)
    {
        ArgumentNullException.ThrowIfNull(bars);
        var finite = bars.Where(b => double.IsFinite(b.Value) && b.Value > 0).ToList();
        if (finite.Count == 0) throw new ArgumentException("bars: no positive finite value to plot.", nameof(bars));
        var font = PlotFont.Ensure();
        using var plot = NewPlot(font);
        double floor = Math.Floor(Math.Log10(finite.Min(b => b.Value))) - 0.5;
        for (int i = 0; i < finite.Count; i++)
        {
            double top = Math.Log10(finite[i].Value);
            var bar = plot.Add.Bar(new ScottPlot.Bar { Position = i, ValueBase = floor, Value = top, FillColor = Palette(i),
                Label = ReportWriter.Seconds(finite[i].Value) });
            bar.ValueLabelStyle.FontSize = 14;
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, finite.Count).Select(i => (double)i).ToArray(), finite.Select(b => b.Label).ToArray());
        var ticks = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = y => $"1e{y:0}", IntegerTicksOnly = true };
        plot.Axes.Left.TickGenerator = ticks;
        plot.Axes.SetLimitsY(floor, Math.Ceiling(finite.Max(b => Math.Log10(b.Value))) + 0.5);
        plot.Title(title);
        plot.YLabel(yLabel + " (log scale)");
        Save(path, new[] { plot }, Width, 560);
    }

    /// <summary>
    /// One line with markers per series against a swept parameter (e.g. sum rate against the number of users); with
    /// <paramref name="logY"/> the values are drawn on a log10 axis. Non-finite (and, on a log axis, non-positive) points are left out.
    /// </summary>
    public static void Lines(string path, IReadOnlyDictionary<string, (double[] X, double[] Y)> series, string xLabel, string yLabel, string title, bool logY = false)
    {
        ArgumentNullException.ThrowIfNull(series);
        var font = PlotFont.Ensure();
        using var plot = NewPlot(font);
        int colour = 0;
        bool any = false;
        foreach (var (name, (x, y)) in series)
        {
            var points = x.Zip(y).Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second) && (!logY || p.Second > 0)).ToArray();
            var color = Palette(colour++);
            if (points.Length == 0) continue;
            any = true;
            var line = plot.Add.Scatter(points.Select(p => p.First).ToArray(), points.Select(p => logY ? Math.Log10(p.Second) : p.Second).ToArray());
            line.LegendText = name;
            line.Color = color;
            line.LineWidth = 2;
            line.MarkerSize = 7;
        }
        if (!any) plot.Add.Annotation("no finite values to plot");
        if (logY) plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = v => $"1e{v:0.#}" };
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(logY ? yLabel + " (log scale)" : yLabel);
        if (any) plot.ShowLegend(Alignment.UpperLeft);
        Save(path, new[] { plot }, Width, 560);
    }

    private static Plot NewPlot(string? font)
    {
        var plot = new Plot();
        if (font is not null)
        {
            plot.Font.Set(font);
            plot.Legend.FontName = font;
            plot.Legend.SetBestFontOnEachRender = false;
        }
        return plot;
    }

    private static Color Palette(int i)
    {
        var palette = new ScottPlot.Palettes.Category10();
        return palette.GetColor(i % palette.Colors.Length);
    }

    private static void Save(string path, IReadOnlyList<Plot> plots, int width, int height)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        if (plots.Count == 1)
        {
            plots[0].SavePng(path, width, height);
            return;
        }
        var multiplot = new Multiplot(plots[0]);
        foreach (var p in plots.Skip(1)) multiplot.AddPlot(p);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Rows();
        multiplot.SharedAxes.ShareX(plots);
        multiplot.SavePng(path, width, height);
    }

    // Greedy over magnitudes in increasing order: a panel takes series up to 10x its smallest magnitude.
    private static List<List<(string Name, double[] X, double[] Y, double Magnitude)>> GroupByMagnitude(
        List<(string Name, double[] X, double[] Y, double Magnitude)> curves)
    {
        var panels = new List<List<(string Name, double[] X, double[] Y, double Magnitude)>>();
        double floor = double.NaN;
        foreach (var c in curves.OrderBy(c => c.Magnitude))
        {
            double m = Math.Max(c.Magnitude, 1e-300);
            if (panels.Count == 0 || m > 10 * floor)
            {
                panels.Add(new());
                floor = m;
            }
            panels[^1].Add(c);
        }
        // Present panels in the order the caller listed their first series.
        return panels.OrderBy(p => p.Min(c => curves.IndexOf(c))).Select(p => p.OrderBy(c => curves.IndexOf(c)).ToList()).ToList();
    }
}
