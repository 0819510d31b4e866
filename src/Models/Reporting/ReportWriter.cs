using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace WirelessGnn.Models.Reporting;

/// <summary>
/// Writes and reads <c>report.json</c> and formats a report as a console table.
/// </summary>
/// <remarks>
/// Schema (snake_case; every number is a JSON number, NaN and ±Infinity are written as <c>null</c>):
/// <code>
/// { "plugin": string, "problem": string, "seed": int, "device": string, "config": object,
///   "model": { "metrics": { name: number|null },
///              "time_per_instance_s": { "median": number|null, "p90": number|null, "batch_size": int, "instances": int } } | null,
///   "baselines": { name: { same as model } },
///   "paper": { name: number|null },
///   "training": { "steps": int, "wall_s": number|null, "peak_native_mb": number|null, "final_loss": number|null } | null }
/// </code>
/// Reading maps <c>null</c> numbers back to NaN (and a null <c>final_loss</c> to null).
/// </remarks>
public static class ReportWriter
{
    /// <summary>The file name <see cref="WriteJson"/> writes.</summary>
    public const string FileName = "report.json";

    /// <summary>Writes <c>report.json</c> into <paramref name="directory"/> (created where missing); returns the file path.</summary>
    public static string WriteJson(string directory, ExperimentReport report)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(report);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName);
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("plugin", report.Plugin);
            json.WriteString("problem", report.Problem);
            json.WriteNumber("seed", report.Seed);
            json.WriteString("device", report.Device);
            json.WritePropertyName("config");
            if (report.Config is null) { json.WriteStartObject(); json.WriteEndObject(); }
            else report.Config.WriteTo(json);
            json.WritePropertyName("model");
            if (report.Model is null) json.WriteNullValue(); else WriteMethod(json, report.Model);
            json.WriteStartObject("baselines");
            foreach (var (name, result) in report.Baselines ?? new Dictionary<string, MethodResult>())
            {
                json.WritePropertyName(name);
                WriteMethod(json, result);
            }
            json.WriteEndObject();
            json.WritePropertyName("paper");
            WriteNumbers(json, report.Paper ?? new Dictionary<string, double>());
            json.WritePropertyName("training");
            if (report.Training is null) json.WriteNullValue();
            else
            {
                json.WriteStartObject();
                json.WriteNumber("steps", report.Training.Steps);
                WriteNumber(json, "wall_s", report.Training.WallSeconds);
                WriteNumber(json, "peak_native_mb", report.Training.PeakNativeMb);
                WriteNumber(json, "final_loss", report.Training.FinalLoss ?? double.NaN);
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        File.WriteAllBytes(path, buffer.ToArray());
        return path;
    }

    /// <summary>Reads a <c>report.json</c> written by <see cref="WriteJson"/>.</summary>
    /// <exception cref="InvalidDataException">A key is missing or has the wrong type; the message names it.</exception>
    public static ExperimentReport ReadJson(string path)
    {
        var bytes = File.ReadAllBytes(path);
        JsonDocument document;
        try { document = JsonDocument.Parse(bytes); }
        catch (JsonException e) { throw new InvalidDataException($"'{path}' is not valid JSON: {e.Message}", e); }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Bad(path, "", "an object");
            var configElement = Required(root, "config", JsonValueKind.Object, path);
            var config = JsonNode.Parse(configElement.GetRawText())!.AsObject();

            MethodResult? model = root.TryGetProperty("model", out var m) && m.ValueKind != JsonValueKind.Null ? ReadMethod(m, "model", path) : null;
            var baselines = new Dictionary<string, MethodResult>();
            foreach (var b in Required(root, "baselines", JsonValueKind.Object, path).EnumerateObject())
                baselines[b.Name] = ReadMethod(b.Value, $"baselines.{b.Name}", path);
            var paper = ReadNumbers(Required(root, "paper", JsonValueKind.Object, path), "paper", path);

            TrainingSummary? training = null;
            if (root.TryGetProperty("training", out var t) && t.ValueKind != JsonValueKind.Null)
            {
                if (t.ValueKind != JsonValueKind.Object) throw Bad(path, "training", "an object or null");
                var steps = Required(t, "steps", JsonValueKind.Number, path, "training.");
                var finalLoss = ReadNumber(t, "final_loss", "training.", path);
                training = new TrainingSummary(steps.GetInt64(), ReadNumber(t, "wall_s", "training.", path),
                    ReadNumber(t, "peak_native_mb", "training.", path), double.IsNaN(finalLoss) ? null : finalLoss);
            }

            return new ExperimentReport(
                Required(root, "plugin", JsonValueKind.String, path).GetString()!,
                Required(root, "problem", JsonValueKind.String, path).GetString()!,
                Required(root, "seed", JsonValueKind.Number, path).GetInt32(),
                Required(root, "device", JsonValueKind.String, path).GetString()!,
                config, model, baselines, paper, training);
        }
    }

    /// <summary>
    /// A compact fixed-width plain-text table: one row per method (the model, named by its plugin, then each
    /// baseline, then <c>paper</c> where the paper gives one of the metrics), one column per metric, the ratio
    /// model / row of the first metric where there is a model, then the median and p90 time per instance; below each
    /// set's table, the model's per-instance shortfall behind each baseline (99th percentile and max).
    /// </summary>
    public static string FormatTable(ExperimentReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var methods = new List<(string Name, IReadOnlyDictionary<string, double> Metrics, TimingSummary? Time)>();
        if (report.Model is not null) methods.Add((report.Plugin, report.Model.Metrics, report.Model.TimePerInstance));
        foreach (var (name, result) in report.Baselines ?? new Dictionary<string, MethodResult>()) methods.Add((name, result.Metrics, result.TimePerInstance));
        var paper = report.Paper ?? new Dictionary<string, double>();

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{report.Plugin} on {report.Problem}, seed {report.Seed}, device {report.Device}").Append('\n');
        // One block per evaluation set: metrics without a suffix belong to the main set, "name@set" to set "set".
        var sets = methods.SelectMany(m => m.Metrics.Keys).Select(MetricKeys.SetOf).Distinct().ToList();
        if (sets.Count == 0) sets.Add("");
        foreach (var set in sets)
        {
            var metrics = methods.SelectMany(m => m.Metrics.Keys).Where(k => MetricKeys.SetOf(k) == set).Select(MetricKeys.BaseName)
                .Where(k => !MetricKeys.IsDerived(k)).Distinct().ToList();
            var rows = methods.Select(m => (m.Name, Values: (IReadOnlyDictionary<string, double>)metrics
                    .Where(k => m.Metrics.ContainsKey(MetricKeys.OnSet(k, set))).ToDictionary(k => k, k => m.Metrics[MetricKeys.OnSet(k, set)]),
                    Time: set == "" ? m.Time is { } t ? (t.Median, t.P90) : ((double, double)?)null
                        : m.Metrics.TryGetValue(MetricKeys.OnSet(MetricKeys.MedianTime, set), out var med)
                            ? (med, m.Metrics.TryGetValue(MetricKeys.OnSet(MetricKeys.P90Time, set), out var p90) ? p90 : double.NaN) : null))
                .ToList();
            if (set == "" && paper.Keys.Any(metrics.Contains))
                rows.Add(("paper", paper.Where(kv => metrics.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value), null));

            string? first = metrics.FirstOrDefault();
            var model = report.Model is not null ? rows[0] : default;
            bool compare = report.Model is not null && first is not null && rows.Count > 1;
            var header = new List<string> { "method" };
            header.AddRange(metrics);
            if (compare) header.Add($"model/method {first}");
            header.Add("median time/instance");
            header.Add("p90 time/instance");
            if (compare) header.Add("method/model time");

            var cells = new List<List<string>>();
            foreach (var (name, values, time) in rows)
            {
                var row = new List<string> { name };
                foreach (var metric in metrics) row.Add(values.TryGetValue(metric, out var v) ? Number(v) : "");
                if (compare) row.Add(values.TryGetValue(first!, out var v) && model.Values.TryGetValue(first!, out var mv) ? Number(mv / v) : "");
                row.Add(time is { } a ? Seconds(a.Item1) : "");
                row.Add(time is { } b && !double.IsNaN(b.Item2) ? Seconds(b.Item2) : "");
                if (compare) row.Add(time is { } c && model.Time is { } mt && mt.Item1 > 0 ? Number(c.Item1 / mt.Item1) : "");
                cells.Add(row);
            }
            var widths = header.Select((h, i) => Math.Max(h.Length, cells.Count == 0 ? 0 : cells.Max(r => r[i].Length))).ToArray();
            text.Append('\n').Append(set == "" ? "test set" : $"test set {set}").Append('\n');
            AppendRow(text, header, widths);
            AppendRow(text, widths.Select(w => new string('-', w)).ToList(), widths);
            foreach (var row in cells) AppendRow(text, row, widths);
            if (cells.Count == 0) text.Append("(no results)\n");
            if (report.Model is not null && report.Model.Metrics.TryGetValue(MetricKeys.OnSet(MetricKeys.InputPreparation, set), out var prep))
                text.Append(CultureInfo.InvariantCulture, $"model input preparation (graph building, not in the model's time): {Seconds(prep)} per instance\n");
            if (report.Model is not null && first is not null)
            {
                var shortfalls = rows.Skip(1).Where(r => r.Name != "paper")
                    .Select(r => (r.Name, P99: report.Model.Metrics.GetValueOrDefault(MetricKeys.OnSet(MetricKeys.ShortfallP99(r.Name), set), double.NaN),
                        Max: report.Model.Metrics.GetValueOrDefault(MetricKeys.OnSet(MetricKeys.ShortfallMax(r.Name), set), double.NaN)))
                    .Where(r => !double.IsNaN(r.P99)).ToList();
                if (shortfalls.Count > 0)
                    text.Append(CultureInfo.InvariantCulture, $"model's per-instance shortfall in {first} (99th percentile / max; positive: behind): ")
                        .Append(string.Join(", ", shortfalls.Select(r => $"{r.Name} {Number(r.P99)} / {Number(r.Max)}"))).Append('\n');
            }
        }
        text.Append('\n');
        foreach (var (name, value) in paper.Where(kv => !methods.Any(m => m.Metrics.ContainsKey(kv.Key))))
            text.Append(CultureInfo.InvariantCulture, $"paper {name}: {Number(value)}\n");
        if (report.Training is { } tr)
            text.Append(CultureInfo.InvariantCulture,
                $"training: {tr.Steps} steps in {Number(tr.WallSeconds)} s, peak {Number(tr.PeakNativeMb)} MB resident, final loss {(tr.FinalLoss is { } l ? Number(l) : "n/a")}\n");
        return text.ToString();
    }

    private static void AppendRow(StringBuilder text, IReadOnlyList<string> cells, int[] widths)
    {
        for (int i = 0; i < cells.Count; i++)
        {
            if (i > 0) text.Append("  ");
            text.Append(i == 0 ? cells[i].PadRight(widths[i]) : cells[i].PadLeft(widths[i]));
        }
        text.Append('\n');
    }

    /// <summary>Four significant digits, plain notation between 1e-3 and 1e6, scientific outside.</summary>
    internal static string Number(double v)
    {
        if (double.IsNaN(v)) return "n/a";
        if (double.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
        if (v == 0) return "0";
        double magnitude = Math.Abs(v);
        if (magnitude < 1e-3 || magnitude >= 1e6) return v.ToString("0.###e+0", CultureInfo.InvariantCulture);
        int decimals = Math.Max(0, 3 - (int)Math.Floor(Math.Log10(magnitude)));
        return v.ToString("F" + decimals, CultureInfo.InvariantCulture);
    }

    /// <summary>Seconds with a unit (s, ms, us, ns) and three significant digits.</summary>
    internal static string Seconds(double s)
    {
        if (double.IsNaN(s) || double.IsInfinity(s)) return "n/a";
        var (scale, unit) = Math.Abs(s) switch
        {
            0 => (1.0, "s"),
            >= 1 => (1.0, "s"),
            >= 1e-3 => (1e3, "ms"),
            >= 1e-6 => (1e6, "us"),
            _ => (1e9, "ns"),
        };
        double v = s * scale;
        int decimals = v == 0 ? 0 : Math.Max(0, 2 - (int)Math.Floor(Math.Log10(Math.Abs(v))));
        return v.ToString("F" + decimals, CultureInfo.InvariantCulture) + " " + unit;
    }

    private static void WriteMethod(Utf8JsonWriter json, MethodResult result)
    {
        json.WriteStartObject();
        json.WritePropertyName("metrics");
        WriteNumbers(json, result.Metrics);
        json.WriteStartObject("time_per_instance_s");
        WriteNumber(json, "median", result.TimePerInstance.Median);
        WriteNumber(json, "p90", result.TimePerInstance.P90);
        json.WriteNumber("batch_size", result.TimePerInstance.BatchSize);
        json.WriteNumber("instances", result.TimePerInstance.Instances);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteNumbers(Utf8JsonWriter json, IReadOnlyDictionary<string, double> values)
    {
        json.WriteStartObject();
        foreach (var (name, value) in values) WriteNumber(json, name, value);
        json.WriteEndObject();
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value)) json.WriteNumber(name, value);
        else json.WriteNull(name);
    }

    private static MethodResult ReadMethod(JsonElement element, string where, string path)
    {
        if (element.ValueKind != JsonValueKind.Object) throw Bad(path, where, "an object");
        var metrics = ReadNumbers(Required(element, "metrics", JsonValueKind.Object, path, where + "."), where + ".metrics", path);
        var time = Required(element, "time_per_instance_s", JsonValueKind.Object, path, where + ".");
        string prefix = where + ".time_per_instance_s.";
        return new MethodResult(metrics, new TimingSummary(
            ReadNumber(time, "median", prefix, path), ReadNumber(time, "p90", prefix, path),
            Required(time, "batch_size", JsonValueKind.Number, path, prefix).GetInt32(),
            Required(time, "instances", JsonValueKind.Number, path, prefix).GetInt32()));
    }

    private static Dictionary<string, double> ReadNumbers(JsonElement element, string where, string path)
    {
        var values = new Dictionary<string, double>();
        foreach (var p in element.EnumerateObject())
            values[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.Number => p.Value.GetDouble(),
                JsonValueKind.Null => double.NaN,
                _ => throw Bad(path, $"{where}.{p.Name}", "a number or null"),
            };
        return values;
    }

    private static double ReadNumber(JsonElement element, string name, string prefix, string path)
    {
        if (!element.TryGetProperty(name, out var value)) throw new InvalidDataException($"'{path}': '{prefix}{name}' is missing.");
        return value.ValueKind switch
        {
            JsonValueKind.Number => value.GetDouble(),
            JsonValueKind.Null => double.NaN,
            _ => throw Bad(path, prefix + name, "a number or null"),
        };
    }

    private static JsonElement Required(JsonElement element, string name, JsonValueKind kind, string path, string prefix = "")
    {
        if (!element.TryGetProperty(name, out var value)) throw new InvalidDataException($"'{path}': '{prefix}{name}' is missing.");
        if (value.ValueKind != kind) throw Bad(path, prefix + name, kind == JsonValueKind.Number ? "a number" : $"a{(kind == JsonValueKind.Object ? "n" : "")} {kind.ToString().ToLowerInvariant()}");
        return value;
    }

    private static InvalidDataException Bad(string path, string key, string expected) =>
        new($"'{path}': '{(key.Length == 0 ? "(root)" : key)}' must be {expected}.");
}
